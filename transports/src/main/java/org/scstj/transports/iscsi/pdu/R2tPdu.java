package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.8 Ready To Transfer; StatSN is the next one, not advanced (11.8.3). */
public record R2tPdu(long lun, int itt, int ttt, int statSn, int expCmdSn, int maxCmdSn, int r2tSn,
                     int bufferOffset, int desiredLength) implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.R2T, 0x80, 0, 0, 0);
        out.writeLong(lun);
        out.writeInt(itt);
        out.writeInt(ttt);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(r2tSn);
        out.writeInt(bufferOffset);
        out.writeInt(desiredLength);
    }
}
