package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.5 Task Management Function Request. {@code function} is the 7-bit code (11.5.1). */
public record TaskMgmtRequest(Bhs bhs, boolean immediate, int function, long lun, int itt,
                              int referencedTaskTag, int cmdSn, int expStatSn, int refCmdSn, int expDataSn,
                              ByteBuf data) implements InboundPdu {
    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    static TaskMgmtRequest parse(Bhs h, ByteBuf data) {
        return new TaskMgmtRequest(h, h.immediate(), h.flags() & 0x7f, h.lun(), h.itt(), h.i32(20), h.i32(24),
                h.i32(28), h.i32(32), h.i32(36), data);
    }
}
