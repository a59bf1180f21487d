package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * COMPARE AND WRITE (SBC-4 5.3, libiscsi CompareAndWrite, bad-inputs row 23) and WRITE ATOMIC(16)
 * (SBC-4 5.48, libiscsi WriteAtomic16) as the exec stage runs them; their ordering against other
 * tasks is the LUN actor's ({@code TaskOrderingTest}).
 */
class CompareAndWriteTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] caw(long lba, int blocks, boolean dpo, boolean fua) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x89;
        c[1] = (byte) ((dpo ? 0x10 : 0) | (fua ? 0x08 : 0));
        ByteBuffer.wrap(c).putLong(2, lba);
        c[13] = (byte) blocks;
        return c;
    }

    static byte[] writeAtomic(long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x9C;
        ByteBuffer.wrap(c).putLong(2, lba).putShort(12, (short) blocks);
        return c;
    }

    private static byte[] filled(int blocks, int value) {
        byte[] d = new byte[blocks * BS];
        Arrays.fill(d, (byte) value);
        return d;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void store(long lba, byte[] data) {
        System.arraycopy(data, 0, device.store(), (int) lba * BS, data.length);
    }

    @Test
    void equalBlocks_areReplacedByTheWriteInstance() {
        store(7, filled(3, 'A'));
        Outcome o = FakeExecContext.run(lu, caw(7, 3, false, true), 6 * BS, concat(filled(3, 'A'), filled(3, 'B')));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(filled(3, 'B'), Arrays.copyOfRange(device.store(), 7 * BS, 10 * BS));
        assertTrue(device.lastWriteFua, "FUA honoured");
        assertTrue(o.task().allReleasedExcept(null));
    }

    @Test
    void aMiscompare_isMiscompareWithTheOffsetOfTheFirstDifferingByte_andWritesNothing() {
        store(0, filled(2, 'A'));
        byte[] verify = filled(2, 'A');
        verify[2 * BS - 27] = 'C';
        Outcome o = FakeExecContext.run(lu, caw(0, 2, false, false), 4 * BS, concat(verify, filled(2, 'B')));
        assertEquals("0E/1D/00", o.sense());
        byte[] s = o.response().sense();
        assertEquals(0x80, s[0] & 0x80, "INFORMATION valid");
        assertEquals(2 * BS - 27, ByteBuffer.wrap(s).getInt(3));
        assertArrayEquals(filled(2, 'A'), Arrays.copyOfRange(device.store(), 0, 2 * BS));
        assertEquals(0, device.writes);
        assertTrue(o.task().allReleasedExcept(null));
    }

    @Test
    void aDataOutOtherThanTwiceTheBlocks_isRefusedBeforeAnyDataMoves() {
        for (int edtl : new int[] {4 * BS, BS, 3 * BS}) {   // NLB 1 wants exactly 2 blocks
            Outcome o = FakeExecContext.run(lu, caw(0, 1, false, false), edtl, filled(4, 'A'));
            assertEquals("05/24/00", o.sense(), "EDTL " + edtl);
            assertEquals(-1, o.task().requestedData, "no Data-Out asked for");
        }
        assertEquals(0, device.writes + device.reads);
    }

    @Test
    void zeroBlocks_isGood_andOutOfRangeIsLbaOutOfRange() {
        assertEquals("GOOD", FakeExecContext.run(lu, caw(0, 0, false, false), 0, new byte[0]).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, caw(999, 2, false, false), 4 * BS, filled(4, 0)).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, caw(-1, 1, false, false), 2 * BS, filled(2, 0)).sense());
    }

    @Test
    void writeProtected_isDataProtect() {
        LuContext ro = FakeExecContext.lu(device, true, false);
        assertEquals("07/27/00", FakeExecContext.run(ro, caw(0, 1, false, false), 2 * BS, filled(2, 0)).sense());
    }

    @Test
    void wrprotectAndReservedBytes_areInvalidFields() {
        byte[] c = caw(0, 1, false, false);
        c[1] |= (byte) 0x20; // WRPROTECT 001b: no protection information
        assertEquals(FieldPointer.cdb(1, 5), assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure().pointer());
        c = caw(0, 1, false, false);
        c[11] = 1;
        assertEquals(FieldPointer.cdb(11, 0), assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure().pointer());
    }

    @Test
    void writeAtomic_writesUpToTheAtomicLimit_andRefusesMore() {
        Outcome o = FakeExecContext.run(lu, writeAtomic(990, 10), 10 * BS, filled(10, 0x5A));
        assertEquals("GOOD", o.sense());
        assertArrayEquals(filled(10, 0x5A), Arrays.copyOfRange(device.store(), 990 * BS, 1000 * BS));
        long max = BlockLimits.maxAtomicTransferBlocks(new RamBlockDevice(BS, 100_000, 1));
        RamBlockDevice big = new RamBlockDevice(BS, 100_000, 1);
        Outcome tooMany = FakeExecContext.run(FakeExecContext.lu(big, false, false), writeAtomic(0, (int) max + 1),
                (int) (max + 1) * BS, null);
        assertEquals("05/24/00", tooMany.sense());
        assertEquals("GOOD", FakeExecContext.run(lu, writeAtomic(0, 0), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, writeAtomic(1001, 0), 0, null).sense());
    }

    @Test
    void writeAtomic_atomicBoundaryAndWrprotect_areInvalidFields() {
        byte[] c = writeAtomic(0, 1);
        c[10] = 1; // ATOMIC BOUNDARY: MAXIMUM ATOMIC BOUNDARY SIZE is 0
        assertEquals(FieldPointer.cdb(10, 0), assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure().pointer());
        c = writeAtomic(0, 1);
        c[1] = (byte) 0xE0;
        assertEquals(FieldPointer.cdb(1, 7), assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure().pointer());
    }

    @Test
    void blockLimits_advertiseCompareAndWriteAndAtomicWrites() {
        byte[] p = BlockVpdPages.blockLimits(device);
        assertEquals(255, p[5] & 0xFF, "MAXIMUM COMPARE AND WRITE LENGTH");
        ByteBuffer b = ByteBuffer.wrap(p);
        assertEquals(BlockLimits.maxTransferBlocks(device), b.getInt(44), "MAXIMUM ATOMIC TRANSFER LENGTH");
        assertEquals(0, b.getInt(48), "ATOMIC ALIGNMENT");
        assertEquals(0, b.getInt(52), "ATOMIC TRANSFER LENGTH GRANULARITY");
        assertTrue(b.getInt(44) <= b.getInt(8), "atomic limit within MAXIMUM TRANSFER LENGTH");
    }
}
