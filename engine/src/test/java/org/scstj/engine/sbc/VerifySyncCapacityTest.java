package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.sbc.ReadWriteTest.cdb16;
import static org.scstj.engine.sbc.ReadWriteTest.pattern;
import static org.scstj.engine.sbc.ReadWriteTest.write10;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.BlockDevice.IoFailure;

class VerifySyncCapacityTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] verify10(long lba, int blocks, int bytchk) {
        return new byte[] {0x2F, (byte) (bytchk << 1), (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8),
                (byte) lba, 0, (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    @Test
    void verifyWithByteCheck_isGoodWhenTheDataMatchesTheMedium() {
        byte[] data = pattern(3 * BS, 5);
        FakeExecContext.run(lu, write10(7, 3, false), 3 * BS, data);
        Outcome v = FakeExecContext.run(lu, verify10(7, 3, 1), 3 * BS, data);
        assertEquals("GOOD", v.sense());
        assertTrue(v.task().allReleasedExcept(null));
    }

    @Test
    void verifyWithByteCheck_reportsMiscompareAndTheOffsetOfTheFirstDifference() {
        byte[] data = pattern(3 * BS, 5);
        FakeExecContext.run(lu, write10(7, 3, false), 3 * BS, data);
        data[BS + 17] ^= 'X';
        data[2 * BS] ^= 'X';
        Outcome v = FakeExecContext.run(lu, verify10(7, 3, 1), 3 * BS, data);
        assertEquals("0E/1D/00", v.sense());
        byte[] s = v.response().sense();
        assertEquals(0x80, s[0] & 0x80, "VALID");
        assertEquals(BS + 17, ((s[3] & 0xFF) << 24) | ((s[4] & 0xFF) << 16) | ((s[5] & 0xFF) << 8) | (s[6] & 0xFF));
        assertTrue(v.task().allReleasedExcept(null));
    }

    @Test
    void verifyWithByteCheck11_comparesOneBlockWithEveryBlock() {
        byte[] block = pattern(BS, 4);
        byte[] two = new byte[2 * BS];
        System.arraycopy(block, 0, two, 0, BS);
        System.arraycopy(block, 0, two, BS, BS);
        FakeExecContext.run(lu, write10(0, 2, false), 2 * BS, two);
        Outcome same = FakeExecContext.run(lu, verify10(0, 2, 3), BS, block);
        assertEquals("GOOD", same.sense());
        assertEquals(BS, same.task().requestedData);
        Outcome differs = FakeExecContext.run(lu, verify10(0, 3, 3), BS, block);
        assertEquals("0E/1D/00", differs.sense());
    }

    @Test
    void verifyWithoutByteCheck_isGoodAndTransfersNothing() {
        Outcome v = FakeExecContext.run(lu, verify10(0, 10, 0), 0, null);
        assertEquals("GOOD", v.sense());
        assertEquals(-1, v.task().requestedData);
    }

    @Test
    void verifyPastTheLastBlock_isLbaOutOfRange() {
        assertEquals("05/21/00", FakeExecContext.run(lu, verify10(1001, 0, 1), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, verify10(0xFFFF_FFFFL, 0, 1), 0, null).sense());
        assertEquals("05/21/00", FakeExecContext.run(lu, cdb16(0x8F, -1L, 0), 0, null).sense());
    }

    @Test
    void synchronizeCache_flushesTheDevice() {
        Outcome s = FakeExecContext.run(lu, new byte[] {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, null);
        assertEquals("GOOD", s.sense());
        assertEquals(1, device.flushes);
    }

    @Test
    void synchronizeCachePastTheLastBlock_isLbaOutOfRangeWithoutFlush() {
        Outcome s = FakeExecContext.run(lu, cdb16(0x91, 999, 2), 0, null);
        assertEquals("05/21/00", s.sense());
        assertEquals(0, device.flushes);
    }

    @Test
    void synchronizeCacheFailure_isWriteError() {
        device.failWith(IoFailure.MEDIUM_ERROR);
        assertEquals("03/0C/00", FakeExecContext.run(lu, cdb16(0x91, 0, 0), 0, null).sense());
    }

    @Test
    void readCapacity10_reportsLastLbaAndBlockLength() {
        Outcome r = FakeExecContext.run(lu, new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 8, null);
        assertArrayEquals(new byte[] {0, 0, 0x03, (byte) 0xE7, 0, 0, 0x02, 0}, r.data());
    }

    @Test
    void readCapacity10OfAHugeDevice_saysUseReadCapacity16() {
        RamBlockDevice huge = new RamBlockDevice(4096, 1L << 33, 1);
        byte[] d = ReadCapacity.data10(huge);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 0x10, 0}, d);
    }

    @Test
    void readCapacity16_reportsLastLbaBlockLengthAndProvisioning() {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x10;
        cdb[13] = 32;
        Outcome r = FakeExecContext.run(lu, cdb, 32, null);
        byte[] d = r.data();
        assertEquals(32, d.length);
        assertEquals(999, ((d[6] & 0xFF) << 8) | (d[7] & 0xFF));
        assertEquals(0x02, d[10]);
        assertEquals(0, d[12], "no protection information");
        assertEquals(0, d[14], "fully provisioned: LBPME 0");

        RamBlockDevice thin = new RamBlockDevice(BS, 10).capabilities(
                new BlockDevice.Capabilities(false, true, false, false, 1, "S", 1L));
        assertEquals((byte) 0xC0, ReadCapacity.data16(thin)[14]);
        assertEquals(0, d[13], "one logical block per physical block");
    }

    @Test
    void physicalBlocks_showInReadCapacity16AndBlockLimits() {
        RamBlockDevice fourK = new RamBlockDevice(BS, 64).physicalBlockSize(4096);
        assertEquals(3, ReadCapacity.data16(fourK)[13], "LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT");
        byte[] bl = BlockVpdPages.blockLimits(fourK);
        assertEquals(8, ((bl[6] & 0xFF) << 8) | (bl[7] & 0xFF), "OPTIMAL TRANSFER LENGTH GRANULARITY");
    }

    @Test
    void readCapacity16WithSmallAllocationLength_truncates() {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x10;
        cdb[13] = 0;
        Outcome zero = FakeExecContext.run(lu, cdb, 0, null);
        assertEquals("GOOD", zero.sense());
        assertNull(zero.response().dataIn());
        cdb[13] = 12;
        Outcome twelve = FakeExecContext.run(lu, cdb, 12, null);
        assertEquals(12, twelve.data().length);
        assertEquals(12, twelve.response().transferLength());
    }

    @Test
    void testUnitReady_isGood() {
        Outcome t = FakeExecContext.run(lu, new byte[6], 0, null);
        assertEquals("GOOD", t.sense());
        assertEquals(0, t.response().transferLength());
    }
}
