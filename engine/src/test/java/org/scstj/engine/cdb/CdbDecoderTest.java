package org.scstj.engine.cdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

class CdbDecoderTest {

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static Cdb ok(byte[] cdb) {
        Decoded d = Decode.decode(cdb);
        return assertInstanceOf(Decoded.Ok.class, d, () -> "rejected: " + d).cdb();
    }

    static Failure rejected(byte[] cdb) {
        Decoded d = Decode.decode(cdb);
        return assertInstanceOf(Decoded.Rejected.class, d, () -> "accepted: " + d).failure();
    }

    @Test
    void read6_decodes21BitLbaAndZeroLengthAs256() {
        assertEquals(new Cdb.Read(0x08, 0x1F_FFFF, 256, false, false), ok(bytes(0x08, 0x1F, 0xFF, 0xFF, 0, 0)));
        assertEquals(new Cdb.Read(0x08, 0x01_0203, 7, false, false), ok(bytes(0x08, 0x01, 0x02, 0x03, 7, 0)));
    }

    @Test
    void read10_decodesLbaLengthDpoFua() {
        assertEquals(new Cdb.Read(0x28, 0xFFFF_FFFFL, 0xFFFF, true, true),
                ok(bytes(0x28, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0)));
    }

    @Test
    void read10_acceptsObsoleteFuaNvAndGroupNumber() {
        assertEquals(new Cdb.Read(0x28, 0, 1, false, false), ok(bytes(0x28, 0x02, 0, 0, 0, 0, 0x1F, 0, 1, 0)));
    }

    @Test
    void read12AndRead16_decodeWideFields() {
        assertEquals(new Cdb.Read(0xA8, 0x0102_0304L, 0xFFFF_FFFFL, false, true),
                ok(bytes(0xA8, 0x08, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0)));
        assertEquals(new Cdb.Read(0x88, -1L, 0x8000_0000L, true, false),
                ok(bytes(0x88, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0, 0, 0)));
    }

    @Test
    void writes_decodeLikeReads() {
        assertEquals(new Cdb.Write(0x0A, 5, 256, false, false), ok(bytes(0x0A, 0, 0, 5, 0, 0)));
        assertEquals(new Cdb.Write(0x2A, 9, 2, false, true), ok(bytes(0x2A, 0x08, 0, 0, 0, 9, 0, 0, 2, 0)));
        assertEquals(new Cdb.Write(0xAA, 9, 2, true, false), ok(bytes(0xAA, 0x10, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0)));
        assertEquals(new Cdb.Write(0x8A, 1L << 40, 3, false, false),
                ok(bytes(0x8A, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0)));
    }

    @Test
    void readProtectFieldSet_isInvalidFieldPointingAtIt() {
        for (int rdprotect = 1; rdprotect < 8; rdprotect++) {
            Failure f = rejected(bytes(0x28, rdprotect << 5, 0, 0, 0, 0, 0, 0, 1, 0));
            assertEquals(SenseReason.INVALID_FIELD_IN_CDB, f.reason());
            assertEquals(1, f.pointer().byteOffset());
            assertEquals(31 - Integer.numberOfLeadingZeros(rdprotect << 5), f.pointer().bit());
        }
    }

