package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

class LunActorTest {
    private static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final FakeCommandSet commands = new FakeCommandSet();
    private final BlockDevice device = new NoDevice();
    private long tags;

    private static Nexus nexus(String initiator) {
        return new Nexus(initiator, initiator + ",i,0x000000000001", "iqn.2026-11.org.scstj:t",
                "iqn.2026-11.org.scstj:t,t,0x0001", 1, 1);
    }

    private ActorRef<LunActor.Command> lun(int depth) {
        return testKit.spawn(LunActors.create(device, commands.set, depth));
    }

    private FakeTransportTask send(ActorRef<LunActor.Command> lun, Nexus nexus, int opcode, boolean writeProtected) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        if (opcode == 0x03 || opcode == 0x12) {
            cdb[4] = (byte) 252; // allocation length
        }
        FakeTransportTask t = new FakeTransportTask(++tags, cdb);
        lun.tell(new LunActor.Execute(new Task(t, commands.set.parse(t.cdb), LuContexts.of(0, device, writeProtected, nexus, false))));
        return t;
    }

    private static ScsiResponse await(FakeTransportTask t) throws Exception {
        return t.response.get(5, TimeUnit.SECONDS);
    }

    /** Clears the power-on unit attention a new nexus gets. */
    private void clearPowerOn(ActorRef<LunActor.Command> lun, Nexus n) throws Exception {
        ScsiResponse first = await(send(lun, n, 0x00, false));
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(first));
    }

    @Test
    void newNexus_getsPowerOnUnitAttentionOnceThenGood() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        ScsiResponse first = await(send(lun, a, 0x00, false));
        assertEquals(ScsiResponse.CHECK_CONDITION, first.status());
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(first));
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x00, false)).status());
    }

    @Test
    void inquiry_neitherReportsNorClearsAUnitAttention() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x12, false)).status());
        assertEquals(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, FakeCommandSet.reasonOf(await(send(lun, a, 0x00, false))));
    }

    @Test
    void requestSense_returnsThePendingUnitAttentionWithGoodAndClearsIt() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        ScsiResponse rs = await(send(lun, a, 0x03, false));
        assertEquals(ScsiResponse.GOOD, rs.status());
        assertNull(rs.sense());
        // SPC-5 6.39: the unit attention comes back as parameter data, fixed format: key, ASC, ASCQ
        java.nio.ByteBuffer data = rs.dataIn().nio();
        assertEquals(0x06, data.get(2) & 0x0F);
        assertEquals(0x29, data.get(12) & 0xFF);
        assertEquals(0x00, data.get(13) & 0xFF);
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x00, false)).status());
    }

    @Test
    void writeOnWriteProtectedLun_failsWithDataProtectAfterTheUnitAttention() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        ScsiResponse r = await(send(lun, a, 0x2A, true));
        assertEquals(SenseReason.WRITE_PROTECTED, FakeCommandSet.reasonOf(r));
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x2A, false)).status());
    }

    @Test
    void nexusPastItsQueueDepth_getsTaskSetFull() throws Exception {
        ActorRef<LunActor.Command> lun = lun(2);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        send(lun, a, 0x35, false);
        send(lun, a, 0x35, false);
        assertEquals(ScsiResponse.TASK_SET_FULL, await(send(lun, a, 0x00, false)).status());
        // another nexus is not limited by a's depth
        Nexus b = nexus("iqn.b");
        clearPowerOn(lun, b);
        for (int i = 0; i < 2; i++) {
            commands.held.take().complete(ScsiResponse.good(null, 0));
        }
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x00, false)).status());
    }

    @Test
    void abortTask_answersOnlyAfterTheDeviceCompletes_andSendsNothingForTheTask() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        FakeTransportTask held = send(lun, a, 0x35, false);
        ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
        assertNotNull(ctx);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, held.tag, probe.getRef()));
        probe.expectNoMessage(Duration.ofMillis(200));
        ctx.complete(ScsiResponse.good(null, 0));
        assertEquals(1, probe.receiveMessage().tasksAborted());
        assertEquals(1, held.aborts.get());
        assertEquals(0, held.completions.get());
    }

    @Test
    void lunResetAfterAbortTask_stillWaitsForTheTaskTheFirstAbortMarked() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        FakeTransportTask held = send(lun, a, 0x35, false);
        ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
        TestProbe<LunActor.Aborted> abortTask = testKit.createTestProbe();
        TestProbe<LunActor.Aborted> reset = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, held.tag, abortTask.getRef()));
        lun.tell(new LunActor.Abort(LunActor.Scope.RESET, a, 0, reset.getRef()));
        // the task is still in the device: neither function may answer yet
        reset.expectNoMessage(Duration.ofMillis(200));
        abortTask.expectNoMessage(Duration.ZERO);
        ctx.complete(ScsiResponse.good(null, 0));
        abortTask.receiveMessage();
        reset.receiveMessage();
        assertEquals(1, held.aborts.get(), "the transport is told once");
    }

    @Test
    void oneInitiatorPortOnTwoTargets_isTwoNexusesWithTheirOwnUnitAttentionsAndTasks() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        // open-iscsi uses one ISID for every target: same initiator port, different target ports
        Nexus viaA = new Nexus("iqn.h", "iqn.h,i,0x00023d000001", "iqn.t:a", "iqn.t:a,t,0x0001", 1, 1);
        Nexus viaB = new Nexus("iqn.h", "iqn.h,i,0x00023d000001", "iqn.t:b", "iqn.t:b,t,0x0001", 2, 1);
        clearPowerOn(lun, viaB);
        clearPowerOn(lun, viaA); // A gets its own 29/00, not consumed by B
        FakeTransportTask onB = send(lun, viaB, 0x35, false);
        ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.NEXUS_LOSS, viaA, 0, probe.getRef()));
        assertEquals(0, probe.receiveMessage().tasksAborted(), "A's logout must not touch B's task");
        assertEquals(0, onB.aborts.get());
        ctx.complete(ScsiResponse.good(null, 0));
        assertEquals(ScsiResponse.GOOD, await(onB).status());
        assertEquals(ScsiResponse.GOOD, await(send(lun, viaB, 0x00, false)).status(), "B's nexus was not lost");
    }

    @Test
    void abortTaskForAnUnknownTag_answersAtOnceWithNothingAborted() {
        ActorRef<LunActor.Command> lun = lun(8);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, nexus("iqn.a"), 4242, probe.getRef()));
        assertEquals(0, probe.receiveMessage().tasksAborted());
    }

    @Test
    void completionRacingAbort_endsTheTaskExactlyOnce() throws Exception {
        ActorRef<LunActor.Command> lun = lun(64);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        for (int i = 0; i < 50; i++) {
            FakeTransportTask t = send(lun, a, 0x35, false);
            ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
            assertNotNull(ctx);
            Thread racer = Thread.ofPlatform().start(() -> ctx.complete(ScsiResponse.good(null, 0)));
            lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, t.tag, probe.getRef()));
            racer.join();
            probe.receiveMessage(Duration.ofSeconds(5));
            // the abort may come before or after the completion: either way one ending, no hang
            assertEquals(1, t.endings(), "task " + t.tag);
        }
    }

    @Test
    void manyCompletionsRacingManyAborts_endEveryTaskExactlyOnce_andLeaveTheTaskSetEmpty() throws Exception {
        ActorRef<LunActor.Command> lun = lun(1024);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        int n = 400;
        for (int round = 0; round < 3; round++) {
            List<FakeTransportTask> tasks = new ArrayList<>(n);
            List<ExecContext> inDevice = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(send(lun, a, 0x35, false));
                ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
                assertNotNull(ctx);
                inDevice.add(ctx);
            }
            // two threads complete every other task each, while this thread aborts each task by its
            // tag, and half-way (from round 1 on) a task-set-wide abort races them all
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Thread> completers = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int first = k;
                completers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = first; i < n; i += 2) {
                        inDevice.get(i).complete(ScsiResponse.good(null, 0));
                    }
                }));
            }
            TestProbe<LunActor.Aborted> byTag = testKit.createTestProbe();
            TestProbe<LunActor.Aborted> wide = testKit.createTestProbe();
            go.countDown();
            for (int i = 0; i < n; i++) {
                lun.tell(new LunActor.Abort(LunActor.Scope.TASK, a, tasks.get(i).tag, byTag.getRef()));
                if (i == n / 2 && round > 0) {
                    lun.tell(new LunActor.Abort(round == 1 ? LunActor.Scope.NEXUS_TASKS : LunActor.Scope.RESET,
                            a, 0, wide.getRef()));
                }
            }
            for (Thread t : completers) {
                t.join();
            }
            int abortedByTag = 0;
            for (int i = 0; i < n; i++) {
                abortedByTag += byTag.receiveMessage(Duration.ofSeconds(5)).tasksAborted();
            }
            if (round > 0) {
                wide.receiveMessage(Duration.ofSeconds(5));
            }
            int aborted = 0;
            for (FakeTransportTask t : tasks) {
                assertEquals(1, t.endings(), "task " + t.tag + " in round " + round);
                aborted += t.aborts.get();
            }
            if (round == 0) {
                assertEquals(aborted, abortedByTag, "each abort counted the tasks it ended");
            }
            if (round == 2) {
                assertEquals(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED, FakeCommandSet.reasonOf(await(send(lun, a, 0x00, false))));
            }
            TestProbe<LunActor.Queried> query = testKit.createTestProbe();
            lun.tell(new LunActor.Query(LunActor.QueryKind.TASK_SET, a, 0, query.getRef()));
            assertFalse(query.receiveMessage().found(), "every task left the task set");
        }
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x00, false)).status());
    }

    @Test
    void lunReset_abortsEveryTaskAndRaisesUnitAttentionForEveryNexus_theRequestersToo() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        Nexus b = nexus("iqn.b");
        clearPowerOn(lun, a);
        clearPowerOn(lun, b);
        FakeTransportTask ta = send(lun, a, 0x35, false);
        FakeTransportTask tb = send(lun, b, 0x35, false);
        ExecContext c1 = commands.held.poll(5, TimeUnit.SECONDS);
        ExecContext c2 = commands.held.poll(5, TimeUnit.SECONDS);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.RESET, a, 0, probe.getRef()));
        probe.expectNoMessage(Duration.ofMillis(100));
        c1.complete(ScsiResponse.good(null, 0));
        c2.complete(ScsiResponse.good(null, 0));
        assertEquals(2, probe.receiveMessage().tasksAborted());
        assertEquals(1, ta.aborts.get());
        assertEquals(1, tb.aborts.get());
        assertEquals(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED, FakeCommandSet.reasonOf(await(send(lun, a, 0x00, false))));
        assertEquals(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED, FakeCommandSet.reasonOf(await(send(lun, b, 0x00, false))));
        assertEquals(ScsiResponse.GOOD, await(send(lun, a, 0x00, false)).status());
    }

    @Test
    void nexusLoss_abortsItsTasksAndTheReturningNexusLearnsOfIt() throws Exception {
        ActorRef<LunActor.Command> lun = lun(8);
        Nexus a = nexus("iqn.a");
        clearPowerOn(lun, a);
        FakeTransportTask t = send(lun, a, 0x35, false);
        ExecContext ctx = commands.held.poll(5, TimeUnit.SECONDS);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.NEXUS_LOSS, a, 0, probe.getRef()));
        ctx.complete(ScsiResponse.good(null, 0));
        assertEquals(1, probe.receiveMessage().tasksAborted());
        assertEquals(0, t.completions.get());
        assertEquals(SenseReason.I_T_NEXUS_LOSS_OCCURRED, FakeCommandSet.reasonOf(await(send(lun, a, 0x00, false))));
    }
}
