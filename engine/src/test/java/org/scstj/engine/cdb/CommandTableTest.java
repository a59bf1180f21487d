package org.scstj.engine.cdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

class CommandTableTest {

    /** The smallest valid CDB of a row: opcode, service action, everything else 0. */
    static byte[] minimal(CommandTable.Row row) {
        byte[] cdb = new byte[row.cdbLength()];
        cdb[0] = (byte) row.opcode();
        if (row.serviceAction() >= 0) {
            cdb[1] = (byte) row.serviceAction();
        }
        return cdb;
    }

    @Test
    void everyRow_hasAUsageMaskOfItsCdbLengthStartingWithTheOpcode() {
        for (CommandTable.Row row : CommandTable.rows()) {
            assertEquals(row.cdbLength(), row.usage().length, row.name());
            assertEquals((byte) 0xFF, row.usage()[0], row.name());
            assertEquals(0, row.usage()[row.cdbLength() - 1] & 0x05, row.name() + ": NACA/LINK unsupported");
            assertEquals((byte) row.opcode(), row.usageData()[0], row.name() + ": usage data starts with the opcode");
            if (row.serviceAction() >= 0) {
                assertEquals(row.serviceAction(), row.usageData()[1] & 0x1F, row.name());
            }
            int expectedLength = switch (row.opcode() >>> 5) {
                case 0 -> 6;
                case 1, 2 -> 10;
                case 4 -> 16;
                case 5 -> 12;
                default -> -1;
            };
            assertEquals(expectedLength, row.cdbLength(), row.name() + ": SPC-5 4.2.5.1 group code");
        }
    }

    @Test
    void everyRow_isUniqueAndFoundByLookup() {
        Set<Integer> keys = new HashSet<>();
        for (CommandTable.Row row : CommandTable.rows()) {
            assertTrue(keys.add(row.opcode() << 8 | (row.serviceAction() & 0xFF)), row.name());
            assertSame(row, CommandTable.lookup(row.opcode(), row.serviceAction()));
        }
    }

    @Test
    void everyRow_decodesItsMinimalCdbToAValueWhoseRowIsThatRow() {
        for (CommandTable.Row row : CommandTable.rows()) {
            Decoded d = CdbDecoder.decode(minimal(row));
            Cdb cdb = assertInstanceOf(Decoded.Ok.class, d, row.name()).cdb();
            assertSame(row, cdb.row(), row.name());
        }
    }

    /**
     * SAM-5 5.4.3: the core reports what a command that took its Data-Out transferred from the
     * decoded CDB, so every Data-Out row must decode to a command that knows its Data-Out length,
     * and no other row asks for any.
     */
    @Test
    void everyDataOutRow_decodesToACommandThatKnowsItsDataOutLength_andNoOtherRowHasDataOut() {
        for (CommandTable.Row row : CommandTable.rows()) {
            Cdb cdb = ((Decoded.Ok) CdbDecoder.decode(minimal(row))).cdb();
            if (row.direction() == DataDirection.OUT) {
                assertInstanceOf(Cdb.DataOut.class, cdb, row.name());
            } else if (cdb instanceof Cdb.DataOut d) {
                assertEquals(0, d.dataOutLength(512), row.name());
            }
        }
        Cdb.Unmap unmap = (Cdb.Unmap) ((Decoded.Ok) CdbDecoder.decode(
                new byte[] {0x42, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0})).cdb();
        assertEquals(0x102, unmap.dataOutLength(4096), "a parameter list length, whatever the block size");
        Cdb.CompareAndWrite caw = (Cdb.CompareAndWrite) ((Decoded.Ok) CdbDecoder.decode(
                new byte[] {(byte) 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0})).cdb();
        assertEquals(2 * 3 * 4096, caw.dataOutLength(4096), "the verify and the write instance");
    }

