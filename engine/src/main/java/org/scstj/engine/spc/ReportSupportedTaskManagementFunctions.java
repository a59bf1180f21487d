package org.scstj.engine.spc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.38 REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (MAINTENANCE IN 0Dh): the functions an
 * initiator can reach through scstj's transports and that the engine carries out
 * ({@code tmf.TmfActor}).
 *
 * <p>Reported: ABORT TASK (ATS), ABORT TASK SET (ATSS), CLEAR ACA (CACAS: there is never an ACA,
 * NACA being refused, so it completes at once, SAM-5 7.4), CLEAR TASK SET (CTSS), LOGICAL UNIT
 * RESET (LURS). Not reported: QUERY TASK, QUERY TASK SET, QUERY ASYNCHRONOUS EVENT and I_T NEXUS
 * RESET, which the engine implements (reachable through the engine SPI, e.g. the loopback driver)
 * but iSCSI has no function code for (RFC 7143 11.5.1); the obsolete TRS and WAKES bits (iSCSI's TARGET WARM / COLD RESET
 * are target-wide, outside what a logical unit reports).
 *
 * <p>REPD 0: 4 bytes; REPD 1: the 16-byte extended data with TMFTMOV 0 (no TMF timeouts are
 * reported). An ALLOCATION LENGTH under 4 is INVALID FIELD IN CDB (SPC-5 6.38.1); otherwise the
 * data is cut to it.
 */
public final class ReportSupportedTaskManagementFunctions {
    static final int ATS = 0x80;
    static final int ATSS = 0x40;
    static final int CACAS = 0x20;
    static final int CTSS = 0x10;
    static final int LURS = 0x08;

    private static final int BASIC_LENGTH = 4;
    private static final int EXTENDED_LENGTH = 16;

    private ReportSupportedTaskManagementFunctions() {
    }

    public static ScsiResponse execute(Cdb.ReportSupportedTaskManagementFunctions cdb, ExecContext ctx) {
        if (cdb.allocationLength() < BASIC_LENGTH) {
            return Failure.invalidFieldInCdb(6, 7).toResponse(ctx.lu().descriptorSense());
        }
        byte[] data = data(cdb.repd());
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** The parameter data, basic or extended (ADDITIONAL DATA LENGTH 0Ch). */
    static byte[] data(boolean repd) {
        byte[] d = new byte[repd ? EXTENDED_LENGTH : BASIC_LENGTH];
        d[0] = (byte) (ATS | ATSS | CACAS | CTSS | LURS);
        if (repd) {
            d[3] = EXTENDED_LENGTH - BASIC_LENGTH;
        }
        return d;
    }
}
