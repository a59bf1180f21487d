package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;

import java.util.ArrayList;
import java.util.List;

class ModeSenseTest {
    private final RamBlockDevice device = new RamBlockDevice(512, 100);

    static byte[] modeSense6(boolean dbd, int pc, int page, int subpage, int alloc) {
        return new byte[] {0x1A, (byte) (dbd ? 0x08 : 0), (byte) (pc << 6 | page), (byte) subpage, (byte) alloc, 0};
    }

    static byte[] modeSense10(boolean llbaa, boolean dbd, int pc, int page, int alloc) {
        return new byte[] {0x5A, (byte) ((llbaa ? 0x10 : 0) | (dbd ? 0x08 : 0)), (byte) (pc << 6 | page), 0, 0, 0,
                0, (byte) (alloc >>> 8), (byte) alloc, 0};
    }

    /** Page codes in order, starting at {@code at}. */
    static List<Integer> pages(byte[] d, int at) {
        List<Integer> codes = new ArrayList<>();
        while (at < d.length) {
            codes.add(d[at] & 0x3F);
            at += 2 + (d[at + 1] & 0xFF);
        }
        return codes;
    }

    private static int pageAt(byte[] d, int start, int code) {
        int at = start;
        while (at < d.length) {
            if ((d[at] & 0x3F) == code) {
                return at;
            }
            at += 2 + (d[at + 1] & 0xFF);
        }
        throw new AssertionError("page " + code + " missing");
    }

    @Test
    void allPages6_hasHeaderBlockDescriptorAndEveryPageInOrder() {
        Outcome o = FakeExecContext.run(FakeExecContext.lu(device, false, false),
                modeSense6(false, 0, 0x3F, 0, 255), 255, null);
        byte[] d = o.data();
        assertEquals(d.length - 1, d[0] & 0xFF, "MODE DATA LENGTH");
        assertEquals(0x10, d[2], "DPOFUA, not write-protected");
        assertEquals(8, d[3], "BLOCK DESCRIPTOR LENGTH");
        assertEquals(100, d[7], "NUMBER OF LOGICAL BLOCKS");
        assertEquals(0x02, d[10]);
        assertEquals(0x00, d[11], "LOGICAL BLOCK LENGTH 512");
        assertEquals(List.of(0x01, 0x08, 0x0A, 0x1C), pages(d, 12));
        assertEquals(d.length, o.response().transferLength());
    }

    @Test
    void writeProtectedUnit_setsWpInTheDeviceSpecificParameter() {
        byte[] d = FakeExecContext.run(FakeExecContext.lu(device, true, false),
                modeSense6(true, 0, 0x3F, 0, 255), 255, null).data();
        assertEquals((byte) 0x90, d[2]);
        assertEquals(0, d[3], "DBD: no block descriptor");
        assertEquals(List.of(0x01, 0x08, 0x0A, 0x1C), pages(d, 4));
    }

    @Test
    void cachingPage_reportsWriteBackCacheAsWce() {
        byte[] wb = FakeExecContext.run(FakeExecContext.lu(device, false, false),
                modeSense6(true, 0, 0x08, 0, 255), 255, null).data();
        assertEquals(0x04, wb[4 + 2] & 0x05, "WCE 1, RCD 0");
        assertEquals(0x12, wb[4 + 1]);
        device.capabilities(new BlockDevice.Capabilities(false, false, false, false, 1, "S", 1));
        byte[] wt = FakeExecContext.run(FakeExecContext.lu(device, false, false),
                modeSense6(true, 0, 0x08, 0, 255), 255, null).data();
        assertEquals(0, wt[4 + 2] & 0x04);
    }

