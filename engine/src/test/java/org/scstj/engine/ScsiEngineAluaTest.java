package org.scstj.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.model.AluaSpec;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine's ALUA configuration (SPC-5 5.16): a target port group of two portal groups reaches
 * the nexus (VPD 83h and the access-state check use it), each LU's groups and ports are there
 * before any login, and a new configuration changes the states of the device groups it changes.
 */
class ScsiEngineAluaTest {
    private static final String TARGET = "iqn.2026-12.org.scstj:alua";

    private final DeviceHandlerFactory ram = new DeviceHandlerFactory() {
        @Override public String type() { return "ram"; }
        @Override public List<String> validate(String deviceName, Config deviceConfig) { return List.of(); }
        @Override public BlockDevice open(String deviceName, Config deviceConfig, Context context) {
            return new RamBlockDevice(512, 64);
        }
    };

    private final TargetSpec target = new TargetSpec(TARGET, List.of(new LunMapping(0, "d0", false),
            new LunMapping(1, "d1", false)), List.of(), 1, Map.of(1, 1, 2, 2, 3, 3));

    private ScsiEngine start(Path dir, AluaSpec alua) throws Exception {
        return ScsiEngine.start(new EngineSpec(dir, List.of(new DeviceSpec("d0", "ram", ConfigFactory.empty()),
                new DeviceSpec("d1", "ram", ConfigFactory.empty())), List.of(target), alua), ConfigFactory.load(), List.of(ram));
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void targetGroupOfTwoPortalGroups_isTheNexussTargetPortGroup_andEveryPortIsListedBeforeAnyLogin(@TempDir Path dir)
            throws Exception {
        AluaSpec alua = new AluaSpec(10, Duration.ZERO, List.of(new AluaSpec.TargetGroupSpec("fast", 7, Set.of(1, 2))),
                List.of(new AluaSpec.DeviceGroupSpec("db", Set.of("d0"), Map.of(3, AccessState.STANDBY), Set.of())));
        ScsiEngine engine = start(dir, alua);
        try {
            AluaState d0 = get(engine.aluaStates()).get("d0");
            assertEquals(List.of(3, 7), d0.groups().stream().map(TargetPortGroup::id).toList());
            assertArrayEquals(new int[] {1, 2}, d0.group(7).relativeTargetPortIds());
            assertArrayEquals(new int[] {3}, d0.group(3).relativeTargetPortIds());
            assertEquals(AccessState.STANDBY, d0.stateOf(3));

            for (int tag : new int[] {1, 2, 3}) {
                Nexus offered = new Nexus("iqn.i", "iqn.i,i,0x" + tag, TARGET, TARGET + ",t,0x" + tag, tag, tag);
                SessionHandle s = get(engine.core().openSession(offered));
                assertEquals(tag, s.nexus().relativeTargetPortId());
                assertEquals(tag == 3 ? 3 : 7, s.nexus().targetPortGroup(), "tag " + tag);
                CompletableFuture<Void> closed = new CompletableFuture<>();
                s.close(() -> closed.complete(null));
                closed.get(10, TimeUnit.SECONDS);
            }
        } finally {
            get(engine.shutdown());
        }
    }

    @Test
    void reconfigureAlua_changesTheDeviceGroupsThatChanged_implicitly(@TempDir Path dir) throws Exception {
        AluaSpec before = new AluaSpec(10, Duration.ZERO, List.of(
                new AluaSpec.DeviceGroupSpec("db", Set.of("d0"), Map.of(), Set.of()),
                new AluaSpec.DeviceGroupSpec("logs", Set.of("d1"), Map.of(), Set.of())));
        ScsiEngine engine = start(dir, before);
        try {
            AluaSpec after = new AluaSpec(10, Duration.ZERO, List.of(
                    new AluaSpec.DeviceGroupSpec("db", Set.of("d0"), Map.of(2, AccessState.STANDBY), Set.of(1)),
                    new AluaSpec.DeviceGroupSpec("logs", Set.of("d1"), Map.of(), Set.of())));
            get(engine.reconfigureAlua(after));
            Map<String, AluaState> states = get(engine.aluaStates());
            TargetPortGroup g2 = states.get("d0").group(2);
            assertEquals(AccessState.STANDBY, g2.state());
            assertEquals(TargetPortGroup.ALTERED_IMPLICITLY, g2.statusCode());
            assertEquals(true, states.get("d0").group(1).preferred());
            assertEquals(TargetPortGroup.NO_STATUS, states.get("d1").group(2).statusCode(), "logs did not change");
            assertEquals(after, engine.aluaSpec());

            long version = states.get("d0").version();
            get(engine.applyConfiguredAlua(List.of("d0", "nosuch")));
            AluaState again = get(engine.aluaStates()).get("d0");
            assertEquals(version, again.version(), "already in the configured states: nothing sent");
            assertEquals(TargetPortGroup.ALTERED_IMPLICITLY, again.group(2).statusCode(), "its STATUS CODE stays");

            get(engine.reconfigure(List.of(target)));
            assertEquals(AccessState.STANDBY, get(engine.aluaStates()).get("d0").stateOf(2),
                    "a change of the targets keeps the states");
        } finally {
            get(engine.shutdown());
        }
    }

    @Test
    void aNewTargetGroup_movesThePortsOfItsPortalGroups_noPortIsInTwoGroups(@TempDir Path dir) throws Exception {
        ScsiEngine engine = start(dir, AluaSpec.DEFAULT);
        try {
            assertEquals(List.of(1, 2, 3), get(engine.aluaStates()).get("d0").groups().stream().map(TargetPortGroup::id).toList());
            get(engine.reconfigureAlua(new AluaSpec(10, Duration.ZERO,
                    List.of(new AluaSpec.TargetGroupSpec("fast", 7, Set.of(1, 2))), List.of())));
            AluaState d0 = get(engine.aluaStates()).get("d0");
            assertEquals(List.of(3, 7), d0.groups().stream().map(TargetPortGroup::id).toList(),
                    "SPC-5 5.16.2.1: a target port is in one target port group");
            assertArrayEquals(new int[] {1, 2}, d0.group(7).relativeTargetPortIds());
        } finally {
            get(engine.shutdown());
        }
    }
}
