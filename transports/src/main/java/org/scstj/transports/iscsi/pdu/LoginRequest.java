package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * RFC 7143 11.12 Login Request.
 *
 * @param transit T bit
 * @param cont    C bit: the text continues in the next PDU
 * @param csg     current stage (0 security, 1 operational, 3 full feature)
 * @param nsg     next stage
 * @param isid    the 48-bit ISID
 */
public record LoginRequest(Bhs bhs, boolean transit, boolean cont, int csg, int nsg, int versionMax,
                           int versionMin, long isid, int tsih, int itt, int cid, int cmdSn, int expStatSn,
                           ByteBuf data) implements InboundPdu {
    static LoginRequest parse(Bhs h, ByteBuf data) {
        int f = h.flags();
        long isid = ((long) h.u16(8) << 32) | (h.i32(10) & 0xffff_ffffL);
        return new LoginRequest(h, (f & 0x80) != 0, (f & 0x40) != 0, (f >> 2) & 3, f & 3, h.u8(2), h.u8(3),
                isid, h.u16(14), h.itt(), h.u16(20), h.i32(24), h.i32(28), data);
    }
}
