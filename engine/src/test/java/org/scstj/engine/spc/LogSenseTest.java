package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.FieldPointer;

import java.util.Arrays;

/** SPC-5 6.11 LOG SENSE and the pages of a virtual disk. */
class LogSenseTest {
    private final RamBlockDevice thin = new RamBlockDevice(512, 1000).thin();
    private final RamBlockDevice thick = new RamBlockDevice(512, 1000);
    private final LuContext thinLu = FakeExecContext.lu(thin, false, false);
    private final LuContext thickLu = FakeExecContext.lu(thick, false, false);

    static byte[] logSense(int pc, int page, int subpage, int pointer, int alloc) {
        return new byte[] {0x4D, 0, (byte) (pc << 6 | page), (byte) subpage, 0, (byte) (pointer >>> 8),
                (byte) pointer, (byte) (alloc >>> 8), (byte) alloc, 0};
    }

    private static byte[] run(LuContext lu, byte[] cdb) {
        Outcome o = FakeExecContext.run(lu, cdb, 0xFFFF, null);
        assertEquals("GOOD", o.sense());
        return o.data();
    }

    private static Outcome fail(LuContext lu, byte[] cdb) {
        return FakeExecContext.run(lu, cdb, 0xFFFF, null);
    }

    private static FieldPointer pointer(Outcome o) {
        byte[] s = o.response().sense();
        return new FieldPointer((s[15] & 0x40) != 0, (s[16] & 0xFF) << 8 | (s[17] & 0xFF),
                (s[15] & 0x08) != 0 ? s[15] & 0x07 : -1);
    }

    @Test
    void supportedPages_listsProvisioningOnlyOnAThinLu() {
        assertArrayEquals(new byte[] {0x00, 0x00, 0x00, 0x03, 0x00, 0x0C, 0x2F}, run(thinLu, logSense(1, 0, 0, 0, 255)));
        assertArrayEquals(new byte[] {0x00, 0x00, 0x00, 0x02, 0x00, 0x2F}, run(thickLu, logSense(1, 0, 0, 0, 255)));
    }

    @Test
    void supportedPagesAndSubpages_listsPairs_withSpf() {
        assertArrayEquals(new byte[] {0x40, (byte) 0xFF, 0x00, 0x08, 0x00, 0x00, 0x00, (byte) 0xFF, 0x0C, 0x00, 0x2F, 0x00},
                run(thinLu, logSense(1, 0, 0xFF, 0, 255)));
        assertArrayEquals(new byte[] {0x6F, (byte) 0xFF, 0x00, 0x04, 0x2F, 0x00, 0x2F, (byte) 0xFF},
                run(thickLu, logSense(1, 0x2F, 0xFF, 0, 255)), "Supported Subpages of 2Fh");
    }

    @Test
    void logicalBlockProvisioning_reportsAvailableAndUsedInBlocks_sharedScope() {
        thin.mapped.set(0, 100);
        thin.availableBytes = 300L * 512 + 7;
        byte[] p = run(thinLu, logSense(1, 0x0C, 0, 0, 255));
        assertEquals((byte) 0x8C, p[0], "DS, page 0Ch");
        assertEquals(24, (p[2] & 0xFF) << 8 | (p[3] & 0xFF));
        assertArrayEquals(new byte[] {0x00, 0x01, 0x23, 0x08, 0, 0, 0x01, 0x2C, 0b10, 0, 0, 0},
                Arrays.copyOfRange(p, 4, 16), "available: 300 blocks");
        assertArrayEquals(new byte[] {0x00, 0x02, 0x23, 0x08, 0, 0, 0, 100, 0b10, 0, 0, 0},
                Arrays.copyOfRange(p, 16, 28), "used: 100 blocks");
        thin.availableBytes = 1L << 40;
        byte[] capped = run(thinLu, logSense(1, 0x0C, 0, 0, 255));
        assertEquals(900, (capped[10] & 0xFF) << 8 | (capped[11] & 0xFF), "never more than the unmapped blocks");
    }

    @Test
    void parameterPointer_skipsLowerCodes_andAboveTheLargestIsInvalid() {
        byte[] p = run(thinLu, logSense(1, 0x0C, 0, 2, 255));
        assertEquals(12, p[3]);
        assertEquals(0x02, p[5]);
        Outcome o = fail(thinLu, logSense(1, 0x0C, 0, 3, 255));
        assertEquals("05/24/00", o.sense());
        assertEquals(FieldPointer.cdb(5, 7), pointer(o));
        assertEquals(FieldPointer.cdb(5, 7), pointer(fail(thinLu, logSense(1, 0, 0, 1, 255))), "a list of pages");
    }

    @Test
    void informationalExceptions_reportsNoExceptionAndNoTemperature() {
        assertArrayEquals(new byte[] {(byte) 0xAF, 0, 0, 8, 0, 0, 0x23, 0x04, 0, 0, (byte) 0xFF, 0},
                run(thickLu, logSense(1, 0x2F, 0, 0, 255)));
    }

    @Test
    void unknownPagesAndSubpages_areInvalidFieldInCdb_pointingAtTheField() {
        Outcome page = fail(thickLu, logSense(1, 0x0C, 0, 0, 255));
        assertEquals("05/24/00", page.sense(), "no provisioning page on a fully provisioned LU");
        assertEquals(FieldPointer.cdb(2, 5), pointer(page));
        assertEquals(FieldPointer.cdb(2, 5), pointer(fail(thickLu, logSense(1, 0x0D, 0, 0, 255))), "no temperature");
        assertEquals(FieldPointer.cdb(3, 7), pointer(fail(thickLu, logSense(1, 0x2F, 0x01, 0, 255))));
    }

    @Test
    void ppcAndSp_areRefusedByTheDecoder() {
        byte[] sp = logSense(1, 0, 0, 0, 255);
        sp[1] = 0x01;
        assertEquals(FieldPointer.cdb(1, 0), assertInstanceOf(Decoded.Rejected.class, Decode.decode(sp)).failure().pointer());
        byte[] ppc = logSense(1, 0, 0, 0, 255);
        ppc[1] = 0x02;
        assertEquals(FieldPointer.cdb(1, 1), assertInstanceOf(Decoded.Rejected.class, Decode.decode(ppc)).failure().pointer());
    }

    @Test
    void everyPageControl_reportsTheCurrentValues() {
        byte[] cumulative = run(thinLu, logSense(1, 0x2F, 0, 0, 255));
        for (int pc : new int[] {0, 2, 3}) {
            assertArrayEquals(cumulative, run(thinLu, logSense(pc, 0x2F, 0, 0, 255)), "PC " + pc);
        }
    }

    @Test
    void allocationLength_cutsThePage_keepingItsPageLength() {
        Outcome o = FakeExecContext.run(thinLu, logSense(1, 0x0C, 0, 0, 6), 0xFFFF, null);
        assertEquals(6, o.response().transferLength());
        assertArrayEquals(new byte[] {(byte) 0x8C, 0, 0, 24, 0, 1}, o.data());
        assertEquals(0, FakeExecContext.run(thinLu, logSense(1, 0x0C, 0, 0, 0), 0, null).response().transferLength());
    }
}
