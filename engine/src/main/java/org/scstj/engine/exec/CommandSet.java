package org.scstj.engine.exec;

import org.scstj.engine.cdb.BigEndian;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of one peripheral device type (SPC-5's common commands plus the type's own, e.g.
 * SBC-4 for a disk): rows by operation code and service action ({@link CommandRow}). The parse stage
 * decodes a CDB against the rows, once; the checks read the decoded command's row; the exec stage
 * runs its executor. An operation code absent from the set is INVALID COMMAND OPERATION CODE.
 *
 * <p>Decoding order (SPC-5 4.4.3, 4.2.2, SAM-5 5.4): unknown opcode → INVALID COMMAND OPERATION
 * CODE 20/00; unknown service action → INVALID FIELD IN CDB 24/00 pointing at the SERVICE ACTION
 * field; a CDB shorter than the command's → 24/00 at byte 0; a bit outside the row's usage mask →
 * 24/00 at the highest such bit (reserved fields are checked); NACA or LINK in the CONTROL byte →
 * 24/00 (scstj supports neither ACA nor linked commands); then the row's parser checks the fields.
 *
 * <p>A set may have a fallback row ({@link #withFallback}): a pass-through device's set sends every
 * command it has no row for to the device, which judges it. An operation code or service action
 * without a row then decodes through the fallback, the CDB's length taken from its group code
 * (SPC-5 4.2.5.1), the CONTROL byte's NACA and LINK still refused (ACA and linked commands are the
 * core's, and it supports neither).
 */
public final class CommandSet {
    private static final int CONTROL_NACA = 0x04;
    private static final int CONTROL_LINK = 0x01;

    private final String name;
    private final List<CommandRow> rows;
    private final CommandRow[] byOpcode = new CommandRow[256];
    private final boolean[] hasServiceAction = new boolean[256];
    private final Map<Integer, CommandRow> byServiceAction = new HashMap<>();
    private final List<VpdPage> vpdPages;
    /** The row of every command no other row decodes, or null: such a command is refused. */
    private final CommandRow fallback;

    /**
     * @param vpdPages the VPD pages of this device type besides SPC-5's common ones
     * @throws IllegalArgumentException when two rows name one command
     */
    public CommandSet(String name, List<CommandRow> rows, List<VpdPage> vpdPages) {
        this(name, rows, vpdPages, null);
    }

    /**
     * A set whose commands without a row decode through {@code fallback} (its parser gets the CDB cut
     * to its group code's length; its usage mask is not read).
     */
    public static CommandSet withFallback(String name, List<CommandRow> rows, List<VpdPage> vpdPages,
                                          CommandRow fallback) {
        return new CommandSet(name, rows, vpdPages, java.util.Objects.requireNonNull(fallback));
    }

    private CommandSet(String name, List<CommandRow> rows, List<VpdPage> vpdPages, CommandRow fallback) {
        this.name = name;
        this.fallback = fallback;
        this.vpdPages = List.copyOf(vpdPages);
        List<CommandRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(CommandRow::opcode).thenComparingInt(CommandRow::serviceAction));
        this.rows = List.copyOf(sorted);
        for (CommandRow r : this.rows) {
            CommandRow before = r.serviceAction() < 0 ? byOpcode[r.opcode()]
                    : byServiceAction.get(r.opcode() << 8 | r.serviceAction());
            if (before != null || (r.serviceAction() < 0 ? hasServiceAction[r.opcode()] : byOpcode[r.opcode()] != null)) {
                throw new IllegalArgumentException(name + ": " + r + " given twice");
            }
            if (r.serviceAction() < 0) {
                byOpcode[r.opcode()] = r;
            } else {
                hasServiceAction[r.opcode()] = true;
                byServiceAction.put(r.opcode() << 8 | r.serviceAction(), r);
            }
        }
    }

    /** The set's name (the device type it serves). */
    public String name() {
        return name;
    }

    /** The VPD pages of this device type besides SPC-5's common ones. */
    public List<VpdPage> vpdPages() {
        return vpdPages;
    }

    /** The same commands with {@code executor} instead of each row's (fakes for actor tests, pass-through). */
    public CommandSet executedBy(CommandRow.Executor executor) {
        return new CommandSet(name, rows.stream().map(r -> r.withExecutor(executor)).toList(), vpdPages,
                fallback == null ? null : fallback.withExecutor(executor));
    }

    /** The row of the commands no other row decodes, or null when the set refuses them. */
    public CommandRow fallback() {
        return fallback;
    }

    /** Every row, by operation code, then service action. */
    public List<CommandRow> rows() {
        return rows;
    }

    /** The row for an opcode (and service action, -1 for none), or null. */
    public CommandRow lookup(int opcode, int serviceAction) {
        if (opcode < 0 || opcode > 255) {
            return null;
        }
        return serviceAction < 0 ? byOpcode[opcode] : byServiceAction.get(opcode << 8 | serviceAction);
    }

    /** True if this set decodes the opcode with a SERVICE ACTION field. */
    public boolean hasServiceAction(int opcode) {
        return hasServiceAction[opcode & 0xFF];
    }

    /** Parse stage: decodes {@code cdb} (which may be longer than the command's, e.g. 16 bytes from iSCSI) once. Never throws. */
    public Parsed parse(byte[] cdb) {
        if (cdb == null || cdb.length == 0) {
            return Parsed.refused(null, Failure.of(SenseReason.INVALID_COMMAND_OPERATION_CODE));
        }
        int opcode = BigEndian.u8(cdb, 0);
        CommandRow row;
        if (hasServiceAction[opcode]) {
            row = cdb.length < 2 ? null : byServiceAction.get(opcode << 8 | cdb[1] & 0x1F);
            if (row == null) {
                return fallback != null ? parseFallback(cdb) : Parsed.refused(null, Failure.invalidFieldInCdb(1, 4));
            }
        } else {
            row = byOpcode[opcode];
            if (row == null) {
                return fallback != null ? parseFallback(cdb)
                        : Parsed.refused(null, Failure.of(SenseReason.INVALID_COMMAND_OPERATION_CODE));
            }
        }
        int length = row.cdbLength();
        if (cdb.length < length) {
            return Parsed.refused(row, Failure.invalidFieldInCdb(0));
        }
        for (int i = 1; i < length - 1; i++) {
            int stray = cdb[i] & ~row.usageByte(i) & 0xFF;
            if (stray != 0) {
                return Parsed.refused(row, Failure.invalidFieldInCdb(i, highestBit(stray)));
            }
        }
        int control = cdb[length - 1] & (CONTROL_NACA | CONTROL_LINK) & ~row.usageByte(length - 1);
        if (control != 0) {
            return Parsed.refused(row, Failure.invalidFieldInCdb(length - 1, highestBit(control)));
        }
        return switch (row.parser().apply(cdb)) {
            case Decoded.Ok ok -> new Parsed(ok.cdb(), row, null);
            case Decoded.Rejected r -> Parsed.refused(row, r.failure());
        };
    }

    /**
     * Exec stage: runs a command whose checks passed, or answers one that failed to decode; calls
     * {@code ctx.complete} exactly once.
     */
    public void execute(Parsed command, ExecContext ctx) {
        if (command.decoded()) {
            command.row().executor().execute(command.cdb(), ctx);
        } else {
            ctx.complete(command.failure().toResponse(ctx.lu().descriptorSense()));
        }
    }

    /** CDB lengths by group code (SPC-5 4.2.5.1; groups 3, 6 and 7 as Linux's sg sizes them). */
    private static final int[] GROUP_LENGTH = {6, 10, 10, 12, 16, 12, 10, 10};
    private static final int VARIABLE_LENGTH_CDB = 0x7F;

    /**
     * The CDB's length by its operation code's group (SPC-5 4.2.5.1); a variable-length CDB (7Fh) is
     * 8 bytes plus its ADDITIONAL CDB LENGTH (SPC-5 4.2.4); -1 when {@code cdb} is too short to say.
     */
    public static int cdbLength(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        if (opcode == VARIABLE_LENGTH_CDB) {
            return cdb.length < 8 ? -1 : 8 + (cdb[7] & 0xFF);
        }
        return GROUP_LENGTH[opcode >>> 5];
    }

    private Parsed parseFallback(byte[] cdb) {
        int length = cdbLength(cdb);
        if (length < 0 || cdb.length < length) {
            return Parsed.refused(fallback, Failure.invalidFieldInCdb(0));
        }
        int control = cdb[length - 1] & (CONTROL_NACA | CONTROL_LINK);
        if (control != 0) {
            return Parsed.refused(fallback, Failure.invalidFieldInCdb(length - 1, highestBit(control)));
        }
        return switch (fallback.parser().apply(java.util.Arrays.copyOf(cdb, length))) {
            case Decoded.Ok ok -> new Parsed(ok.cdb(), fallback, null);
            case Decoded.Rejected r -> Parsed.refused(fallback, r.failure());
        };
    }

    private static int highestBit(int bits) {
        return 31 - Integer.numberOfLeadingZeros(bits);
    }

    /**
     * The parse stage's result: a decoded command and its row, or the failure to answer with (its
     * row too when the operation code was known). The checks read the rules through it.
     */
    public record Parsed(Cdb cdb, CommandRow row, Failure failure) {
        static Parsed refused(CommandRow row, Failure failure) {
            return new Parsed(null, row, failure);
        }

        public boolean decoded() {
            return failure == null;
        }

        /** SAM-5 5.14: INQUIRY, REPORT LUNS and REQUEST SENSE neither report nor clear a unit attention. */
        public boolean uaExempt() {
            return decoded() && row.uaExempt();
        }

        /** SBC-4 4.11: the command changes the medium. */
        public boolean writesMedium() {
            return decoded() && row.writesMedium();
        }

        /** The command changes state the LU's nexuses share (mode parameters, reservations, the medium). */
        public boolean changesSharedState() {
            return decoded() && row.sharedState().test(cdb);
        }

        /** The command accesses the medium (NOT READY 3A/00 without one). */
        public boolean needsMedium() {
            return decoded() && row.needsMedium();
        }

        /** Its class under persistent reservations; undecoded commands never get that far. */
        public ReservationClass reservationClass() {
            return row.reservation().apply(cdb);
        }

        /** Allowed under another nexus's SPC-2 reservation. */
        public boolean allowedUnderSpc2Reservation() {
            return row.spc2().test(cdb);
        }

        /** What it gets while a whole-medium operation runs or after one failed; an undecodable one is refused. */
        public CommandRow.WholeMedium duringWholeMedium() {
            return decoded() ? row.duringWholeMedium() : CommandRow.WholeMedium.REFUSED;
        }

        /** How the task set orders it; an undecodable command runs beside any other. */
        public CommandRow.Serialization serialization() {
            return decoded() ? row.serialization() : CommandRow.Serialization.CONCURRENT;
        }
    }
}
