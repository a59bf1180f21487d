package org.scstj.engine.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The command tables of every device type scstj emulates (a disk, a tape drive, a CD/DVD device,
 * a medium changer) keep the rules the disk's table is held to: each row's CDB length follows its
 * group code (SPC-5 4.2.5.1), NACA and LINK are refused, a row is found by its own opcode and
 * service action, its smallest CDB decodes to it, and every bit outside its usage mask is refused
 * with INVALID FIELD IN CDB pointing at that bit: a bad CDB gets precise sense before it reaches any
 * LU's state.
 */
class EveryDeviceTypeTest {
    static List<CommandSet> sets() {
        return List.of(CommandSets.DISK, CommandSets.TAPE, CommandSets.CD_DVD, CommandSets.MEDIUM_CHANGER);
    }

    /** The smallest CDB a row accepts: {@link Decode#minimal}, with the fields a command requires set. */
    static byte[] minimal(CommandRow row) {
        byte[] cdb = Decode.minimal(row);
        if (row.opcode() == Opcodes.GET_EVENT_STATUS_NOTIFICATION) {
            cdb[1] = 0x01;                                     // POLLED: asynchronous is refused
        }
        if (row.opcode() == Opcodes.GET_PERFORMANCE) {
            cdb[1] = 0x10;                                     // TOLERANCE 10b
        }
        return cdb;
    }

    @ParameterizedTest
    @MethodSource("sets")
    void everyRow_hasItsGroupCodesLength_andNoNacaOrLink(CommandSet set) {
        for (CommandRow row : set.rows()) {
            int expected = switch (row.opcode() >>> 5) {
                case 0 -> 6;
                case 1, 2 -> 10;
                case 4 -> 16;
                case 5 -> 12;
                default -> -1;
            };
            assertEquals(expected, row.cdbLength(), set.name() + " " + row.name());
            assertEquals(0, row.usage()[row.cdbLength() - 1] & 0x05, set.name() + " " + row.name());
        }
    }

    @ParameterizedTest
    @MethodSource("sets")
    void everyRow_isUnique_foundByLookup_andItsSmallestCdbDecodesToIt(CommandSet set) {
        Set<Integer> keys = new HashSet<>();
        for (CommandRow row : set.rows()) {
            assertTrue(keys.add(row.opcode() << 8 | (row.serviceAction() & 0xFF)), set.name() + " " + row.name());
            assertSame(row, set.lookup(row.opcode(), row.serviceAction()));
            CommandSet.Parsed p = set.parse(minimal(row));
            assertTrue(p.decoded(), set.name() + " " + row.name() + ": " + p.failure());
            assertSame(row, p.row());
        }
    }

    @ParameterizedTest
    @MethodSource("sets")
    void everyBitOutsideTheUsageMask_isRefusedWithAPointerToIt(CommandSet set) {
        for (CommandRow row : set.rows()) {
            byte[] usage = row.usage();
            for (int i = 1; i < row.cdbLength() - 1; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((usage[i] & (1 << bit)) != 0) {
                        continue;
                    }
                    byte[] cdb = minimal(row);
                    cdb[i] |= (byte) (1 << bit);
                    CommandSet.Parsed p = set.parse(cdb);
                    String where = set.name() + " " + row.name() + " byte " + i + " bit " + bit;
                    assertFalse(p.decoded(), where);
                    assertEquals(SenseReason.INVALID_FIELD_IN_CDB, p.failure().reason(), where);
                    assertEquals(FieldPointer.cdb(i, bit), p.failure().pointer(), where);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sets")
    void anOpcodeTheTypeDoesNotHave_isInvalidCommandOperationCode(CommandSet set) {
        Set<Integer> known = new HashSet<>();
        set.rows().forEach(r -> known.add(r.opcode()));
        for (int opcode = 0; opcode < 256; opcode++) {
            if (known.contains(opcode)) {
                continue;
            }
            byte[] cdb = new byte[16];
            cdb[0] = (byte) opcode;
            CommandSet.Parsed p = set.parse(cdb);
            assertFalse(p.decoded(), set.name() + " opcode " + Integer.toHexString(opcode));
            assertEquals(SenseReason.INVALID_COMMAND_OPERATION_CODE, p.failure().reason(),
                    set.name() + " opcode " + Integer.toHexString(opcode));
        }
    }
}
