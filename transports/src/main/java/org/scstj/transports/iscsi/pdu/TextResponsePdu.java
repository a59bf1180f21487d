package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.11 Text Response. */
public record TextResponsePdu(boolean finalFlag, boolean cont, long lun, int itt, int ttt, int statSn,
                              int expCmdSn, int maxCmdSn, ByteBuf data) implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.TEXT_RESPONSE, (finalFlag ? 0x80 : 0) | (cont ? 0x40 : 0), 0, 0, dsl);
        out.writeLong(lun);
        out.writeInt(itt);
        out.writeInt(ttt);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(12);
    }
}
