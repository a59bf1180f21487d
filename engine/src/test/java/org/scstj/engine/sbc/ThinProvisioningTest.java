package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** UNMAP, GET LBA STATUS, WRITE SAME(10/16) and the provisioning bits (SBC-4 4.7.3, 5.8, 5.30, 5.48, 5.50). */
class ThinProvisioningTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000).thin();
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] unmapCdb(int parameterListLength) {
        return new byte[] {0x42, 0, 0, 0, 0, 0, 0, (byte) (parameterListLength >>> 8), (byte) parameterListLength, 0};
    }

    /** An UNMAP parameter list with one descriptor per {lba, blocks} pair. */
    static byte[] unmapList(long... lbaBlocks) {
        int n = lbaBlocks.length / 2;
        ByteBuffer b = ByteBuffer.allocate(8 + 16 * n);
        b.putShort((short) (6 + 16 * n)).putShort((short) (16 * n)).putInt(0);
        for (int i = 0; i < n; i++) {
            b.putLong(lbaBlocks[2 * i]).putInt((int) lbaBlocks[2 * i + 1]).putInt(0);
        }
        return b.array();
    }

    static byte[] getLbaStatus(long lba, int allocationLength) {
        byte[] c = ReadWriteTest.cdb16(0x9E, lba, allocationLength);
        c[1] = 0x12;
        return c;
    }

    static byte[] writeSame10(long lba, int blocks, boolean unmap) {
        byte[] c = ReadWriteTest.read10(lba, blocks);
        c[0] = 0x41;
        c[1] = (byte) (unmap ? 0x08 : 0);
        return c;
    }

    static byte[] writeSame16(long lba, long blocks, boolean unmap, boolean ndob) {
        byte[] c = ReadWriteTest.cdb16(0x93, lba, blocks);
        c[1] = (byte) ((unmap ? 0x08 : 0) | (ndob ? 0x01 : 0));
        return c;
    }

    private void fill(int lba, int blocks, int value) {
        byte[] d = new byte[blocks * BS];
        Arrays.fill(d, (byte) value);
        assertEquals("GOOD", FakeExecContext.run(lu, ReadWriteTest.write10(lba, blocks, false), d.length, d).sense());
    }

    private byte[] read(int lba, int blocks) {
        return FakeExecContext.run(lu, ReadWriteTest.read10(lba, blocks), blocks * BS, null).data();
    }

    // ---- UNMAP ----

    @Test
    void unmap_deallocatesEveryDescriptor_andTheBlocksReadAsZeros() {
        fill(0, 20, 0x61);
        byte[] list = unmapList(2, 3, 10, 1, 11, 0);
        Outcome o = FakeExecContext.run(lu, unmapCdb(list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertTrue(o.task().allReleasedExcept(null));
        assertEquals(2, device.unmaps, "the 0-block descriptor is no work");
        byte[] back = read(0, 20);
        for (int b = 0; b < 20; b++) {
            boolean gone = b >= 2 && b < 5 || b == 10;
            assertEquals(gone ? 0 : 0x61, back[b * BS], "block " + b);
        }
        assertFalse(device.mapped.get(3));
        assertTrue(device.mapped.get(5));
    }

    @Test
    void unmap_parameterListLengthZero_isGood_andOneToSevenIsAParameterListLengthError() {
        assertEquals("GOOD", FakeExecContext.run(lu, unmapCdb(0), 0, null).sense());
        assertEquals("05/1A/00", FakeExecContext.run(lu, unmapCdb(7), 7, new byte[7]).sense());
        assertEquals("GOOD", FakeExecContext.run(lu, unmapCdb(8), 8, unmapList()).sense());
    }

    @Test
    void unmap_anyDescriptorOutOfRange_changesNothing() {
        fill(0, 4, 0x61);
        byte[] list = unmapList(0, 4, 999, 2);
        assertEquals("05/21/00", FakeExecContext.run(lu, unmapCdb(list.length), list.length, list).sense());
        assertEquals(0, device.unmaps);
        assertEquals(0x61, read(0, 1)[0]);
        byte[] atEnd = unmapList(1000, 0);
        assertEquals("GOOD", FakeExecContext.run(lu, unmapCdb(atEnd.length), atEnd.length, atEnd).sense());
        byte[] wraps = unmapList(-1L, 2);
        assertEquals("05/21/00", FakeExecContext.run(lu, unmapCdb(wraps.length), wraps.length, wraps).sense());
    }

    @Test
    void unmap_beyondTheBlockLimits_isInvalidFieldInParameterList() {
        assertEquals("26/00 @32", SenseReasonField.of(UnmapOp.check(unmapList(0, 5, 10, 6), 1000, 10, 256)));
        long[] many = new long[2 * 257];
        byte[] list = unmapList(many);
        assertEquals("26/00 @2", SenseReasonField.of(UnmapOp.check(list, 1000, 10, 256)));
        assertEquals(null, UnmapOp.check(unmapList(0, 5, 10, 5), 1000, 10, 256));
    }

    @Test
    void unmap_incompleteLastDescriptorAndLongerDescriptorLength_areCutToTheList() {
        byte[] list = unmapList(1, 1, 2, 1);
        byte[] cut = Arrays.copyOf(list, list.length - 4);
        assertEquals(1, UnmapOp.descriptors(cut).size());
        assertEquals(null, UnmapOp.check(cut, 1000, 100, 256));
    }

    @Test
    void unmap_anchor_isInvalidFieldInCdb_andAFullyProvisionedDeviceHasNoUnmap() {
        byte[] anchor = unmapCdb(24);
        anchor[1] = 1;
        Decoded d = Decode.decode(anchor);
        assertTrue(d instanceof Decoded.Rejected r && r.failure().pointer().byteOffset() == 1
                && r.failure().pointer().bit() == 0, d.toString());
        RamBlockDevice full = new RamBlockDevice(BS, 100);
        byte[] list = unmapList(0, 1);
        assertEquals("05/20/00", FakeExecContext.run(FakeExecContext.lu(full, false, false), unmapCdb(list.length),
                list.length, list).sense());
    }

    @Test
    void unmap_writeProtected_isDataProtect() {
        byte[] list = unmapList(0, 1);
        assertEquals("07/27/00", FakeExecContext.run(FakeExecContext.lu(device, true, false), unmapCdb(list.length),
                list.length, list).sense());
    }

    // ---- GET LBA STATUS ----

    @Test
    void getLbaStatus_describesMappedAndDeallocatedRunsFromTheStartingLba() {
        fill(10, 5, 0x61);
        Outcome o = FakeExecContext.run(lu, getLbaStatus(8, 1024), 1024, null);
        assertEquals("GOOD", o.sense());
        ByteBuffer d = ByteBuffer.wrap(o.data());
        assertEquals(8 + 3 * 16, o.data().length);
        assertEquals(4 + 3 * 16, d.getInt(0));
        assertEquals(8, d.getLong(8));
        assertEquals(2, d.getInt(16));
        assertEquals(1, d.get(20), "deallocated");
        assertEquals(10, d.getLong(24));
        assertEquals(5, d.getInt(32));
        assertEquals(0, d.get(36), "mapped");
        assertEquals(15, d.getLong(40));
        assertEquals(985, d.getInt(48));
    }

    @Test
    void getLbaStatus_allocationLengthCutsTheData_andPastTheLastLbaIsOutOfRange() {
        fill(0, 1, 0x61);
        Outcome o = FakeExecContext.run(lu, getLbaStatus(0, 24), 24, null);
        assertEquals(24, o.data().length);
        assertEquals(20, ByteBuffer.wrap(o.data()).getInt(0));
        assertEquals(8, FakeExecContext.run(lu, getLbaStatus(0, 8), 8, null).data().length);
        assertEquals("GOOD", FakeExecContext.run(lu, getLbaStatus(999, 24), 24, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, getLbaStatus(1000, 24), 24, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, getLbaStatus(-1L, 24), 24, null).sense());
    }

    @Test
    void getLbaStatus_fullyProvisioned_reportsEverythingMapped() {
        RamBlockDevice full = new RamBlockDevice(BS, 100);
        Outcome o = FakeExecContext.run(FakeExecContext.lu(full, false, false), getLbaStatus(40, 64), 64, null);
        ByteBuffer d = ByteBuffer.wrap(o.data());
        assertEquals(24, o.data().length);
        assertEquals(40, d.getLong(8));
        assertEquals(60, d.getInt(16));
        assertEquals(0, d.get(20));
    }

    // ---- WRITE SAME ----

    @Test
    void writeSame_replicatesOneBlockOverTheRange() {
        byte[] block = ReadWriteTest.pattern(BS, 3);
        Outcome o = FakeExecContext.run(lu, writeSame10(100, 300, false), BS, block);
        assertEquals("GOOD", o.sense());
        assertTrue(o.task().allReleasedExcept(null));
        byte[] back = read(100, 300);
        for (int b = 0; b < 300; b++) {
            assertArrayEquals(block, Arrays.copyOfRange(back, b * BS, (b + 1) * BS), "block " + b);
        }
        assertEquals(0, read(400, 1)[0]);
    }

    @Test
    void writeSame_moreThanTheBufferIsWrittenInBoundedPieces() {
        RamBlockDevice big = new RamBlockDevice(BS, 8192).thin();
        LuContext l = FakeExecContext.lu(big, false, false);
        byte[] block = ReadWriteTest.pattern(BS, 9);
        assertEquals("GOOD", FakeExecContext.run(l, writeSame16(0, 5000, false, false), BS, block).sense());
        assertEquals(3, big.writes, "5000 blocks from a 2048-block pattern");
        assertArrayEquals(block, Arrays.copyOfRange(big.store(), 4999 * BS, 5000 * BS));
    }

    @Test
    void writeSame_unmap_deallocatesWhateverTheBlockHolds() {
        fill(0, 10, 0x61);
        assertEquals("GOOD", FakeExecContext.run(lu, writeSame16(2, 4, true, false), BS, new byte[BS]).sense());
        assertEquals(1, device.unmaps);
        assertFalse(device.mapped.get(2));
        assertTrue(device.mapped.get(6));
        assertArrayEquals(new byte[4 * BS], read(2, 4));
        byte[] ones = new byte[BS];
        Arrays.fill(ones, (byte) 1);
        fill(2, 2, 0x61);
        assertEquals("GOOD", FakeExecContext.run(lu, writeSame10(2, 2, true), BS, ones).sense());
        assertEquals(2, device.unmaps);
        assertArrayEquals(new byte[2 * BS], read(2, 2), "libiscsi WriteSame10.UnmapUntilEnd: reads back as zeros");
    }

    @Test
    void writeSame16_ndob_needsNoDataOut() {
        fill(0, 10, 0x61);
        assertEquals("GOOD", FakeExecContext.run(lu, writeSame16(0, 3, false, true), 0, null).sense());
        assertArrayEquals(new byte[3 * BS], read(0, 3));
        assertEquals(0x61, read(3, 1)[0]);
        assertEquals("GOOD", FakeExecContext.run(lu, writeSame16(5, 2, true, true), 0, null).sense());
        assertEquals(1, device.unmaps);
    }

    @Test
    void writeSame_zeroBlocksMeansToTheEnd_withinTheMaximumWriteSameLength() {
        assertEquals("GOOD", FakeExecContext.run(lu, writeSame16(990, 0, true, false), BS, new byte[BS]).sense());
        assertEquals(1, device.unmaps);
        RamBlockDevice huge = new RamBlockDevice(BS, 100_000, 1).thin();
        LuContext l = FakeExecContext.lu(huge, false, false);
        assertEquals("05/24/00", FakeExecContext.run(l, writeSame16(0, 0, false, false), BS, new byte[BS]).sense());
        long max = BlockLimits.maxWriteSameBlocks(huge);
        assertEquals("05/24/00", FakeExecContext.run(l, writeSame16(0, max + 1, true, false), BS, new byte[BS]).sense());
        assertEquals("GOOD", FakeExecContext.run(l, writeSame16(100_000 - max, 0, true, false), BS, new byte[BS]).sense());
    }

    @Test
    void writeSame_rangeAnchorWrprotectAndUnmapOnAFullDevice_areRefused() {
        assertEquals("05/21/00", FakeExecContext.run(lu, writeSame16(999, 2, false, false), BS, new byte[BS]).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, writeSame16(1001, 0, false, false), BS, new byte[BS]).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, writeSame16(-1L, 1, false, false), BS, new byte[BS]).sense());
        byte[] anchor = writeSame16(0, 1, true, false);
        anchor[1] |= 0x10;
        assertTrue(Decode.decode(anchor) instanceof Decoded.Rejected);
        byte[] wrprotect = writeSame10(0, 1, false);
        wrprotect[1] |= 0x20;
        assertTrue(Decode.decode(wrprotect) instanceof Decoded.Rejected);
        RamBlockDevice full = new RamBlockDevice(BS, 100);
        LuContext l = FakeExecContext.lu(full, false, false);
        assertEquals("05/24/00", FakeExecContext.run(l, writeSame10(0, 1, true), BS, new byte[BS]).sense());
        assertEquals("GOOD", FakeExecContext.run(l, writeSame10(0, 1, false), BS, new byte[BS]).sense());
        assertEquals("07/27/00", FakeExecContext.run(FakeExecContext.lu(device, true, false), writeSame10(0, 1, false),
                BS, new byte[BS]).sense());
    }

    @Test
    void writeSame_aDataOutOtherThanOneBlock_isRefusedBeforeAnythingIsWritten() {
        int writes = device.writes;
        assertEquals("05/24/00", FakeExecContext.run(lu, writeSame10(0, 4, false), BS / 2, new byte[BS / 2]).sense());
        assertEquals("05/24/00", FakeExecContext.run(lu, writeSame10(0, 4, true), 2 * BS, new byte[2 * BS]).sense());
        assertEquals(writes, device.writes);
        assertEquals(0, device.unmaps);
    }

    // ---- provisioning bits ----

    @Test
    void thinDevice_advertisesUnmapAndWriteSameInVpdAndReadCapacity() {
        byte[] lbp = BlockVpdPages.logicalBlockProvisioning(device);
        assertEquals((byte) 0xE4, lbp[5], "LBPU LBPWS LBPWS10 LBPRZ=001b, ANC_SUP 0");
        assertEquals(0b010, lbp[6] & 0x07);
        ByteBuffer bl = ByteBuffer.wrap(BlockVpdPages.blockLimits(device));
        assertEquals(0, bl.get(4) & 1, "WSNZ");
        assertEquals(BlockLimits.maxUnmapBlocks(device), bl.getInt(20));
        assertEquals(256, bl.getInt(24));
        assertEquals(8, bl.getInt(28));
        assertEquals(BlockLimits.maxWriteSameBlocks(device), bl.getLong(36));
        assertEquals((byte) 0xC0, ReadCapacity.data16(device)[14]);
        RamBlockDevice full = new RamBlockDevice(BS, 100);
        assertEquals(0, BlockVpdPages.logicalBlockProvisioning(full)[5]);
        ByteBuffer fl = ByteBuffer.wrap(BlockVpdPages.blockLimits(full));
        assertEquals(0, fl.getInt(20));
        assertEquals(0, fl.getInt(24));
        assertEquals(BlockLimits.maxWriteSameBlocks(full), fl.getLong(36));
    }

    /** "ASC/ASCQ @fieldpointer" of a failure, for compact assertions. */
    private static final class SenseReasonField {
        static String of(org.scstj.engine.sense.Failure f) {
            return f == null ? null : String.format("%02X/%02X @%d", f.reason().asc(), f.reason().ascq(),
                    f.pointer() == null ? -1 : f.pointer().byteOffset());
        }
    }
}
