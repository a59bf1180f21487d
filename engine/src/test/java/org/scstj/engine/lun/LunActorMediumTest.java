package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.lu.MediumState;
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
    private final ActorRef<LunActor.Command> lun =
            testKit.spawn(LunActor.create(new NoDevice(true), new FakeCommandSet(), 8, Integer.MAX_VALUE, medium, null,
                    new org.scstj.engine.pr.Reservations()));

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
        lun.tell(new LunActor.Execute(new Task(t, new FakeCommandSet().parse(t.cdb),
                new org.scstj.engine.exec.LuContext(0, device, false, nexus, new org.scstj.engine.lu.ModeParameters(false),
                        medium))));
        return t.await();
    }

    @Test
    void aLoad_isMediumMayHaveChangedForEveryOtherNexus_notForTheOneThatLoaded() throws Exception {
        testUnitReady(A); // power on unit attentions out of the way
        testUnitReady(B);
        medium.eject(A);
        medium.load(A);
        assertEquals(org.scstj.engine.sense.SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED,
                FakeCommandSet.reasonOf(testUnitReady(B)));
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, testUnitReady(A).status());
        assertEquals(org.scstj.engine.spi.ScsiResponse.GOOD, testUnitReady(B).status());
    }
}
