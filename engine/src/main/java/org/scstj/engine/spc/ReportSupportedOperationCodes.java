package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.35 REPORT SUPPORTED OPERATION CODES, printed from the {@link CommandTable}: the CDB
 * usage data are the same masks the decoder enforces. Rows a logical unit cannot serve are left
 * out for it: UNMAP and SANITIZE BLOCK ERASE need a thin-provisioned LU.
 *
 * <p>REPORTING OPTIONS (6.35.1): 000b all commands; 001b one opcode without service actions (an
 * opcode with them is INVALID FIELD IN CDB); 010b an opcode and service action (an opcode without
 * them is INVALID FIELD IN CDB); 011b either. 1xxb is refused by the usage mask. Both errors point
 * at the REPORTING OPTIONS field (byte 2 bit 2). A REQUESTED SERVICE ACTION that no command has
 * (above 1Fh included) is reported as not supported (SUPPORT 001b), never looked up past the table.
 *
 * <p>With RCTD every command carries a command timeouts descriptor (6.35.4), in seconds:
 * <ul>
 *   <li>commands that do not touch the medium (TEST UNIT READY, REQUEST SENSE, INQUIRY, MODE
 *   SENSE / SELECT, LOG SENSE, REPORT LUNS, the MAINTENANCE IN reports, READ CAPACITY, SANITIZE
 *   EXIT FAILURE MODE): nominal 0 (nothing to poll), recommended {@value #CONTROL_TIMEOUT};</li>
 *   <li>reads, writes and the other commands on a range of blocks: nominal 0, recommended
 *   {@value #MEDIUM_TIMEOUT} (the SCSI disk timeout initiators use by default);</li>
 *   <li>FORMAT UNIT and SANITIZE: nominal, one pass over the capacity at the LU's
 *   {@code whole-medium-rate} (assumed {@value #ASSUMED_MIB_PER_SECOND} MiB/s when unlimited; 1 for a
 *   deallocation, which takes no data I/O); recommended, twice the nominal for every pass the
 *   command may make (up to 31 for OVERWRITE) plus {@value #WHOLE_MEDIUM_SLACK}.</li>
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

    /** Rows sorted by opcode, then service action. */
    private static final List<CommandTable.Row> SORTED = sorted();

    private ReportSupportedOperationCodes() {
    }

    private static List<CommandTable.Row> sorted() {
        List<CommandTable.Row> rows = new ArrayList<>(CommandTable.rows());
        rows.sort(Comparator.comparingInt(CommandTable.Row::opcode).thenComparingInt(CommandTable.Row::serviceAction));
        return List.copyOf(rows);
    }

    public static ScsiResponse execute(Cdb.ReportSupportedOperationCodes cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        byte[] data;
        if (cdb.reportingOptions() == 0b000) {
            data = allCommands(cdb.rctd(), lu);
        } else {
            int opcode = cdb.requestedOpcode();
            boolean hasServiceActions = CommandTable.hasServiceAction(opcode);
            CommandTable.Row row;
            switch (cdb.reportingOptions()) {
                case 0b001 -> {
                    // SPC-5 6.35.1: an opcode with service actions is an invalid field here
                    if (hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(lu.descriptorSense());
                    }
                    row = CommandTable.lookup(opcode, -1);
                }
                case 0b010 -> {
                    if (!hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(lu.descriptorSense());
                    }
                    row = withServiceAction(opcode, cdb.requestedServiceAction());
                }
                default -> row = hasServiceActions
                        ? withServiceAction(opcode, cdb.requestedServiceAction())
                        : cdb.requestedServiceAction() == 0 ? CommandTable.lookup(opcode, -1) : null;
            }
            data = oneCommand(row != null && supported(row, lu.device()) ? row : null, cdb.rctd(), lu);
        }
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** The row of a service action; SERVICE ACTION fields are 5 bits, so a larger value names none. */
    private static CommandTable.Row withServiceAction(int opcode, int serviceAction) {
        return serviceAction > 0x1F ? null : CommandTable.lookup(opcode, serviceAction);
    }

    /** False for the rows this LU cannot serve: UNMAP and BLOCK ERASE deallocate, which only a thin LU does. */
    static boolean supported(CommandTable.Row row, BlockDevice device) {
        boolean deallocates = row.opcode() == Opcodes.UNMAP
                || row.opcode() == Opcodes.SANITIZE && row.serviceAction() == Opcodes.SA_SANITIZE_BLOCK_ERASE;
        return !deallocates || device.capabilities().thinProvisioned();
    }

    /** SPC-5 6.35.2: COMMAND DATA LENGTH, then one command descriptor (6.35.3) per command. */
    static byte[] allCommands(boolean rctd, LuContext lu) {
        List<CommandTable.Row> rows = SORTED.stream().filter(r -> supported(r, lu.device())).toList();
        int each = 8 + (rctd ? TIMEOUTS_DESCRIPTOR_LENGTH : 0);
        byte[] d = new byte[4 + each * rows.size()];
        put32(d, 0, (long) each * rows.size());
        int at = 4;
        for (CommandTable.Row row : rows) {
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
        return d;
    }

    /** SPC-5 6.35.3 one_command parameter data: SUPPORT, CDB SIZE, CDB USAGE DATA, timeouts. */
    static byte[] oneCommand(CommandTable.Row row, boolean rctd, LuContext lu) {
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
    private static void timeouts(byte[] d, int at, CommandTable.Row row, LuContext lu) {
        long[] t = timeouts(row, lu);
        put16(d, at, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
        put32(d, at + 4, t[0]);
        put32(d, at + 8, t[1]);
    }

    /** {nominal, recommended} command timeouts of a row on this LU, in seconds (see the class comment). */
    static long[] timeouts(CommandTable.Row row, LuContext lu) {
        if (row.wholeMedium()) {
            BlockDevice device = lu.device();
            boolean deallocates = device.capabilities().thinProvisioned()
                    && !(row.opcode() == Opcodes.SANITIZE && row.serviceAction() == Opcodes.SA_SANITIZE_OVERWRITE);
            long rate = lu.wholeMedium().bytesPerSecond() > 0 ? lu.wholeMedium().bytesPerSecond()
                    : (long) ASSUMED_MIB_PER_SECOND << 20;
            long capacity = device.blockCount() * device.blockSize();
            long pass = deallocates ? 1 : Math.max(1, (capacity + rate - 1) / rate);
            int passes = row.serviceAction() == Opcodes.SA_SANITIZE_OVERWRITE ? MAX_OVERWRITE_PASSES : 1;
            long recommended = 2 * pass * passes + WHOLE_MEDIUM_SLACK;
            return new long[] {Math.min(pass, 0xFFFF_FFFFL), Math.min(recommended, 0xFFFF_FFFFL)};
        }
        return new long[] {0, touchesMedium(row) ? MEDIUM_TIMEOUT : CONTROL_TIMEOUT};
    }

    private static boolean touchesMedium(CommandTable.Row row) {
        return switch (row.opcode()) {
            case Opcodes.TEST_UNIT_READY, Opcodes.REQUEST_SENSE, Opcodes.INQUIRY, Opcodes.MODE_SELECT_6,
                 Opcodes.MODE_SENSE_6, Opcodes.MODE_SELECT_10, Opcodes.MODE_SENSE_10, Opcodes.LOG_SENSE,
                 Opcodes.REPORT_LUNS, Opcodes.MAINTENANCE_IN, Opcodes.READ_CAPACITY_10 -> false;
            case Opcodes.SERVICE_ACTION_IN_16 -> row.serviceAction() != Opcodes.SA_READ_CAPACITY_16;
            case Opcodes.SANITIZE -> row.serviceAction() != Opcodes.SA_SANITIZE_EXIT_FAILURE_MODE;
            default -> true;
        };
    }
}
