package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * A PDU sent again after a SNACK (RFC 7143 11.16): an exact replica of {@code original} except
 * ExpCmdSN and MaxCmdSN, which carry the current values (bytes 28..35 of every target PDU that
 * has them). {@code data} is this copy's own reference to the original data (a retained duplicate).
 */
public record ResentPdu(TargetPdu original, ByteBuf data, int expCmdSn, int maxCmdSn) implements TargetPdu {
    @Override
    public void writeBhs(ByteBuf out, int dataSegmentLength) {
        int start = out.writerIndex();
        original.writeBhs(out, dataSegmentLength);
        out.setInt(start + 28, expCmdSn);
        out.setInt(start + 32, maxCmdSn);
    }
}
