package org.scstj.handlers.user;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.BlockDevice.IoFailure;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's side of a user device against a handler in this JVM ({@link JavaHandler}): I/O goes
 * through the rings and lands on the handler's disk; requests larger than a buffer are cut into
 * pieces; and each fault of docs/user-handlers.md "Deadlines, aborts, and when the handler goes"
 * ends the attachment with the device's commands failed at once, never hung, and the next
 * handler gets a new epoch that is sent nothing of the old one.
 */
class UserDeviceTest {
    private static final int BLOCKS = 2048; // 1 MiB of 512-byte blocks
    @TempDir
    Path dir;
    private BlockDevice device;

    @AfterEach
    void close() throws Exception {
        if (device != null) {
            device.close();
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();

    private UserDevice open(String... keys) throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("socket", dir.resolve("u0.sock").toString(), "size", "1M",
                "max-transfer", "64K", "queue-depth", 8, "thin-provisioned", true));
        for (int i = 0; i < keys.length; i += 2) {
            m.put(keys[i], keys[i + 1]);
        }
        device = new UserHandler().open("u0", ConfigFactory.parseMap(m),
                new DeviceHandlerFactory.Context(Runnable::run, dir));
        device.listen(new BlockDevice.Listener() {
            @Override
            public void reset() {
                resets.incrementAndGet();
            }

            @Override
            public void capacityChanged() {
                told.add("capacity");
            }

            @Override
            public void mediumChanged() {
                told.add("medium");
            }

            @Override
            public boolean hasRow(int opcode) {
                return opcode == 0x28; // as the engine's disk set has READ(10)
            }
        });
        return (UserDevice) device;
    }

