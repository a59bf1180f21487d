package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.model.AluaSpec;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The configured ALUA (scstj.alua) an LU starts in, as ScsiEngine installs it before any command. */
class AluaConfiguredTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x2", 2, 2);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final UnitState state = new UnitState(new MediumState(false), new ModeParameters(true), LuStates.unlimited(),
            new org.scstj.engine.pr.Reservations());
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private TaskOrderingTest.DataTask run(Nexus nexus, byte[] cdb) throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, null);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), LuContexts.of(0, device, false, nexus, state))));
        t.await();
        return t;
    }

    @Test
    void configuredStates_holdFromTheFirstCommand_withoutATransitionOrUnitAttention() throws Exception {
        AluaSpec spec = new AluaSpec(30, Duration.ofSeconds(5), List.of(new AluaSpec.DeviceGroupSpec("db",
                Set.of("disk0"), Map.of(2, AccessState.STANDBY), Set.of(1))));
        AluaState initial = spec.initialFor("disk0");
        assertEquals(List.of(1, 2), initial.groups().stream().map(g -> g.id()).toList(), "PREF names group 1");
        assertEquals(AccessState.ACTIVE_OPTIMIZED, spec.initialFor("other").stateOf(2), "not in the group");

        TestProbe<AluaState> probe = testKit.createTestProbe();
        lun.tell(new LunActor.InstallAlua(initial, null, probe.getRef()));
        assertEquals(AccessState.STANDBY, probe.receiveMessage().stateOf(2));

        assertEquals("06/29/00", TaskOrderingTest.senseOf(run(B, new byte[6]).await()), "power on, nothing else");
        assertEquals("02/04/0B", TaskOrderingTest.senseOf(run(B, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}).await()),
                "standby at once: no transition at start");
        assertEquals("06/29/00", TaskOrderingTest.senseOf(run(A, new byte[6]).await()));
        byte[] rtpg = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        assertArrayEquals(new byte[] {0, 0, 0, 28, 0x10, 30, 0, 0,
                (byte) 0x80, (byte) 0x8F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                0x02, (byte) 0x8F, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}, run(A, rtpg).dataIn,
                "ports learnt from the nexuses; IMPLICIT TRANSITION TIME 30 s");
        assertEquals(ScsiResponse.GOOD, run(A, new byte[6]).await().status());
    }
}
