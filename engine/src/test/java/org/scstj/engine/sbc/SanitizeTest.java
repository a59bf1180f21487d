package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.lun.Checks;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** SBC-4 5.30 SANITIZE, 4.11 sanitize operations, and what the LU answers meanwhile. */
class SanitizeTest {
    private static final int BS = 512;
    private static final int OVERWRITE = 0x01;
    private static final int BLOCK_ERASE = 0x02;
    private static final int CRYPTO_ERASE = 0x03;
    private static final int EXIT_FAILURE_MODE = 0x1F;

    private final RamBlockDevice thick = new RamBlockDevice(BS, 4096);
    private final RamBlockDevice thin = new RamBlockDevice(BS, 4096).thin();

    static byte[] sanitize(int serviceAction, boolean immed, boolean ause, int parameterListLength) {
        return new byte[] {0x48, (byte) ((immed ? 0x80 : 0) | (ause ? 0x20 : 0) | serviceAction), 0, 0, 0, 0, 0,
                (byte) (parameterListLength >>> 8), (byte) parameterListLength, 0};
    }

    static byte[] overwriteList(boolean invert, int count, byte... pattern) {
        ByteBuffer b = ByteBuffer.allocate(4 + pattern.length);
        b.put((byte) ((invert ? 0x80 : 0) | count)).put((byte) 0).putShort((short) pattern.length).put(pattern);
        return b.array();
    }

    private static LuContext lu(BlockDevice device) {
        return LuContexts.of(0, device, false, FakeExecContext.NEXUS, new ModeParameters(false));
    }

    private static void fill(RamBlockDevice device, int value) {
        Arrays.fill(device.store(), (byte) value);
        device.mapped.set(0, (int) device.blockCount());
    }

    /**
     * Runs one CDB through the LUN actor's medium check (a whole-medium operation running or failed,
     * no queued one) and, when that lets it go on, its exec stage.
     */
    static FakeExecContext gated(LuContext lu, byte[] cdb, int edtl, byte[] dataOut) {
        FakeExecContext ctx = new FakeExecContext(new FakeTask(cdb, edtl, dataOut), lu);
        CommandSet.Parsed parsed = lu.commands().parse(cdb);
        ScsiResponse refused = Checks.medium(parsed, lu.wholeMedium(), null, lu.medium(), true, edtl, lu.descriptorSense());
        if (refused != null) {
            ctx.complete(refused);
        } else {
            lu.commands().execute(parsed, ctx);
        }
        return ctx;
    }

    static String sense(ScsiResponse r) {
        return new Outcome(r, null).sense();
    }

    /** The PROGRESS INDICATION of fixed-format sense bytes, or -1 when SKSV is clear. */
    static int progress(byte[] fixedSense) {
        return (fixedSense[15] & 0x80) == 0 ? -1 : (fixedSense[16] & 0xFF) << 8 | (fixedSense[17] & 0xFF);
    }

    // ---- OVERWRITE ----

    @Test
    void overwrite_writesThePatternFromTheFirstByteOfEveryBlock_thenFlushes() {
        fill(thick, 0x61);
        byte[] list = overwriteList(false, 1, (byte) 0xAA, (byte) 0x55, (byte) 0x11);
        Outcome o = FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertTrue(o.task().allReleasedExcept(null));
        byte[] block = new byte[BS];
        for (int i = 0; i < BS; i++) {
            block[i] = new byte[] {(byte) 0xAA, 0x55, 0x11}[i % 3];
        }
        for (int lba = 0; lba < 4096; lba++) {
            assertArrayEquals(block, Arrays.copyOfRange(thick.store(), lba * BS, (lba + 1) * BS), "LBA " + lba);
        }
        assertEquals(1, thick.flushes, "durable before GOOD");
        assertEquals(2, thick.writes, "2 MiB in 1 MiB pieces");
        assertNull(lu(thick).wholeMedium().condition());
    }

