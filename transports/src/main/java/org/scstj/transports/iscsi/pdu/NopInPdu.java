package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.19 NOP-In; {@code data} echoes the NOP-Out's ping data. */
public record NopInPdu(long lun, int itt, int ttt, int statSn, int expCmdSn, int maxCmdSn, ByteBuf data)
        implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.NOP_IN, 0x80, 0, 0, dsl);
        out.writeLong(lun);
        out.writeInt(itt);
        out.writeInt(ttt);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(12);
    }
}
