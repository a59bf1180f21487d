package org.scstj.engine.spi;

/**
 * A task-management request (SAM-5 7, RFC 7143 11.5).
 *
 * @param function      which function
 * @param lun           the 8-byte LUN field (ignored for target-wide functions)
 * @param referencedTag for ABORT TASK / QUERY TASK: the tag of the task it refers to
 */
public record TmfRequest(Function function, long lun, long referencedTag) {
    /** SAM-5 7.1 task management functions. */
    public enum Function {
        ABORT_TASK, ABORT_TASK_SET, CLEAR_ACA, CLEAR_TASK_SET, LOGICAL_UNIT_RESET,
        TARGET_WARM_RESET, TARGET_COLD_RESET, TASK_REASSIGN, QUERY_TASK, QUERY_TASK_SET,
        I_T_NEXUS_RESET, QUERY_ASYNCHRONOUS_EVENT
    }

    /** SAM-5 7.1 service responses, in iSCSI's numbering where one exists (RFC 7143 11.6.1). */
    public enum Response {
        FUNCTION_COMPLETE, TASK_DOES_NOT_EXIST, LUN_DOES_NOT_EXIST, TASK_STILL_ALLEGIANT,
        TASK_REASSIGN_NOT_SUPPORTED, FUNCTION_NOT_SUPPORTED, AUTHORIZATION_FAILED,
        FUNCTION_REJECTED, FUNCTION_SUCCEEDED
    }
}
