package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * RFC 7143 11.16 SNACK Request: the initiator asks for Data-In or R2T PDUs (type 0), statuses
 * (1) or all of a read's data again (3, R-Data), or acknowledges Data-In (2, DataACK).
 *
 * @param type     11.16.1, the low four bits of byte 1
 * @param ttt      DataACK: the Target Transfer Tag of the Data-In with the A bit; R-Data: the SNACK Tag (11.16.3)
 * @param begRun   first DataSN, R2TSN or StatSN asked for; DataACK: the next DataSN not acknowledged (11.16.4)
 * @param runLength how many, 0 meaning "all from BegRun on" (11.16.5)
 */
public record SnackRequest(Bhs bhs, int type, long lun, int itt, int ttt, int expStatSn, int begRun, int runLength,
                           ByteBuf data) implements InboundPdu {
    public static final int DATA_R2T = 0;
    public static final int STATUS = 1;
    public static final int DATA_ACK = 2;
    public static final int R_DATA = 3;

    static SnackRequest parse(Bhs h, ByteBuf data) {
        return new SnackRequest(h, h.flags() & 0x0f, h.lun(), h.itt(), h.i32(20), h.i32(28), h.i32(40), h.i32(44),
                data);
    }
}
