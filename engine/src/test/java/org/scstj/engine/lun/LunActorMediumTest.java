package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;

/**
 * The LUN actor ends medium removal prevention as SBC-4 5.13 says: a nexus's own with its I_T
 * nexus loss or I_T NEXUS RESET, every nexus's with a logical unit or target reset.
 */
class LunActorMediumTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = nexus("iqn.a");
    private static final Nexus B = nexus("iqn.b");

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final MediumState medium = new MediumState(true);
    private final UnitState state = new UnitState(medium, new ModeParameters(false), LuStates.unlimited(),
            new Reservations());
    private final ActorRef<LunActor.Command> lun =
            testKit.spawn(LunActors.create(new NoDevice(true), new FakeCommandSet().set, 8, state));

    private static Nexus nexus(String initiator) {
        return new Nexus(initiator, initiator + ",i,0x000000000001", "iqn.2026-11.org.scstj:t",
                "iqn.2026-11.org.scstj:t,t,0x0001", 1, 1);
    }

    /** Sends an abort and waits for its answer, after which the actor has applied it. */
    private void abort(LunActor.Scope scope, Nexus nexus) {
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(scope, nexus, 0, probe.getRef()));
        probe.receiveMessage();
    }

    private void bothPrevent() {
        medium.prevent(A, true);
        medium.prevent(B, true);
    }

    @Test
    void nexusLoss_endsThatNexussPreventionOnly() {
        bothPrevent();
        abort(LunActor.Scope.NEXUS_LOSS, A);
        assertFalse(medium.prevents(A));
        assertTrue(medium.prevents(B));
    }

    @Test
    void itNexusReset_endsThatNexussPreventionOnly() {
        bothPrevent();
        abort(LunActor.Scope.NEXUS_RESET, B);
        assertTrue(medium.prevents(A));
        assertFalse(medium.prevents(B));
    }

    @Test
    void logicalUnitOrTargetReset_endsEveryPrevention() {
        bothPrevent();
        abort(LunActor.Scope.RESET, A);
        assertFalse(medium.removalPrevented());
    }

    @Test
    void abortTaskSetAndClearTaskSet_leavePreventionAlone() {
        bothPrevent();
        abort(LunActor.Scope.NEXUS_TASKS, A);
        abort(LunActor.Scope.ALL_TASKS, A);
        abort(LunActor.Scope.TASK, A);
        assertTrue(medium.prevents(A));
        assertTrue(medium.prevents(B));
    }

    private final NoDevice device = new NoDevice(true);
    private long tags;

    private org.scstj.engine.spi.ScsiResponse testUnitReady(Nexus nexus) throws Exception {
        FakeTransportTask t = new FakeTransportTask(++tags, new byte[16]);
        lun.tell(new LunActor.Execute(new Task(t, new FakeCommandSet().set.parse(t.cdb),
                LuContexts.of(0, device, false, nexus, state))));
        return t.await();
    }

    @Test
    void aLoad_isMediumMayHaveChangedForEveryOtherNexus_notForTheOneThatLoaded() throws Exception {
        ActorRef<LunActor.Command> disk = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
        startStopUnit(disk, A, 0x00); // power on unit attentions out of the way
        startStopUnit(disk, B, 0x00);
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, startStopUnit(disk, A, 0x02).status(), "eject");
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, startStopUnit(disk, A, 0x03).status(), "load");
        assertEquals(org.scstj.engine.sense.SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED,
                FakeCommandSet.reasonOf(startStopUnit(disk, B, 0x00)));
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, startStopUnit(disk, A, 0x00).status());
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, startStopUnit(disk, B, 0x00).status());
    }

    /** SBC-4 5.25 START STOP UNIT with byte 4 as given (LOEJ 02h, START 01h; 00h: a stop that keeps the LU ready). */
    private org.scstj.engine.spi.ScsiResponse startStopUnit(ActorRef<LunActor.Command> disk, Nexus nexus, int byte4)
            throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = 0x1B;
        cdb[4] = (byte) byte4;
        FakeTransportTask t = new FakeTransportTask(++tags, cdb);
        disk.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), LuContexts.of(0, device, false, nexus,
                state))));
        return t.await();
    }
}
