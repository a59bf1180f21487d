package org.scstj.engine.xcopy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.xcopy.CopyLists.blockToBlock;
import static org.scstj.engine.xcopy.CopyLists.cdb;
import static org.scstj.engine.xcopy.CopyLists.device;
import static org.scstj.engine.xcopy.CopyLists.identification;
import static org.scstj.engine.xcopy.CopyLists.list;
import static org.scstj.engine.xcopy.CopyLists.withOffsets;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.CopyManager;
import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.CopyStatusTable;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class ExtendedCopyTest {
    private final RamBlockDevice a = device(512, 8192, 0x6001_4050_0000_00A1L);
    private final RamBlockDevice b = device(512, 8192, 0x6001_4050_0000_00B2L);
    /** A device of the target that the test's nexus may not access. */
    private final RamBlockDevice hidden = device(512, 8192, 0x6001_4050_0000_00C3L);
    private final ModeParameters aMode = new ModeParameters(true);
    private final ModeParameters bMode = new ModeParameters(true);
    private final CopyManager manager = new CopyManager();
    private final CopyStatusTable status = new CopyStatusTable();
    private boolean bReadOnly;
    private final org.scstj.engine.lu.MediumState bMedium = new org.scstj.engine.lu.MediumState(true);

    /** LUN 0 = a (the addressed LU), LUN 1 = b; {@link #hidden} is not mapped to the nexus. */
    private LuContext lu() {
        List<CopyScope.Target> accessible = List.of(LuStates.target(0, a, false, aMode),
                new CopyScope.Target(1, b, bReadOnly, bMode, bMedium, LuStates.unlimited()));
        return LuContexts.of(0, a, false, FakeExecContext.NEXUS, aMode,
                new CopyScope(CopyScope.byNaa(accessible), manager, status));
    }

    private Outcome run(byte[] list) {
        return FakeExecContext.run(lu(), cdb(list.length), list.length, list);
    }

    private Outcome copy(List<byte[]> cscds, byte[]... segments) {
        return run(list(1, 0, cscds, List.of(segments)));
    }

    /** A copy whose CSCD descriptors are a (index 0) and b (index 1). */
    private Outcome copyAB(byte[]... segments) {
        return copy(List.of(identification(a), identification(b)), segments);
    }

    private static void fill(RamBlockDevice d, long lba, int blocks, int seed) {
        for (int i = 0; i < blocks * d.blockSize(); i++) {
            d.store()[(int) (lba * d.blockSize()) + i] = (byte) (seed + i * 31 + i / 512);
        }
    }

    private static byte[] blocks(RamBlockDevice d, long lba, int blocks) {
        int from = (int) (lba * d.blockSize());
        return Arrays.copyOfRange(d.store(), from, from + blocks * d.blockSize());
    }

    /** The fixed-format sense-key specific bytes: SKSV, C/D or SD, BPV, bit, then the field pointer. */
    private static int fieldPointer(Outcome o) {
        byte[] s = o.response().sense();
        assertEquals(0x80, s[15] & 0x80, "SKSV");
        assertEquals(0, s[15] & 0x40, "C/D 0, or SD 0: the pointer counts from the parameter list");
        return (s[16] & 0xFF) << 8 | (s[17] & 0xFF);
    }

    // ---- copying ----

    @Test
    void blockToBlock_copiesBetweenTwoLus() {
        fill(a, 10, 64, 1);
        Outcome o = copyAB(blockToBlock(0, 1, 64, 10, 500));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(blocks(a, 10, 64), blocks(b, 500, 64));
        assertEquals(16 + 64 + 28, o.response().transferLength(), "the parameter list was transferred");
    }

    @Test
    void aLongSegment_movesInBoundedChunks() {
        fill(a, 0, 5000, 2);
        Outcome o = copyAB(blockToBlock(0, 1, 5000, 0, 3000));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(blocks(a, 0, 5000), blocks(b, 3000, 5000));
        int chunks = (5000 * 512 + BlockCopy.CHUNK - 1) / BlockCopy.CHUNK;
        assertEquals(chunks, b.writes, "one write per chunk of at most " + BlockCopy.CHUNK + " bytes");
        assertEquals(chunks, a.reads);
    }

    @Test
    void severalSegments_runInOrder_andIndexesPickTheirLus() {
        fill(a, 0, 8, 3);
        fill(b, 100, 8, 4);
        Outcome o = copy(List.of(identification(b), identification(a)),
                blockToBlock(1, 0, 8, 0, 0), blockToBlock(0, 1, 8, 100, 200), blockToBlock(1, 1, 0, 0, 0));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(blocks(a, 0, 8), blocks(b, 0, 8));
        assertArrayEquals(blocks(b, 100, 8), blocks(a, 200, 8));
    }

    @Test
    void withinOneLu_overlappingForward_readsEveryBlockBeforeOverwritingIt() {
        fill(a, 0, 3000, 5);
        byte[] before = blocks(a, 0, 3000);
        Outcome o = copy(List.of(identification(a)), blockToBlock(0, 0, 3000, 0, 100));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(before, blocks(a, 100, 3000));
    }

    @Test
    void withinOneLu_overlappingBackward_copiesLikeMemmove() {
        fill(a, 100, 3000, 6);
        byte[] before = blocks(a, 100, 3000);
        Outcome o = copy(List.of(identification(a)), blockToBlock(0, 0, 3000, 100, 0));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(before, blocks(a, 0, 3000));
    }

    @Test
    void destinationWithWceZero_isWrittenWithFua() {
        ModeParameters noCache = bMode;
        noCache.apply(false, false, false);
        fill(a, 0, 4, 7);
        assertEquals("GOOD", copyAB(blockToBlock(0, 1, 4, 0, 0)).sense());
        assertTrue(b.lastWriteFua);
        bMode.apply(true, false, false);
        assertEquals("GOOD", copyAB(blockToBlock(0, 1, 4, 0, 0)).sense());
        assertFalse(b.lastWriteFua);
    }

    @Test
    void dcBit_countsDestinationBlocks() {
        RamBlockDevice big = device(4096, 64, 0x6001_4050_0000_0D4BL);
        LuContext lu = LuContexts.of(0, a, false, FakeExecContext.NEXUS, aMode, new CopyScope(CopyScope.byNaa(List.of(
                LuStates.target(0, a, false, aMode), LuStates.target(1, big, false, bMode))),
                manager, status));
        fill(a, 0, 16, 8);
        byte[] segment = blockToBlock(0, 1, 2, 0, 3);
        segment[1] = 0x02; // DC: 2 destination blocks = 16 source blocks
        byte[] list = list(1, 0, List.of(identification(a), identification(big)), List.of(segment));
        Outcome o = FakeExecContext.run(lu, cdb(list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertArrayEquals(blocks(a, 0, 16), blocks(big, 3, 2));
    }

    // ---- the CDB and the parameter list length ----

    @Test
    void lid4_isNotSupported() {
        byte[] c = cdb(0);
        c[1] = 0x01;
        Decoded d = Decode.decode(c);
        assertEquals(FieldPointer.cdb(1, 4), assertInstanceOf(Decoded.Rejected.class, d).failure().pointer());
    }

    @Test
    void parameterListLengthZero_isGoodAndTransfersNothing() {
        Outcome o = FakeExecContext.run(lu(), cdb(0), 0, new byte[0]);
        assertEquals("GOOD", o.sense());
        assertEquals(-1, o.task().requestedData);
    }

    @Test
    void parameterListShorterThanTheHeader_isParameterListLengthError() {
        Outcome o = FakeExecContext.run(lu(), cdb(15), 15, new byte[15]);
        assertEquals("05/1A/00", o.sense());
        assertEquals(-1, o.task().requestedData);
    }

    @Test
    void parameterListLongerThanAnyValidList_isRefusedBeforeItIsTransferred() {
        long huge = 0xFFFF_FFF0L;
        Outcome o = FakeExecContext.run(lu(), cdb(huge), (int) huge, new byte[16]);
        assertEquals("05/1A/00", o.sense());
        assertEquals(-1, o.task().requestedData, "no Data-Out fetched, nothing allocated");
        Outcome justOver = FakeExecContext.run(lu(), cdb(ExtendedCopy.MAX_PARAMETER_LIST_LENGTH + 1),
                ExtendedCopy.MAX_PARAMETER_LIST_LENGTH + 1, new byte[16]);
        assertEquals("05/1A/00", justOver.sense());
    }

    @Test
    void listsRunningPastTheParameterList_areParameterListLengthError() {
        byte[] full = list(1, 0, List.of(identification(a)), List.of(blockToBlock(0, 0, 1, 0, 1)));
        for (int cut : new int[] {16 + 31, 16 + 32 + 27}) {
            byte[] truncated = Arrays.copyOf(full, cut);
            assertEquals("05/1A/00", run(truncated).sense(), "cut at " + cut);
        }
        Outcome edtlShort = FakeExecContext.run(lu(), cdb(full.length), full.length - 1, full);
        assertEquals("05/1A/00", edtlShort.sense(), "EDTL below the list length");
    }

    @Test
    void descriptorListsLongerThanTheMaximum_areParameterListLengthError() {
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            segments.add(blockToBlock(0, 0, 1, 0, 1));
        }
        byte[] list = list(1, 0, List.of(identification(a)), segments); // 32 + 36 * 28 = 1040 > 1024
        assertEquals("05/1A/00", run(list).sense());
    }

    @Test
    void inlineData_isParameterListLengthError() {
        byte[] list = list(1, 0, List.of(identification(a)), List.of(blockToBlock(0, 0, 1, 0, 1)));
        byte[] withInline = Arrays.copyOf(list, list.length + 4);
        withInline[15] = 4;
        assertEquals("05/1A/00", run(withInline).sense());
    }

    // ---- the header and the descriptors ----

    @Test
    void listIdUsage01b_isInvalidFieldInParameterList() {
        Outcome o = run(list(1, 0b01, List.of(identification(a)), List.of(blockToBlock(0, 0, 1, 0, 1))));
        assertEquals("05/26/00", o.sense());
        assertEquals(1, fieldPointer(o));
        assertEquals(0x08 | 4, o.response().sense()[15] & 0x0F, "BPV, bit 4");
    }

    @Test
    void tooManyCscdDescriptors_isTooManyTargetDescriptors() {
        List<byte[]> cscds = new ArrayList<>();
        for (int i = 0; i <= ExtendedCopy.MAX_CSCD_DESCRIPTORS; i++) {
            cscds.add(identification(a));
        }
        assertEquals("05/26/06", copy(cscds, blockToBlock(0, 0, 1, 0, 1)).sense());
        assertEquals("GOOD", copy(cscds.subList(0, ExtendedCopy.MAX_CSCD_DESCRIPTORS),
                blockToBlock(0, 0, 1, 0, 1)).sense(), "the maximum itself is fine");
    }

    @Test
    void cscdTypesOtherThanIdentification_areUnsupportedTargetDescriptorTypeCode() {
        for (int type : new int[] {0xE0, 0xE5, 0xEA, 0x02, 0x00, 0xFF}) {
            byte[] cscd = type == 0xEA ? Arrays.copyOf(identification(a), 64) : identification(a);
            cscd[0] = (byte) type;
            Outcome o = copy(List.of(identification(a), cscd), blockToBlock(0, 0, 1, 0, 1));
            assertEquals("05/26/07", o.sense(), "type " + Integer.toHexString(type));
            assertEquals(16 + 32, fieldPointer(o));
        }
    }

    @Test
    void tooManySegmentDescriptors_isTooManySegmentDescriptors() {
        byte[][] segments = new byte[ExtendedCopy.MAX_SEGMENT_DESCRIPTORS + 1][];
        Arrays.fill(segments, blockToBlock(0, 0, 1, 0, 1));
        assertEquals("05/26/08", copy(List.of(identification(a)), segments).sense());
        assertEquals("GOOD", copy(List.of(identification(a)),
                Arrays.copyOf(segments, ExtendedCopy.MAX_SEGMENT_DESCRIPTORS)).sense());
    }

    @Test
    void segmentTypesOtherThanBlockToBlockWithOrWithoutOffsets_areUnsupportedSegmentDescriptorTypeCode() {
        byte[] streamToStream = new byte[20];
        streamToStream[0] = 0x03;
        streamToStream[3] = 0x10;
        Outcome o = copy(List.of(identification(a)), streamToStream);
        assertEquals("05/26/09", o.sense());
        assertEquals(16 + 32, fieldPointer(o));
        byte[] streamToBlockWithOffset = new byte[28];
        streamToBlockWithOffset[0] = 0x09;
        streamToBlockWithOffset[3] = 0x18;
        assertEquals("05/26/09", copy(List.of(identification(a)), streamToBlockWithOffset).sense());
        byte[] heldBlockToBlock = blockToBlock(0, 0, 1, 0, 1);
        heldBlockToBlock[0] = 0x0D; // block to block holding a copy for the application client
        assertEquals("05/26/09", copy(List.of(identification(a)), heldBlockToBlock).sense());
    }

    @Test
    void malformedDescriptors_areInvalidFieldInParameterList() {
        byte[] wrongLength = Arrays.copyOf(blockToBlock(0, 0, 1, 0, 1), 32);
        wrongLength[3] = 0x1C;
        Outcome o = copy(List.of(identification(a)), wrongLength);
        assertEquals("05/26/00", o.sense());
        assertEquals(16 + 32 + 2, fieldPointer(o));

        byte[] tape = identification(a);
        tape[1] = 0x01;
        assertEquals("05/26/00", copy(List.of(tape), blockToBlock(0, 0, 1, 0, 1)).sense());

        byte[] overlong = identification(a);
        overlong[7] = 17;
        assertEquals("05/26/00", copy(List.of(overlong), blockToBlock(0, 0, 1, 0, 1)).sense());

        byte[] blockLength = identification(a);
        blockLength[30] = 0x10; // 4096, the LU has 512
        o = copy(List.of(blockLength), blockToBlock(0, 0, 1, 0, 1));
        assertEquals("05/26/00", o.sense());
        assertEquals(16 + 29, fieldPointer(o));

        byte[] list = list(1, 0, List.of(identification(a)), List.of(blockToBlock(0, 0, 1, 0, 1)));
        list[3] = 20; // the CSCD list length ends inside the descriptor
        assertEquals("05/26/00", run(list).sense());
    }

    @Test
    void luIdTypeAndNul_areIgnoredForIdentificationDescriptors() {
        byte[] cscd = identification(a);
        cscd[1] = (byte) 0xA0; // LU ID TYPE 10b, NUL 1: obsolete / meaningless for E4h since SPC-4
        assertEquals("GOOD", copy(List.of(cscd), blockToBlock(0, 0, 1, 0, 1)).sense());
    }

    // ---- reachability: only the nexus's own LUs (CVE-2020-28374) ----

    @Test
    void aLuNotMappedToTheNexus_isNotReachable_andNeverTouched() {
        fill(hidden, 0, 16, 9);
        byte[] secret = blocks(hidden, 0, 16);
        Outcome read = copy(List.of(identification(hidden), identification(a)), blockToBlock(0, 1, 16, 0, 0));
        Outcome write = copy(List.of(identification(a), identification(hidden)), blockToBlock(0, 1, 16, 0, 0));
        for (Outcome o : List.of(read, write)) {
            assertEquals("0A/0D/02", o.sense());
        }
        assertEquals(16, fieldPointer(read), "the first CSCD descriptor");
        assertEquals(16 + 32, fieldPointer(write));
        assertEquals(0, hidden.reads + hidden.writes, "the hidden device was never read or written");
        assertEquals(0, a.reads + a.writes + b.reads + b.writes, "nothing moved at all");
        assertArrayEquals(secret, blocks(hidden, 0, 16));
    }

    @Test
    void aLuWhoseMediumIsEjected_isNotReachable() {
        bMedium.eject(FakeExecContext.NEXUS);
        Outcome o = copy(List.of(identification(a), identification(b)), blockToBlock(0, 1, 16, 0, 0));
        assertEquals("0A/0D/02", o.sense());
        assertEquals(0, a.reads + a.writes + b.reads + b.writes, "nothing moved");
    }

    @Test
    void designatorsOtherThanOurNaa_areNotReachable() {
        byte[] t10 = identification(a);
        t10[5] = 0x01; // T10 vendor ID based
        assertEquals("0A/0D/02", copy(List.of(t10), blockToBlock(0, 0, 1, 0, 1)).sense());
        byte[] port = identification(a);
        port[5] = 0x13; // association target port
        assertEquals("0A/0D/02", copy(List.of(port), blockToBlock(0, 0, 1, 0, 1)).sense());
        byte[] ascii = identification(a);
        ascii[4] = 0x02;
        assertEquals("0A/0D/02", copy(List.of(ascii), blockToBlock(0, 0, 1, 0, 1)).sense());
        byte[] unknown = identification(a);
        unknown[15] ^= 0x55;
        assertEquals("0A/0D/02", copy(List.of(unknown), blockToBlock(0, 0, 1, 0, 1)).sense());
    }

    // ---- segments ----

    @Test
    void aCscdIndexPastTheList_isCopyAborted() {
        Outcome o = copy(List.of(identification(a)), blockToBlock(0, 1, 1, 0, 1));
        assertEquals("0A/00/00", o.sense());
        assertEquals(16 + 32 + 6, fieldPointer(o));
        o = copy(List.of(identification(a)), blockToBlock(5, 0, 1, 0, 1));
        assertEquals(16 + 32 + 4, fieldPointer(o));
    }

    @Test
    void rangesPastTheEndOfEitherLu_areCopyAborted_beforeAnyBlockMoves() {
        Outcome dst = copy(List.of(identification(a), identification(b)),
                blockToBlock(0, 1, 8, 0, 0), blockToBlock(0, 1, 2048, 0, 8192 - 1));
        assertEquals("0A/00/00", dst.sense());
        assertEquals(16 + 64 + 28 + 20, fieldPointer(dst), "the second segment's destination LBA");
        Outcome src = copyAB(blockToBlock(0, 1, 2, 8191, 0));
        assertEquals(16 + 64 + 12, fieldPointer(src));
        Outcome wrap = copyAB(blockToBlock(0, 1, 2, -1L, 0));
        assertEquals("0A/00/00", wrap.sense());
        assertEquals(0, a.reads + a.writes + b.reads + b.writes, "not even the valid first segment ran");
    }

    @Test
    void aWriteProtectedDestination_isDataProtect() {
        bReadOnly = true;
        assertEquals("07/27/00", copyAB(blockToBlock(0, 1, 1, 0, 0)).sense());
        assertEquals("GOOD", copyAB(blockToBlock(1, 0, 1, 0, 0)).sense(),
                "a read-only LU may be the source");
        bReadOnly = false;
        bMode.apply(true, false, true); // SWP
        assertEquals("07/27/00", copyAB(blockToBlock(0, 1, 1, 0, 0)).sense());
        assertEquals(0, b.writes);
    }

    @Test
    void aSegmentNotAWholeNumberOfBlocksOfBothLus_isUnexpectedInexactSegment() {
        RamBlockDevice big = device(4096, 64, 0x6001_4050_0000_0D4BL);
        LuContext lu = LuContexts.of(0, a, false, FakeExecContext.NEXUS, aMode, new CopyScope(CopyScope.byNaa(List.of(
                LuStates.target(0, a, false, aMode), LuStates.target(1, big, false, bMode))),
                manager, status));
        byte[] list = list(1, 0, List.of(identification(a), identification(big)), List.of(blockToBlock(0, 1, 3, 0, 0)));
        Outcome o = FakeExecContext.run(lu, cdb(list.length), list.length, list);
        assertEquals("0A/26/0A", o.sense());
        assertEquals(16 + 64 + 10, fieldPointer(o));
    }

    @Test
    void aSegmentLongerThanTheMaximumSegmentLength_isInvalidFieldInParameterList() {
        RamBlockDevice big = device(4096, 8192, 0x6001_4050_0000_0D4BL);
        LuContext lu = LuContexts.of(0, big, false, FakeExecContext.NEXUS, aMode, LuStates.only(0, big, false, aMode));
        int blocks = ExtendedCopy.MAX_SEGMENT_LENGTH / 4096 + 1;
        byte[] list = list(1, 0, List.of(identification(big)), List.of(blockToBlock(0, 0, blocks, 0, 0)));
        Outcome o = FakeExecContext.run(lu, cdb(list.length), list.length, list);
        assertEquals("05/26/00", o.sense());
        assertEquals(16 + 32 + 10, fieldPointer(o));
    }

    // ---- block device with offset to block device with offset (0Ah, SPC-4 6.4.6.12) ----

    /** {@code n} bytes of {@code d} from byte {@code at}. */
    private static byte[] bytes(RamBlockDevice d, long at, int n) {
        return Arrays.copyOfRange(d.store(), (int) at, (int) at + n);
    }

    /** What {@code d} must hold after {@code n} bytes of {@code from} at {@code source} land at {@code at}. */
    private static byte[] expectedAfter(RamBlockDevice d, long at, byte[] from, long source, int n) {
        byte[] expected = d.store().clone();
        System.arraycopy(from, (int) source, expected, (int) at, n);
        return expected;
    }

    @Test
    void withOffsets_zeroOffsetsAndWholeBlocks_copyLikeBlockToBlock_withoutReadingTheDestination() {
        fill(a, 10, 8, 11);
        Outcome o = copyAB(withOffsets(0, 1, 8 * 512, 10, 0, 500, 0));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(blocks(a, 10, 8), blocks(b, 500, 8));
        assertEquals(0, b.reads, "no partial block to merge");
        assertEquals(1, b.writes);
        assertEquals(16 + 64 + 32, o.response().transferLength());
    }

    @Test
    void withOffsets_aRangeInsideOneBlock_isWrittenThere_andTheRestOfTheBlockIsPreserved() {
        fill(a, 0, 16, 12);
        fill(b, 0, 16, 13);
        byte[] expected = expectedAfter(b, 7 * 512 + 300, a.store(), 3 * 512 + 17, 100);
        Outcome o = copyAB(withOffsets(0, 1, 100, 3, 17, 7, 300));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(expected, b.store(), "100 bytes changed, every other byte as it was");
        assertEquals(1, b.writes, "one read-modify-write of the one destination block");
    }

    @Test
    void withOffsets_aByteCountCrossingBlockBoundaries_preservesTheFirstAndLastDestinationBlocksAroundIt() {
        fill(a, 0, 32, 14);
        fill(b, 0, 32, 15);
        int n = 3 * 512 + 77;
        byte[] expected = expectedAfter(b, 4 * 512 + 10, a.store(), 2 * 512 + 500, n);
        Outcome o = copyAB(withOffsets(0, 1, n, 2, 500, 4, 10));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(expected, b.store());
    }

    @Test
    void withOffsets_overSeveralChunks_unalignedAtBothEnds_copiesEveryByte() {
        fill(a, 0, 8192, 16);
        fill(b, 0, 8192, 17);
        int n = 2 * BlockCopy.CHUNK + 512 * 3 + 123;
        byte[] expected = expectedAfter(b, 100 * 512 + 1, a.store(), 5 * 512 + 511, n);
        Outcome o = copyAB(withOffsets(0, 1, n, 5, 511, 100, 1));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(expected, b.store());
        assertEquals(n, status.find(1).bytesTransferred(), "COPY STATUS counts the bytes copied, not whole blocks");
    }

    @Test
    void withOffsets_withinOneLu_overlapping_copiesAsIfTheSourceWereReadFirst() {
        int n = BlockCopy.CHUNK + 5000;
        fill(a, 0, 8192, 18);
        byte[] forward = expectedAfter(a, 1 * 512 + 7, a.store(), 100, n);
        assertEquals("GOOD", copy(List.of(identification(a)), withOffsets(0, 0, n, 0, 100, 1, 7)).sense());
        assertArrayEquals(forward, a.store(), "destination after the source: copied from the end");
        byte[] backward = expectedAfter(a, 300, a.store(), 2 * 512 + 33, n);
        assertEquals("GOOD", copy(List.of(identification(a)), withOffsets(0, 0, n, 2, 33, 0, 300)).sense());
        assertArrayEquals(backward, a.store(), "destination before the source");
    }

    @Test
    void withOffsets_betweenLusOfDifferentBlockSizes_copiesTheBytes() {
        RamBlockDevice big = device(4096, 64, 0x6001_4050_0000_0D4BL);
        LuContext lu = LuContexts.of(0, a, false, FakeExecContext.NEXUS, aMode, new CopyScope(CopyScope.byNaa(List.of(
                LuStates.target(0, a, false, aMode), LuStates.target(1, big, false, bMode))),
                manager, status));
        fill(a, 0, 64, 19);
        fill(big, 0, 16, 20);
        byte[] toBig = expectedAfter(big, 2 * 4096 + 4000, a.store(), 3 * 512 + 100, 5000);
        byte[] list = list(1, 0, List.of(identification(a), identification(big)),
                List.of(withOffsets(0, 1, 5000, 3, 100, 2, 4000)));
        assertEquals("GOOD", FakeExecContext.run(lu, cdb(list.length), list.length, list).sense());
        assertArrayEquals(toBig, big.store());
        byte[] toSmall = expectedAfter(a, 40 * 512 + 9, big.store(), 4095, 4097);
        list = list(1, 0, List.of(identification(a), identification(big)),
                List.of(withOffsets(1, 0, 4097, 0, 4095, 40, 9)));
        assertEquals("GOOD", FakeExecContext.run(lu, cdb(list.length), list.length, list).sense());
        assertArrayEquals(toSmall, a.store());
    }

    @Test
    void withOffsets_zeroBytes_isGoodAndMovesNothing() {
        Outcome o = copyAB(withOffsets(0, 1, 0, 10, 5, 20, 6));
        assertEquals("GOOD", o.sense());
        assertEquals(0, a.reads + a.writes + b.reads + b.writes);
    }

    @Test
    void withOffsets_theCatBit_changesNothing_forNoResidualDataIsLeft() {
        fill(a, 0, 4, 21);
        byte[] segment = withOffsets(0, 1, 700, 0, 3, 0, 5);
        segment[1] = 0x01; // CAT, in the last segment descriptor: residual data would be discarded
        byte[] expected = expectedAfter(b, 5, a.store(), 3, 700);
        assertEquals("GOOD", copyAB(segment).sense());
        assertArrayEquals(expected, b.store());
    }

    @Test
    void aCopyLargerThanOneSegmentsRange_isSplitOverSeveralDescriptors() {
        int blocks = 43008; // 21 MiB of 512-byte blocks
        RamBlockDevice source = device(512, blocks, 0x6001_4050_0000_0E01L);
        RamBlockDevice destination = device(512, blocks, 0x6001_4050_0000_0E02L);
        LuContext lu = LuContexts.of(0, source, false, FakeExecContext.NEXUS, aMode, new CopyScope(CopyScope.byNaa(
                List.of(LuStates.target(0, source, false, aMode),
                        LuStates.target(1, destination, false, bMode))), manager, status));
        fill(source, 0, blocks, 22);
        long total = 20L * 1024 * 1024 + 1000;
        long first = ExtendedCopy.MAX_SEGMENT_LENGTH - 100;          // ends inside a block
        long second = ExtendedCopy.MAX_SEGMENT_LENGTH / 4;           // carries on from there
        long third = total - first - second;
        List<byte[]> segments = List.of(
                withOffsets(0, 1, first, 0, 0, 0, 0),
                withOffsets(0, 1, second, first / 512, (int) (first % 512), first / 512, (int) (first % 512)),
                withOffsets(0, 1, third, (first + second) / 512, (int) ((first + second) % 512),
                        (first + second) / 512, (int) ((first + second) % 512)));
        byte[] list = list(1, 0, List.of(identification(source), identification(destination)), segments);
        Outcome o = FakeExecContext.run(lu, cdb(list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertArrayEquals(Arrays.copyOf(source.store(), (int) total), Arrays.copyOf(destination.store(), (int) total));
        assertArrayEquals(new byte[1000], Arrays.copyOfRange(destination.store(), (int) total, (int) total + 1000),
                "nothing past the last byte");
        assertEquals(3, status.find(1).segmentsProcessed());

        byte[] tooLong = list(1, 0, List.of(identification(source), identification(destination)),
                List.of(withOffsets(0, 1, ExtendedCopy.MAX_SEGMENT_LENGTH + 1L, 0, 0, 0, 0)));
        Outcome refused = FakeExecContext.run(lu, cdb(tooLong.length), tooLong.length, tooLong);
        assertEquals("05/26/00", refused.sense(), "one descriptor of MAXIMUM SEGMENT LENGTH + 1 bytes");
        assertEquals(16 + 64 + 8, fieldPointer(refused), "NUMBER OF BYTES");
    }

    @Test
    void withOffsets_badFields_areRefusedBeforeAnyBlockMoves() {
        byte[] good = withOffsets(0, 1, 512, 0, 0, 0, 0);
        int second = 16 + 64 + 32; // the second segment descriptor, after a valid first one
        record Bad(String what, byte[] segment, String sense, int pointer) {
        }
        byte[] wrongLength = Arrays.copyOf(withOffsets(0, 1, 1, 0, 0, 0, 0), 28);
        wrongLength[3] = 0x18; // the length of a 02h descriptor
        for (Bad bad : List.of(
                new Bad("source offset = block size", withOffsets(0, 1, 1, 0, 512, 0, 0), "05/26/00", second + 28),
                new Bad("destination offset = block size", withOffsets(0, 1, 1, 0, 0, 0, 512), "05/26/00", second + 30),
                new Bad("more than MAXIMUM SEGMENT LENGTH", withOffsets(0, 1, ExtendedCopy.MAX_SEGMENT_LENGTH + 1L,
                        0, 0, 0, 0), "05/26/00", second + 8),
                new Bad("source bytes past the last block", withOffsets(0, 1, 600, 8191, 10, 0, 0), "0A/00/00",
                        second + 12),
                new Bad("the last byte of the last block", withOffsets(0, 1, 1, 8191, 511, 0, 0), "GOOD", -1),
                new Bad("destination bytes past the last block", withOffsets(0, 1, 2, 0, 0, 8191, 511), "0A/00/00",
                        second + 20),
                new Bad("source LBA wrapping", withOffsets(0, 1, 512, -1L, 0, 0, 0), "0A/00/00", second + 12),
                new Bad("DESCRIPTOR LENGTH 0018h", wrongLength, "05/26/00", second + 2),
                new Bad("destination index past the list", withOffsets(0, 2, 1, 0, 0, 0, 0), "0A/00/00", second + 6),
                new Bad("source index past the list", withOffsets(2, 1, 1, 0, 0, 0, 0), "0A/00/00", second + 4))) {
            Outcome o = copyAB(good, bad.segment());
            assertEquals(bad.sense(), o.sense(), bad.what());
            if (bad.pointer() >= 0) {
                assertEquals(bad.pointer(), fieldPointer(o), bad.what());
                assertEquals(0, a.reads + a.writes + b.reads + b.writes, bad.what() + ": not even the first segment ran");
            }
            a.reads = a.writes = b.reads = b.writes = 0;
        }
        bReadOnly = true;
        assertEquals("07/27/00", copyAB(good, withOffsets(0, 1, 1, 0, 0, 0, 0)).sense(), "a write-protected destination");
        assertEquals(0, a.reads + b.writes);
    }

    // ---- device errors, list identifiers, concurrency ----

    @Test
    void aDeviceErrorDuringTheCopy_isReportedAsTheReadOrWriteWouldBe() {
        a.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        assertEquals("03/11/00", copyAB(blockToBlock(0, 1, 1, 0, 0)).sense());
        a.failWith(null);
        b.failWith(BlockDevice.IoFailure.NO_SPACE);
        assertEquals("07/27/07", copyAB(blockToBlock(0, 1, 1, 0, 0)).sense());
        assertEquals(CopyStatusTable.State.COMPLETED_WITH_ERRORS, status.find(1).state());
        assertEquals(0, manager.running(), "the slot is given back");
    }

    @Test
    void aListIdentifierInUse_isOperationInProgress() {
        status.begin(1, true);
        Outcome o = copy(List.of(identification(a)), blockToBlock(0, 0, 1, 0, 1));
        assertEquals("05/00/16", o.sense());
        assertEquals(0, manager.running());
        byte[] noListId = list(1, 0b11, List.of(identification(a)), List.of(blockToBlock(0, 0, 1, 0, 1)));
        assertEquals("GOOD", run(noListId).sense(), "LIST ID USAGE 11b: the identifier is not used");
    }

    @Test
    void whenEveryCopySlotIsTaken_theCopyIsRefused() {
        for (int i = 0; i < CopyManager.TOTAL_CONCURRENT_COPIES; i++) {
            manager.tryStart();
        }
        assertEquals("05/55/03", copy(List.of(identification(a)), blockToBlock(0, 0, 1, 0, 1)).sense());
        assertEquals(0, a.writes);
        assertNull(status.find(1), "a refused copy holds no status");
    }

    @Test
    void descriptorFormatSense_whenDSenseIsSet() {
        aMode.apply(true, true, false);
        Outcome o = copy(List.of(identification(hidden)), blockToBlock(0, 0, 1, 0, 1));
        assertEquals(0x72, o.response().sense()[0]);
        assertEquals("0A/0D/02", o.sense());
        assertEquals(ScsiResponse.CHECK_CONDITION, o.status());
    }

    @Test
    void senseReasons_haveTheirSpcCodes() {
        assertEquals("ILLEGAL_REQUEST 26/06", SenseReason.TOO_MANY_TARGET_DESCRIPTORS.key() + " "
                + String.format("%02X/%02X", SenseReason.TOO_MANY_TARGET_DESCRIPTORS.asc(),
                SenseReason.TOO_MANY_TARGET_DESCRIPTORS.ascq()));
        assertEquals(0x0A, SenseReason.COPY_TARGET_DEVICE_NOT_REACHABLE.key().code());
    }
}