    @Test
    void controlPage_reportsDSenseFromTheLogicalUnitAndSaneDefaults() {
        byte[] fixed = FakeExecContext.run(FakeExecContext.lu(device, false, false),
                modeSense6(true, 0, 0x0A, 0, 255), 255, null).data();
        byte[] desc = FakeExecContext.run(FakeExecContext.lu(device, false, true),
                modeSense6(true, 0, 0x3F, 0xFF, 255), 255, null).data();
        int c = pageAt(desc, 4, 0x0A);
        assertEquals(0, fixed[4 + 2] & 0x04);
        assertEquals(0x04, desc[c + 2] & 0x04, "D_SENSE");
        assertEquals(0, desc[c + 2] & 0xE0, "TST 000b");
        assertEquals(0, desc[c + 3] & 0x06, "QERR 00b");
        assertEquals(0xFFFF, (desc[c + 8] & 0xFF) << 8 | (desc[c + 9] & 0xFF), "BUSY TIMEOUT PERIOD");
        byte[] dflt = FakeExecContext.run(FakeExecContext.lu(device, false, true),
                modeSense6(true, 2, 0x0A, 0, 255), 255, null).data();
        assertEquals(0, dflt[4 + 2] & 0x04, "default D_SENSE 0");
    }

    @Test
    void changeableValues_areWceDsenseSwpAndUaInterlockOnly() {
        byte[] d = FakeExecContext.run(FakeExecContext.lu(device, false, true),
                modeSense6(false, 1, 0x3F, 0, 255), 255, null).data();
        for (int i = 4; i < 12; i++) {
            assertEquals(0, d[i], "block descriptor byte " + i);
        }
        int at = 12;
        while (at < d.length) {
            int len = d[at + 1] & 0xFF;
            int page = d[at] & 0x3F;
            for (int i = 2; i < 2 + len; i++) {
                int expected = page == 0x08 && i == 2 ? 0x04        // WCE
                        : page == 0x0A && i == 2 ? 0x04             // D_SENSE
                        : page == 0x0A && i == 4 ? 0x38             // SWP, UA_INTLCK_CTRL
                        : 0;
                assertEquals(expected, d[at + i], "page " + page + " byte " + i);
            }
            at += 2 + len;
        }
    }

    @Test
    void modeSense10WithLlbaa_returnsALongBlockDescriptor() {
        RamBlockDevice big = new RamBlockDevice(4096, 1L << 33, 1);
        byte[] d = FakeExecContext.run(FakeExecContext.lu(big, false, false),
                modeSense10(true, false, 0, 0x1C, 1000), 1000, null).data();
        assertEquals(d.length - 2, (d[0] & 0xFF) << 8 | (d[1] & 0xFF));
        assertEquals(0x01, d[4], "LONGLBA");
        assertEquals(16, d[7]);
        assertEquals(0x02, d[8 + 3], "2^33 blocks");
        assertEquals(0x10, d[8 + 14], "block length 4096");
        assertEquals(List.of(0x1C), pages(d, 24));
    }

    @Test
    void modeSense6OfAHugeDevice_capsTheShortBlockCount() {
        RamBlockDevice big = new RamBlockDevice(4096, 1L << 33, 1);
        byte[] d = FakeExecContext.run(FakeExecContext.lu(big, false, false),
                modeSense6(false, 0, 0x1C, 0, 255), 255, null).data();
        assertEquals(-1, d[4] & d[5] & d[6] & d[7]);
    }

    @Test
    void smallAllocationLength_truncatesWithoutOverflow() {
        Outcome o = FakeExecContext.run(FakeExecContext.lu(device, false, false),
                modeSense6(false, 0, 0x3F, 0, 4), 4, null);
        assertEquals(4, o.data().length);
        assertEquals(4, o.response().transferLength());
        assertTrue(o.data()[0] > 3, "MODE DATA LENGTH still tells the full size");
    }

    @Test
    void unknownPageOrSubpage_isInvalidFieldInCdb() {
        LuContext lu = FakeExecContext.lu(device, false, false);
        Outcome page = FakeExecContext.run(lu, modeSense6(false, 0, 0x19, 0, 255), 255, null);
        assertEquals("05/24/00", page.sense());
        assertEquals(2, page.response().sense()[17]);
        Outcome sub = FakeExecContext.run(lu, modeSense6(false, 0, 0x0A, 0x01, 255), 255, null);
        assertEquals("05/24/00", sub.sense());
        assertEquals(3, sub.response().sense()[17]);
    }
}
