package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;

class ModeSelectTest {
    private final RamBlockDevice device = new RamBlockDevice(512, 100);
    private final LuContext lu = FakeExecContext.lu(device, false, false);

    static byte[] modeSelect6(boolean pf, boolean sp, int length) {
        return new byte[] {0x15, (byte) ((pf ? 0x10 : 0) | (sp ? 0x01 : 0)), 0, 0, (byte) length, 0};
    }

    static byte[] modeSelect10(int length) {
        return new byte[] {0x55, 0x10, 0, 0, 0, 0, 0, (byte) (length >>> 8), (byte) length, 0};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static final byte[] HEADER6 = new byte[4];

    private Outcome select6(LuContext on, byte[] list) {
        return FakeExecContext.run(on, modeSelect6(true, false, list.length), list.length, list);
    }

    private byte[] currentPage(int page) {
        return ModeSense.page(page, ModeSense.PC_CURRENT, lu);
    }

    /** Fixed-format sense: SKSV/C-D/BPV/bit byte, then the field pointer. */
    private static void assertPointer(Outcome o, boolean inCdb, int field, int bit) {
        byte[] s = o.response().sense();
        assertEquals(0x80 | (inCdb ? 0x40 : 0) | 0x08 | bit, s[15] & 0xFF, "sense-key specific byte 15");
        assertEquals(field, (s[16] & 0xFF) << 8 | (s[17] & 0xFF), "FIELD POINTER");
    }

    @Test
    void pfZero_isInvalidFieldInCdbOnPf() {
        Outcome o = FakeExecContext.run(lu, modeSelect6(false, false, 0), 0, null);
        assertEquals("05/24/00", o.sense());
        assertPointer(o, true, 1, 4);
    }

    @Test
    void spOne_isInvalidFieldInCdbOnSp_noSavedPages() {
        Outcome o = FakeExecContext.run(lu, modeSelect6(true, true, 0), 0, null);
        assertEquals("05/24/00", o.sense());
        assertPointer(o, true, 1, 0);
    }

    @Test
    void parameterListLengthZero_isGoodAndChangesNothing() {
        assertEquals("GOOD", FakeExecContext.run(lu, modeSelect6(true, false, 0), 0, null).sense());
    }

    @Test
    void listShorterThanHeader_isParameterListLengthError() {
        assertEquals("05/1A/00", FakeExecContext.run(lu, modeSelect6(true, false, 3), 3, new byte[3]).sense());
        assertEquals("05/1A/00", FakeExecContext.run(lu, modeSelect10(6), 6, new byte[6]).sense());
        // EDTL cuts the list below its header
        assertEquals("05/1A/00", FakeExecContext.run(lu, modeSelect6(true, false, 16), 2, new byte[2]).sense());
    }

    @Test
    void truncatedPage_isParameterListLengthError() {
        byte[] control = currentPage(ModeSense.CONTROL);
        byte[] list = concat(HEADER6, java.util.Arrays.copyOf(control, 6));
        assertEquals("05/1A/00", select6(lu, list).sense());
    }

    @Test
    void swp_writeProtectsTheMediumUntilCleared() {
        byte[] control = currentPage(ModeSense.CONTROL);
        control[4] |= 0x08;
        assertEquals("GOOD", select6(lu, concat(HEADER6, control)).sense());
        assertTrue(lu.writeProtected());
        byte[] sense = FakeExecContext.run(lu, ModeSenseTest.modeSense6(true, 0, 0x0A, 0, 255), 255, null).data();
        assertEquals(0x80, sense[2] & 0x80, "WP in the DEVICE-SPECIFIC PARAMETER");
        assertEquals(0x08, sense[4 + 4] & 0x08, "current SWP");
        byte[] write10 = {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        assertEquals("07/27/00", FakeExecContext.run(lu, write10, 512, new byte[512]).sense());

        control[4] &= ~0x08;
        assertEquals("GOOD", select6(lu, concat(HEADER6, control)).sense());
        assertFalse(lu.writeProtected());
        assertEquals("GOOD", FakeExecContext.run(lu, write10, 512, new byte[512]).sense());
    }

    @Test
    void dSense_switchesEveryNexusOfTheLuToDescriptorSense() {
        ModeParameters shared = new ModeParameters(true);
        LuContext a = LuContexts.of(0, device, false, FakeExecContext.NEXUS, shared);
        LuContext b = LuContexts.of(1, device, false, FakeExecContext.NEXUS, shared);
        byte[] control = currentPage(ModeSense.CONTROL);
        control[2] |= 0x04;
        assertEquals("GOOD", select6(a, concat(HEADER6, control)).sense());
        assertTrue(b.descriptorSense());
        byte[] readBeyond = {0x28, 0, 0, 0, 0, (byte) 200, 0, 0, 1, 0};
        Outcome o = FakeExecContext.run(b, readBeyond, 512, null);
        assertEquals(0x72, o.response().sense()[0] & 0x7F, "descriptor format");
        assertEquals("05/21/00", o.sense());
        byte[] current = FakeExecContext.run(b, ModeSenseTest.modeSense6(true, 0, 0x0A, 0, 255), 255, null).data();
        assertEquals(0x04, current[4 + 2] & 0x04, "current D_SENSE");
    }

    @Test
    void wceCleared_makesEveryWriteForceUnitAccess() {
        byte[] caching = currentPage(ModeSense.CACHING);
        assertEquals(0x04, caching[2] & 0x04, "write-back by default");
        caching[2] &= ~0x04;
        assertEquals("GOOD", select6(lu, concat(HEADER6, caching)).sense());
        assertFalse(lu.mode().writeCacheEnabled());
        byte[] write10 = {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        assertEquals("GOOD", FakeExecContext.run(lu, write10, 512, new byte[512]).sense());
        assertTrue(device.lastWriteFua, "WCE 0: written as FUA");
        assertEquals(0, currentPage(ModeSense.CACHING)[2] & 0x04, "current WCE 0");

        caching[2] |= 0x04;
        assertEquals("GOOD", select6(lu, concat(HEADER6, caching)).sense());
        FakeExecContext.run(lu, write10, 512, new byte[512]);
        assertFalse(device.lastWriteFua, "WCE 1: write-back");
    }

    @Test
    void changeToAFieldThatIsNotChangeable_isRejectedAndNothingChanges() {
        byte[] caching = currentPage(ModeSense.CACHING);
        caching[2] &= ~0x04;                      // a valid change ...
        byte[] control = currentPage(ModeSense.CONTROL);
        control[2] |= 0x04;
        control[3] = 0x00;                        // ... and QUEUE ALGORITHM MODIFIER, not changeable
        Outcome o = select6(lu, concat(HEADER6, caching, control));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 4 + 20 + 3, 4);
        assertTrue(lu.mode().writeCacheEnabled(), "the whole list is checked before anything changes");
        assertFalse(lu.descriptorSense());
    }

    @Test
    void wrongPageLength_unknownPageAndSubpage_areInvalidFieldInParameterList() {
        byte[] control = currentPage(ModeSense.CONTROL);
        control[1] = 9;
        Outcome o = select6(lu, concat(HEADER6, control));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 5, 7);

        byte[] unknown = {0x02, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        o = select6(lu, concat(HEADER6, unknown));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 4, 5);

        byte[] subpage = currentPage(ModeSense.CONTROL);
        subpage[0] |= 0x40;
        o = select6(lu, concat(HEADER6, subpage));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 4, 6);
    }

