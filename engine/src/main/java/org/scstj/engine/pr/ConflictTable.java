package org.scstj.engine.pr;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.cdb.Opcodes;

/**
 * SPC-5 5.14.3 table "SPC commands that are allowed in the presence of various reservations" and
 * SBC-4 4.17 table "SBC-4 commands that are allowed in the presence of various reservations", as
 * data: one row per command class, one column per kind of I_T nexus, {@code true} where the
 * command is allowed. A reservation holder is always allowed; the columns are for the others.
 *
 * <p>Every command-table row has a class ({@link #classOf}); the unit test checks that a new row
 * was given one.
 */
public final class ConflictTable {
    private ConflictTable() {
    }

    /**
     * A row of the table.
     *
     * @param weAny         WRITE EXCLUSIVE, from any I_T nexus that does not hold it
     * @param eaAny         EXCLUSIVE ACCESS, from any I_T nexus that does not hold it
     * @param registered    a REGISTRANTS ONLY or ALL REGISTRANTS type, from a registered I_T nexus
     * @param weUnregistered WRITE EXCLUSIVE REGISTRANTS ONLY / ALL REGISTRANTS, from a nexus not registered
     * @param eaUnregistered EXCLUSIVE ACCESS REGISTRANTS ONLY / ALL REGISTRANTS, from a nexus not registered
     */
    public enum CommandClass {
        /**
         * INQUIRY, LOG SENSE, PERSISTENT RESERVE IN / OUT (the service action checks the key),
         * READ CAPACITY, REPORT LUNS, REPORT SUPPORTED OPERATION CODES / TASK MANAGEMENT FUNCTIONS,
         * REQUEST SENSE, TEST UNIT READY, PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b.
         */
        ALLOWED(true, true, true, true, true),
        /** Reads of the medium: READ, VERIFY, PRE-FETCH, GET LBA STATUS, READ DEFECT DATA (SBC-4 4.17). */
        READ(true, false, true, true, false),
        /**
         * Writes of the medium and commands SPC-5 / SBC-4 reserve to the holder and registrants:
         * WRITE and its kin, UNMAP, FORMAT UNIT, SANITIZE, SYNCHRONIZE CACHE, MODE SELECT / SENSE,
         * START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL with PREVENT 01b, EXTENDED COPY, RECEIVE
         * COPY RESULTS.
         */
        WRITE(false, false, true, false, false),
        /** SPC-2 RESERVE / RELEASE: conflict with any registration (SPC-5 5.14.1), checked apart. */
        SPC2_RESERVATION(false, false, false, false, false);

        private final boolean weAny;
        private final boolean eaAny;
        private final boolean registered;
        private final boolean weUnregistered;
        private final boolean eaUnregistered;

        CommandClass(boolean weAny, boolean eaAny, boolean registered, boolean weUnregistered,
                     boolean eaUnregistered) {
            this.weAny = weAny;
            this.eaAny = eaAny;
            this.registered = registered;
            this.weUnregistered = weUnregistered;
            this.eaUnregistered = eaUnregistered;
        }

        /** Allowed from an I_T nexus that does not hold a reservation of {@code type}. */
        public boolean allowed(PrType type, boolean nexusRegistered) {
            if (type.sharing() == PrType.Sharing.NONE) {
                return type.exclusiveAccess() ? eaAny : weAny;
            }
            if (nexusRegistered) {
                return registered;
            }
            return type.exclusiveAccess() ? eaUnregistered : weUnregistered;
        }
    }

    /** The class of a decoded command. */
    public static CommandClass classOf(Cdb cdb) {
        if (cdb instanceof Cdb.PreventAllowMediumRemoval p) {
            return p.prevent() ? CommandClass.WRITE : CommandClass.ALLOWED;
        }
        CommandClass c = classOf(cdb.row());
        return c != null ? c : CommandClass.WRITE;
    }

    /** The class of a command-table row, or null for a row the table does not know (a test failure). */
    public static CommandClass classOf(CommandTable.Row row) {
        return switch (row.opcode()) {
            case Opcodes.INQUIRY, Opcodes.LOG_SENSE, Opcodes.PERSISTENT_RESERVE_IN, Opcodes.PERSISTENT_RESERVE_OUT,
                 Opcodes.READ_CAPACITY_10, Opcodes.REPORT_LUNS, Opcodes.MAINTENANCE_IN, Opcodes.REQUEST_SENSE,
                 Opcodes.TEST_UNIT_READY -> CommandClass.ALLOWED;
            case Opcodes.SERVICE_ACTION_IN_16 -> row.serviceAction() == Opcodes.SA_READ_CAPACITY_16
                    ? CommandClass.ALLOWED : CommandClass.READ; // GET LBA STATUS reads
            case Opcodes.READ_6, Opcodes.READ_10, Opcodes.READ_12, Opcodes.READ_16, Opcodes.VERIFY_10,
                 Opcodes.VERIFY_12, Opcodes.VERIFY_16, Opcodes.PRE_FETCH_10, Opcodes.PRE_FETCH_16,
                 Opcodes.READ_DEFECT_DATA_10, Opcodes.READ_DEFECT_DATA_12 -> CommandClass.READ;
            case Opcodes.WRITE_6, Opcodes.WRITE_10, Opcodes.WRITE_12, Opcodes.WRITE_16, Opcodes.WRITE_AND_VERIFY_10,
                 Opcodes.WRITE_AND_VERIFY_12, Opcodes.WRITE_AND_VERIFY_16, Opcodes.WRITE_SAME_10,
                 Opcodes.WRITE_SAME_16, Opcodes.UNMAP, Opcodes.ORWRITE_16, Opcodes.COMPARE_AND_WRITE,
                 Opcodes.WRITE_ATOMIC_16, Opcodes.FORMAT_UNIT, Opcodes.SANITIZE, Opcodes.SYNCHRONIZE_CACHE_10,
                 Opcodes.SYNCHRONIZE_CACHE_16, Opcodes.MODE_SELECT_6, Opcodes.MODE_SELECT_10, Opcodes.MODE_SENSE_6,
                 Opcodes.MODE_SENSE_10, Opcodes.START_STOP_UNIT, Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL,
                 Opcodes.EXTENDED_COPY, Opcodes.RECEIVE_COPY_RESULTS -> CommandClass.WRITE;
            case Opcodes.RESERVE_6, Opcodes.RESERVE_10, Opcodes.RELEASE_6, Opcodes.RELEASE_10 ->
                    CommandClass.SPC2_RESERVATION;
            default -> null;
        };
    }
}
