package org.scstj.engine.lun;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.actors.ActorCounters;
import org.scstj.engine.actors.ActorStats;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.lun.TaskOrderingTest.cdb16;
import static org.scstj.engine.lun.TaskOrderingTest.filled;

/**
 * The LUN actor as the admin view sees it: its mailbox grows while its device holds its thread,
 * and it describes its task set (what is in the device, what is held behind it) from its own state.
 */
class LunActorDescribeTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus NEXUS = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.2026-11.org.scstj:t",
            "iqn.2026-11.org.scstj:t,t,0x1", 1, 1);
    private static final MailboxSelector COUNTING = MailboxSelector.fromConfig("scstj.mailboxes.engine");

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private long tags;

    @Test
    void aDeviceHoldingTheActorsThread_makesItsMailboxGrow() throws Exception {
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SlowDevice ram = new SlowDevice(new RamBlockDevice(512, 256), inRead, release);
        ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(ram, CommandSets.DISK, 64), "lun-slow", COUNTING);
        TaskOrderingTest.DataTask tur = send(lun, ram, new byte[6], null, TaskAttribute.SIMPLE);
        assertEquals(ScsiResponse.CHECK_CONDITION, tur.await().status()); // 29/00 for a new nexus
        TaskOrderingTest.DataTask first = send(lun, ram, cdb16(0x88, 0, 1), null, TaskAttribute.SIMPLE);
        assertTrue(inRead.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 20; i++) {
            send(lun, ram, cdb16(0x88, i, 1), null, TaskAttribute.SIMPLE);
        }
        ActorCounters.Snapshot stuck = counters("lun-slow");
        assertEquals("lun", stuck.kind());
        assertEquals(20, stuck.mailboxDepth(), "the 20 READs wait in the mailbox behind the one in the device");
        assertEquals(ActorStats.of(testKit.system()).byKind().get("lun").maxMailboxDepth(), 20);
        release.countDown();
        assertEquals(ScsiResponse.GOOD, first.await().status());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (counters("lun-slow").mailboxDepth() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, counters("lun-slow").mailboxDepth());
        assertTrue(counters("lun-slow").processed() >= 22, "TUR, the READs and their completions were handled");
    }

    @Test
    void describe_listsTheTasksInTheDevice_andThoseHeldBehindThem() throws Exception {
        RamBlockDevice ram = new RamBlockDevice(512, 256);
        TaskOrderingTest.GatedDevice device = new TaskOrderingTest.GatedDevice(ram);
        ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 64), "lun-held", COUNTING);
        TaskOrderingTest.DataTask tur = send(lun, device, new byte[6], null, TaskAttribute.SIMPLE);
        assertEquals(ScsiResponse.CHECK_CONDITION, tur.await().status());
        TaskOrderingTest.DataTask write = send(lun, device, cdb16(0x8A, 10, 1), filled(1, 'A'), TaskAttribute.SIMPLE);
        device.awaitPending(1);
        send(lun, device, cdb16(0x88, 10, 1), null, TaskAttribute.ORDERED); // waits for the WRITE (SAM-5 8.6.3)
        TestProbe<ActorSummary> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Describe(probe.getRef()));
        ActorSummary s = probe.receiveMessage();
        assertEquals("running", s.state());
        assertEquals(1, s.details().get("tasks-active"));
        assertEquals(1, s.details().get("tasks-held"));
        assertEquals(List.of("tag 0x3 op 0x88 ORDERED from iqn.a,i,0x1"), s.details().get("held"));
        assertEquals("none", s.details().get("reservation"));
        assertEquals("active/optimized", s.details().get("alua-state"));
        assertEquals(Map.of("iqn.a,i,0x1", Map.of("tasks", 2, "unit-attentions", 0)), s.details().get("nexuses"));
        device.releaseUntilDone(write.response);
        assertEquals(ScsiResponse.GOOD, write.await().status());
    }

    /** A device whose READ holds the calling thread (the LUN actor's) until released: a page-cache miss inline. */
    private record SlowDevice(RamBlockDevice ram, CountDownLatch inRead, CountDownLatch release)
            implements org.scstj.engine.spi.BlockDevice {
        @Override public String name() { return ram.name(); }
        @Override public String handlerType() { return ram.handlerType(); }
        @Override public int blockSize() { return ram.blockSize(); }
        @Override public long blockCount() { return ram.blockCount(); }
        @Override public Capabilities capabilities() { return ram.capabilities(); }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            inRead.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ram.read(offset, dst, done);
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            ram.write(offset, src, fua, done);
        }

        @Override
        public void flush(Completion done) {
            ram.flush(done);
        }

        @Override
        public void close() {
        }
    }

    private ActorCounters.Snapshot counters(String id) {
        return ActorStats.of(testKit.system()).snapshot().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private TaskOrderingTest.DataTask send(ActorRef<LunActor.Command> lun, org.scstj.engine.spi.BlockDevice device,
                                           byte[] cdb, byte[] dataOut, TaskAttribute attribute) {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, dataOut);
        t.attribute = attribute;
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), LuContexts.of(0, device, false, NEXUS, false))));
        return t;
    }
}
