package org.scstj.engine.model;

import java.nio.file.Path;
import java.util.List;

/** Everything the engine runs: devices and targets, plus where state lives. */
public record EngineSpec(Path stateDir, List<DeviceSpec> devices, List<TargetSpec> targets) {
}
