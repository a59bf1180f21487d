package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.17 Reject; the data segment is the rejected PDU's header (11.17.1). */
public record RejectPdu(int reason, int statSn, int expCmdSn, int maxCmdSn, ByteBuf data) implements TargetPdu {
    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int SNACK_REJECT = 0x03;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int INVALID_PDU_FIELD = 0x09;
    public static final int INVALID_DATA_ACK = 0x08;

    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.REJECT, 0x80, reason, 0, dsl);
        out.writeLong(0);
        out.writeInt(Opcode.RESERVED_TAG);
        out.writeInt(0);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeZero(12); // DataSN/R2TSN (unused for these reasons), reserved
    }
}
