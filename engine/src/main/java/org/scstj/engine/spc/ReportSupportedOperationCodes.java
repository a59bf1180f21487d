package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.util.List;

/**
 * SPC-5 6.35 REPORT SUPPORTED OPERATION CODES, printed from the LU's command set
 * ({@link CommandSet}): the CDB usage data are the same masks the decoder enforces. Rows a logical
 * unit cannot serve are left out for it: the thin-only ones (UNMAP, SANITIZE BLOCK ERASE) on a LU
 * that is not thin-provisioned.
 *
 * <p>An emulated disk or CD/DVD whose device executes commands the core has no row for
 * ({@link BlockDevice#otherCommands}, an out-of-process handler's) has those listed too, after the
 * core's rows: the CDB's length by its group code (SPC-5 4.2.5.1), every bit of it the device's to
 * judge but the CONTROL byte's (NACA and LINK are refused by the core), timeouts as a medium
 * command's. They are the device's commands of the moment: a handler that attaches with other
 * opcodes changes the list.
 *
 * <p>REPORTING OPTIONS (6.35.1): 000b all commands; 001b one opcode without service actions (an
 * opcode with them is INVALID FIELD IN CDB); 010b an opcode and service action (an opcode without
 * them is INVALID FIELD IN CDB); 011b either. 1xxb is refused by the usage mask. Both errors point
 * at the REPORTING OPTIONS field (byte 2 bit 2). A REQUESTED SERVICE ACTION that no command has
 * (above 1Fh included) is reported as not supported (SUPPORT 001b), never looked up past the table.
 *
 * <p>With RCTD every command carries a command timeouts descriptor (6.35.4), in seconds, by its
 * row's timeout class:
 * <ul>
 *   <li>{@code CONTROL}, commands that do not touch the medium: nominal 0 (nothing to poll),
 *   recommended {@value #CONTROL_TIMEOUT};</li>
 *   <li>{@code MEDIUM}, reads, writes and the other commands on a range of blocks: nominal 0,
 *   recommended {@value #MEDIUM_TIMEOUT} (the SCSI disk timeout initiators use by default);</li>
 *   <li>{@code WHOLE_MEDIUM_PASS} and {@code WHOLE_MEDIUM_OVERWRITE} (FORMAT UNIT, SANITIZE): nominal,
 *   one pass over the capacity at the LU's {@code whole-medium-rate} (assumed
 *   {@value #ASSUMED_MIB_PER_SECOND} MiB/s when unlimited; 1 for a deallocation, which takes no data
 *   I/O: a pass on a thin LU); recommended, twice the nominal for every pass the command may make (up
 *   to 31 for OVERWRITE) plus {@value #WHOLE_MEDIUM_SLACK}.</li>
 * </ul>
 */
public final class ReportSupportedOperationCodes {
    private static final int SUPPORTED = 0b011;
    private static final int NOT_SUPPORTED = 0b001;
    private static final int TIMEOUTS_DESCRIPTOR_LENGTH = 12;
    static final int CONTROL_TIMEOUT = 10;
    static final int MEDIUM_TIMEOUT = 30;
    static final int ASSUMED_MIB_PER_SECOND = 128;
    static final int WHOLE_MEDIUM_SLACK = 60;
    /** SBC-4 5.30.2: OVERWRITE COUNT is 5 bits. */
    private static final int MAX_OVERWRITE_PASSES = 31;

    private ReportSupportedOperationCodes() {
    }

    public static ScsiResponse execute(Cdb.ReportSupportedOperationCodes cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        CommandSet commands = lu.commands();
        byte[] data;
        if (cdb.reportingOptions() == 0b000) {
            data = allCommands(cdb.rctd(), lu);
        } else {
            int opcode = cdb.requestedOpcode();
            boolean hasServiceActions = commands.hasServiceAction(opcode);
            CommandRow row;
            switch (cdb.reportingOptions()) {
                case 0b001 -> {
                    // SPC-5 6.35.1: an opcode with service actions is an invalid field here
                    if (hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(lu.descriptorSense());
                    }
                    row = commands.lookup(opcode, -1);
                    if (row == null && deviceOpcodes(lu).contains(opcode)) {
                        return respond(oneDeviceCommand(opcode, cdb.rctd()), cdb, ctx);
                    }
                }
                case 0b010 -> {
                    if (!hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(lu.descriptorSense());
                    }
                    row = withServiceAction(commands, opcode, cdb.requestedServiceAction());
                }
                default -> {
                    row = hasServiceActions
                            ? withServiceAction(commands, opcode, cdb.requestedServiceAction())
                            : cdb.requestedServiceAction() == 0 ? commands.lookup(opcode, -1) : null;
                    if (row == null && !hasServiceActions && cdb.requestedServiceAction() == 0
                            && deviceOpcodes(lu).contains(opcode)) {
                        return respond(oneDeviceCommand(opcode, cdb.rctd()), cdb, ctx);
                    }
                }
            }
            data = oneCommand(row != null && supported(row, lu.device()) ? row : null, cdb.rctd(), lu);
        }
        return respond(data, cdb, ctx);
    }

