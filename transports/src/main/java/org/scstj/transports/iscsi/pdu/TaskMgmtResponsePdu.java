package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.6 Task Management Function Response; {@code response} per 11.6.1. */
public record TaskMgmtResponsePdu(int response, int itt, int statSn, int expCmdSn, int maxCmdSn)
        implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.TASK_MGMT_RESPONSE, 0x80, response, 0, 0);
        out.writeLong(0);
        out.writeInt(itt);
        out.writeInt(0);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(12);
    }
}
