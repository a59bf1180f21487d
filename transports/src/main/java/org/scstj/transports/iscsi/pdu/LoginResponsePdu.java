package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.13 Login Response; {@code status} is StatusClass &lt;&lt; 8 | StatusDetail (11.13.5). */
public record LoginResponsePdu(boolean transit, boolean cont, int csg, int nsg, long isid, int tsih, int itt,
                               int statSn, int expCmdSn, int maxCmdSn, int status, ByteBuf data)
        implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        int flags = (transit ? 0x80 : 0) | (cont ? 0x40 : 0) | ((csg & 3) << 2) | (nsg & 3);
        TargetPdu.writeStart(out, Opcode.LOGIN_RESPONSE, flags, 0 /* VersionMax */, 0 /* VersionActive */, dsl);
        out.writeShort((int) (isid >>> 32));
        out.writeInt((int) isid);
        out.writeShort(tsih);
        out.writeInt(itt);
        out.writeInt(0);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeByte(status >> 8);
        out.writeByte(status & 0xff);
        out.writeZero(10);
    }
}
