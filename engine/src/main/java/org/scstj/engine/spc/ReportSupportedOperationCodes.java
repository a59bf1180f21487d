package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.sam.ExecContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.35 REPORT SUPPORTED OPERATION CODES, printed from the {@link CommandTable}: the CDB
 * usage data are the same masks the decoder enforces. No command timeouts are known: with RCTD
 * each command carries a timeouts descriptor (6.35.4) whose timeouts are 0 (not specified).
 */
public final class ReportSupportedOperationCodes {
    private static final int SUPPORTED = 0b011;
    private static final int NOT_SUPPORTED = 0b001;
    private static final int TIMEOUTS_DESCRIPTOR_LENGTH = 12;

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
        byte[] data;
        if (cdb.reportingOptions() == 0b000) {
            data = allCommands(cdb.rctd());
        } else {
            int opcode = cdb.requestedOpcode();
            boolean hasServiceActions = CommandTable.hasServiceAction(opcode);
            CommandTable.Row row;
            switch (cdb.reportingOptions()) {
                case 0b001 -> {
                    // SPC-5 6.35.1: an opcode with service actions is an invalid field here
                    if (hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(ctx.lu().descriptorSense());
                    }
                    row = CommandTable.lookup(opcode, -1);
                }
                case 0b010 -> {
                    if (!hasServiceActions) {
                        return Failure.invalidFieldInCdb(2, 2).toResponse(ctx.lu().descriptorSense());
                    }
                    row = CommandTable.lookup(opcode, cdb.requestedServiceAction());
                }
                default -> row = hasServiceActions
                        ? CommandTable.lookup(opcode, cdb.requestedServiceAction())
                        : cdb.requestedServiceAction() == 0 ? CommandTable.lookup(opcode, -1) : null;
            }
            data = oneCommand(row, cdb.rctd());
        }
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** SPC-5 6.35.2: COMMAND DATA LENGTH, then one command descriptor (6.35.3) per command. */
    static byte[] allCommands(boolean rctd) {
        int each = 8 + (rctd ? TIMEOUTS_DESCRIPTOR_LENGTH : 0);
        byte[] d = new byte[4 + each * SORTED.size()];
        put32(d, 0, (long) each * SORTED.size());
        int at = 4;
        for (CommandTable.Row row : SORTED) {
            d[at] = (byte) row.opcode();
            if (row.serviceAction() >= 0) {
                put16(d, at + 2, row.serviceAction());
            }
            d[at + 5] = (byte) ((rctd ? 0x02 : 0) | (row.serviceAction() >= 0 ? 0x01 : 0)); // CTDP, SERVACTV
            put16(d, at + 6, row.cdbLength());
            if (rctd) {
                put16(d, at + 8, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
            }
            at += each;
        }
        return d;
    }

    /** SPC-5 6.35.3 one_command parameter data: SUPPORT, CDB SIZE, CDB USAGE DATA, timeouts. */
    static byte[] oneCommand(CommandTable.Row row, boolean rctd) {
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
            put16(d, 4 + usage.length, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
        }
        return d;
    }
}
