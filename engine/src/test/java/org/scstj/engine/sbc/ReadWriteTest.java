package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.spi.BlockDevice.IoFailure;

import java.util.Arrays;

class ReadWriteTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] read10(long lba, int blocks) {
        return new byte[] {0x28, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0,
                (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    static byte[] write10(long lba, int blocks, boolean fua) {
        byte[] c = read10(lba, blocks);
        c[0] = 0x2A;
        c[1] = (byte) (fua ? 0x08 : 0);
        return c;
    }

    static byte[] cdb16(int opcode, long lba, long blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        for (int i = 0; i < 8; i++) {
            c[2 + i] = (byte) (lba >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            c[10 + i] = (byte) (blocks >>> (24 - 8 * i));
        }
        return c;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void writeThenRead_returnsWhatWasWritten() {
        byte[] data = pattern(2 * BS, 7);
        Outcome w = FakeExecContext.run(lu, write10(10, 2, false), 2 * BS, data);
        assertEquals("GOOD", w.sense());
        assertEquals(2 * BS, w.response().transferLength());
        assertTrue(w.task().allReleasedExcept(null));

        Outcome r = FakeExecContext.run(lu, read10(10, 2), 2 * BS, null);
        assertEquals("GOOD", r.sense());
        assertArrayEquals(data, r.data());
        assertEquals(2 * BS, r.response().transferLength());
        assertTrue(r.task().allReleasedExcept(r.response().dataIn()));
    }

    @Test
    void readOfNeverWrittenBlocks_isZeros() {
        Outcome r = FakeExecContext.run(lu, read10(500, 4), 4 * BS, null);
        assertArrayEquals(new byte[4 * BS], r.data());
    }

    @Test
    void read6WithTransferLengthZero_reads256Blocks() {
        Outcome r = FakeExecContext.run(lu, new byte[] {0x08, 0, 0, 0, 0, 0}, 256 * BS, null);
        assertEquals("GOOD", r.sense());
        assertEquals(256 * BS, r.data().length);
    }

    @Test
    void read10WithZeroBlocks_isGoodWithoutDeviceIo() {
        Outcome r = FakeExecContext.run(lu, read10(0, 0), 0, null);
        assertEquals("GOOD", r.sense());
        assertNull(r.response().dataIn());
        assertEquals(0, device.reads);
    }

    @Test
    void readsPastTheLastBlock_areLbaOutOfRange() {
        assertEquals("05/21/00", FakeExecContext.run(lu, read10(999, 2), 2 * BS, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, read10(1001, 0), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, read10(1000, 0), 0, null).sense(),
                "0 blocks at LBA = capacity: that LBA does not exist (libiscsi Read10.ZeroBlocks)");
        assertEquals("GOOD", FakeExecContext.run(lu, read10(999, 0), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, cdb16(0x88, 1L << 63, 1), BS, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, cdb16(0x88, -1L, 1), BS, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, cdb16(0x88, -2L, 3), 3 * BS, null).sense());
        assertEquals("GOOD", FakeExecContext.run(lu, read10(999, 1), BS, null).sense());
        assertEquals(1, device.reads);
    }

    @Test
    void writesPastTheLastBlock_areLbaOutOfRangeAndReceiveNothing() {
        Outcome w = FakeExecContext.run(lu, cdb16(0x8A, 1000, 1), BS, new byte[BS]);
        assertEquals("05/21/00", w.sense());
        assertEquals(-1, w.task().requestedData);
    }

    @Test
    void readWithEdtlSmallerThanOneBlock_sendsEdtlBytesAndReportsBlockLength() {
        byte[] data = pattern(BS, 3);
        FakeExecContext.run(lu, write10(0, 1, false), BS, data);
        Outcome r = FakeExecContext.run(lu, read10(0, 1), 200, null);
        assertEquals("GOOD", r.sense());
        assertArrayEquals(Arrays.copyOf(data, 200), r.data());
        assertEquals(BS, r.response().transferLength());
    }

    @Test
    void readWithEdtlLargerThanTransfer_sendsTheTransferOnly() {
        Outcome r = FakeExecContext.run(lu, read10(0, 1), 10000, null);
        assertEquals(BS, r.data().length);
        assertEquals(BS, r.response().transferLength());
    }

    @Test
    void readWithEdtlZero_sendsNothingAndReportsOverflow() {
        Outcome r = FakeExecContext.run(lu, read10(0, 1), 0, null);
        assertEquals("GOOD", r.sense());
        assertNull(r.response().dataIn());
        assertEquals(BS, r.response().transferLength());
    }

    @Test
    void writeWithEdtlOfOneBlockForTwo_writesOnlyTheFirstBlock() {
        byte[] data = pattern(BS, 9);
        Outcome w = FakeExecContext.run(lu, write10(0, 2, false), BS, data);
        assertEquals("GOOD", w.sense());
        assertEquals(BS, w.task().requestedData);
        assertEquals(2 * BS, w.response().transferLength());
        assertArrayEquals(data, Arrays.copyOf(device.store(), BS));
        assertArrayEquals(new byte[BS], Arrays.copyOfRange(device.store(), BS, 2 * BS));
    }

    @Test
    void writeWithEdtlOfAPartialBlock_writesNothingAndFailsWithInvalidFieldInInformationUnit() {
        Outcome w = FakeExecContext.run(lu, write10(0, 1, false), 200, pattern(200, 1));
        assertEquals("05/0E/03", w.sense());
        assertEquals(BS, w.response().transferLength(), "the residual is still reported");
        assertEquals(0, device.writes);
        assertTrue(w.task().allReleasedExcept(null));
    }

    @Test
    void writeWithEdtlZero_writesNothingAndIsGood() {
        Outcome w = FakeExecContext.run(lu, write10(0, 1, false), 0, new byte[0]);
        assertEquals("GOOD", w.sense());
        assertEquals(BS, w.response().transferLength());
        assertEquals(0, device.writes);
    }

    @Test
    void writeWithEdtlLargerThanTransfer_receivesOnlyTheTransfer() {
        Outcome w = FakeExecContext.run(lu, write10(0, 1, false), 10000, pattern(10000, 2));
        assertEquals(BS, w.task().requestedData);
        assertEquals(BS, w.response().transferLength());
    }

    @Test
    void edtlOf2To31OrMore_isUnsigned_soWritesAndReadsMoveTheWholeTransfer() {
        // RFC 7143 11.3.4: EDTL is an unsigned 32-bit field; 0x80000200 is not negative.
        int hugeEdtl = 0x8000_0200;
        byte[] data = pattern(BS, 9);
        Outcome w = FakeExecContext.run(lu, write10(3, 1, false), hugeEdtl, data);
        assertEquals("GOOD", w.sense());
        assertEquals(BS, w.task().requestedData);
        Outcome r = FakeExecContext.run(lu, read10(3, 1), hugeEdtl, null);
        assertArrayEquals(data, r.data());
    }

    @Test
    void writeWithFua_asksTheDeviceForADurableWrite() {
        FakeExecContext.run(lu, write10(0, 1, true), BS, new byte[BS]);
        assertTrue(device.lastWriteFua);
        FakeExecContext.run(lu, write10(0, 1, false), BS, new byte[BS]);
        assertFalse(device.lastWriteFua);
    }

    @Test
    void writeToAWriteProtectedUnit_isDataProtect() {
        LuContext ro = FakeExecContext.lu(device, true, false);
        Outcome w = FakeExecContext.run(ro, write10(0, 1, false), BS, new byte[BS]);
        assertEquals("07/27/00", w.sense());
        assertEquals(0, device.writes);
    }

    @Test
    void writeAndVerify_writesDurablyAndHandlesEdtlLikeWrite() {
        byte[] data = pattern(2 * BS, 11);
        byte[] cdb = write10(4, 2, false);
        cdb[0] = 0x2E;
        cdb[1] = 0x02; // BYTCHK 01b
        Outcome w = FakeExecContext.run(lu, cdb, 2 * BS, data);
        assertEquals("GOOD", w.sense());
        assertTrue(device.lastWriteFua);
        assertArrayEquals(data, Arrays.copyOfRange(device.store(), 4 * BS, 6 * BS));
        Outcome partial = FakeExecContext.run(lu, cdb, 200, pattern(200, 0));
        assertEquals("05/0E/03", partial.sense());
        assertEquals(2 * BS, partial.response().transferLength());
        cdb[1] = 0x04; // BYTCHK 10b
        assertTrue(Decode.decode(cdb) instanceof org.scstj.engine.cdb.Decoded.Rejected);
    }

    @Test
    void deviceReadFailure_isUnrecoveredReadErrorAndReleasesTheBuffer() {
        device.failWith(IoFailure.MEDIUM_ERROR);
        Outcome r = FakeExecContext.run(lu, read10(0, 1), BS, null);
        assertEquals("03/11/00", r.sense());
        assertNull(r.response().dataIn());
        assertTrue(r.task().allReleasedExcept(null));
    }

    @Test
    void deviceWriteFailures_mapToWriteErrorSpaceAllocationAndInternalFailure() {
        device.failWith(IoFailure.MEDIUM_ERROR);
        Outcome w = FakeExecContext.run(lu, write10(0, 1, false), BS, new byte[BS]);
        assertEquals("03/0C/00", w.sense());
        assertTrue(w.task().allReleasedExcept(null));
        device.failWith(IoFailure.NO_SPACE);
        assertEquals("07/27/07", FakeExecContext.run(lu, write10(0, 1, false), BS, new byte[BS]).sense());
        device.failWith(IoFailure.INTERNAL);
        assertEquals("04/44/00", FakeExecContext.run(lu, write10(0, 1, false), BS, new byte[BS]).sense());
    }

    @Test
    void transferAboveTheBlockLimit_isInvalidFieldPointingAtTransferLength() {
        RamBlockDevice big = new RamBlockDevice(BS, 1L << 40, 1);
        LuContext bigLu = FakeExecContext.lu(big, false, false);
        Outcome r = FakeExecContext.run(bigLu, cdb16(0x88, 0, BlockLimits.maxTransferBlocks(big) + 1), 1 << 30, null);
        assertEquals("05/24/00", r.sense());
        byte[] s = r.response().sense();
        assertEquals(0xC0, s[15] & 0xC8);
        assertEquals(10, s[17]);
        assertTrue(r.task().buffers.isEmpty());
    }

    @Test
    void failuresUseDescriptorSenseWhenTheControlPageSaysSo() {
        LuContext desc = FakeExecContext.lu(device, false, true);
        Outcome r = FakeExecContext.run(desc, read10(5000, 1), BS, null);
        assertEquals(0x72, r.response().sense()[0]);
        assertEquals("05/21/00", r.sense());
    }

    @Test
    void largeRead_fromAFileBackedDevice_isAFileSegment_whenTheTransportTakesOne() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("scstj-segment", ".img");
        byte[] content = pattern(1000 * BS, 5);
        java.nio.file.Files.write(f, content);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
            device.file = ch;
            // 128 blocks = 64 KiB at the threshold: the file range itself, no buffer lent
            Outcome big = FakeExecContext.run(lu, read10(3, 128), 128 * BS, null, 64 * 1024);
            assertEquals("GOOD", big.sense());
            org.scstj.engine.spi.FileSegment seg = (org.scstj.engine.spi.FileSegment) big.response().dataIn();
            assertEquals(3L * BS, seg.position());
            assertEquals(128 * BS, seg.length());
            assertTrue(big.task().buffers.isEmpty());
            assertArrayEquals(Arrays.copyOfRange(content, 3 * BS, 131 * BS), big.data());
            // EDTL shorter than the CDB: the segment covers what is sent, the residual the rest
            Outcome cut = FakeExecContext.run(lu, read10(0, 200), 150 * BS, null, 64 * 1024);
            assertEquals(150 * BS, cut.response().dataIn().length());
            assertEquals(200 * BS, cut.response().transferLength());
            // below the threshold, or a transport that wants bytes: an ordinary read into a lent buffer
            Outcome small = FakeExecContext.run(lu, read10(3, 8), 8 * BS, null, 64 * 1024);
            assertFalse(small.response().dataIn() instanceof org.scstj.engine.spi.FileSegment);
            Outcome digest = FakeExecContext.run(lu, read10(3, 128), 128 * BS, null);
            assertFalse(digest.response().dataIn() instanceof org.scstj.engine.spi.FileSegment);
        } finally {
            device.file = null;
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
