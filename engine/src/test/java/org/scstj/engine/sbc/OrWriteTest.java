package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.spi.BlockDevice;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/** ORWRITE(16), SBC-4 5.12 (libiscsi OrWrite). */
class OrWriteTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] orWrite(long lba, long blocks, boolean dpo, boolean fua) {
        byte[] c = ReadWriteTest.cdb16(0x8B, lba, blocks);
        c[1] = (byte) ((dpo ? 0x10 : 0) | (fua ? 0x08 : 0));
        return c;
    }

    private static byte[] filled(int blocks, int value) {
        byte[] d = new byte[blocks * BS];
        Arrays.fill(d, (byte) value);
        return d;
    }

    @Test
    void orWrite_orsTheDataOutIntoTheMedium() {
        assertEquals("GOOD", FakeExecContext.run(lu, ReadWriteTest.write10(5, 3, false), 3 * BS, filled(3, 0xA5)).sense());
        Outcome o = FakeExecContext.run(lu, orWrite(5, 3, false, false), 3 * BS, filled(3, 0x5A));
        assertEquals("GOOD", o.sense());
        assertEquals(3 * BS, o.response().transferLength());
        assertTrue(o.task().allReleasedExcept(null));
        assertArrayEquals(filled(3, 0xFF), Arrays.copyOfRange(device.store(), 5 * BS, 8 * BS));
        assertEquals(0, device.store()[4 * BS + BS - 1], "neighbours untouched");
        assertEquals(0, device.store()[8 * BS]);
    }

    @Test
    void or_handlesPiecesOfAnyLength() {
        ByteBuffer into = ByteBuffer.wrap(new byte[] {1, 2, 4, 8, 16, 32, 64, (byte) 128, 1, 1, 1});
        OrWriteOp.or(into, new ByteBuffer[] {ByteBuffer.wrap(new byte[] {2, 2, 2}),
                ByteBuffer.allocateDirect(8).put(new byte[] {1, 1, 1, 1, 1, 1, 1, 2}).flip()});
        assertArrayEquals(new byte[] {3, 2, 6, 9, 17, 33, 65, (byte) 129, 1, 1, 3}, into.array());
    }

    @Test
    void dpoAndFua_areAccepted_andFuaReachesTheDevice() {
        assertEquals("GOOD", FakeExecContext.run(lu, orWrite(0, 1, true, true), BS, filled(1, 1)).sense());
        assertTrue(device.lastWriteFua);
        assertEquals("GOOD", FakeExecContext.run(lu, orWrite(0, 1, true, false), BS, filled(1, 1)).sense());
    }

    @Test
    void orProtectAndObsoleteBit_areInvalidFieldInCdb() {
        for (int p = 1; p < 8; p++) {
            byte[] c = orWrite(0, 1, false, false);
            c[1] = (byte) (p << 5);
            var f = assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure();
            assertEquals(1, f.pointer().byteOffset());
        }
        byte[] c = orWrite(0, 1, false, false);
        c[1] = 0x02;
        assertEquals(FieldPointer.cdb(1, 1), assertInstanceOf(Decoded.Rejected.class, Decode.decode(c)).failure().pointer());
    }

    @Test
    void rangeChecks_andZeroBlocks() {
        assertEquals("GOOD", FakeExecContext.run(lu, orWrite(0, 0, false, false), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, orWrite(1001, 0, false, false), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, orWrite(0x8000_0000_0000_0000L, 1, false, false), BS, filled(1, 1)).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, orWrite(-1, 1, false, false), BS, filled(1, 1)).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, orWrite(999, 2, false, false), 2 * BS, filled(2, 1)).sense());
        long tooMany = BlockLimits.maxTransferBlocks(new RamBlockDevice(BS, 100_000, 1)) + 1;
        LuContext big = FakeExecContext.lu(new RamBlockDevice(BS, 100_000, 1), false, false);
        assertEquals("05/24/00", FakeExecContext.run(big, orWrite(0, tooMany, false, false), BS, filled(1, 1)).sense());
    }

    @Test
    void writeProtected_isDataProtect() {
        LuContext ro = FakeExecContext.lu(device, true, false);
        assertEquals("07/27/00", FakeExecContext.run(ro, orWrite(0, 1, false, false), BS, filled(1, 1)).sense());
    }

    @Test
    void aReadFailure_isAReadError_andReleasesEverything() {
        device.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        Outcome o = FakeExecContext.run(lu, orWrite(0, 1, false, false), BS, filled(1, 1));
        assertEquals("03/11/00", o.sense());
        assertTrue(o.task().allReleasedExcept(null));
    }
}
