package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.TmfRequest;

/** RFC 7143 11.6.1 Task Management Function Response codes. */
final class TmfResponses {
    static final int FUNCTION_COMPLETE = 0;
    static final int TASK_DOES_NOT_EXIST = 1;
    static final int LUN_DOES_NOT_EXIST = 2;
    static final int TASK_STILL_ALLEGIANT = 3;
    static final int ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED = 4;
    static final int NOT_SUPPORTED = 5;
    static final int AUTHORIZATION_FAILED = 6;
    static final int REJECTED = 255;

    private TmfResponses() {
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
