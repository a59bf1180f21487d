package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * What a logical unit answers while it formats or sanitizes its medium, or after that failed
 * ({@link WholeMediumState}), before a command is dispatched.
 *
 * <p>While an operation runs (SBC-4 5.3.1 FORMAT UNIT, 4.11.1 sanitize): INQUIRY and REPORT LUNS
 * are processed; REQUEST SENSE returns NOT READY, FORMAT IN PROGRESS (04/04) or SANITIZE IN
 * PROGRESS (04/1B) with the progress indication as parameter data, with GOOD status; every other
 * command, including one that cannot be decoded, ends in CHECK CONDITION with that sense.
 *
 * <p>After an operation failed: MEDIUM ERROR, MEDIUM FORMAT CORRUPTED (31/00) or SANITIZE COMMAND
 * FAILED (31/03) for the commands that use the medium; what repairs it (FORMAT UNIT, SANITIZE,
 * including EXIT FAILURE MODE) and what does not touch the medium (MODE SENSE / SELECT, LOG SENSE,
 * REPORT SUPPORTED OPERATION CODES / TASK MANAGEMENT FUNCTIONS) still run. REQUEST SENSE reports
 * the failure as parameter data.
 *
 * <p>A unit attention still comes first: the LUN actor reports it before the exec stage runs.
 */
public final class WholeMediumGate {
    private WholeMediumGate() {
    }

    /**
     * The answer for a command while the medium is not ready, or null when it may run.
     *
     * @param cdb the decoded command, or null when it could not be decoded
     */
    public static ScsiResponse check(Cdb cdb, ExecContext ctx) {
        WholeMediumState state = ctx.lu().wholeMedium();
        SenseReason condition = state.condition();
        if (condition == null) {
            return null;
        }
        int opcode = cdb != null ? cdb.opcode() : opcode(ctx);
        if (opcode == Opcodes.INQUIRY || opcode == Opcodes.REPORT_LUNS) {
            return null;
        }
        boolean running = state.inProgress() != null;
        if (cdb instanceof Cdb.RequestSense rs) {
            byte[] sense = sense(state, condition, running, rs.desc());
            return AllocationLength.respond(sense, sense.length, rs.allocationLength(),
                    ctx.task().expectedDataTransferLength());
        }
        if (!running && repairsOrSparesTheMedium(cdb)) {
            return null;
        }
        return ScsiResponse.checkCondition(sense(state, condition, running, ctx.lu().descriptorSense()), 0);
    }

    /**
     * The answer to a command that wanted to start a whole-medium operation while another holds the
     * LU: NOT READY with its progress (LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE if it just ended).
     */
    static ScsiResponse busy(WholeMediumState state, boolean descriptor) {
        SenseReason condition = state.condition();
        if (condition == null) {
            condition = SenseReason.NOT_READY_CAUSE_NOT_REPORTABLE;
        }
        return ScsiResponse.checkCondition(sense(state, condition, state.inProgress() != null, descriptor), 0);
    }

    private static byte[] sense(WholeMediumState state, SenseReason condition, boolean running, boolean descriptor) {
        return running ? SenseData.withProgress(condition, state.progressIndication(), descriptor)
                : SenseData.build(condition, descriptor);
    }

    private static boolean repairsOrSparesTheMedium(Cdb cdb) {
        return cdb instanceof Cdb.FormatUnit || cdb instanceof Cdb.Sanitize || cdb instanceof Cdb.ModeSense
                || cdb instanceof Cdb.ModeSelect || cdb instanceof Cdb.LogSense
                || cdb instanceof Cdb.ReportSupportedOperationCodes
                || cdb instanceof Cdb.ReportSupportedTaskManagementFunctions;
    }

    private static int opcode(ExecContext ctx) {
        byte[] raw = ctx.task().cdb();
        return raw == null || raw.length == 0 ? -1 : raw[0] & 0xFF;
    }
}