    private static ScsiResponse respond(byte[] data, Cdb.ReportSupportedOperationCodes cdb, ExecContext ctx) {
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** The row of a service action; SERVICE ACTION fields are 5 bits, so a larger value names none. */
    private static CommandRow withServiceAction(CommandSet commands, int opcode, int serviceAction) {
        return serviceAction > 0x1F ? null : commands.lookup(opcode, serviceAction);
    }

    /** False for the rows this LU cannot serve: a thin-only row (it deallocates) on a LU that is not thin. */
    static boolean supported(CommandRow row, BlockDevice device) {
        return !row.thinOnly() || device.capabilities().thinProvisioned();
    }

    /**
     * The opcodes the device executes beside the core's rows ({@link BlockDevice#otherCommands}):
     * those that neither have a row nor service actions in the LU's command set, ascending.
     */
    static List<Integer> deviceOpcodes(LuContext lu) {
        org.scstj.engine.spi.ScsiPassThrough others = lu.device().otherCommands();
        if (others == null) {
            return List.of();
        }
        CommandSet commands = lu.commands();
        // 7Fh (variable length, SPC-5 4.2.4) has service actions and no length of its own: never listed
        return others.otherOpcodes().stream().filter(op -> op >= 0 && op <= 0xFF && op != 0x7F
                && commands.lookup(op, -1) == null && !commands.hasServiceAction(op)).sorted().toList();
    }

    /** SPC-5 6.35.3 for a device's own opcode: supported, its CDB length by group code, its usage data. */
    private static byte[] oneDeviceCommand(int opcode, boolean rctd) {
        int length = CommandSet.cdbLength(new byte[] {(byte) opcode});
        byte[] d = new byte[4 + length + (rctd ? TIMEOUTS_DESCRIPTOR_LENGTH : 0)];
        d[1] = (byte) ((rctd ? 0x80 : 0) | SUPPORTED);
        put16(d, 2, length);
        d[4] = (byte) opcode;
        java.util.Arrays.fill(d, 5, 4 + length - 1, (byte) 0xFF); // the device's to judge; CONTROL: 00h
        if (rctd) {
            put16(d, 4 + length, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
            put32(d, 4 + length + 8, MEDIUM_TIMEOUT);
        }
        return d;
    }

    /** SPC-5 6.35.2: COMMAND DATA LENGTH, then one command descriptor (6.35.3) per command. */
    static byte[] allCommands(boolean rctd, LuContext lu) {
        List<CommandRow> rows = lu.commands().rows().stream().filter(r -> supported(r, lu.device())).toList();
        List<Integer> device = deviceOpcodes(lu);
        int each = 8 + (rctd ? TIMEOUTS_DESCRIPTOR_LENGTH : 0);
        byte[] d = new byte[4 + each * (rows.size() + device.size())];
        put32(d, 0, (long) each * (rows.size() + device.size()));
        int at = 4;
        for (CommandRow row : rows) {
            d[at] = (byte) row.opcode();
            if (row.serviceAction() >= 0) {
                put16(d, at + 2, row.serviceAction());
            }
            d[at + 5] = (byte) ((rctd ? 0x02 : 0) | (row.serviceAction() >= 0 ? 0x01 : 0)); // CTDP, SERVACTV
            put16(d, at + 6, row.cdbLength());
            if (rctd) {
                timeouts(d, at + 8, row, lu);
            }
            at += each;
        }
        for (int opcode : device) {
            d[at] = (byte) opcode;
            d[at + 5] = (byte) (rctd ? 0x02 : 0); // CTDP
            put16(d, at + 6, CommandSet.cdbLength(new byte[] {(byte) opcode}));
            if (rctd) {
                put16(d, at + 8, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
                put32(d, at + 8 + 8, MEDIUM_TIMEOUT);
            }
            at += each;
        }
        return d;
    }

    /** SPC-5 6.35.3 one_command parameter data: SUPPORT, CDB SIZE, CDB USAGE DATA, timeouts. */
    static byte[] oneCommand(CommandRow row, boolean rctd, LuContext lu) {
        if (row == null) {
            byte[] d = new byte[4];
            d[1] = NOT_SUPPORTED;
            return d;
        }
        byte[] usage = row.usageData();
        byte[] d = new byte[4 + usage.length + (rctd ? TIMEOUTS_DESCRIPTOR_LENGTH : 0)];
        d[1] = (byte) ((rctd ? 0x80 : 0) | SUPPORTED);
        put16(d, 2, usage.length);
        System.arraycopy(usage, 0, d, 4, usage.length);
        if (rctd) {
            timeouts(d, 4 + usage.length, row, lu);
        }
        return d;
    }

    /** SPC-5 6.35.4 command timeouts descriptor: DESCRIPTOR LENGTH 0Ah, NOMINAL and RECOMMENDED timeouts. */
    private static void timeouts(byte[] d, int at, CommandRow row, LuContext lu) {
        long[] t = timeouts(row, lu);
        put16(d, at, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
        put32(d, at + 4, t[0]);
        put32(d, at + 8, t[1]);
    }

    /** {nominal, recommended} command timeouts of a row on this LU, in seconds (see the class comment). */
    static long[] timeouts(CommandRow row, LuContext lu) {
        return switch (row.timeout()) {
            case CONTROL -> new long[] {0, CONTROL_TIMEOUT};
            case MEDIUM -> new long[] {0, MEDIUM_TIMEOUT};
            case WHOLE_MEDIUM_PASS, WHOLE_MEDIUM_OVERWRITE -> {
                BlockDevice device = lu.device();
                boolean overwrite = row.timeout() == CommandRow.Timeout.WHOLE_MEDIUM_OVERWRITE;
                boolean deallocates = device.capabilities().thinProvisioned() && !overwrite;
                long rate = lu.wholeMedium().bytesPerSecond() > 0 ? lu.wholeMedium().bytesPerSecond()
                        : (long) ASSUMED_MIB_PER_SECOND << 20;
                long capacity = device.blockCount() * device.blockSize();
                long pass = deallocates ? 1 : Math.max(1, (capacity + rate - 1) / rate);
                int passes = overwrite ? MAX_OVERWRITE_PASSES : 1;
                long recommended = 2 * pass * passes + WHOLE_MEDIUM_SLACK;
                yield new long[] {Math.min(pass, 0xFFFF_FFFFL), Math.min(recommended, 0xFFFF_FFFFL)};
            }
        };
    }
}
