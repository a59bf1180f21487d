package org.scstj.engine.model;

import java.nio.file.Path;
import java.util.List;

/** Everything the engine runs: devices and targets, plus where state lives, and their ALUA (SPC-5 5.16). */
public record EngineSpec(Path stateDir, List<DeviceSpec> devices, List<TargetSpec> targets, AluaSpec alua) {
    /** Without ALUA configuration: every target port group active/optimized. */
    public EngineSpec(Path stateDir, List<DeviceSpec> devices, List<TargetSpec> targets) {
        this(stateDir, devices, targets, AluaSpec.DEFAULT);
    }
}