    @Test
    void overwriteWithInvert_invertsBetweenPasses_andTheLastPassWritesThePatternAsGiven() {
        Sanitize.Overwrite two = new Sanitize.Overwrite(true, 2, new byte[] {0x0F});
        assertEquals((byte) 0xF0, two.block(0, BS)[0], "even count: the first pass is inverted");
        assertEquals(0x0F, two.block(1, BS)[0]);
        Sanitize.Overwrite three = new Sanitize.Overwrite(true, 3, new byte[] {0x0F});
        assertEquals(0x0F, three.block(0, BS)[0], "odd count: the first pass is as given");
        assertEquals((byte) 0xF0, three.block(1, BS)[0]);
        assertEquals(0x0F, three.block(2, BS)[0]);
        assertEquals(0x0F, new Sanitize.Overwrite(false, 2, new byte[] {0x0F}).block(0, BS)[0]);

        byte[] list = overwriteList(true, 2, (byte) 0x0F);
        Outcome o = FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertEquals(4, thick.writes, "two passes over 2 MiB");
        assertEquals(0x0F, thick.store()[thick.store().length - 1]);
    }

    @Test
    void overwrite_parameterListLengthOutsideFiveToBlockLengthPlusFour_isInvalidFieldInCdb() {
        for (int length : new int[] {0, 1, 4, BS + 5, 0xFFFF}) {
            Outcome o = FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, length), length,
                    new byte[length]);
            assertEquals("05/24/00", o.sense(), "length " + length);
            assertEquals(FieldPointer.cdb(7, 7), pointer(o.response()), "PARAMETER LIST LENGTH");
            assertEquals(-1, o.task().requestedData, "no Data-Out fetched");
        }
        byte[] list = overwriteList(false, 1, new byte[BS]);
        assertEquals("GOOD", FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, BS + 4), BS + 4, list).sense());
    }

    @Test
    void overwrite_badParameterList_isInvalidFieldInParameterList_andNothingIsWritten() {
        fill(thick, 0x61);
        byte[][] lists = {
                {0x00, 0, 0, 1, 0x00},              // OVERWRITE COUNT 0
                {0x21, 0, 0, 1, 0x00},              // TEST 01b
                {0x01, 0x10, 0, 1, 0x00},           // byte 1 reserved
                {0x01, 0, 0, 0, 0x00},              // INITIALIZATION PATTERN LENGTH 0
                {0x01, 0, 0, 2, 0x00},              // longer than what follows
        };
        FieldPointer[] expected = {FieldPointer.parameter(0, 4), FieldPointer.parameter(0, 6),
                FieldPointer.parameter(1, 4), FieldPointer.parameter(2, 7), FieldPointer.parameter(2, 7)};
        for (int i = 0; i < lists.length; i++) {
            Outcome o = FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, lists[i].length),
                    lists[i].length, lists[i]);
            assertEquals("05/26/00", o.sense(), "list " + i);
            assertEquals(expected[i], pointer(o.response()), "list " + i);
            assertTrue(o.task().allReleasedExcept(null));
        }
        byte[] tooLong = new byte[4 + BS + 1];
        tooLong[0] = 1;
        tooLong[2] = (byte) ((BS + 1) >>> 8);
        tooLong[3] = (byte) (BS + 1);
        assertInstanceOf(Sanitize.Refused.class, Sanitize.parseOverwrite(tooLong, BS), "pattern longer than a block");
        assertEquals(0, thick.writes);
        assertEquals(0x61, thick.store()[0]);
    }

    @Test
    void overwrite_dataOutShorterThanTheHeader_isParameterListLengthError() {
        Outcome o = FakeExecContext.run(lu(thick), sanitize(OVERWRITE, false, false, 8), 4, new byte[4]);
        assertEquals("05/1A/00", o.sense());
        assertEquals(8, o.response().transferLength(), "residual against the CDB's length");
    }

    // ---- BLOCK ERASE, CRYPTOGRAPHIC ERASE ----

    @Test
    void blockErase_onAThinLu_deallocatesTheWholeMedium() {
        fill(thin, 0x61);
        Outcome o = FakeExecContext.run(lu(thin), sanitize(BLOCK_ERASE, false, false, 0), 0, null);
        assertEquals("GOOD", o.sense());
        assertTrue(thin.mapped.isEmpty(), "nothing mapped");
        assertEquals(0, thin.writes);
        assertTrue(thin.unmaps >= 1);
        for (byte b : thin.store()) {
            assertEquals(0, b);
        }
        assertEquals(1, thin.flushes);
    }

    @Test
    void blockErase_onAFullyProvisionedLu_isInvalidFieldInCdbOnTheServiceAction() {
        Outcome o = FakeExecContext.run(lu(thick), sanitize(BLOCK_ERASE, false, false, 0), 0, null);
        assertEquals("05/24/00", o.sense());
        assertEquals(FieldPointer.cdb(1, 4), pointer(o.response()));
    }

    @Test
    void cryptographicErase_writesZerosOnAFullyProvisionedLu_andDeallocatesOnAThinOne() {
        fill(thick, 0x61);
        assertEquals("GOOD", FakeExecContext.run(lu(thick), sanitize(CRYPTO_ERASE, false, false, 0), 0, null).sense());
        for (byte b : thick.store()) {
            assertEquals(0, b);
        }
        fill(thin, 0x61);
        assertEquals("GOOD", FakeExecContext.run(lu(thin), sanitize(CRYPTO_ERASE, false, false, 0), 0, null).sense());
        assertTrue(thin.mapped.isEmpty());
    }

    @Test
    void erasesAndExitFailureMode_takeNoParameterList() {
        for (int sa : new int[] {BLOCK_ERASE, CRYPTO_ERASE, EXIT_FAILURE_MODE}) {
            Outcome o = FakeExecContext.run(lu(thin), sanitize(sa, false, false, 8), 8, new byte[8]);
            assertEquals("05/24/00", o.sense(), "service action " + sa);
            assertEquals(FieldPointer.cdb(7, 7), pointer(o.response()));
        }
        assertFalse(thin.unmaps > 0);
    }

    @Test
    void unknownServiceActions_andReservedCdbBits_areInvalidFieldInCdb() {
        for (int sa = 0; sa <= 0x1F; sa++) {
            if (sa == 1 || sa == 2 || sa == 3 || sa == 0x1F) {
                continue;
            }
            Decoded d = Decode.decode(sanitize(sa, false, false, 0));
            assertEquals(FieldPointer.cdb(1, 4), assertInstanceOf(Decoded.Rejected.class, d).failure().pointer());
        }
        byte[] znr = sanitize(BLOCK_ERASE, false, false, 0);
        znr[1] |= 0x40;
        assertEquals(FieldPointer.cdb(1, 6),
                assertInstanceOf(Decoded.Rejected.class, Decode.decode(znr)).failure().pointer(), "ZNR");
        for (int i = 2; i <= 6; i++) {
            byte[] c = sanitize(CRYPTO_ERASE, false, false, 0);
            c[i] = (byte) i;
            assertInstanceOf(Decoded.Rejected.class, Decode.decode(c), "byte " + i);
        }
    }

    @Test
    void writeProtectedLu_refusesTheErasingServiceActions() {
        LuContext ro = LuContexts.of(0, thin, true, FakeExecContext.NEXUS, false);
        for (int sa : new int[] {BLOCK_ERASE, CRYPTO_ERASE}) {
            assertEquals("07/27/00", FakeExecContext.run(ro, sanitize(sa, false, false, 0), 0, null).sense());
        }
        byte[] list = overwriteList(false, 1, (byte) 1);
        assertEquals("07/27/00",
                FakeExecContext.run(ro, sanitize(OVERWRITE, false, false, list.length), list.length, list).sense());
        assertEquals("GOOD", FakeExecContext.run(ro, sanitize(EXIT_FAILURE_MODE, false, false, 0), 0, null).sense());
        assertEquals(0, thin.unmaps);
    }

    // ---- failure, AUSE and EXIT FAILURE MODE ----

    @Test
    void failedSanitize_endsWithSanitizeCommandFailed_andTheLuReportsItUntilASanitizeCompletes() {
        LuContext lu = lu(thick);
        thick.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        assertEquals("03/31/03", FakeExecContext.run(lu, sanitize(CRYPTO_ERASE, false, false, 0), 0, null).sense());
        assertEquals("03/31/03", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
        assertEquals("03/31/03", sense(gated(lu, new byte[6], 0, null).response()), "TEST UNIT READY");
        assertEquals("GOOD", sense(gated(lu, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null).response()), "INQUIRY");
        assertEquals("05/24/00", sense(gated(lu, sanitize(EXIT_FAILURE_MODE, false, false, 0), 0, null).response()),
                "restricted completion mode: no exit");
        assertEquals("05/24/00", sense(gated(lu, sanitize(CRYPTO_ERASE, false, true, 0), 0, null).response()),
                "nor AUSE now");
        thick.failWith(null);
        assertEquals("GOOD", sense(gated(lu, sanitize(CRYPTO_ERASE, false, false, 0), 0, null).response()));
        assertEquals("GOOD", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
    }

    @Test
    void failedSanitizeWithAuse_isLeftWithExitFailureMode() {
        LuContext lu = lu(thin);
        thin.failWith(BlockDevice.IoFailure.INTERNAL);
        assertEquals("03/31/03", FakeExecContext.run(lu, sanitize(BLOCK_ERASE, false, true, 0), 0, null).sense());
        thin.failWith(null);
        assertEquals("03/31/03", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
        assertEquals("GOOD", sense(gated(lu, sanitize(EXIT_FAILURE_MODE, false, false, 0), 0, null).response()));
        assertEquals("GOOD", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
        assertEquals("GOOD", sense(gated(lu, sanitize(EXIT_FAILURE_MODE, false, false, 0), 0, null).response()),
                "nothing to leave");
    }

    // ---- while it runs ----

    @Test
    void immed_returnsGoodAtOnce_andTheLuIsNotReadyWithProgressUntilTheMediumIsDone() {
        HeldBlockDevice held = new HeldBlockDevice(thick);
        LuContext lu = lu(held);
        FakeExecContext s = gated(lu, sanitize(CRYPTO_ERASE, true, false, 0), 0, null);
        assertEquals(1, s.completions());
        assertEquals("GOOD", sense(s.response()));

        ScsiResponse tur = gated(lu, new byte[6], 0, null).response();
        assertEquals("02/04/1B", sense(tur));
        assertEquals(0, progress(tur.sense()), "SKSV set, nothing done yet");
        assertEquals("GOOD", sense(gated(lu, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null).response()), "INQUIRY");
        assertEquals("GOOD", sense(gated(lu, new byte[] {(byte) 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0}, 16, null)
                .response()), "REPORT LUNS");
        assertEquals("02/04/1B", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
        assertEquals("02/04/1B", sense(gated(lu, new byte[] {(byte) 0xC0, 0, 0, 0, 0, 0}, 0, null).response()),
                "a command that cannot even be decoded is NOT READY too");
        assertEquals("02/04/1B", sense(gated(lu, sanitize(CRYPTO_ERASE, false, false, 0), 0, null).response()),
                "one operation at a time");

        assertTrue(held.release());
        FakeExecContext rs = gated(lu, new byte[] {0x03, 0, 0, 0, (byte) 252, 0}, 252, null);
        assertEquals("GOOD", sense(rs.response()), "REQUEST SENSE reports as data");
        byte[] data = new byte[rs.response().dataIn().length()];
        rs.response().dataIn().nio().get(data);
        assertEquals(0x02, data[2] & 0x0F);
        assertEquals(0x04, data[12]);
        assertEquals(0x1B, data[13]);
        assertEquals(0x8000, progress(data), "1 MiB of 2 MiB");

        held.releaseAll();
        assertEquals("GOOD", sense(gated(lu, new byte[6], 0, null).response()));
        assertEquals(1, s.completions(), "IMMED: completed once, at the start");
    }

    @Test
    void withoutImmed_statusFollowsTheEnd_andAnAbortLeavesTheOperationRunning() {
        HeldBlockDevice held = new HeldBlockDevice(thick);
        LuContext lu = lu(held);
        FakeExecContext s = gated(lu, sanitize(CRYPTO_ERASE, false, false, 0), 0, null);
        assertEquals(0, s.completions());
        held.release();
        assertEquals(0, s.completions());

        s.aborted = true; // ABORT TASK: the command leaves, the sanitize goes on (SBC-4 4.11.1)
        held.release();
        assertEquals(1, s.completions());
        assertEquals(WholeMediumState.Kind.SANITIZE, lu.wholeMedium().inProgress());
        assertEquals("02/04/1B", sense(gated(lu, new byte[6], 0, null).response()));

        held.releaseAll();
        assertEquals(1, s.completions(), "never completed twice");
        assertNull(lu.wholeMedium().condition());
    }

    @Test
    void progressSense_isDescriptorFormatWhenDSenseIsSet() {
        HeldBlockDevice held = new HeldBlockDevice(thick);
        LuContext lu = LuContexts.of(0, held, false, FakeExecContext.NEXUS, true);
        gated(lu, sanitize(CRYPTO_ERASE, true, false, 0), 0, null);
        held.release();
        byte[] s = gated(lu, new byte[6], 0, null).response().sense();
        assertEquals(0x72, s[0]);
        assertEquals(0x1B, s[3]);
        assertEquals(0x02, s[8], "sense key specific descriptor");
        assertEquals((byte) 0x80, s[12], "SKSV");
        assertEquals(0x80, s[13] & 0xFF);
        held.releaseAll();
    }

    @Test
    void aMediumOfManyChunksCompletingSynchronously_runsInALoopNotARecursion() {
        BlockDevice huge = new NullDevice(64L << 30);
        FakeExecContext ctx = gated(lu(huge), sanitize(CRYPTO_ERASE, false, false, 0), 0, null);
        assertEquals("GOOD", sense(ctx.response()));
        assertEquals(64 << 10, ((NullDevice) huge).writes);
    }

    @Test
    void theRateLimit_spacesTheWritesOnATimerWithoutBlocking() throws Exception {
        RamBlockDevice device = new RamBlockDevice(BS, 8192); // 4 MiB
        LuContext lu = LuContexts.of(0, device, false, FakeExecContext.NEXUS, new ModeParameters(false),
                new WholeMediumState(16L << 20, null));
        CompletableFuture<ScsiResponse> done = new CompletableFuture<>();
        ExecContext ctx = contextFor(lu, done);
        long start = System.nanoTime();
        Sanitize.execute((org.scstj.engine.cdb.Cdb.Sanitize) ((Decoded.Ok) Decode.decode(
                sanitize(CRYPTO_ERASE, false, false, 0))).cdb(), ctx);
        assertFalse(done.isDone(), "returned before the medium was done");
        assertEquals(ScsiResponse.GOOD, done.get(10, TimeUnit.SECONDS).status());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 150, "4 MiB at 16 MiB/s: the fourth write is due after 187 ms, took " + millis);
        assertEquals(4, device.writes);
    }

    @Test
    void withAnExecutor_theStepsRunThereInBoundedRuns_neverOnTheCallersThread() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "blocking-io"));
        try {
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.Executor counting = r -> {
                runs.incrementAndGet();
                pool.execute(r);
            };
            NullDevice device = new NullDevice(64L << 20); // completes on the calling thread, like tmpfs
            LuContext lu = LuContexts.of(0, device, false, FakeExecContext.NEXUS, new ModeParameters(false),
                    new WholeMediumState(0, counting));
            CompletableFuture<ScsiResponse> done = new CompletableFuture<>();
            Sanitize.execute((org.scstj.engine.cdb.Cdb.Sanitize) ((Decoded.Ok) Decode.decode(
                    sanitize(CRYPTO_ERASE, false, false, 0))).cdb(), contextFor(lu, done));
            assertEquals(ScsiResponse.GOOD, done.get(10, TimeUnit.SECONDS).status());
            assertEquals(64, device.writes);
            assertEquals(java.util.Set.of("blocking-io"), device.threads);
            assertTrue(runs.get() >= 64 / MediumSweep.STEPS_PER_RUN, "gave the thread back: " + runs.get() + " runs");
        } finally {
            pool.shutdown();
        }
    }

    private static ExecContext contextFor(LuContext lu, CompletableFuture<ScsiResponse> done) {
        FakeExecContext fake = new FakeExecContext(new FakeTask(sanitize(CRYPTO_ERASE, false, false, 0), 0, null), lu);
        return new ExecContext() {
            @Override public TransportTask task() { return new FakeTask(sanitize(CRYPTO_ERASE, false, false, 0), 0, null); }
            @Override public LuContext lu() { return lu; }
            @Override public void complete(ScsiResponse response) { done.complete(response); }
            @Override public void receiveData(int length, TransportTask.DataReceiver r) { task().receiveData(length, r); }
            @Override public LuState state() { return fake.state(); }
            @Override public void withState(java.util.function.Consumer<LuState> action) { action.accept(fake.state()); }
        };
    }

    @Test
    void conditionAndProgress_followTheOperation() {
        WholeMediumState state = LuStates.unlimited();
        assertNull(state.condition());
        assertTrue(state.begin(WholeMediumState.Kind.FORMAT, 1000));
        assertFalse(state.begin(WholeMediumState.Kind.SANITIZE, 1000));
        assertEquals(SenseReason.NOT_READY_FORMAT_IN_PROGRESS, state.condition());
        state.advance(250);
        assertEquals(0x4000, state.progressIndication());
        state.advance(1000);
        assertEquals(0xFFFF, state.progressIndication(), "never 10000h");
        state.failed(false);
        assertEquals(SenseReason.MEDIUM_FORMAT_CORRUPTED, state.condition());
        assertEquals(0, state.progressIndication());
        assertTrue(state.exitSanitizeFailure(), "not a sanitize failure: nothing to leave");
        assertEquals(SenseReason.MEDIUM_FORMAT_CORRUPTED, state.condition(), "EXIT FAILURE MODE does not repair a format");
        assertTrue(state.begin(WholeMediumState.Kind.SANITIZE, 10), "a failed medium may be redone");
        state.succeeded();
        assertNull(state.condition());
    }

    private static FieldPointer pointer(ScsiResponse r) {
        byte[] s = r.sense();
        if ((s[15] & 0x80) == 0) {
            return null;
        }
        boolean cd = (s[15] & 0x40) != 0;
        int bit = (s[15] & 0x08) != 0 ? s[15] & 0x07 : -1;
        return new FieldPointer(cd, (s[16] & 0xFF) << 8 | (s[17] & 0xFF), bit);
    }

    /** A device of any size that stores nothing and completes at once. */
    static final class NullDevice implements BlockDevice {
        private final long bytes;
        int writes;
        final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

        NullDevice(long bytes) {
            this.bytes = bytes;
        }

        @Override public String name() { return "null"; }
        @Override public String handlerType() { return "vdisk_nullio"; }
        @Override public int blockSize() { return BS; }
        @Override public long blockCount() { return bytes / BS; }
        @Override public Capabilities capabilities() { return new Capabilities(false, false, false, false, 1, "N", 1); }
        @Override public void read(long offset, ByteBuffer dst, Completion done) { done.completed(); }
        @Override public void flush(Completion done) { done.completed(); }
        @Override public void close() { }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            writes++;
            threads.add(Thread.currentThread().getName());
            done.completed();
        }
    }
}