    @Test
    void everyBitOutsideTheUsageMask_isRejectedWithAPointerToIt() {
        for (CommandTable.Row row : CommandTable.rows()) {
            byte[] usage = row.usage();
            for (int i = 1; i < row.cdbLength() - 1; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((usage[i] & (1 << bit)) != 0) {
                        continue;
                    }
                    byte[] cdb = minimal(row);
                    cdb[i] |= (byte) (1 << bit);
                    Decoded d = CdbDecoder.decode(cdb);
                    var failure = assertInstanceOf(Decoded.Rejected.class, d, row.name() + " byte " + i + " bit " + bit)
                            .failure();
                    assertEquals(SenseReason.INVALID_FIELD_IN_CDB, failure.reason());
                    assertEquals(FieldPointer.cdb(i, bit), failure.pointer(), row.name());
                }
            }
        }
    }

    @Test
    void everyBitInsideTheUsageMask_isNotRejectedAsReserved() {
        for (CommandTable.Row row : CommandTable.rows()) {
            byte[] usage = row.usage();
            for (int i = 1; i < row.cdbLength() - 1; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((usage[i] & (1 << bit)) == 0 || (row.serviceAction() >= 0 && i == 1 && bit < 5)) {
                        continue;
                    }
                    byte[] cdb = minimal(row);
                    cdb[i] |= (byte) (1 << bit);
                    if (CdbDecoder.decode(cdb) instanceof Decoded.Rejected r && r.failure().pointer() != null) {
                        FieldPointer p = r.failure().pointer();
                        // a field check of the command itself may refuse the value, but never as a lone reserved bit
                        assertTrue(p.byteOffset() != i || p.bit() != bit || isFieldCheck(row, i), row.name()
                                + " byte " + i + " bit " + bit + " rejected as reserved");
                    }
                }
            }
        }
    }

    private static boolean isFieldCheck(CommandTable.Row row, int byteOffset) {
        return switch (row.opcode()) {
            case Opcodes.INQUIRY, Opcodes.REPORT_LUNS, Opcodes.MODE_SENSE_6, Opcodes.MODE_SENSE_10 -> byteOffset == 2;
            case Opcodes.VERIFY_10, Opcodes.VERIFY_12, Opcodes.VERIFY_16 -> byteOffset == 1;
            case Opcodes.START_STOP_UNIT -> byteOffset == 3;
            case Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL -> byteOffset == 4;
            default -> false;
        };
    }

    @Test
    void inquiryReportLunsAndRequestSense_workWithoutAMappedLunAndIgnoreUnitAttentions() {
        for (CommandTable.Row row : CommandTable.rows()) {
            boolean special = row.opcode() == Opcodes.INQUIRY || row.opcode() == Opcodes.REPORT_LUNS
                    || row.opcode() == Opcodes.REQUEST_SENSE;
            assertEquals(special, row.allowedOnUnmappedLun(), row.name());
            assertEquals(special, row.uaExempt(), row.name());
            // allowedUnderReservation: see allowedUnderReservation_isExactlyTheSpc2List
        }
    }

    @Test
    void readModifyWriteAndAtomicWrites_areExclusive() {
        for (CommandTable.Row row : CommandTable.rows()) {
            boolean exclusive = row.name().equals("COMPARE AND WRITE") || row.name().startsWith("ORWRITE")
                    || row.name().startsWith("WRITE ATOMIC");
            assertEquals(exclusive, row.exclusive(), row.name());
        }
    }

    @Test
    void onlyWrites_writeTheMediumAndTheyMoveDataOut() {
        for (CommandTable.Row row : CommandTable.rows()) {
            boolean write = row.name().startsWith("WRITE") || row.name().startsWith("ORWRITE") || row.name().equals("UNMAP")
                    || row.name().equals("COMPARE AND WRITE");
            boolean wholeMedium = row.name().equals("FORMAT UNIT")
                    || row.name().startsWith("SANITIZE") && !row.name().endsWith("EXIT FAILURE MODE");
            assertEquals(write || wholeMedium, row.writesMedium(), row.name());
            assertEquals(wholeMedium, row.wholeMedium(), row.name());
            if (row.name().startsWith("READ(") || row.name().startsWith("READ CAPACITY")
                    || row.name().equals("INQUIRY")) {
                assertEquals(DataDirection.IN, row.direction(), row.name());
            }
            if (write || row.name().startsWith("VERIFY")) {
                assertEquals(DataDirection.OUT, row.direction(), row.name());
            }
        }
        assertFalse(CommandTable.lookup(Opcodes.SYNCHRONIZE_CACHE_10, -1).writesMedium());
    }

    @Test
    void mediumAccessCommands_needTheMedium_andTheCommandsThatManageItDoNot() {
        for (CommandTable.Row row : CommandTable.rows()) {
            String n = row.name();
            if (row.writesMedium() || n.startsWith("READ(") || n.startsWith("READ CAPACITY") || n.startsWith("VERIFY")
                    || n.startsWith("SYNCHRONIZE CACHE") || n.startsWith("PRE-FETCH") || n.equals("TEST UNIT READY")) {
                assertTrue(row.needsMedium(), n);
            }
            if (row.allowedOnUnmappedLun() || n.startsWith("MODE ") || n.equals("START STOP UNIT")
                    || n.equals("PREVENT ALLOW MEDIUM REMOVAL") || n.equals("REPORT SUPPORTED OPERATION CODES")) {
                assertFalse(row.needsMedium(), n);
            }
        }
    }

    @Test
    void usageDataIsACopy() {
        CommandTable.Row row = CommandTable.lookup(Opcodes.READ_10, -1);
        row.usageData()[1] = (byte) 0xFF;
        assertEquals(0x1A, row.usageData()[1]);
    }

    /**
     * SPC-2 5.5.1: under another nexus's SPC-2 reservation only these commands run normally
     * (INQUIRY, REQUEST SENSE, REPORT LUNS, RELEASE, and the reporting commands SPC-5 lists as
     * allowed under every reservation: LOG SENSE, REPORT SUPPORTED OPERATION CODES, REPORT
     * SUPPORTED TASK MANAGEMENT FUNCTIONS). Every other row conflicts (PREVENT ALLOW MEDIUM
     * REMOVAL with PREVENT 00b is allowed by the reservation check itself).
     */
    @Test
    void allowedUnderReservation_isExactlyTheSpc2List() {
        Set<String> allowed = Set.of("INQUIRY", "REQUEST SENSE", "REPORT LUNS", "RELEASE(6)", "RELEASE(10)",
                "LOG SENSE", "REPORT SUPPORTED OPERATION CODES", "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS");
        for (CommandTable.Row row : CommandTable.rows()) {
            assertEquals(allowed.contains(row.name()), row.allowedUnderReservation(), row.name());
        }
    }
}
