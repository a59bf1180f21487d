package org.scstj.engine.sense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.ScsiResponse;

class SenseDataTest {

    @Test
    void fixedFormat_carriesKeyAscAscqAndAdditionalLength() {
        byte[] s = SenseData.build(SenseReason.LBA_OUT_OF_RANGE, false);
        assertEquals(18, s.length);
        assertEquals(0x70, s[0] & 0xFF, "current error, VALID 0");
        assertEquals(0x05, s[2]);
        assertEquals(10, s[7]);
        assertEquals(0x21, s[12]);
        assertEquals(0x00, s[13]);
        assertEquals(0, s[15], "SKSV 0");
    }

    @Test
    void fixedFormatWithInformation_setsValidAndTheInformationField() {
        byte[] s = SenseData.build(Failure.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, 0x01020304L), false);
        assertEquals(0xF0, s[0] & 0xFF);
        assertEquals(0x0E, s[2]);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(s, 3, 7));
        assertEquals(0x1D, s[12]);
    }

    @Test
    void fixedFormatWithInformationBeyond32Bits_leavesValidClear() {
        byte[] s = SenseData.build(Failure.withInformation(SenseReason.MEDIUM_ERROR_UNRECOVERED_READ, 1L << 32), false);
        assertEquals(0x70, s[0] & 0xFF);
        assertEquals(0, s[3] | s[4] | s[5] | s[6]);
    }

    @Test
    void fixedFormatWithFieldPointer_encodesSksvCdBpvBitAndOffset() {
        byte[] s = SenseData.build(Failure.invalidFieldInCdb(0x0102, 5), false);
        assertEquals(0x80 | 0x40 | 0x08 | 5, s[15] & 0xFF);
        assertEquals(0x01, s[16]);
        assertEquals(0x02, s[17]);
        byte[] noBit = SenseData.build(Failure.invalidFieldInCdb(7), false);
        assertEquals(0xC0, noBit[15] & 0xFF);
        byte[] param = SenseData.build(new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                FieldPointer.parameter(3, 0), false, 0), false);
        assertEquals(0x88, param[15] & 0xFF, "C/D 0 for the parameter list");
    }

    @Test
    void descriptorFormat_withoutDescriptors_isEightBytes() {
        byte[] s = SenseData.build(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, true);
        assertArrayEquals(new byte[] {0x72, 0x06, 0x29, 0x00, 0, 0, 0, 0}, s);
    }

    @Test
    void descriptorFormat_carriesInformationAndSenseKeySpecificDescriptors() {
        byte[] s = SenseData.build(new Failure(SenseReason.INVALID_FIELD_IN_CDB, FieldPointer.cdb(2, 7), true,
                0x0102_0304_0506_0708L), true);
        assertEquals(8 + 12 + 8, s.length);
        assertEquals(0x72, s[0]);
        assertEquals(0x05, s[1]);
        assertEquals(0x24, s[2]);
        assertEquals(20, s[7], "ADDITIONAL SENSE LENGTH");
        assertEquals(0x00, s[8], "information descriptor");
        assertEquals(0x0A, s[9]);
        assertEquals(0x80, s[10] & 0xFF, "VALID");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, java.util.Arrays.copyOfRange(s, 12, 20));
        assertEquals(0x02, s[20], "sense key specific descriptor");
        assertEquals(0x06, s[21]);
        assertEquals(0x80 | 0x40 | 0x08 | 7, s[24] & 0xFF);
        assertEquals(0, s[25]);
        assertEquals(2, s[26]);
    }

    @Test
    void failureResponse_isCheckConditionWithSenseAndNoData() {
        ScsiResponse r = Failure.of(SenseReason.WRITE_PROTECTED).toResponse(false);
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
        assertNull(r.dataIn());
        assertEquals(0x07, r.sense()[2]);
        assertEquals(0x27, r.sense()[12]);
    }

    @Test
    void fieldPointer_rejectsImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> FieldPointer.cdb(0x10000));
        assertThrows(IllegalArgumentException.class, () -> FieldPointer.cdb(1, 8));
    }

    @Test
    void vocabulary_hasTheStandardCodes() {
        assertCode(SenseReason.INVALID_COMMAND_OPERATION_CODE, 0x05, 0x20, 0x00);
        assertCode(SenseReason.INVALID_FIELD_IN_CDB, 0x05, 0x24, 0x00);
        assertCode(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 0x05, 0x26, 0x00);
        assertCode(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED, 0x05, 0x25, 0x00);
        assertCode(SenseReason.PARAMETER_LIST_LENGTH_ERROR, 0x05, 0x1A, 0x00);
        assertCode(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, 0x05, 0x39, 0x00);
        assertCode(SenseReason.WRITE_PROTECTED, 0x07, 0x27, 0x00);
        assertCode(SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT, 0x07, 0x27, 0x07);
        assertCode(SenseReason.WRITE_ERROR, 0x03, 0x0C, 0x00);
        assertCode(SenseReason.INTERNAL_TARGET_FAILURE, 0x04, 0x44, 0x00);
        assertCode(SenseReason.I_T_NEXUS_LOSS_OCCURRED, 0x06, 0x29, 0x07);
        assertCode(SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED, 0x06, 0x3F, 0x0E);
        assertCode(SenseReason.CAPACITY_DATA_HAS_CHANGED, 0x06, 0x2A, 0x09);
        assertCode(SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR, 0x06, 0x2F, 0x00);
        assertCode(SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST, 0x0B, 0x47, 0x05);
        assertCode(SenseReason.NOT_ENOUGH_UNSOLICITED_DATA, 0x0B, 0x0C, 0x0D);
        assertCode(SenseReason.MEDIUM_NOT_PRESENT, 0x02, 0x3A, 0x00);
    }

    @Test
    void progressIndication_fillsTheSenseKeySpecificBytesInBothFormats() {
        byte[] fixed = SenseData.withProgress(SenseReason.NOT_READY_SANITIZE_IN_PROGRESS, 0x1234, false);
        assertEquals(18, fixed.length);
        assertEquals(0x02, fixed[2]);
        assertEquals(0x04, fixed[12]);
        assertEquals(0x1B, fixed[13]);
        assertArrayEquals(new byte[] {(byte) 0x80, 0x12, 0x34}, java.util.Arrays.copyOfRange(fixed, 15, 18));
        byte[] descriptor = SenseData.withProgress(SenseReason.NOT_READY_FORMAT_IN_PROGRESS, 0xFFFF, true);
        assertArrayEquals(new byte[] {0x72, 0x02, 0x04, 0x04, 0, 0, 0, 8,
                0x02, 0x06, 0, 0, (byte) 0x80, (byte) 0xFF, (byte) 0xFF, 0}, descriptor);
        assertThrows(IllegalArgumentException.class,
                () -> SenseData.withProgress(SenseReason.NOT_READY_FORMAT_IN_PROGRESS, 0x10000, false));
    }

    @Test
    void vocabulary_hasTheWholeMediumCodes() {
        assertCode(SenseReason.NOT_READY_FORMAT_IN_PROGRESS, 0x02, 0x04, 0x04);
        assertCode(SenseReason.NOT_READY_SANITIZE_IN_PROGRESS, 0x02, 0x04, 0x1B);
        assertCode(SenseReason.MEDIUM_FORMAT_CORRUPTED, 0x03, 0x31, 0x00);
        assertCode(SenseReason.FORMAT_COMMAND_FAILED, 0x03, 0x31, 0x01);
        assertCode(SenseReason.SANITIZE_COMMAND_FAILED, 0x03, 0x31, 0x03);
    }

    @Test
    void vocabulary_hasNoDuplicateCodes() {
        Set<Integer> seen = new HashSet<>();
        for (SenseReason r : SenseReason.values()) {
            int code = r.key().code() << 16 | r.asc() << 8 | r.ascq();
            assertEquals(true, seen.add(code), r.toString());
        }
    }

    private static void assertCode(SenseReason r, int key, int asc, int ascq) {
        assertEquals(key, r.key().code(), r.name());
        assertEquals(asc, r.asc(), r.name());
        assertEquals(ascq, r.ascq(), r.name());
    }
}
