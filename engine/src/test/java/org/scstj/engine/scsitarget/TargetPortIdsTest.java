package org.scstj.engine.scsitarget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.SessionHandle;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SPC-5 7.7.6.4: a target reached through several target port groups (iSCSI portal groups) is one
 * target port per group, each with its own relative target port identifier.
 */
class TargetPortIdsTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:ports";

    private final DeviceHandlerFactory ram = new DeviceHandlerFactory() {
        @Override public String type() { return "ram"; }
        @Override public List<String> validate(String deviceName, Config deviceConfig) { return List.of(); }
        @Override public BlockDevice open(String deviceName, Config deviceConfig, Context context) {
            return new RamBlockDevice(512, 64);
        }
    };

    @Test
    void sessionThroughEachPortalGroup_getsThatGroupsRelativeTargetPortId(@TempDir Path stateDir) throws Exception {
        TargetSpec target = new TargetSpec(TARGET, List.of(new LunMapping(0, "d0", false)), List.of(), 2, Map.of(1, 2, 2, 3));
        ScsiEngine engine = ScsiEngine.start(new EngineSpec(stateDir,
                List.of(new DeviceSpec("d0", "ram", ConfigFactory.empty())), List.of(target)), ConfigFactory.load(), List.of(ram));
        try {
            for (int tpg : new int[] {1, 2, 7}) {
                Nexus offered = new Nexus("iqn.i", "iqn.i,i,0x" + tpg, TARGET, TARGET + ",t,0x" + tpg, tpg, tpg);
                SessionHandle s = engine.core().openSession(offered).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(tpg == 1 ? 2 : tpg == 2 ? 3 : 2, s.nexus().relativeTargetPortId(), "group " + tpg);
                assertEquals(tpg, s.nexus().targetPortGroup());
                CompletableFuture<Void> closed = new CompletableFuture<>();
                s.close(() -> closed.complete(null));
                closed.get(10, TimeUnit.SECONDS);
            }
        } finally {
            engine.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
