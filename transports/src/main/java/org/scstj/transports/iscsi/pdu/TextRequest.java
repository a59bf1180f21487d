package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.10 Text Request. */
public record TextRequest(Bhs bhs, boolean immediate, boolean finalFlag, boolean cont, long lun, int itt,
                          int ttt, int cmdSn, int expStatSn, ByteBuf data) implements InboundPdu {
    static TextRequest parse(Bhs h, ByteBuf data) {
        return new TextRequest(h, h.immediate(), (h.flags() & 0x80) != 0, (h.flags() & 0x40) != 0, h.lun(),
                h.itt(), h.i32(20), h.i32(24), h.i32(28), data);
    }
}
