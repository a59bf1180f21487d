package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.TmfRequest;
import org.scstj.transports.iscsi.pdu.TaskMgmtRequest;

/** RFC 7143 11.5.1 function codes and 11.6.1 response codes, mapped to and from SAM-5 7. */
final class TmfCodes {
    static final int FUNCTION_COMPLETE = 0;
    static final int TASK_DOES_NOT_EXIST = 1;
    static final int LUN_DOES_NOT_EXIST = 2;
    static final int TASK_STILL_ALLEGIANT = 3;
    static final int ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED = 4;
    static final int NOT_SUPPORTED = 5;
    static final int AUTHORIZATION_FAILED = 6;
    static final int REJECTED = 255;

    private TmfCodes() {
    }

    /** The SAM-5 function for an iSCSI function code, or null (TASK REASSIGN needs ERL 2; others are unknown). */
    static TmfRequest.Function function(int code) {
        return switch (code) {
            case TaskMgmtRequest.ABORT_TASK -> TmfRequest.Function.ABORT_TASK;
            case TaskMgmtRequest.ABORT_TASK_SET -> TmfRequest.Function.ABORT_TASK_SET;
            case TaskMgmtRequest.CLEAR_ACA -> TmfRequest.Function.CLEAR_ACA;
            case TaskMgmtRequest.CLEAR_TASK_SET -> TmfRequest.Function.CLEAR_TASK_SET;
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> TmfRequest.Function.LOGICAL_UNIT_RESET;
            case TaskMgmtRequest.TARGET_WARM_RESET -> TmfRequest.Function.TARGET_WARM_RESET;
            case TaskMgmtRequest.TARGET_COLD_RESET -> TmfRequest.Function.TARGET_COLD_RESET;
            default -> null;
        };
    }

    static int code(TmfRequest.Response response) {
        return switch (response) {
            case FUNCTION_COMPLETE, FUNCTION_SUCCEEDED -> FUNCTION_COMPLETE;
            case TASK_DOES_NOT_EXIST -> TASK_DOES_NOT_EXIST;
            case LUN_DOES_NOT_EXIST -> LUN_DOES_NOT_EXIST;
            case TASK_STILL_ALLEGIANT -> TASK_STILL_ALLEGIANT;
            case TASK_REASSIGN_NOT_SUPPORTED -> ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED;
            case FUNCTION_NOT_SUPPORTED -> NOT_SUPPORTED;
            case AUTHORIZATION_FAILED -> AUTHORIZATION_FAILED;
            case FUNCTION_REJECTED -> REJECTED;
        };
    }
}
