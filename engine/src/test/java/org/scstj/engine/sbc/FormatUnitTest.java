package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.sbc.SanitizeTest.gated;
import static org.scstj.engine.sbc.SanitizeTest.progress;
import static org.scstj.engine.sbc.SanitizeTest.sense;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.util.Arrays;

/** SBC-4 5.3 FORMAT UNIT on a virtual disk. */
class FormatUnitTest {
    private static final int BS = 512;
    private final RamBlockDevice thick = new RamBlockDevice(BS, 4096);
    private final RamBlockDevice thin = new RamBlockDevice(BS, 4096).thin();

    static byte[] formatUnit(boolean longList, boolean fmtData) {
        return new byte[] {0x04, (byte) ((longList ? 0x20 : 0) | (fmtData ? 0x10 : 0)), 0, 0, 0, 0};
    }

    private static LuContext lu(BlockDevice device) {
        return LuContexts.of(0, device, false, FakeExecContext.NEXUS, false);
    }

    private static void fill(RamBlockDevice device) {
        Arrays.fill(device.store(), (byte) 0x61);
        device.mapped.set(0, (int) device.blockCount());
    }

    private static FieldPointer pointer(Outcome o) {
        byte[] s = o.response().sense();
        return new FieldPointer((s[15] & 0x40) != 0, (s[16] & 0xFF) << 8 | (s[17] & 0xFF),
                (s[15] & 0x08) != 0 ? s[15] & 0x07 : -1);
    }

    @Test
    void withoutParameterList_zeroesAFullyProvisionedMedium_keepingItsCapacity() {
        fill(thick);
        Outcome o = FakeExecContext.run(lu(thick), formatUnit(false, false), 0, null);
        assertEquals("GOOD", o.sense());
        for (byte b : thick.store()) {
            assertEquals(0, b);
        }
        assertEquals(4096, thick.blockCount());
        assertEquals(1, thick.flushes);
    }

    @Test
    void onAThinLu_deallocatesEveryBlock() {
        fill(thin);
        assertEquals("GOOD", FakeExecContext.run(lu(thin), formatUnit(false, false), 0, null).sense());
        assertTrue(thin.mapped.isEmpty());
        assertEquals(0, thin.writes);
    }

    @Test
    void emptyShortAndLongHeaders_areAccepted_andFovWithDcrtToo() {
        assertEquals("GOOD", FakeExecContext.run(lu(thick), formatUnit(false, true), 4, new byte[4]).sense());
        assertEquals("GOOD", FakeExecContext.run(lu(thick), formatUnit(true, true), 8, new byte[8]).sense());
        byte[] fovDcrt = {0, (byte) 0xA0, 0, 0};
        Outcome o = FakeExecContext.run(lu(thick), formatUnit(false, true), 4, fovDcrt);
        assertEquals("GOOD", o.sense());
        assertEquals(4, o.task().requestedData, "only the header is fetched");
        assertTrue(o.task().allReleasedExcept(null));
    }

    @Test
    void badHeaders_areInvalidFieldInParameterList_withAPointer_andNothingChanges() {
        fill(thick);
        Object[][] cases = {
                {new byte[] {0x01, 0, 0, 0}, false, FieldPointer.parameter(0, 0)},        // PROTECTION FIELD USAGE
                {new byte[] {(byte) 0x80, 0, 0, 0}, false, FieldPointer.parameter(0, 7)}, // reserved
                {new byte[] {0, 0x20, 0, 0}, false, FieldPointer.parameter(1, 5)},        // DCRT without FOV
                {new byte[] {0, (byte) 0x88, 0, 0}, false, FieldPointer.parameter(1, 3)}, // IP: no pattern descriptor
                {new byte[] {0, 0x01, 0, 0}, false, FieldPointer.parameter(1, 0)},        // vendor specific
                {new byte[] {0, 0, 0, 8}, false, FieldPointer.parameter(2, 7)},           // a defect list
                {new byte[] {0, 0, 0, 0x10, 0, 0, 0, 0}, true, FieldPointer.parameter(3, 4)}, // P_I_INFORMATION
                {new byte[] {0, 0, 0, 0, 0, 0, 1, 0}, true, FieldPointer.parameter(4, 7)},    // long defect list
        };
        for (Object[] c : cases) {
            byte[] header = (byte[]) c[0];
            Outcome o = FakeExecContext.run(lu(thick), formatUnit((boolean) c[1], true), header.length, header);
            assertEquals("05/26/00", o.sense(), Arrays.toString(header));
            assertEquals(c[2], pointer(o), Arrays.toString(header));
        }
        assertEquals(0, thick.writes);
        assertEquals(0x61, thick.store()[0]);
    }

    @Test
    void fmtpinfoAndFastFormat_areInvalidFieldInCdb() {
        byte[] pinfo = formatUnit(false, false);
        pinfo[1] |= (byte) 0x40;
        assertEquals(FieldPointer.cdb(1, 6),
                assertInstanceOf(Decoded.Rejected.class, Decode.decode(pinfo)).failure().pointer());
        byte[] ffmt = formatUnit(false, false);
        ffmt[4] = 0x01;
        assertEquals(FieldPointer.cdb(4, 0),
                assertInstanceOf(Decoded.Rejected.class, Decode.decode(ffmt)).failure().pointer());
    }

    @Test
    void dataOutShorterThanTheHeader_isParameterListLengthError() {
        Outcome o = FakeExecContext.run(lu(thick), formatUnit(true, true), 4, new byte[4]);
        assertEquals("05/1A/00", o.sense());
    }

    @Test
    void writeProtected_isDataProtect() {
        LuContext ro = LuContexts.of(0, thick, true, FakeExecContext.NEXUS, false);
        assertEquals("07/27/00", FakeExecContext.run(ro, formatUnit(false, false), 0, null).sense());
    }

    @Test
    void immedInTheHeader_returnsAtOnce_andTheLuReportsFormatInProgress() {
        HeldBlockDevice held = new HeldBlockDevice(thick);
        LuContext lu = lu(held);
        FakeExecContext f = gated(lu, formatUnit(false, true), 4, new byte[] {0, 0x02, 0, 0});
        assertEquals("GOOD", sense(f.response()));
        ScsiResponse tur = gated(lu, new byte[6], 0, null).response();
        assertEquals("02/04/04", sense(tur));
        assertEquals(0, progress(tur.sense()));
        held.release();
        assertEquals(0x8000, progress(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response().sense()));
        held.releaseAll();
        assertNull(lu.wholeMedium().condition());
        assertEquals("GOOD", sense(gated(lu, new byte[6], 0, null).response()));
    }

    @Test
    void aFormatThatFails_isFormatCommandFailed_thenMediumFormatCorruptedUntilAFormatCompletes() {
        LuContext lu = lu(thick);
        thick.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        assertEquals("03/31/01", sense(gated(lu, formatUnit(false, false), 0, null).response()));
        assertEquals("03/31/00", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
        assertEquals("GOOD", sense(gated(lu, new byte[] {0x5A, 0, 0x3F, 0, 0, 0, 0, 0, (byte) 0xFF, 0}, 255, null)
                .response()), "MODE SENSE(10) does not touch the medium");
        thick.failWith(null);
        assertEquals("GOOD", sense(gated(lu, formatUnit(false, false), 0, null).response()));
        assertEquals("GOOD", sense(gated(lu, ReadWriteTest.read10(0, 1), BS, null).response()));
    }
}
