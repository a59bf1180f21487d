package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * SAM-5 8.6 task attributes in the LUN's task set, the LU-wide bound (BUSY) and the QUERY task
 * management functions. SYNCHRONIZE CACHE (35h) stays in the device until the test completes it
 * ({@link FakeCommandSet#held}); TEST UNIT READY (00h) completes as soon as it enters the device.
 */
class TaskAttributesTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final int SYNC = 0x35;
    private static final int TUR = 0x00;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final FakeCommandSet commands = new FakeCommandSet();
    private final BlockDevice device = new NoDevice();
    private final Nexus a = nexus("iqn.a");
    private long tags;

    private static Nexus nexus(String initiator) {
        return new Nexus(initiator, initiator + ",i,0x000000000001", "iqn.2026-11.org.scstj:t",
                "iqn.2026-11.org.scstj:t,t,0x0001", 1, 1);
    }

    private ActorRef<LunActor.Command> lun(int lunDepth) throws Exception {
        ActorRef<LunActor.Command> lun = testKit.spawn(LunActor.create(device, commands.set, 64, lunDepth,
                LuContexts.state(device)));
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(send(lun, a, TUR).await()));
        return lun;
    }

    private FakeTransportTask send(ActorRef<LunActor.Command> lun, Nexus nexus, int opcode) {
        return send(lun, nexus, opcode, TaskAttribute.SIMPLE);
    }

    private FakeTransportTask send(ActorRef<LunActor.Command> lun, Nexus nexus, int opcode, TaskAttribute attribute) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        FakeTransportTask t = new FakeTransportTask(++tags, cdb);
        t.attribute = attribute;
        lun.tell(new LunActor.Execute(new Task(t, commands.set.parse(t.cdb), LuContexts.of(0, device, false, nexus, false))));
        return t;
    }

    /** The next task that entered the device (a SYNCHRONIZE CACHE). */
    private ExecContext inDevice() throws InterruptedException {
        ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
        assertNotNull(ctx, "a task should have entered the device");
        return ctx;
    }

    /** Asserts that no further task enters the device: a round trip through the actor's mailbox first. */
    private void noneEnters(ActorRef<LunActor.Command> lun) {
        query(lun, LunActor.QueryKind.TASK_SET, a, 0);
        assertNull(commands.held.poll(), "no task may enter the device now");
    }

    private LunActor.Queried query(ActorRef<LunActor.Command> lun, LunActor.QueryKind kind, Nexus nexus, long tag) {
        TestProbe<LunActor.Queried> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Query(kind, nexus, tag, probe.getRef()));
        return probe.receiveMessage();
    }

    private static void good(ExecContext ctx) {
        ctx.complete(ScsiResponse.good(null, 0));
    }

    @Test
    void ordered_waitsForEveryOlderTask_andEveryLaterTaskWaitsForIt() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        send(lun, a, SYNC);
        ExecContext older = inDevice();
        FakeTransportTask ordered = send(lun, a, SYNC, TaskAttribute.ORDERED);
        FakeTransportTask later = send(lun, a, TUR);
        noneEnters(lun);
        assertFalse(later.response.isDone(), "a SIMPLE task after an ORDERED one waits");
        good(older);
        ExecContext orderedCtx = inDevice();
        assertSame(ordered, orderedCtx.task());
        noneEnters(lun);
        assertFalse(later.response.isDone(), "still waiting: the ORDERED task is in the device");
        good(orderedCtx);
        assertEquals(ScsiResponse.GOOD, later.await().status());
        assertEquals(ScsiResponse.GOOD, ordered.await().status());
    }

    @Test
    void twoOrderedTasks_runOneAtATimeInArrivalOrder() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        FakeTransportTask first = send(lun, a, SYNC, TaskAttribute.ORDERED);
        FakeTransportTask second = send(lun, a, SYNC, TaskAttribute.ORDERED);
        ExecContext c1 = inDevice();
        assertSame(first, c1.task());
        noneEnters(lun);
        good(c1);
        ExecContext c2 = inDevice();
        assertSame(second, c2.task());
        good(c2);
        assertEquals(ScsiResponse.GOOD, second.await().status());
    }

    @Test
    void headOfQueue_startsAheadOfWaitingTasks_andTasksWaitingBehindItStartOnceItCompleted() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        send(lun, a, SYNC);
        ExecContext simple = inDevice();
        FakeTransportTask ordered = send(lun, a, SYNC, TaskAttribute.ORDERED);
        FakeTransportTask head = send(lun, a, SYNC, TaskAttribute.HEAD_OF_QUEUE);
        ExecContext headCtx = inDevice();
        assertSame(head, headCtx.task(), "SAM-5 8.6.4: not held back by the waiting ORDERED task");
        good(simple);
        noneEnters(lun); // the ORDERED task waits for the HEAD OF QUEUE task too
        good(headCtx);
        assertSame(ordered, inDevice().task());
    }

    @Test
    void simpleTask_waitsWhileAHeadOfQueueTaskIsInTheDevice() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        send(lun, a, SYNC, TaskAttribute.HEAD_OF_QUEUE);
        ExecContext head = inDevice();
        FakeTransportTask simple = send(lun, a, TUR);
        noneEnters(lun);
        assertFalse(simple.response.isDone());
        good(head);
        assertEquals(ScsiResponse.GOOD, simple.await().status());
    }

    @Test
    void acaTask_isRefusedWithInvalidMessageError_forThereIsNoAcaCondition() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        ScsiResponse r = send(lun, a, TUR, TaskAttribute.ACA).await();
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
        assertEquals(SenseReason.INVALID_MESSAGE_ERROR, FakeCommandSet.reasonOf(r));
        assertEquals(ScsiResponse.GOOD, send(lun, a, TUR).await().status(), "nothing left behind");
    }

    @Test
    void abortingAWaitingOrderedTask_letsTheTasksBehindItGo() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        send(lun, a, SYNC);
        ExecContext older = inDevice();
        FakeTransportTask ordered = send(lun, a, SYNC, TaskAttribute.ORDERED);
        FakeTransportTask later = send(lun, a, TUR);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, ordered.tag, probe.getRef()));
        assertEquals(1, probe.receiveMessage().tasksAborted(), "never in the device: answered at once");
        assertEquals(ScsiResponse.GOOD, later.await().status());
        assertEquals(1, ordered.endings());
        good(older);
    }

    @Test
    void lunHoldingItsBound_answersBusyToEveryNexus_thenTakesTasksAgain() throws Exception {
        ActorRef<LunActor.Command> lun = lun(2);
        Nexus b = nexus("iqn.b");
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(send(lun, b, TUR).await()));
        send(lun, a, SYNC);
        send(lun, a, SYNC, TaskAttribute.ORDERED); // waiting tasks count too
        ExecContext first = inDevice();
        // SAM-5 5.3: the LU as a whole cannot take more; b has no task in the set, so not TASK SET FULL
        assertEquals(ScsiResponse.BUSY, send(lun, b, TUR).await().status());
        assertEquals(ScsiResponse.BUSY, send(lun, a, TUR).await().status());
        good(first);
        good(inDevice());
        assertEquals(ScsiResponse.GOOD, send(lun, b, TUR).await().status());
    }

    @Test
    void queryTask_findsTasksInTheDeviceAndWaiting_onlyForTheirOwnNexus() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        FakeTransportTask running = send(lun, a, SYNC);
        ExecContext ctx = inDevice();
        FakeTransportTask waiting = send(lun, a, SYNC, TaskAttribute.ORDERED);
        Nexus b = nexus("iqn.b");
        assertEquals(new LunActor.Queried(true, null), query(lun, LunActor.QueryKind.TASK, a, running.tag));
        assertEquals(new LunActor.Queried(true, null), query(lun, LunActor.QueryKind.TASK, a, waiting.tag));
        assertFalse(query(lun, LunActor.QueryKind.TASK, b, running.tag).found(), "SAM-5 7.8: the tag of another nexus");
        assertFalse(query(lun, LunActor.QueryKind.TASK, a, 4242).found());
        assertEquals(new LunActor.Queried(true, null), query(lun, LunActor.QueryKind.TASK_SET, a, 0));
        assertFalse(query(lun, LunActor.QueryKind.TASK_SET, b, 0).found(), "SAM-5 7.9: b has no task");
        good(ctx);
        good(inDevice());
        assertEquals(ScsiResponse.GOOD, waiting.await().status());
        assertFalse(query(lun, LunActor.QueryKind.TASK, a, running.tag).found(), "completed tasks left the set");
        assertFalse(query(lun, LunActor.QueryKind.TASK_SET, a, 0).found());
    }

    @Test
    void queryAsynchronousEvent_reportsAPendingUnitAttentionWithoutClearingIt() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        assertEquals(new LunActor.Queried(false, null), query(lun, LunActor.QueryKind.ASYNCHRONOUS_EVENT, a, 0));
        Nexus b = nexus("iqn.b"); // never sent a command: its power-on condition is pending
        assertEquals(new LunActor.Queried(true, SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET),
                query(lun, LunActor.QueryKind.ASYNCHRONOUS_EVENT, b, 0));
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(send(lun, b, TUR).await()),
                "SAM-5 7.10: the query does not clear the condition");
        assertFalse(query(lun, LunActor.QueryKind.ASYNCHRONOUS_EVENT, b, 0).found());
    }

    @Test
    void queryTask_seesAnAbortedTaskUntilItLeftTheDevice() throws Exception {
        ActorRef<LunActor.Command> lun = lun(Integer.MAX_VALUE);
        FakeTransportTask t = send(lun, a, SYNC);
        ExecContext ctx = inDevice();
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, t.tag, probe.getRef()));
        probe.expectNoMessage(Duration.ofMillis(50));
        assertEquals(new LunActor.Queried(true, null), query(lun, LunActor.QueryKind.TASK, a, t.tag));
        good(ctx);
        probe.receiveMessage();
        assertFalse(query(lun, LunActor.QueryKind.TASK, a, t.tag).found());
    }
}
