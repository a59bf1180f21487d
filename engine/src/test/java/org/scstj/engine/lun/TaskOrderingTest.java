package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The LUN's task set orders tasks whose blocks overlap when one of them is exclusive (COMPARE AND
 * WRITE, ORWRITE, WRITE ATOMIC): the real command set on a RAM device whose I/O completions the
 * test releases by hand, so "in the device" is something the test controls.
 */
class TaskOrderingTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final int BS = 512;
    private static final Nexus NEXUS = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.2026-11.org.scstj:t",
            "iqn.2026-11.org.scstj:t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice ram = new RamBlockDevice(BS, 256);
    private final GatedDevice device = new GatedDevice(ram);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 64));
    private long tags;

    @Test
    void compareAndWrite_waitsForAnOverlappingWrite_andLaterOverlappingTasksWaitForIt() throws Exception {
        clearPowerOn();
        DataTask write = send(cdb16(0x8A, 10, 2), filled(2, 'A'));          // WRITE(16) LBA 10-11
        awaitInDevice(write, 1);
        DataTask caw = send(caw(11, 1), concat(filled(1, 'A'), filled(1, 'B')));
        DataTask read = send(cdb16(0x88, 11, 1), null);                      // READ(16) LBA 11
        DataTask disjoint = send(cdb16(0x8A, 100, 1), filled(1, 'D'));
        device.awaitPending(2);                                              // the disjoint WRITE only
        assertFalse(caw.response.isDone());
        assertFalse(read.response.isDone());

        device.releaseAll();                  // WRITE and the disjoint WRITE complete
        device.awaitPending(1);               // now the CAW reads; the READ still waits
        assertFalse(read.response.isDone(), "a READ of the CAW's block waits until the CAW completed");
        device.releaseUntilDone(caw.response); // CAW: read, compare, write
        assertEquals(ScsiResponse.GOOD, caw.await().status());
        device.releaseUntilDone(read.response);
        assertEquals(ScsiResponse.GOOD, read.await().status());
        assertArrayEquals(filled(1, 'B'), read.dataIn, "the READ sees the CAW's write, never a half");
        assertEquals(ScsiResponse.GOOD, write.await().status());
        assertEquals(ScsiResponse.GOOD, disjoint.await().status());
    }

    @Test
    void overlappingOrWrites_runOneAfterTheOther_soNoBitIsLost() throws Exception {
        clearPowerOn();
        DataTask first = send(cdb16(0x8B, 10, 2), filled(2, 0x0F));
        DataTask second = send(cdb16(0x8B, 11, 2), filled(2, 0xF0));
        DataTask disjoint = send(cdb16(0x8B, 20, 1), filled(1, 0x33));
        device.awaitPending(2); // the first and the disjoint one read; the second waits
        for (DataTask t : new DataTask[] {first, second, disjoint}) {
            device.releaseUntilDone(t.response);
            assertEquals(ScsiResponse.GOOD, t.await().status());
        }
        assertEquals(0x0F, ram.store()[10 * BS]);
        assertEquals((byte) 0xFF, ram.store()[11 * BS], "both ORs kept");
        assertEquals((byte) 0xF0, ram.store()[12 * BS]);
        assertEquals(0x33, ram.store()[20 * BS]);
    }

    @Test
    void aHeldTask_isAbortedAtOnce_andTheTasksBehindItGoOn() throws Exception {
        clearPowerOn();
        DataTask write = send(cdb16(0x8A, 10, 1), filled(1, 'A'));
        device.awaitPending(1);
        DataTask caw = send(caw(10, 1), concat(filled(1, 'A'), filled(1, 'B')));
        DataTask read = send(cdb16(0x88, 10, 1), null);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.TASK, NEXUS, caw.tag, probe.getRef()));
        assertEquals(1, probe.receiveMessage().tasksAborted(), "never in the device: answered at once");
        assertEquals(1, caw.aborts);
        assertFalse(caw.response.isDone(), "no status for an aborted task");
        device.releaseUntilDone(write.response);
        device.releaseUntilDone(read.response);
        assertEquals(ScsiResponse.GOOD, read.await().status());
        assertArrayEquals(filled(1, 'A'), read.dataIn, "the aborted CAW wrote nothing");
    }

    @Test
    void compareAndWrite_miscompare_reportsTheOffset_andWritesNothing() throws Exception {
        clearPowerOn();
        DataTask write = send(cdb16(0x8A, 5, 2), filled(2, 'A'));
        device.releaseUntilDone(write.response);
        byte[] verify = filled(2, 'A');
        verify[BS + 27] = 'C';
        DataTask caw = send(caw(5, 2), concat(verify, filled(2, 'B')));
        device.releaseUntilDone(caw.response);
        ScsiResponse r = caw.await();
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
        assertEquals("0E/1D/00", senseOf(r));
        assertEquals(BS + 27, information(r));
        assertArrayEquals(filled(2, 'A'), Arrays.copyOfRange(ram.store(), 5 * BS, 7 * BS));
    }

    @Test
    void formatUnit_waitsForTheTasksInTheDevice_andEveryLaterCommandIsNotReadyFormatInProgress() throws Exception {
        clearPowerOn();
        DataTask write = send(cdb16(0x8A, 10, 1), filled(1, 'A'));
        device.awaitPending(1);
        DataTask format = send(new byte[] {0x04, 0, 0, 0, 0, 0}, null);       // FORMAT UNIT, no parameter list
        DataTask tur = send(new byte[6], null);
        assertEquals(ScsiResponse.CHECK_CONDITION, tur.await().status(), "answered at once, not held");
        assertEquals("02/04/04", senseOf(tur.await()));
        DataTask read = send(cdb16(0x88, 10, 1), null);
        assertEquals("02/04/04", senseOf(read.await()));
        device.awaitPending(1);               // the format has not started: the WRITE is still in the device
        device.releaseUntilDone(format.response);
        assertEquals(ScsiResponse.GOOD, write.await().status());
        assertEquals(ScsiResponse.GOOD, format.await().status());
        DataTask after = send(cdb16(0x88, 10, 1), null);
        device.releaseUntilDone(after.response);
        assertEquals(ScsiResponse.GOOD, after.await().status());
        assertArrayEquals(new byte[BS], after.dataIn, "formatted: the WRITE before it landed first, then zeros");
    }

    @Test
    void headOfQueueRead_goesAheadOfAWaitingCompareAndWrite_butWaitsForOneInTheDevice() throws Exception {
        clearPowerOn();
        DataTask write = send(cdb16(0x8A, 10, 1), filled(1, 'A'));
        device.releaseUntilDone(write.response);
        DataTask read = send(cdb16(0x88, 10, 1), null);                       // in the device
        awaitInDevice(read, 1);
        DataTask caw = send(caw(10, 1), concat(filled(1, 'A'), filled(1, 'B'))); // waits for the READ
        DataTask head = send(cdb16(0x88, 10, 1), null, TaskAttribute.HEAD_OF_QUEUE);
        device.awaitPending(2);               // SAM-5 8.6.4: the HEAD OF QUEUE READ skips the waiting CAW
        device.releaseUntilDone(head.response);
        assertArrayEquals(filled(1, 'A'), head.dataIn, "read before the CAW");
        device.releaseUntilDone(caw.response);
        assertEquals(ScsiResponse.GOOD, caw.await().status());
        assertEquals(ScsiResponse.GOOD, read.await().status());

        DataTask caw2 = send(caw(10, 1), concat(filled(1, 'B'), filled(1, 'C')));
        device.awaitPending(1);               // the CAW's read is in the device
        DataTask head2 = send(cdb16(0x88, 10, 1), null, TaskAttribute.HEAD_OF_QUEUE);
        device.awaitPending(1);               // SBC-4 4.29: no attribute lets a READ inside a running CAW
        device.releaseUntilDone(caw2.response);
        assertEquals(ScsiResponse.GOOD, caw2.await().status());
        device.releaseUntilDone(head2.response);
        assertArrayEquals(filled(1, 'C'), head2.dataIn, "the CAW's write, never a half");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Waits until {@code t} is one of {@code n} I/Os in the device; says how it ended if it never got there. */
    private void awaitInDevice(DataTask t, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (device.pending.size() < n && !t.response.isDone() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        if (t.response.isDone()) {
            ScsiResponse r = t.await();
            throw new AssertionError("the task ended before reaching the device: status " + r.status()
                    + (r.sense() != null ? " sense " + senseOf(r) : ""));
        }
        device.awaitPending(n);
    }

    private void clearPowerOn() throws Exception {
        DataTask tur = send(new byte[6], null);
        assertEquals(ScsiResponse.CHECK_CONDITION, tur.await().status()); // 29/00 for a new nexus
    }

    private DataTask send(byte[] cdb, byte[] dataOut) {
        return send(cdb, dataOut, TaskAttribute.SIMPLE);
    }

    private DataTask send(byte[] cdb, byte[] dataOut, TaskAttribute attribute) {
        DataTask t = new DataTask(++tags, cdb, dataOut);
        t.attribute = attribute;
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb),
                LuContexts.of(0, device, false, NEXUS, false))));
        return t;
    }

    static byte[] cdb16(int opcode, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        ByteBuffer.wrap(c).putLong(2, lba).putInt(10, blocks);
        return c;
    }

    static byte[] caw(long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x89;
        ByteBuffer.wrap(c).putLong(2, lba);
        c[13] = (byte) blocks;
        return c;
    }

    static byte[] filled(int blocks, int value) {
        byte[] b = new byte[blocks * BS];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static String senseOf(ScsiResponse r) {
        byte[] s = r.sense();
        return String.format("%02X/%02X/%02X", s[2] & 0x0F, s[12] & 0xFF, s[13] & 0xFF);
    }

    static long information(ScsiResponse r) {
        byte[] s = r.sense();
        assertTrue((s[0] & 0x80) != 0, "INFORMATION valid");
        return ByteBuffer.wrap(s).getInt(3) & 0xFFFF_FFFFL;
    }

    /** A transport task with its Data-Out at hand and its Data-In kept. */
    static class DataTask implements TransportTask {
        final long tag;
        final byte[] cdb;
        final byte[] dataOut;
        final CompletableFuture<ScsiResponse> response = new CompletableFuture<>();
        volatile byte[] dataIn;
        volatile int aborts;
        TaskAttribute attribute = TaskAttribute.SIMPLE;

        DataTask(long tag, byte[] cdb, byte[] dataOut) {
            this.tag = tag;
            this.cdb = cdb;
            this.dataOut = dataOut;
        }

        ScsiResponse await() throws Exception {
            return response.get(5, TimeUnit.SECONDS);
        }

        @Override public long lun() { return 0; }
        @Override public byte[] cdb() { return cdb; }
        @Override public long tag() { return tag; }
        @Override public TaskAttribute attribute() { return attribute; }
        @Override public int expectedDataTransferLength() { return dataOut != null ? dataOut.length : 64 * 1024; }
        @Override public boolean readExpected() { return dataOut == null; }
        @Override public boolean writeExpected() { return dataOut != null; }
        @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }

        @Override
        public void receiveData(int length, DataReceiver receiver) {
            receiver.received(DataBuffer.wrap(Arrays.copyOf(dataOut, length), length));
        }

        @Override
        public void complete(ScsiResponse r) {
            if (r.dataIn() != null) {
                ByteBuffer b = r.dataIn().nio();
                byte[] d = new byte[b.remaining()];
                b.get(d);
                dataIn = d;
                r.dataIn().release();
            }
            response.complete(r);
        }

        @Override
        public void aborted() {
            aborts++;
        }
    }

    /** Does each I/O on the RAM device only when the test releases it. */
    static final class GatedDevice implements BlockDevice {
        private final RamBlockDevice ram;
        final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

        GatedDevice(RamBlockDevice ram) {
            this.ram = ram;
        }

        void awaitPending(int n) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pending.size() < n && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            assertEquals(n, pending.size(), "I/Os in the device");
            // nothing more arrives unasked: another I/O would show within a moment
            assertFalse(awaitMore(n), "more I/Os in the device than expected");
        }

        private boolean awaitMore(int n) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            while (System.nanoTime() < deadline) {
                if (pending.size() > n) {
                    return true;
                }
                LockSupport.parkNanos(100_000);
            }
            return false;
        }

        /**
         * Completes the I/Os in the device now, not the ones their completions start (a completion
         * lets the LUN actor start held tasks on its own thread while this runs).
         */
        void releaseAll() {
            for (int n = pending.size(); n > 0; n--) {
                pending.poll().run();
            }
        }

        void releaseUntilDone(CompletableFuture<?> done) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!done.isDone() && System.nanoTime() < deadline) {
                Runnable r = pending.poll();
                if (r != null) {
                    r.run();
                } else {
                    LockSupport.parkNanos(100_000);
                }
            }
        }

        @Override public String name() { return ram.name(); }
        @Override public String handlerType() { return ram.handlerType(); }
        @Override public int blockSize() { return ram.blockSize(); }
        @Override public long blockCount() { return ram.blockCount(); }
        @Override public Capabilities capabilities() { return ram.capabilities(); }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            pending.add(() -> ram.read(offset, dst, done));
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            pending.add(() -> ram.write(offset, src, fua, done));
        }

        @Override
        public void flush(Completion done) {
            ram.flush(done);
        }

        @Override
        public void close() {
        }
    }
}
