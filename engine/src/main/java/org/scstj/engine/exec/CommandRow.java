package org.scstj.engine.exec;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.DataDirection;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One row of a command set, in the spirit of CTL's {@code ctl_cmd_table.c}: everything the engine
 * knows about one operation code (and service action) of one device type. The decoder checks the
 * CDB against {@link #usage} and makes a typed {@link Cdb}; the LUN actor's checks read the rules
 * below in their fixed order; the exec stage runs {@link #executor}; REPORT SUPPORTED OPERATION
 * CODES prints the row. No other list of opcodes exists in the engine, so a new command is one row
 * (and one executor class).
 *
 * @param name              the standard's name of the command
 * @param opcode            OPERATION CODE
 * @param serviceAction     SERVICE ACTION or -1
 * @param direction         data direction
 * @param usage             CDB USAGE DATA mask, CDB length bytes: FFh for the opcode, 1Fh for a SERVICE
 *                          ACTION field, 1 for every other bit the device server looks at (SPC-5 6.35.3);
 *                          the decoder refuses a CDB with any other bit set (do not modify)
 * @param parser            CDB bytes (reserved bits already checked) to a typed value or a refusal
 * @param executor          the exec stage
 * @param unmapped          how the command is answered for a LUN the nexus cannot address (SPC-5 6.7.2
 *                          INQUIRY, 6.39 REQUEST SENSE); null: LOGICAL UNIT NOT SUPPORTED (SAM-5 5.9.6)
 * @param bySession         answered by the session for whatever LUN it addresses (SPC-5 6.33 REPORT LUNS)
 * @param uaExempt          neither reports nor clears a pending unit attention (SAM-5 5.14)
 * @param reportsCondition  returns a pending condition (a unit attention, a whole-medium operation's NOT
 *                          READY or MEDIUM ERROR) as its parameter data, with GOOD status, instead of being
 *                          refused with it (SPC-5 6.39 REQUEST SENSE); null for every other command
 * @param spc2              allowed under another nexus's SPC-2 reservation (SPC-2 5.5.1)
 * @param reservation       the class SPC-5 5.14.3 and SBC-4 4.17 give the command under persistent reservations
 * @param writesMedium      changes the medium: DATA PROTECT 27/00 when write-protected (SBC-4 4.11)
 * @param sharedState       changes state every nexus of the LU shares and can be denied access by (mode
 *                          parameters, reservations, the removable medium): DATA PROTECT 27/00 through a
 *                          read-only LUN mapping, as a medium write is
 * @param needsMedium       accesses the medium: NOT READY, MEDIUM NOT PRESENT 3A/00 while a removable
 *                          medium is ejected (SBC-4 5.25, SPC-5 6.47)
 * @param duringWholeMedium what the command gets while a FORMAT UNIT or SANITIZE runs or after one failed
 * @param serialization     how the LUN's task set orders it against other tasks (SBC-4 4.29, 5.3)
 * @param wholeMediumKind   for a {@link Serialization#WHOLE_MEDIUM} command, the operation it starts: the
 *                          LU is NOT READY with that operation's sense from the moment it enters the task set
 * @param alua              the asymmetric access states in which it may run (SPC-5 5.16.2), by CDB: READ and
 *                          WRITE BUFFER run in every state only in their echo-buffer modes
 * @param timeout           which command timeouts REPORT SUPPORTED OPERATION CODES gives it (SPC-5 6.35.4)
 * @param thinOnly          served only by a thin-provisioned LU (deallocation): left out of REPORT SUPPORTED
 *                          OPERATION CODES elsewhere, and refused by its executor there
 */
public record CommandRow(String name, int opcode, int serviceAction, DataDirection direction, byte[] usage,
                         Function<byte[], Decoded> parser, Executor executor, Unmapped unmapped, boolean bySession,
                         boolean uaExempt, ConditionReport reportsCondition, Predicate<Cdb> spc2, Function<Cdb, ReservationClass> reservation,
                         boolean writesMedium, Predicate<Cdb> sharedState, boolean needsMedium,
                         WholeMedium duringWholeMedium, Serialization serialization,
                         WholeMediumState.Kind wholeMediumKind, Function<Cdb, Set<AccessState>> alua,
                         Timeout timeout, boolean thinOnly) {

    /** The exec stage of one command; calls {@code ctx.complete} exactly once, now or later. */
    @FunctionalInterface
    public interface Executor {
        void execute(Cdb cdb, ExecContext ctx);
    }

    /** The answer for a LUN the nexus cannot address, or (for {@link #bySession}) its session's inventory. */
    @FunctionalInterface
    public interface Unmapped {
        /** @param inventory the nexus's LUN numbers, sorted */
        ScsiResponse answer(Cdb cdb, int[] inventory, int expectedDataTransferLength);
    }

    /** How a command reports a pending condition as parameter data ({@link #reportsCondition}). */
    @FunctionalInterface
    public interface ConditionReport {
        /** @param progress PROGRESS INDICATION 0..FFFFh (SPC-5 4.4.2.4.3), or -1 for none */
        ScsiResponse report(Cdb cdb, SenseReason condition, int progress, int expectedDataTransferLength);
    }

    /**
     * What a command gets while the LU formats or sanitizes its medium, or after that failed (SBC-4
     * 4.11.1, 5.3.1); a command that {@linkplain #reportsCondition reports conditions} reports it.
     */
    public enum WholeMedium {
        /** Processed as usual (INQUIRY, REPORT LUNS). */
        PROCESSED,
        /**
         * Not while an operation runs; after one failed it runs: it repairs the medium (FORMAT UNIT,
         * SANITIZE) or does not touch it (MODE SENSE / SELECT, LOG SENSE, the MAINTENANCE IN reports).
         */
        AFTER_FAILURE,
        /** CHECK CONDITION with the condition (NOT READY 04/04, 04/1B with progress; MEDIUM ERROR 31/00, 31/03). */
        REFUSED
    }

    /** How the task set orders a command against the others (SAM-5 8.6 on top, for SIMPLE tasks). */
    public enum Serialization {
        /** Runs beside any other command. */
        CONCURRENT,
        /**
         * Its blocks must not change, nor be read, by another command while it runs (COMPARE AND
         * WRITE, ORWRITE, WRITE ATOMIC: SBC-4 5.3, 5.12, 4.29): runs alone on its blocks.
         */
        EXCLUSIVE_BLOCKS,
        /**
         * Starts an operation on the whole medium (FORMAT UNIT, SANITIZE): runs alone, after every
         * task before it left the device; the LU is NOT READY while it lasts.
         */
        WHOLE_MEDIUM
    }

    /** The command timeouts descriptor (SPC-5 6.35.4) REPORT SUPPORTED OPERATION CODES gives a command. */
    public enum Timeout {
        /** Does not touch the medium: nothing to poll. */
        CONTROL,
        /** Reads, writes or otherwise works on a range of blocks. */
        MEDIUM,
        /** One pass over the whole medium (FORMAT UNIT, BLOCK and CRYPTOGRAPHIC ERASE): a deallocation on a thin LU. */
        WHOLE_MEDIUM_PASS,
        /** Up to 31 passes over the whole medium, never a deallocation (SANITIZE OVERWRITE, SBC-4 5.30.2). */
        WHOLE_MEDIUM_OVERWRITE
    }

    /** Allowed in every access state but standby, unavailable and transitioning (SPC-5 5.16.2.2, 5.16.2.3). */
    public static final Set<AccessState> ACTIVE = Set.copyOf(EnumSet.of(AccessState.ACTIVE_OPTIMIZED,
            AccessState.ACTIVE_NON_OPTIMIZED));
    /** Also in standby (SPC-5 5.16.2.4). */
    public static final Set<AccessState> ACTIVE_OR_STANDBY = Set.copyOf(EnumSet.of(AccessState.ACTIVE_OPTIMIZED,
            AccessState.ACTIVE_NON_OPTIMIZED, AccessState.STANDBY));
    /**
     * In every state but transitioning (SPC-5 5.16.2.4.5, 5.16.2.6: SET TARGET PORT GROUPS runs in
     * standby and unavailable, not while a transition is under way).
     */
    public static final Set<AccessState> NOT_TRANSITIONING = Set.copyOf(EnumSet.of(AccessState.ACTIVE_OPTIMIZED,
            AccessState.ACTIVE_NON_OPTIMIZED, AccessState.STANDBY, AccessState.UNAVAILABLE));
    /** In every state (SPC-5 5.16.2.4 to 5.16.2.6: INQUIRY, REPORT LUNS, REQUEST SENSE, the echo buffer, ...). */
    public static final Set<AccessState> ANY = Set.copyOf(EnumSet.allOf(AccessState.class));

    public CommandRow {
        Objects.requireNonNull(name);
        Objects.requireNonNull(parser, name);
        Objects.requireNonNull(executor, name);
        Objects.requireNonNull(reservation, () -> name + ": every row names its reservation class");
        if ((serialization == Serialization.WHOLE_MEDIUM) != (wholeMediumKind != null)) {
            throw new IllegalArgumentException(name + ": a whole-medium command names the operation it starts");
        }
        usage = usage.clone();
    }

    /** CDB length in bytes. */
    /**
     * The command's class for the metrics (docs/metrics.md): WRITE when it changes the medium
     * through Data-Out, READ when its Data-In is a medium access (not a CONTROL row such as READ
     * CAPACITY), OTHER for the rest.
     */
    public org.scstj.engine.spi.CommandObserver.Op op() {
        if (writesMedium && direction == DataDirection.OUT) {
            return org.scstj.engine.spi.CommandObserver.Op.WRITE;
        }
        if (direction == DataDirection.IN && timeout == Timeout.MEDIUM) {
            return org.scstj.engine.spi.CommandObserver.Op.READ;
        }
        return org.scstj.engine.spi.CommandObserver.Op.OTHER;
    }

    public int cdbLength() {
        return usage.length;
    }

    /** The usage mask (a copy). */
    @Override
    public byte[] usage() {
        return usage.clone();
    }

    /** The usage mask byte at {@code i}, for the decoder (no copy). */
    public int usageByte(int i) {
        return usage[i] & 0xFF;
    }

    /**
     * CDB USAGE DATA as REPORT SUPPORTED OPERATION CODES prints it (SPC-5 6.35.3): the mask, with
     * the operation code in byte 0 and the service action in the SERVICE ACTION field.
     */
    public byte[] usageData() {
        byte[] data = usage.clone();
        data[0] = (byte) opcode;
        if (serviceAction >= 0) {
            data[1] = (byte) (usage[1] & ~0x1F | serviceAction);
        }
        return data;
    }

    /** This row with another executor. */
    public CommandRow withExecutor(Executor other) {
        return new CommandRow(name, opcode, serviceAction, direction, usage, parser, other, unmapped, bySession,
                uaExempt, reportsCondition, spc2, reservation, writesMedium, sharedState, needsMedium,
                duringWholeMedium, serialization, wholeMediumKind, alua, timeout, thinOnly);
    }

    /** {@code cdb} is allowed in asymmetric access state {@code state} (SPC-5 5.16.2). */
    public boolean allowedIn(Cdb cdb, AccessState state) {
        return alua.apply(cdb).contains(state);
    }

    /** Allowed in {@code state} whatever its CDB's fields say (a row whose states depend on none). */
    public boolean allowedIn(AccessState state) {
        return alua.apply(null).contains(state);
    }

    @Override
    public String toString() {
        return String.format("%s (%02Xh%s)", name, opcode, serviceAction < 0 ? "" : String.format("/%02Xh", serviceAction));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandRow r && r.opcode == opcode && r.serviceAction == serviceAction;
    }

    @Override
    public int hashCode() {
        return opcode * 257 + serviceAction;
    }

    /** Starts a row: the command's name, operation code and data direction. */
    public static Builder row(String name, int opcode, DataDirection direction) {
        return new Builder(name, opcode, -1, direction);
    }

    /** Starts a row for one service action of an operation code. */
    public static Builder row(String name, int opcode, int serviceAction, DataDirection direction) {
        return new Builder(name, opcode, serviceAction, direction);
    }

    /** Builds a row; each rule has a name at the row that sets it, and every unset rule its documented default. */
    public static final class Builder {
        private final String name;
        private final int opcode;
        private final int serviceAction;
        private final DataDirection direction;
        private byte[] usage;
        private Function<byte[], Decoded> parser;
        private Executor executor;
        private Unmapped unmapped;
        private boolean bySession;
        private boolean uaExempt;
        private ConditionReport reportsCondition;
        private Predicate<Cdb> spc2 = cdb -> false;
        private Function<Cdb, ReservationClass> reservation;
        private boolean writesMedium;
        private Predicate<Cdb> sharedState = cdb -> false;
        private boolean needsMedium;
        private WholeMedium duringWholeMedium = WholeMedium.REFUSED;
        private Serialization serialization = Serialization.CONCURRENT;
        private WholeMediumState.Kind wholeMediumKind;
        private Function<Cdb, Set<AccessState>> alua = cdb -> ACTIVE;
        private Timeout timeout;
        private boolean thinOnly;

        private Builder(String name, int opcode, int serviceAction, DataDirection direction) {
            this.name = name;
            this.opcode = opcode;
            this.serviceAction = serviceAction;
            this.direction = direction;
        }

        /** The CDB usage mask, one value per CDB byte (see {@link CommandRow#usage}). */
        public Builder usage(int... mask) {
            usage = new byte[mask.length];
            for (int i = 0; i < mask.length; i++) {
                usage[i] = (byte) mask[i];
            }
            return this;
        }

        public Builder parser(Function<byte[], Decoded> parser) {
            this.parser = parser;
            return this;
        }

        /** An executor that answers at once. */
        public <C extends Cdb> Builder answers(Class<C> type, BiFunction<C, ExecContext, ScsiResponse> body) {
            this.executor = (cdb, ctx) -> ctx.complete(body.apply(type.cast(cdb), ctx));
            return this;
        }

        /** An executor that completes the context itself, now or later. */
        public <C extends Cdb> Builder runs(Class<C> type, BiConsumer<C, ExecContext> body) {
            this.executor = (cdb, ctx) -> body.accept(type.cast(cdb), ctx);
            return this;
        }

        public Builder unmapped(Unmapped answer) {
            this.unmapped = answer;
            return this;
        }

        /** Answered by the session for whatever LUN it addresses, from the nexus's inventory. */
        public Builder bySession(Unmapped answer) {
            this.unmapped = answer;
            this.bySession = true;
            return this;
        }

        public Builder uaExempt() {
            this.uaExempt = true;
            return this;
        }

        public Builder reportsCondition(ConditionReport report) {
            this.reportsCondition = report;
            return this;
        }

        /** Allowed under another nexus's SPC-2 reservation (SPC-2 5.5.1). */
        public Builder underSpc2Reservation() {
            this.spc2 = cdb -> true;
            return this;
        }

        /** Allowed under another nexus's SPC-2 reservation when {@code when} says so (SPC-2 5.5.1). */
        public Builder underSpc2Reservation(Predicate<Cdb> when) {
            this.spc2 = when;
            return this;
        }

        public Builder reservation(ReservationClass c) {
            this.reservation = cdb -> c;
            return this;
        }

        /** A reservation class that depends on a field of the CDB (PREVENT ALLOW MEDIUM REMOVAL's PREVENT). */
        public Builder reservation(Function<Cdb, ReservationClass> byCdb) {
            this.reservation = byCdb;
            return this;
        }

        public Builder writesMedium() {
            this.writesMedium = true;
            return this;
        }

        public Builder sharedState() {
            this.sharedState = cdb -> true;
            return this;
        }

        /** Changes shared state when {@code when} says so (START STOP UNIT with LOEJ). */
        public Builder sharedState(Predicate<Cdb> when) {
            this.sharedState = when;
            return this;
        }

        public Builder needsMedium() {
            this.needsMedium = true;
            return this;
        }

        public Builder duringWholeMedium(WholeMedium rule) {
            this.duringWholeMedium = rule;
            return this;
        }

        /** Runs alone on its blocks (COMPARE AND WRITE, ORWRITE, WRITE ATOMIC). */
        public Builder exclusiveBlocks() {
            this.serialization = Serialization.EXCLUSIVE_BLOCKS;
            return this;
        }

        /** Starts operation {@code kind} on the whole medium (FORMAT UNIT, SANITIZE). */
        public Builder wholeMedium(WholeMediumState.Kind kind) {
            this.serialization = Serialization.WHOLE_MEDIUM;
            this.wholeMediumKind = kind;
            return this;
        }

        public Builder alua(Set<AccessState> states) {
            this.alua = cdb -> states;
            return this;
        }

        /** Access states that depend on a field of the CDB (READ / WRITE BUFFER's MODE); {@code cdb} may be null. */
        public Builder alua(Function<Cdb, Set<AccessState>> byCdb) {
            this.alua = byCdb;
            return this;
        }

        public Builder timeout(Timeout t) {
            this.timeout = t;
            return this;
        }

        public Builder thinOnly() {
            this.thinOnly = true;
            return this;
        }

        public CommandRow build() {
            Objects.requireNonNull(usage, () -> name + ": usage mask");
            Objects.requireNonNull(parser, () -> name + ": parser");
            Objects.requireNonNull(executor, () -> name + ": executor");
            Objects.requireNonNull(reservation, () -> name + ": reservation class");
            Objects.requireNonNull(timeout, () -> name + ": timeout class");
            return new CommandRow(name, opcode, serviceAction, direction, usage, parser, executor, unmapped, bySession,
                    uaExempt, reportsCondition, spc2, reservation, writesMedium, sharedState, needsMedium, duringWholeMedium,
                    serialization, wholeMediumKind, alua, timeout, thinOnly);
        }
    }
}
