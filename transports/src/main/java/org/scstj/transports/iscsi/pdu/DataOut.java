package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.7 SCSI Data-Out. */
public record DataOut(Bhs bhs, boolean finalFlag, long lun, int itt, int ttt, int expStatSn, int dataSn,
                      int bufferOffset, ByteBuf data) implements InboundPdu {
    static DataOut parse(Bhs h, ByteBuf data) {
        return new DataOut(h, (h.flags() & 0x80) != 0, h.lun(), h.itt(), h.i32(20), h.i32(28), h.i32(36),
                h.i32(40), data);
    }
}
