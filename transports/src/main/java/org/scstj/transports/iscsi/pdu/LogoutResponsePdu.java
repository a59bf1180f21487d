package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.15 Logout Response; {@code response} 0 closed, 1 CID not found, 2 recovery not supported. */
public record LogoutResponsePdu(int response, int itt, int statSn, int expCmdSn, int maxCmdSn, int time2Wait,
                                int time2Retain) implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.LOGOUT_RESPONSE, 0x80, response, 0, 0);
        out.writeLong(0);
        out.writeInt(itt);
        out.writeInt(0);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(0);
        out.writeShort(time2Wait);
        out.writeShort(time2Retain);
        out.writeInt(0);
    }
}