    @Test
    void psBit_isIgnored() {
        byte[] control = currentPage(ModeSense.CONTROL);
        control[0] |= (byte) 0x80;
        assertEquals("GOOD", select6(lu, concat(HEADER6, control)).sense());
    }

    @Test
    void blockDescriptor_mustMatchTheLu() {
        byte[] header = {0, 0, 0, 8};
        byte[] matching = {0, 0, 0, 100, 0, 0, 0x02, 0x00};
        assertEquals("GOOD", select6(lu, concat(header, matching)).sense());
        byte[] zeroBlocks = {0, 0, 0, 0, 0, 0, 0x02, 0x00};
        assertEquals("GOOD", select6(lu, concat(header, zeroBlocks)).sense());

        byte[] otherLength = {0, 0, 0, 100, 0, 0, 0x10, 0x00};
        Outcome o = select6(lu, concat(header, otherLength));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 9, 7);

        byte[] otherCount = {0, 0, 0, 99, 0, 0, 0x02, 0x00};
        o = select6(lu, concat(header, otherCount));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 4, 7);

        byte[] badDescriptorLength = {0, 0, 0, 4};
        o = select6(lu, concat(badDescriptorLength, new byte[4]));
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 3, 7);

        assertEquals("05/1A/00", select6(lu, concat(header, new byte[4])).sense(), "descriptor cut short");
    }

    @Test
    void modeSelect10_withLongLbaDescriptorAndPage() {
        byte[] header = {0, 0, 0, 0, 0x01, 0, 0, 16};
        byte[] descriptor = new byte[16];
        descriptor[7] = 100;
        descriptor[14] = 0x02;
        byte[] control = currentPage(ModeSense.CONTROL);
        control[4] |= 0x08;
        byte[] list = concat(header, descriptor, control);
        assertEquals("GOOD", FakeExecContext.run(lu, modeSelect10(list.length), list.length, list).sense());
        assertTrue(lu.mode().softwareWriteProtect());

        byte[] shortWithLongLba = {0, 0, 0, 0, 0x01, 0, 0, 8};
        list = concat(shortWithLongLba, new byte[8]);
        Outcome o = FakeExecContext.run(lu, modeSelect10(list.length), list.length, list);
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 6, 7);
    }

    @Test
    void mediumType_mustBeZero() {
        Outcome o = select6(lu, new byte[] {0, 0x01, 0, 0});
        assertEquals("05/26/00", o.sense());
        assertPointer(o, false, 1, 7);
    }
}
