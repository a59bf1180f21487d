package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.spi.ScsiResponse;

/** PRE-FETCH(10/16), SBC-4 5.9 / 5.10 (libiscsi Prefetch10, Prefetch16). */
class PreFetchTest {
    private static final int BS = 512;
    private final RamBlockDevice device = new RamBlockDevice(BS, 1000);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] preFetch10(long lba, int blocks, boolean immed, int group) {
        byte[] c = ReadWriteTest.read10(lba, blocks);
        c[0] = 0x34;
        c[1] = (byte) (immed ? 0x02 : 0);
        c[6] = (byte) group;
        return c;
    }

    static byte[] preFetch16(long lba, long blocks, boolean immed, int group) {
        byte[] c = ReadWriteTest.cdb16(0x90, lba, blocks);
        c[1] = (byte) (immed ? 0x02 : 0);
        c[14] = (byte) group;
        return c;
    }

    private Outcome run(byte[] cdb) {
        return FakeExecContext.run(lu, cdb, 0, null);
    }

    @Test
    void preFetch_inRange_isGood_andHintsTheDeviceWithTheByteRange() {
        Outcome o = run(preFetch10(10, 4, false, 0));
        assertEquals(ScsiResponse.GOOD, o.status(), "never CONDITION MET: scstj cannot vouch for a cache");
        assertNull(o.response().dataIn());
        assertArrayEquals(new long[] {10 * BS, 4 * BS}, device.prefetched);
        assertEquals("GOOD", run(preFetch16(999, 1, false, 0)).sense());
        assertEquals(0, device.reads, "a hint, not a read");
    }

    @Test
    void preFetch_immedAndGroupNumber_areAccepted() {
        assertEquals("GOOD", run(preFetch10(0, 1, true, 0)).sense());
        assertEquals("GOOD", run(preFetch10(0, 1, false, 3)).sense());
        assertEquals("GOOD", run(preFetch16(0, 1, true, 3)).sense());
    }

    @Test
    void preFetch_lengthZero_meansToTheLastLba() {
        assertEquals("GOOD", run(preFetch10(0, 0, false, 0)).sense());
        assertArrayEquals(new long[] {0, 1000L * BS}, device.prefetched);
        assertEquals("GOOD", run(preFetch16(990, 0, false, 0)).sense());
        assertArrayEquals(new long[] {990L * BS, 10L * BS}, device.prefetched);
    }

    @Test
    void preFetch_pastTheEnd_isLbaOutOfRange() {
        assertEquals("05/21/00", run(preFetch10(999, 2, false, 0)).sense());
        assertEquals("05/21/00", run(preFetch10(1001, 0, false, 0)).sense());
        assertEquals("05/21/00", run(preFetch10(1000, 0, false, 0)).sense(), "LBA 1000 does not exist");
        assertEquals("05/21/00", run(preFetch10(0x8000_0000L, 1, false, 0)).sense());
        assertEquals("05/21/00", run(preFetch10(0xFFFF_FFFFL, 1, false, 0)).sense());
        assertEquals("05/21/00", run(preFetch16(-1, 1, false, 0)).sense(), "LBA 2^64-1");
        assertEquals("05/21/00", run(preFetch16(-1, 0, false, 0)).sense());
        assertEquals("05/21/00", run(preFetch16(1, 0xFFFF_FFFFL, false, 0)).sense());
        assertNull(device.prefetched);
    }

    @Test
    void preFetch_reservedBits_areInvalidFieldInCdb() {
        byte[] c = preFetch10(0, 1, false, 0);
        c[1] = 0x01; // obsolete bit 0
        assertInstanceOf(Decoded.Rejected.class, Decode.decode(c));
        byte[] d = preFetch16(0, 1, false, 0);
        d[14] = 0x40;
        assertInstanceOf(Decoded.Rejected.class, Decode.decode(d));
    }
}
