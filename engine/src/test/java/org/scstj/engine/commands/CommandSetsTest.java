package org.scstj.engine.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.DataDirection;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

import java.util.HashSet;
import java.util.Set;

/** Every row of the disk command set (SPC-5 + SBC-4), checked against the standards it cites. */
class CommandSetsTest {
    private static final CommandSet DISK = CommandSets.DISK;


    static byte[] minimal(CommandRow row) {
        return Decode.minimal(row);
    }

    @Test
    void everyRow_hasAUsageMaskOfItsCdbLengthStartingWithTheOpcode() {
        for (CommandRow row : DISK.rows()) {
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
        for (CommandRow row : DISK.rows()) {
            assertTrue(keys.add(row.opcode() << 8 | (row.serviceAction() & 0xFF)), row.name());
            assertSame(row, DISK.lookup(row.opcode(), row.serviceAction()));
        }
    }

    @Test
    void everyRow_decodesItsMinimalCdbToAValueWhoseRowIsThatRow() {
        for (CommandRow row : DISK.rows()) {
            Decoded d = Decode.decode(minimal(row));
            assertInstanceOf(Decoded.Ok.class, d, row.name());
            assertSame(row, DISK.parse(minimal(row)).row(), row.name());
        }
    }

    /**
     * SAM-5 5.4.3: the core reports what a command that took its Data-Out transferred from the
     * decoded CDB, so every Data-Out row must decode to a command that knows its Data-Out length,
     * and no other row asks for any.
     */
    @Test
    void everyDataOutRow_decodesToACommandThatKnowsItsDataOutLength_andNoOtherRowHasDataOut() {
        for (CommandRow row : DISK.rows()) {
            Cdb cdb = ((Decoded.Ok) Decode.decode(minimal(row))).cdb();
            if (row.direction() == DataDirection.OUT) {
                assertInstanceOf(Cdb.DataOut.class, cdb, row.name());
            } else if (cdb instanceof Cdb.DataOut d) {
                assertEquals(0, d.dataOutLength(512), row.name());
            }
        }
        Cdb.Unmap unmap = (Cdb.Unmap) ((Decoded.Ok) Decode.decode(
                new byte[] {0x42, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0})).cdb();
        assertEquals(0x102, unmap.dataOutLength(4096), "a parameter list length, whatever the block size");
        Cdb.CompareAndWrite caw = (Cdb.CompareAndWrite) ((Decoded.Ok) Decode.decode(
                new byte[] {(byte) 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0})).cdb();
        assertEquals(2 * 3 * 4096, caw.dataOutLength(4096), "the verify and the write instance");
    }

    @Test
    void everyBitOutsideTheUsageMask_isRejectedWithAPointerToIt() {
        for (CommandRow row : DISK.rows()) {
            byte[] usage = row.usage();
            for (int i = 1; i < row.cdbLength() - 1; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((usage[i] & (1 << bit)) != 0) {
                        continue;
                    }
                    byte[] cdb = minimal(row);
                    cdb[i] |= (byte) (1 << bit);
                    Decoded d = Decode.decode(cdb);
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
        for (CommandRow row : DISK.rows()) {
            byte[] usage = row.usage();
            for (int i = 1; i < row.cdbLength() - 1; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((usage[i] & (1 << bit)) == 0 || (row.serviceAction() >= 0 && i == 1 && bit < 5)) {
                        continue;
                    }
                    byte[] cdb = minimal(row);
                    cdb[i] |= (byte) (1 << bit);
                    if (Decode.decode(cdb) instanceof Decoded.Rejected r && r.failure().pointer() != null) {
                        FieldPointer p = r.failure().pointer();
                        // a field check of the command itself may refuse the value, but never as a lone reserved bit
                        assertTrue(p.byteOffset() != i || p.bit() != bit || isFieldCheck(row, i), row.name()
                                + " byte " + i + " bit " + bit + " rejected as reserved");
                    }
                }
            }
        }
    }

    private static boolean isFieldCheck(CommandRow row, int byteOffset) {
        return switch (row.opcode()) {
            case Opcodes.INQUIRY, Opcodes.REPORT_LUNS, Opcodes.MODE_SENSE_6, Opcodes.MODE_SENSE_10 -> byteOffset == 2;
            case Opcodes.VERIFY_10, Opcodes.VERIFY_12, Opcodes.VERIFY_16 -> byteOffset == 1;
            case Opcodes.READ_BUFFER_10, Opcodes.WRITE_BUFFER -> byteOffset == 1; // MODE
            case Opcodes.START_STOP_UNIT -> byteOffset == 3;
            case Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL -> byteOffset == 4;
            // REPORT TARGET PORT GROUPS: PARAMETER DATA FORMAT (SPC-5 6.37)
            case Opcodes.MAINTENANCE_IN -> byteOffset == 1 && row.serviceAction() == Opcodes.SA_REPORT_TARGET_PORT_GROUPS;
            default -> false;
        };
    }

    @Test
    void inquiryReportLunsAndRequestSense_workWithoutAMappedLunAndIgnoreUnitAttentions() {
        for (CommandRow row : DISK.rows()) {
            boolean special = row.opcode() == Opcodes.INQUIRY || row.opcode() == Opcodes.REPORT_LUNS
                    || row.opcode() == Opcodes.REQUEST_SENSE;
            assertEquals(special, row.unmapped() != null, row.name());
            assertEquals(row.opcode() == Opcodes.REPORT_LUNS, row.bySession(), row.name());
            assertEquals(row.opcode() == Opcodes.REQUEST_SENSE, row.reportsCondition() != null, row.name());
            assertEquals(special, row.uaExempt(), row.name());
            // allowedUnderReservation: see allowedUnderReservation_isExactlyTheSpc2List
        }
    }

    @Test
    void readModifyWriteAndAtomicWrites_areExclusive() {
        for (CommandRow row : DISK.rows()) {
            boolean exclusive = row.name().equals("COMPARE AND WRITE") || row.name().startsWith("ORWRITE")
                    || row.name().startsWith("WRITE ATOMIC");
            assertEquals(exclusive, row.serialization() == CommandRow.Serialization.EXCLUSIVE_BLOCKS, row.name());
        }
    }

    @Test
    void onlyWrites_writeTheMediumAndTheyMoveDataOut() {
        for (CommandRow row : DISK.rows()) {
            boolean write = row.name().startsWith("WRITE") && !row.name().equals("WRITE BUFFER")
                    || row.name().startsWith("ORWRITE") || row.name().equals("UNMAP")
                    || row.name().equals("COMPARE AND WRITE");
            boolean wholeMedium = row.name().equals("FORMAT UNIT")
                    || row.name().startsWith("SANITIZE") && !row.name().endsWith("EXIT FAILURE MODE");
            assertEquals(write || wholeMedium, row.writesMedium(), row.name());
            assertEquals(wholeMedium, row.serialization() == CommandRow.Serialization.WHOLE_MEDIUM, row.name());
            if (row.name().startsWith("READ(") || row.name().startsWith("READ CAPACITY")
                    || row.name().equals("INQUIRY")) {
                assertEquals(DataDirection.IN, row.direction(), row.name());
            }
            if (write || row.name().startsWith("VERIFY")) {
                assertEquals(DataDirection.OUT, row.direction(), row.name());
            }
        }
        assertFalse(DISK.lookup(Opcodes.SYNCHRONIZE_CACHE_10, -1).writesMedium());
    }

    @Test
    void mediumAccessCommands_needTheMedium_andTheCommandsThatManageItDoNot() {
        for (CommandRow row : DISK.rows()) {
            String n = row.name();
            if (row.writesMedium() || n.startsWith("READ(") || n.startsWith("READ CAPACITY") || n.startsWith("VERIFY")
                    || n.startsWith("SYNCHRONIZE CACHE") || n.startsWith("PRE-FETCH") || n.equals("TEST UNIT READY")) {
                assertTrue(row.needsMedium(), n);
            }
            if (row.unmapped() != null || n.startsWith("MODE ") || n.equals("START STOP UNIT")
                    || n.equals("PREVENT ALLOW MEDIUM REMOVAL") || n.equals("REPORT SUPPORTED OPERATION CODES")) {
                assertFalse(row.needsMedium(), n);
            }
        }
    }

    @Test
    void usageDataIsACopy() {
        CommandRow row = DISK.lookup(Opcodes.READ_10, -1);
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
        for (CommandRow row : DISK.rows()) {
            Cdb cdb = ((Decoded.Ok) Decode.decode(minimal(row))).cdb();
            boolean allowedHere = allowed.contains(row.name())
                    || row.name().equals("PREVENT ALLOW MEDIUM REMOVAL"); // its minimal CDB has PREVENT 00b
            assertEquals(allowedHere, row.spc2().test(cdb), row.name());
        }
        CommandRow prevent = DISK.lookup(Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL, -1);
        assertFalse(prevent.spc2().test(new Cdb.PreventAllowMediumRemoval(true)), "PREVENT 01b conflicts");
    }

    /** SPC-5 5.14.3 and SBC-4 4.17: medium writes are registrants-only, reads conflict only under exclusive access. */
    @Test
    void everyRow_namesItsReservationClass_mediumWritesAreWrites_readsAreReads() {
        for (CommandRow row : DISK.rows()) {
            Cdb cdb = ((Decoded.Ok) Decode.decode(minimal(row))).cdb();
            ReservationClass c = row.reservation().apply(cdb);
            if (row.writesMedium()) {
                assertEquals(ReservationClass.WRITE, c, row.name());
            }
            if (row.name().startsWith("READ(") || row.name().startsWith("VERIFY") || row.name().startsWith("PRE-FETCH")
                    || row.name().startsWith("READ DEFECT") || row.name().equals("GET LBA STATUS")) {
                assertEquals(ReservationClass.READ, c, row.name());
            }
            if (row.name().startsWith("RESERVE") || row.name().startsWith("RELEASE")) {
                assertEquals(ReservationClass.SPC2_RESERVATION, c, row.name());
            }
        }
        CommandRow prevent = DISK.lookup(Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL, -1);
        assertEquals(ReservationClass.ALLOWED, prevent.reservation().apply(new Cdb.PreventAllowMediumRemoval(false)));
        assertEquals(ReservationClass.WRITE, prevent.reservation().apply(new Cdb.PreventAllowMediumRemoval(true)));
    }

    /** The common set decodes exactly SPC-5's commands: what a nexus may send to a LUN it cannot address. */
    @Test
    void theCommonSet_isTheSpcRowsOfEveryDeviceType() {
        for (CommandRow row : CommandSets.COMMON.rows()) {
            assertSame(row, DISK.lookup(row.opcode(), row.serviceAction()), row.name());
        }
        assertEquals(SpcCommands.ROWS.size(), CommandSets.COMMON.rows().size());
        assertEquals(null, CommandSets.COMMON.lookup(Opcodes.READ_10, -1), "SBC's commands are the disk's");
        assertSame(DISK, CommandSets.forType(0x00));
        assertSame(CommandSets.TAPE, CommandSets.forType(0x01));
        assertSame(CommandSets.CD_DVD, CommandSets.forType(0x05));
        assertSame(CommandSets.MEDIUM_CHANGER, CommandSets.forType(0x08));
        assertEquals(null, CommandSets.forType(0x03), "no processor set: pass-through only");
        // a tape drive's and a CD/DVD device's READ(6) are not the disk's, their INQUIRY is
        assertSame(DISK.lookup(Opcodes.INQUIRY, -1), CommandSets.TAPE.lookup(Opcodes.INQUIRY, -1));
        assertEquals("READ(6)", CommandSets.TAPE.lookup(Opcodes.READ_6, -1).name());
        org.junit.jupiter.api.Assertions.assertNotSame(DISK.lookup(Opcodes.READ_6, -1), CommandSets.TAPE.lookup(Opcodes.READ_6, -1));
        assertEquals("LOAD UNLOAD", CommandSets.TAPE.lookup(Opcodes.START_STOP_UNIT, -1).name(), "1Bh is LOAD UNLOAD on a tape");
        assertEquals(null, CommandSets.TAPE.lookup(Opcodes.READ_10, -1));
        assertSame(DISK.lookup(Opcodes.READ_10, -1), CommandSets.CD_DVD.lookup(Opcodes.READ_10, -1));
    }

    /** SPC-5 5.16.2.4-5.16.2.6: INQUIRY, REPORT LUNS and REQUEST SENSE run in every access state. */
    @Test
    void inquiryReportLunsAndRequestSense_runInEveryAccessState_mediumAccessOnlyWhenActive() {
        for (org.scstj.engine.alua.AccessState state : org.scstj.engine.alua.AccessState.values()) {
            for (int opcode : new int[] {Opcodes.INQUIRY, Opcodes.REPORT_LUNS, Opcodes.REQUEST_SENSE}) {
                assertTrue(DISK.lookup(opcode, -1).allowedIn(state), opcode + " in " + state);
            }
            boolean active = state == org.scstj.engine.alua.AccessState.ACTIVE_OPTIMIZED
                    || state == org.scstj.engine.alua.AccessState.ACTIVE_NON_OPTIMIZED;
            assertEquals(active, DISK.lookup(Opcodes.READ_10, -1).allowedIn(state), "READ(10) in " + state);
            assertEquals(active, DISK.lookup(Opcodes.WRITE_10, -1).allowedIn(state), "WRITE(10) in " + state);
        }
    }

    /** A command set refuses a second row for one command. */
    @Test
    void aSetWithTwoRowsForOneCommand_isRefused() {
        CommandRow read = DISK.lookup(Opcodes.READ_10, -1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CommandSet("twice", java.util.List.of(read, read), java.util.List.of()));
    }
}