    /** Device {@code name} of these keys besides its socket ({@code name.sock} here), the test's to close. */
    private UserDevice openDevice(String name, String... keys) throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("socket", dir.resolve(name + ".sock").toString()));
        for (int i = 0; i < keys.length; i += 2) {
            m.put(keys[i], keys[i + 1]);
        }
        UserDevice d = (UserDevice) new UserHandler().open(name, ConfigFactory.parseMap(m),
                new DeviceHandlerFactory.Context(Runnable::run, dir));
        device = d;
        return d;
    }

    /** A listener that notes each reset (29/00) and medium in or out in {@link #told}. */
    private BlockDevice.Listener mediumListener() {
        return new BlockDevice.Listener() {
            @Override
            public void reset() {
                told.add("29/00");
            }

            @Override
            public void mediumLoaded(boolean loaded) {
                told.add(loaded ? "in" : "out");
            }
        };
    }

    private JavaHandler attach(UserDevice d) throws Exception {
        return attach(d, Message.F_OUT_OF_ORDER | Message.F_FLUSH | Message.F_UNMAP);
    }

    private JavaHandler attach(UserDevice d, int features) throws Exception {
        JavaHandler h = JavaHandler.attach(dir.resolve("u0.sock"), 512, d.blockCount(), features);
        awaitUntil(d::ready);
        assertTrue(d.ready(), "ready once the handler said READY");
        return h;
    }

    /** How an I/O ended: null completed, else its failure. */

    /** Polls {@code condition} every 10 ms for at most 5 s; the assertion after it says what was expected. */
    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
    }

    private static IoFailure write(BlockDevice d, long offset, byte[] data) throws Exception {
        IoOutcome o = new IoOutcome();
        d.write(offset, ByteBuffer.wrap(data), false, o);
        return o.await();
    }

    private static byte[] read(BlockDevice d, long offset, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocateDirect(length);
        IoOutcome o = new IoOutcome();
        d.read(offset, dst, o);
        assertNull(o.await(), "the read completed");
        assertEquals(length, dst.position(), "the destination is filled");
        byte[] out = new byte[length];
        dst.flip().get(out);
        return out;
    }

    @Test
    void writesAndReads_throughTheRings_largerThanABuffer_inPieces() throws Exception {
        UserDevice d = open();
        assertFalse(d.ready(), "no handler yet");
        try (JavaHandler h = attach(d)) {
            assertEquals(1, h.welcome.epoch());
            byte[] data = new byte[200 * 1024]; // four pieces of at most 64 KiB
            new Random(7).nextBytes(data);
            assertNull(write(d, 4096, data));
            assertArrayEquals(data, read(d, 4096, data.length));
            assertEquals(8, h.ids.size(), "4 write pieces, 4 read pieces");
            IoOutcome flush = new IoOutcome();
            d.flush(flush);
            assertNull(flush.await());
            IoOutcome unmap = new IoOutcome();
            d.unmap(4096, 65536, unmap);
            assertNull(unmap.await());
            assertArrayEquals(new byte[65536], read(d, 4096, 65536), "UNMAP: zeros");
        }
    }

    @Test
    void aWriteInBuffersOfAnyLength_isCutIntoBlockAlignedPieces() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            byte[] data = new byte[200 * 1024];
            new Random(11).nextBytes(data);
            int[] cuts = {333, 40_000, 70_001, 129_999, 180_000}; // as a transport's PDUs might split it
            ByteBuffer[] srcs = new ByteBuffer[cuts.length + 1];
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : data.length;
                srcs[i] = ByteBuffer.wrap(data, from, to - from).slice();
                from = to;
            }
            IoOutcome o = new IoOutcome();
            d.write(8192, srcs, false, o);
            assertNull(o.await());
            for (ByteBuffer b : srcs) {
                assertEquals(0, b.remaining(), "every source consumed");
            }
            assertEquals(4, h.lengths.size(), "pieces of 64 KiB: " + h.lengths);
            assertTrue(h.lengths.stream().allMatch(n -> n % 512 == 0), "whole blocks only: " + h.lengths);
            assertArrayEquals(data, read(d, 8192, data.length));
        }
    }

    @Test
    void manyRequestsAtOnce_moreThanTheRingHolds_allComplete() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            List<IoOutcome> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) { // 100 requests, 8 ring slots: the rest wait in the core
                IoOutcome o = new IoOutcome();
                byte[] block = new byte[512];
                block[0] = (byte) i;
                d.write((long) i * 512, ByteBuffer.wrap(block), false, o);
                outcomes.add(o);
            }
            for (IoOutcome o : outcomes) {
                assertNull(o.await());
            }
            assertEquals(100, h.ids.size());
        }
    }

    @Test
    void withoutAHandler_ioFailsNotReady_atOnce() throws Exception {
        UserDevice d = open();
        IoOutcome o = new IoOutcome();
        d.read(0, ByteBuffer.allocate(512), o);
        assertEquals(IoFailure.NOT_READY, o.await());
    }

    /** WRITE SAME offload (feature WRITE_SAME): one submission carries the block and the whole range. */
    @Test
    void writeSame_goesToAHandlerThatAskedForIt_asOneSubmission_andOtherwiseIsTheCores() throws Exception {
        UserDevice d = open();
        byte[] block = new byte[512];
        new Random(5).nextBytes(block);
        try (JavaHandler h = attach(d, Message.F_OUT_OF_ORDER | Message.F_UNMAP | Message.F_WRITE_SAME)) {
            IoOutcome o = new IoOutcome();
            assertTrue(d.writeSame(8192, 300 * 512, block.clone(), o), "the handler writes the range itself");
            assertNull(o.await());
            assertEquals(List.of(300L * 512), h.ranges, "one WRITE_SAME with the whole range");
            byte[] back = read(d, 8192, 300 * 512);
            for (int i = 0; i < 300; i++) {
                assertArrayEquals(block, java.util.Arrays.copyOfRange(back, i * 512, (i + 1) * 512), "block " + i);
            }
            assertFalse(d.writeSame(0, 1024, new byte[4096], new IoOutcome()), "a block of another size: the core's");
        }
        awaitUntil(() -> !d.ready());
        try (JavaHandler h = attach(d, Message.F_OUT_OF_ORDER | Message.F_UNMAP)) {
            assertFalse(d.writeSame(0, 1024, block.clone(), new IoOutcome()), "without the feature: the core writes");
            assertEquals(List.of(), h.ranges);
        }
    }

    /** A read whose data stays in the shared buffer ({@link BlockDevice#readLent}). */
    private static final class LentOutcome implements BlockDevice.LentCompletion {
        final java.util.concurrent.CompletableFuture<org.scstj.engine.spi.DataBuffer> data =
                new java.util.concurrent.CompletableFuture<>();

        @Override
        public void completed(org.scstj.engine.spi.DataBuffer d) {
            data.complete(d);
        }

        @Override
        public void failed(IoFailure failure, Throwable cause) {
            data.completeExceptionally(new IOException(failure.name(), cause));
        }
    }

    private static byte[] bytes(org.scstj.engine.spi.DataBuffer d) {
        byte[] out = new byte[d.length()];
        d.nio().get(out);
        return out;
    }

    @Test
    void aLentRead_isSentFromTheSharedBuffer_whichComesBackOnlyWhenReleased_andOutlivesItsHandler() throws Exception {
        UserDevice d = open(); // 8 buffers of 64 KiB
        JavaHandler h = attach(d);
        byte[] data = new byte[8 * 4096];
        new Random(11).nextBytes(data);
        assertNull(write(d, 0, data));
        assertFalse(d.readLent(0, 65536 + 512, new LentOutcome()), "more than one buffer: the transport's buffer");
        assertFalse(d.readLent(0, 1000, new LentOutcome()), "not whole blocks: the transport's buffer");

        List<org.scstj.engine.spi.DataBuffer> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // every buffer of the pool lent out
            LentOutcome o = new LentOutcome();
            assertTrue(d.readLent(i * 4096L, 4096, o));
            org.scstj.engine.spi.DataBuffer b = o.data.get(5, TimeUnit.SECONDS);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096), bytes(b), "read " + i);
            held.add(b);
        }
        LentOutcome ninth = new LentOutcome();
        assertTrue(d.readLent(0, 4096, ninth));
        Thread.sleep(300);
        assertFalse(ninth.data.isDone(), "no buffer is reused while the transport holds it");
        held.remove(0).release();
        org.scstj.engine.spi.DataBuffer b9 = ninth.data.get(5, TimeUnit.SECONDS);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 4096), bytes(b9), "the ninth read, in the buffer given back");
        b9.release();
        b9.release(); // a second release is ignored, not a second free buffer

        h.die();
        awaitUntil(() -> !d.ready());
        assertFalse(d.ready(), "the handler is gone");
        for (int i = 0; i < held.size(); i++) { // still mapped: the transport may still be sending them
            assertArrayEquals(java.util.Arrays.copyOfRange(data, (i + 1) * 4096, (i + 2) * 4096), bytes(held.get(i)),
                    "a lent buffer after its handler died");
        }
        held.forEach(org.scstj.engine.spi.DataBuffer::release); // the last one unmaps the memory

        try (JavaHandler second = attach(d)) {
            assertArrayEquals(new byte[4096], bytes(lentRead(d, 0)), "the next handler's memory (a JavaHandler starts empty)");
        }
    }

    private static org.scstj.engine.spi.DataBuffer lentRead(UserDevice d, long offset) throws Exception {
        LentOutcome o = new LentOutcome();
        assertTrue(d.readLent(offset, 4096, o));
        return o.data.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aHandlerThatDies_failsItsCommandsAtOnce_andTheNextGetsANewEpochAndNothingOld() throws Exception {
        UserDevice d = open();
        JavaHandler first = attach(d);
        first.behaviour = JavaHandler.Behaviour.SILENT;
        IoOutcome stuck = new IoOutcome();
        d.write(0, ByteBuffer.wrap(new byte[512]), false, stuck);
        awaitUntil(() -> !first.ids.isEmpty());
        assertEquals(1, first.ids.size(), "the handler took it");
        long t0 = System.nanoTime();
        first.die();
        assertEquals(IoFailure.NOT_READY, stuck.await(), "failed when the socket closed, not at its deadline");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        awaitUntil(() -> !d.ready());
        assertFalse(d.ready(), "NOT READY between handlers");

        try (JavaHandler second = attach(d)) {
            assertEquals(2, second.welcome.epoch(), "a new epoch");
            assertEquals(2, resets.get(), "the core was told at each attachment: 29/00 for every nexus");
            assertNull(write(d, 512, new byte[512]));
            assertEquals(List.of(1L), second.ids, "only the new command, with the new epoch's first id");
        }
    }

    @Test
    void aSilentHandler_getsAbort_thenIsDeclaredHung() throws Exception {
        UserDevice d = open("deadline", "300ms");
        try (JavaHandler h = attach(d)) {
            h.behaviour = JavaHandler.Behaviour.SILENT;
            IoOutcome o = new IoOutcome();
            d.read(0, ByteBuffer.allocate(512), o);
            assertEquals(IoFailure.NOT_READY, o.await(), "hung after the deadline twice: the command fails");
            assertTrue(h.messages.contains(new Message.Abort(1)), "ABORT of command 1 first: " + h.messages);
            assertFalse(d.ready());
        }
    }

    @Test
    void aCommandThatWaitsInTheCorePastItsDeadline_neverReachesTheHandler() throws Exception {
        UserDevice d = open("deadline", "400ms", "queue-depth", "1");
        try (JavaHandler h = attach(d)) {
            h.behaviour = JavaHandler.Behaviour.SILENT;
            IoOutcome first = new IoOutcome();
            d.read(0, ByteBuffer.allocate(512), first);
            IoOutcome second = new IoOutcome();
            d.read(512, ByteBuffer.allocate(512), second); // one slot: it waits in the core
            assertEquals(IoFailure.BECOMING_READY, second.await(), "ended by the core at its deadline (04/01, retried)");
            assertEquals(IoFailure.NOT_READY, first.await(), "the silent handler: ABORT, then hung");
            assertEquals(List.of(1L), h.ids, "the waiting command was never sent");
        }
    }

    @Test
    void events_changeTheCapacityAndReadiness_andTheCoreIsTold() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d, Message.F_EVENTS | Message.F_UNMAP)) {
            h.event(Message.Event.CAPACITY_CHANGED, BLOCKS * 2);
            awaitUntil(() -> d.blockCount() == BLOCKS * 2);
            assertEquals(BLOCKS * 2, d.blockCount(), "READ CAPACITY reports the new size");
            h.event(Message.Event.NOT_READY, 0);
            awaitUntil(() -> !d.ready());
            assertFalse(d.ready(), "NOT READY: medium-access commands end 02/04/xx in the core");
            h.event(Message.Event.READY, 0);
            awaitUntil(d::ready);
            assertTrue(d.ready());
            h.event(Message.Event.MEDIUM_CHANGED, 0);
            awaitUntil(() -> told.size() >= 3);
            assertEquals(List.of("capacity", "medium", "medium"), told, "2A/09, then 28/00 twice");
        }
    }

    @Test
    void taskManagement_isToldToAHandlerThatAskedForIt() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d, Message.F_TMF | Message.F_UNMAP)) {
            d.taskManagement(BlockDevice.TaskManagement.LOGICAL_UNIT_RESET);
            d.taskManagement(BlockDevice.TaskManagement.CLEAR_TASK_SET);
            awaitUntil(() -> h.messages.size() >= 2);
            assertEquals(List.of(new Message.Tmf(3), new Message.Tmf(2)), h.messages);
        }
    }

    @Test
    void anEventWithoutTheFeature_isAProtocolError() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d, Message.F_UNMAP)) {
            h.event(Message.Event.MEDIUM_CHANGED, 0);
            awaitUntil(() -> !d.ready());
            assertFalse(d.ready(), "the attachment ended");
            assertEquals(List.of(), told);
        }
    }

    @Test
    void aDoubleCompletion_isAProtocolError_thatEndsTheEpoch() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            h.behaviour = JavaHandler.Behaviour.COMPLETE_TWICE;
            IoOutcome o = new IoOutcome();
            d.write(0, ByteBuffer.wrap(new byte[512]), false, o);
            o.await();
            awaitUntil(() -> !d.ready());
            assertFalse(d.ready(), "the attachment ended");
            awaitUntil(() -> h.messages.stream().anyMatch(m -> m instanceof Message.Refuse));
            Message.Refuse refuse = (Message.Refuse) h.messages.stream().filter(m -> m instanceof Message.Refuse)
                    .findFirst().orElseThrow();
            assertEquals(Message.R_PROTOCOL, refuse.reason());
            assertTrue(refuse.text().contains("not in flight (completed already)"), refuse.text());
        }
    }

    @Test
    void aGarbageCqTail_isAProtocolError_andTheCommandFailsNotReady() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            h.behaviour = JavaHandler.Behaviour.GARBAGE_TAIL;
            IoOutcome o = new IoOutcome();
            d.write(0, ByteBuffer.wrap(new byte[512]), false, o);
            assertEquals(IoFailure.NOT_READY, o.await());
            awaitUntil(() -> h.messages.stream().anyMatch(m -> m instanceof Message.Refuse));
            assertTrue(h.messages.stream().anyMatch(m -> m instanceof Message.Refuse r && r.text().contains("CQ tail")),
                    h.messages.toString());
        }
    }

    @Test
    void aMediumErrorFromTheHandler_isTheEnginesMediumError() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            h.behaviour = JavaHandler.Behaviour.MEDIUM_ERROR;
            IoOutcome o = new IoOutcome();
            d.read(0, ByteBuffer.allocate(512), o);
            assertEquals(IoFailure.MEDIUM_ERROR, o.await());
            assertTrue(d.ready(), "a failed command is no fault of the protocol");
        }
    }

    @Test
    void aSecondHandler_isRefusedBusy_andAWrongHello_isRefusedMismatch() throws Exception {
        UserDevice d = open();
        try (JavaHandler h = attach(d)) {
            IOException busy = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("u0.sock"), 512,
                    BLOCKS, 0));
            assertTrue(busy.getMessage().contains("reason=2"), busy.getMessage());
        }
        awaitUntil(() -> !d.ready());
        IOException mismatch = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("u0.sock"), 512,
                BLOCKS + 1, 0));
        assertTrue(mismatch.getMessage().contains("reason=3") && mismatch.getMessage().contains("2049 blocks"),
                mismatch.getMessage());
    }

    /** What a CDB operation ended with ({@link ScsiPassThrough#execute}). */
    private static final class CdbOutcome implements ScsiPassThrough.CommandCompletion {
        final java.util.concurrent.CompletableFuture<Object> done = new java.util.concurrent.CompletableFuture<>();

        @Override
        public void completed(ScsiPassThrough.Result result) {
            done.complete(result);
        }

        @Override
        public void failed(IoFailure failure, Throwable cause) {
            done.complete(failure);
        }

        Object await() throws Exception {
            return done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static Object cdb(ScsiPassThrough to, byte[] cdb, byte[] out, DataBuffer in) throws Exception {
        CdbOutcome o = new CdbOutcome();
        ScsiPassThrough.Direction dir = out != null ? ScsiPassThrough.Direction.TO_DEVICE
                : in != null ? ScsiPassThrough.Direction.FROM_DEVICE : ScsiPassThrough.Direction.NONE;
        to.execute(cdb, dir, out == null ? null : DataBuffer.wrap(out, out.length), in, o);
        return o.await();
    }

    private static int senseKey(ScsiPassThrough.Result r) {
        return r.sense()[2] & 0x0F;
    }

    /** docs/user-handlers.md "CDB operations": a disk's commands without a row in the core go to the handler. */
    @Test
    void cdbOperations_reachAHandlerThatNamedTheOpcode_withTheirData_andOthersEndInvalidOpcode() throws Exception {
        UserDevice d = open();
        assertEquals(null, d.passThrough(), "a disk is the core's to decode");
        ScsiPassThrough others = d.otherCommands();
        assertEquals(IoFailure.NOT_READY, cdb(others, new byte[] {(byte) 0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                "x".getBytes(), null), "no handler attached");
        try (JavaHandler h = JavaHandler.attach(dir.resolve("u0.sock"), 0, 512, BLOCKS,
                Message.F_OUT_OF_ORDER | Message.F_UNMAP | Message.F_CDB, 0xC0, 0xC1, 0xC2)) {
            awaitUntil(d::ready);
            byte[] put = {(byte) 0xC0, 0, 0, 0, 0, 0, 0, 0, 5, 0};
            ScsiPassThrough.Result stored = (ScsiPassThrough.Result) cdb(others, put, "hello".getBytes(), null);
            assertEquals(0, stored.status());
            byte[] room = new byte[64];
            ScsiPassThrough.Result got = (ScsiPassThrough.Result) cdb(others,
                    new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 64, 0}, null, DataBuffer.wrap(room, 64));
            assertEquals(2, got.status(), "the handler's status as it gave it");
            assertEquals(0x20, got.sense()[2] & 0xFF, "its sense: ILI");
            assertEquals(59, got.residual(), "64 asked, 5 returned");
            assertEquals("hello", new String(room, 0, 5), "the data it returned");
            ScsiPassThrough.Result bad = (ScsiPassThrough.Result) cdb(others,
                    new byte[] {(byte) 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, null);
            assertEquals(0x05, senseKey(bad));
            assertEquals(0x24, bad.sense()[12]);
            assertTrue(others.takes(put) && !others.takes(new byte[] {(byte) 0xC3, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                    "the core asks first, and answers INVALID COMMAND OPERATION CODE itself for C3h");
            int before = h.cdbs.size();
            ScsiPassThrough.Result unknown = (ScsiPassThrough.Result) cdb(others,
                    new byte[] {(byte) 0xC3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, DataBuffer.wrap(new byte[8], 8));
            assertEquals(0x05, senseKey(unknown));
            assertEquals(0x20, unknown.sense()[12], "INVALID COMMAND OPERATION CODE");
            assertEquals(8, unknown.residual());
            assertEquals(before, h.cdbs.size(), "an opcode the HELLO did not name never reaches the handler");
            assertArrayEquals(put, h.cdbs.getFirst(), "the CDB as the core passed it");
            assertEquals(Message.F_CDB, h.welcome.features() & Message.F_CDB, "CDB agreed");
            // a read still goes through the core's rows, beside the CDBs
            assertNull(write(d, 0, new byte[512]));
        }
    }

    @Test
    void aHelloNamingAnOpcodeTheCoreKeepsOrExecutes_isRefused() throws Exception {
        UserDevice d = open();
        IOException inquiry = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("u0.sock"), 0, 512,
                BLOCKS, Message.F_CDB, 0x12));
        assertTrue(inquiry.getMessage().contains("reason=3") && inquiry.getMessage().contains("12h"), inquiry.getMessage());
        IOException read = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("u0.sock"), 0, 512,
                BLOCKS, Message.F_CDB, 0x28));
        assertTrue(read.getMessage().contains("28h") && read.getMessage().contains("executes itself"), read.getMessage());
        assertFalse(d.ready());
    }

    /** A tape drive: the handler executes every command but the core's as CDBs (the pass-through set). */
    @Test
    void aTapeDrive_isAPassThroughDeviceWhoseCommandsTheHandlerExecutes() throws Exception {
        UserDevice d = openDevice("t0", "type", "tape", "max-transfer", "64K");
        assertEquals(BlockDevice.TAPE, d.peripheralDeviceType());
        assertEquals(d, d.passThrough());
        assertFalse(d.answersInquiry(), "the core answers INQUIRY");
        assertEquals(65536, d.maxTransferBytes());
        IOException noCdb = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("t0.sock"), 1, 512, 0,
                Message.F_OUT_OF_ORDER));
        assertTrue(noCdb.getMessage().contains("CDB feature"), noCdb.getMessage());
        IOException disk = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("t0.sock"), 0, 512, 0,
                Message.F_CDB, 0x00));
        assertTrue(disk.getMessage().contains("device type 0"), disk.getMessage());
        try (JavaHandler h = JavaHandler.attach(dir.resolve("t0.sock"), 1, 512, 0, Message.F_CDB | Message.F_TMF,
                0x00, 0xC0, 0xC1)) {
            awaitUntil(d::ready);
            assertEquals(0, ((ScsiPassThrough.Result) cdb(d, new byte[6], null, null)).status(), "TEST UNIT READY");
            ScsiPassThrough.Result read = (ScsiPassThrough.Result) cdb(d, new byte[] {0x08, 0, 0, 0, 16, 0}, null,
                    DataBuffer.wrap(new byte[16], 16));
            assertEquals(0x20, read.sense()[12], "READ(6) not named: INVALID COMMAND OPERATION CODE");
            assertEquals(1, h.cdbs.size());
        }
        awaitUntil(() -> !d.ready());
        assertEquals(IoFailure.NOT_READY, cdb(d, new byte[6], null, null), "the handler went: NOT READY");
        // feature VPD: INQUIRY for the pages the HELLO names goes to the handler; others do not
        IOException noPages = assertThrows(IOException.class, () -> JavaHandler.attachWithVpd(dir.resolve("t0.sock"),
                1, Message.F_CDB | Message.F_VPD, new int[0], 0x00));
        assertTrue(noPages.getMessage().contains("names no VPD page"), noPages.getMessage());
        try (JavaHandler h = JavaHandler.attachWithVpd(dir.resolve("t0.sock"), 1, Message.F_CDB | Message.F_VPD,
                new int[] {0xC0, 0xD3}, 0x00)) {
            awaitUntil(d::ready);
            assertEquals(java.util.Set.of(0xC0, 0xD3), d.deviceVpdPages());
            byte[] room = new byte[32];
            ScsiPassThrough.Result page = (ScsiPassThrough.Result) cdb(d, new byte[] {0x12, 1, (byte) 0xC0, 0, 32, 0},
                    null, DataBuffer.wrap(room, 32));
            assertEquals(0, page.status());
            assertEquals("JAVA", new String(room, 4, 4), "the handler's page");
            ScsiPassThrough.Result other = (ScsiPassThrough.Result) cdb(d, new byte[] {0x12, 1, (byte) 0xC1, 0, 32, 0},
                    null, DataBuffer.wrap(new byte[32], 32));
            assertEquals(0x20, other.sense()[12], "a page it did not name never reaches it");
            assertEquals(1, h.cdbs.size());
        }
        awaitUntil(() -> !d.ready());
        assertEquals(java.util.Set.of(), d.deviceVpdPages(), "no handler, no pages of its own");
    }

    private static List<BlockDevice.Extent> lbaStatus(BlockDevice d, long offset, long length, int most)
            throws Exception {
        CompletableFuture<Object> f = new CompletableFuture<>();
        d.lbaStatus(offset, length, most, new BlockDevice.StatusCompletion() {
            @Override
            public void completed(List<BlockDevice.Extent> extents) {
                f.complete(extents);
            }

            @Override
            public void failed(IoFailure failure, Throwable cause) {
                f.complete(failure);
            }
        });
        Object o = f.get(5, TimeUnit.SECONDS);
        if (o instanceof IoFailure failure) {
            throw new IOException("failed " + failure);
        }
        @SuppressWarnings("unchecked")
        List<BlockDevice.Extent> extents = (List<BlockDevice.Extent>) o;
        return extents;
    }

    /** SBC-4 5.8 GET LBA STATUS: the handler's extents, checked; one without the feature has every block mapped. */
    @Test
    void lbaStatus_comesFromAHandlerThatAskedForIt_andIsChecked() throws Exception {
        UserDevice d = open();
        long whole = BLOCKS * 512L;
        try (JavaHandler h = attach(d, Message.F_OUT_OF_ORDER | Message.F_UNMAP | Message.F_LBA_STATUS)) {
            assertNull(write(d, 8192, new byte[] {1, 2, 3}));
            assertNull(write(d, 8192 + 1024, new byte[] {4}));
            assertEquals(List.of(new BlockDevice.Extent(0, 8192, false), new BlockDevice.Extent(8192, 512, true),
                    new BlockDevice.Extent(8704, 512, false), new BlockDevice.Extent(9216, 512, true),
                    new BlockDevice.Extent(9728, whole - 9728, false)), lbaStatus(d, 0, whole, 100));
            assertEquals(List.of(new BlockDevice.Extent(8192, 512, true), new BlockDevice.Extent(8704, 512, false)),
                    lbaStatus(d, 8192, whole - 8192, 2), "no more extents than room for");
            h.behaviour = JavaHandler.Behaviour.BAD_EXTENTS;
            IOException bad = assertThrows(IOException.class, () -> lbaStatus(d, 0, whole, 100));
            assertTrue(bad.getMessage().contains("NOT_READY"), bad.getMessage());
            awaitUntil(() -> !d.ready());
            assertFalse(d.ready(), "an extent out of its place is a protocol error: the epoch ended");
        }
        try (JavaHandler h = attach(d, Message.F_OUT_OF_ORDER | Message.F_UNMAP)) {
            int before = h.ids.size();
            assertEquals(List.of(new BlockDevice.Extent(0, whole, true)), lbaStatus(d, 0, whole, 100),
                    "without the feature: every block mapped");
            assertEquals(before, h.ids.size(), "nothing asked of the handler");
        }
    }

    /** A CD/DVD: the core's MMC set over the handler's 2048-byte blocks; the disc's capacity is the handler's. */
    @Test
    void aCdrom_takesItsCapacityFromTheHandler_andReadsItsBlocks() throws Exception {
        UserDevice d = openDevice("c0", "type", "cdrom", "max-transfer", "64K");
        d.listen(() -> resets.incrementAndGet());
        assertEquals(BlockDevice.CD_DVD, d.peripheralDeviceType());
        assertEquals(null, d.passThrough(), "MMC is the core's");
        assertTrue(d.capabilities().readOnly() && d.capabilities().removable());
        assertEquals(2048, d.blockSize());
        assertEquals(0, d.blockCount(), "no disc before a handler");
        IOException small = assertThrows(IOException.class, () -> JavaHandler.attach(dir.resolve("c0.sock"), 5, 512, 64,
                Message.F_OUT_OF_ORDER));
        assertTrue(small.getMessage().contains("block size 512"), small.getMessage());
        try (JavaHandler h = JavaHandler.attach(dir.resolve("c0.sock"), 5, 2048, 300, Message.F_OUT_OF_ORDER)) {
            awaitUntil(d::ready);
            assertEquals(300, d.blockCount(), "the disc's capacity, from the HELLO");
            assertEquals(1, resets.get(), "29/00 for every nexus: the disc may have changed");
            assertArrayEquals(new byte[4096], read(d, 2048 * 10, 4096));
        }
    }

    /**
     * docs/user-handlers.md "MEDIUM": the operator's swap of a cdrom's disc goes to the handler
     * (MEDIUM), whose MEDIUM_DONE says the new disc's blocks or why not (the old disc stays); the
     * handler's own swap (EVENT MEDIUM CHANGED with the blocks) reaches the core as a medium in or
     * out; a drive that attaches empty is a medium out, not a device that is not ready.
     */
    @Test
    void aCdromsDisc_isSwappedThroughItsHandler_andTheHandlersOwnSwapReachesTheCore() throws Exception {
        UserDevice d = openDevice("c0", "type", "cdrom", "max-transfer", "64K", "deadline", "2s");
        d.listen(mediumListener());
        try (JavaHandler h = JavaHandler.attach(dir.resolve("c0.sock"), 5, 2048, 0,
                Message.F_OUT_OF_ORDER | Message.F_EVENTS | Message.F_MEDIUM)) {
            awaitUntil(d::ready);
            assertEquals(List.of("29/00", "out"), told, "an empty drive: MEDIUM NOT PRESENT in the core");
            h.onMedium = m -> m.name().equals("/discs/b.iso") ? new Message.MediumDone(m.request(), 0, 500, "")
                    : new Message.MediumDone(m.request(), 2, 0, "No such file or directory");
            d.changeMedium("/discs/b.iso");
            assertEquals(500, d.blockCount(), "the new disc's capacity, from MEDIUM_DONE");
            IOException missing = assertThrows(IOException.class, () -> d.changeMedium("/discs/missing.iso"));
            assertTrue(missing.getMessage().contains("could not load /discs/missing.iso: No such file or directory (errno 2)"),
                    missing.getMessage());
            assertEquals(500, d.blockCount(), "the old disc stays in");
            h.onMedium = m -> new Message.MediumDone(m.request(), 0, 0, "");
            d.changeMedium(null);
            assertEquals(0, d.blockCount());
            assertEquals(List.of(new Message.Medium(1, "/discs/b.iso"), new Message.Medium(2, "/discs/missing.iso"),
                    new Message.Medium(3, "")), h.messages, "the core's MEDIUM messages; the core records its own swaps");
            h.event(Message.Event.MEDIUM_CHANGED, 700); // the handler's own eject button, then a disc
            awaitUntil(() -> d.blockCount() == 700);
            assertEquals(700, d.blockCount());
            awaitUntil(() -> told.size() >= 3);
            assertEquals(List.of("29/00", "out", "in"), told);
            h.onMedium = null; // silent: the swap fails at the deadline, the disc stays
            IOException silent = assertThrows(IOException.class, () -> d.changeMedium("/discs/c.iso"));
            assertTrue(silent.getMessage().contains("no MEDIUM_DONE from the handler within 2000 ms"), silent.getMessage());
            assertEquals(700, d.blockCount());
            h.onMedium = m -> new Message.MediumDone(m.request(), 0, 5, ""); // a disc left after an eject
            IOException wrong = assertThrows(IOException.class, () -> d.changeMedium(null));
            assertTrue(wrong.getMessage().contains("protocol error: MEDIUM_DONE with 5 blocks after taking the disc out"),
                    wrong.getMessage());
            awaitUntil(() -> !d.ready());
            assertFalse(d.ready(), "the attachment ended");
        }
        try (JavaHandler h = JavaHandler.attach(dir.resolve("c0.sock"), 5, 2048, 300, Message.F_OUT_OF_ORDER)) {
            awaitUntil(d::ready);
            IOException none = assertThrows(IOException.class, () -> d.changeMedium("/discs/b.iso"));
            assertTrue(none.getMessage().contains("did not ask for the MEDIUM feature"), none.getMessage());
            assertEquals(300, d.blockCount());
        }
        UserDevice disk = open();
        assertThrows(UnsupportedOperationException.class, () -> disk.changeMedium("/discs/b.iso"));
    }

    /** A configured disc is sent to each handler that attaches with the MEDIUM feature. */
    @Test
    void aCdromsConfiguredDisc_isSentToTheHandlerAsItAttaches() throws Exception {
        UserDevice d = openDevice("c0", "type", "cdrom", "medium", "/discs/a.iso");
        d.listen(mediumListener());
        for (int attachment = 1; attachment <= 2; attachment++) {
            JavaHandler h = JavaHandler.attachDisc(dir.resolve("c0.sock"), 0, Message.F_MEDIUM,
                    m -> new Message.MediumDone(m.request(), 0, 800, ""));
            // the MEDIUM first: until the core took this READY, the count may be the last attachment's
            awaitUntil(() -> !h.messages.isEmpty());
            awaitUntil(() -> d.blockCount() == 800);
            assertEquals(800, d.blockCount(), "attachment " + attachment + ": the configured disc, loaded");
            assertEquals(List.of(new Message.Medium(attachment, "/discs/a.iso")), h.messages);
            int told3 = 3 * attachment; // 29/00, out, in: the last is told after the count is set
            awaitUntil(() -> told.size() >= told3);
            h.die();
            awaitUntil(() -> !d.ready());
        }
        awaitUntil(() -> told.size() >= 6);
        assertEquals(List.of("29/00", "out", "in", "29/00", "out", "in"), told,
                "each attaches empty (29/00, a medium out), then loads the configured disc");
    }

    @Test
    void configuration_isChecked() {
        List<String> problems = new UserHandler().validate("u1", ConfigFactory.parseMap(Map.of(
                "type", "floppy", "queue-depth", 6, "deadline", "1h", "colour", "blue")));
        String all = String.join("\n", problems);
        assertTrue(all.contains("socket: required"), all);
        assertTrue(all.contains("size: required"), all);
        assertTrue(all.contains("type: floppy: one of disk, cdrom, tape, changer"), all);
        String tape = String.join("\n", new UserHandler().validate("t1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/t1.sock", "type", "tape", "size", "1M", "thin-provisioned", true))));
        assertTrue(tape.contains("size: not for a tape") && tape.contains("thin-provisioned: only for a disk"), tape);
        assertEquals(List.of(), new UserHandler().validate("t1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/t1.sock", "type", "changer"))));
        assertEquals(List.of(), new UserHandler().validate("c1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/c1.sock", "type", "cdrom", "medium", "/srv/a.iso"))));
        assertEquals(List.of("medium: only for a cdrom (a disc its handler loads)"), new UserHandler().validate("u1",
                ConfigFactory.parseMap(Map.of("socket", "/tmp/u1.sock", "size", "1M", "medium", "/srv/a.iso"))));
        assertTrue(all.contains("queue-depth: a power of two"), all);
        assertTrue(all.contains("deadline: from 100ms to 10m"), all);
        assertTrue(all.contains("colour: unknown key"), all);
        String spin = String.join("\n", new UserHandler().validate("u1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/u1.sock", "size", "1M", "spin", "2ms"))));
        assertTrue(spin.contains("spin: auto, or from 0 to 1ms"), spin);
        assertTrue(String.join("\n", new UserHandler().validate("u1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/u1.sock", "size", "1M", "spin", "fast")))).contains("spin: auto, or a duration"));
        assertEquals(List.of(), new UserHandler().validate("u1", ConfigFactory.parseMap(Map.of(
                "socket", "/tmp/u1.sock", "size", "1M", "spin", "20us"))));
        assertEquals(java.time.Duration.ZERO, UserHandler.autoSpin(2), "auto: no spinning on 2 CPUs");
        assertEquals(java.time.Duration.ofNanos(50_000), UserHandler.autoSpin(8), "auto: 50 us with 4 or more");
    }
}
