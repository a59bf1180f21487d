package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.18 NOP-Out; {@code data} is the ping data. */
public record NopOut(Bhs bhs, boolean immediate, long lun, int itt, int ttt, int cmdSn, int expStatSn,
                     ByteBuf data) implements InboundPdu {
    static NopOut parse(Bhs h, ByteBuf data) {
        return new NopOut(h, h.immediate(), h.lun(), h.itt(), h.i32(20), h.i32(24), h.i32(28), data);
    }
}