    @Test
    void verify_decodesByteCheckAndRejectsReservedValue() {
        assertEquals(new Cdb.Verify(0x2F, 1, 2, 1, true), ok(bytes(0x2F, 0x12, 0, 0, 0, 1, 0, 0, 2, 0)));
        assertEquals(new Cdb.Verify(0xAF, 1, 2, 3, false), ok(bytes(0xAF, 0x06, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0)));
        assertEquals(new Cdb.Verify(0x8F, 1, 0, 0, false),
                ok(bytes(0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)));
        Failure f = rejected(bytes(0x2F, 0x04, 0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals(FieldPointer.cdb(1, 2), f.pointer());
        assertEquals(1, rejected(bytes(0x2F, 0x20, 0, 0, 0, 0, 0, 0, 0, 0)).pointer().byteOffset(), "VRPROTECT");
    }

    @Test
    void synchronizeCache_decodesImmedAndRange() {
        assertEquals(new Cdb.SynchronizeCache(0x35, 4, 8, true), ok(bytes(0x35, 0x02, 0, 0, 0, 4, 0, 0, 8, 0)));
        assertEquals(new Cdb.SynchronizeCache(0x91, 4, 0, false),
                ok(bytes(0x91, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void inquiry_decodesEvpdPageAndSixteenBitAllocationLength() {
        assertEquals(new Cdb.Inquiry(true, 0x83, 0x1234), ok(bytes(0x12, 1, 0x83, 0x12, 0x34, 0)));
        assertEquals(new Cdb.Inquiry(false, 0, 36), ok(bytes(0x12, 0, 0, 0, 36, 0)));
    }

    @Test
    void inquiryWithPageCodeButNoEvpd_isInvalidFieldInCdb() {
        Failure f = rejected(bytes(0x12, 0, 1, 0, 255, 0));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, f.reason());
        assertEquals(FieldPointer.cdb(2, 7), f.pointer());
    }

    @Test
    void inquiryWithObsoleteCmdDt_isInvalidField() {
        assertEquals(FieldPointer.cdb(1, 1), rejected(bytes(0x12, 0x02, 0, 0, 36, 0)).pointer());
    }

    @Test
    void modeSense_decodesBothLengths() {
        assertEquals(new Cdb.ModeSense(0x1A, true, false, 2, 0x3F, 0xFF, 200),
                ok(bytes(0x1A, 0x08, 0xBF, 0xFF, 200, 0)));
        assertEquals(new Cdb.ModeSense(0x5A, false, true, 1, 0x0A, 0, 0x1000),
                ok(bytes(0x5A, 0x10, 0x4A, 0, 0, 0, 0, 0x10, 0x00, 0)));
    }

    @Test
    void modeSenseForSavedValues_decodes_theLuDecidesWhetherItHasThem() {
        assertEquals(new Cdb.ModeSense(0x1A, false, false, 3, 0x3F, 0, 255), ok(bytes(0x1A, 0, 0xFF, 0, 255, 0)));
    }

    @Test
    void readCapacity_decodesBothAndChecksTheObsoleteLba() {
        assertInstanceOf(Cdb.ReadCapacity10.class, ok(bytes(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertInstanceOf(Cdb.ReadCapacity10.class, ok(bytes(0x25, 0, 0, 0, 0, 9, 0, 0, 1, 0)));
        assertEquals(FieldPointer.cdb(2), rejected(bytes(0x25, 0, 0, 0, 0, 9, 0, 0, 0, 0)).pointer());
        assertEquals(new Cdb.ReadCapacity16(32),
                ok(bytes(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)));
    }

    @Test
    void unknownServiceActionOfServiceActionIn_isInvalidFieldPointingAtServiceAction() {
        Failure f = rejected(bytes(0x9E, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, f.reason());
        assertEquals(FieldPointer.cdb(1, 4), f.pointer());
    }

    @Test
    void reportLuns_decodesSelectReportAndRejectsUnknownOnes() {
        assertEquals(new Cdb.ReportLuns(0x02, 0xFFFF_FFFFL),
                ok(bytes(0xA0, 0, 0x02, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0)));
        assertEquals(new Cdb.ReportLuns(0x12, 16), ok(bytes(0xA0, 0, 0x12, 0, 0, 0, 0, 0, 0, 16, 0, 0)));
        assertEquals(FieldPointer.cdb(2, 7), rejected(bytes(0xA0, 0, 0x03, 0, 0, 0, 0, 0, 0, 16, 0, 0)).pointer());
    }

    @Test
    void requestSense_decodesDescAndAllocationLength() {
        assertEquals(new Cdb.RequestSense(true, 252), ok(bytes(0x03, 1, 0, 0, 252, 0)));
    }

    @Test
    void unknownAndVendorOpcodes_areInvalidCommandOperationCode() {
        for (int op : new int[] {0xFF, 0xC0, 0x02, 0x7F}) {
            Failure f = rejected(bytes(op, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            assertEquals(SenseReason.INVALID_COMMAND_OPERATION_CODE, f.reason());
            assertNull(f.pointer());
        }
        assertEquals(SenseReason.INVALID_COMMAND_OPERATION_CODE, rejected(new byte[0]).reason());
    }

    @Test
    void nacaOrLinkInTheControlByte_isInvalidFieldPointingAtTheControlByte() {
        assertEquals(FieldPointer.cdb(5, 2), rejected(bytes(0x00, 0, 0, 0, 0, 0x04)).pointer());
        assertEquals(FieldPointer.cdb(9, 0), rejected(bytes(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0x01)).pointer());
        assertEquals(FieldPointer.cdb(15, 2),
                rejected(bytes(0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x04)).pointer());
    }

    @Test
    void vendorSpecificControlBits_areIgnored() {
        assertInstanceOf(Cdb.TestUnitReady.class, ok(bytes(0x00, 0, 0, 0, 0, 0xC0)));
    }

    @Test
    void cdbShorterThanTheCommand_isInvalidField() {
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, rejected(bytes(0x28, 0, 0, 0, 0)).reason());
    }

    @Test
    void iscsiSixteenByteCdbBuffer_decodesTheShorterCommandInIt() {
        byte[] cdb = new byte[16];
        cdb[0] = 0x28;
        cdb[8] = 1;
        cdb[12] = (byte) 0xFF; // past the 10-byte CDB: not looked at
        assertEquals(new Cdb.Read(0x28, 0, 1, false, false), ok(cdb));
    }
}
