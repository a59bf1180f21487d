package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** RFC 7143 11.14 Logout Request; {@code reason} 0 close session, 1 close connection, 2 recovery. */
public record LogoutRequest(Bhs bhs, boolean immediate, int reason, int itt, int cid, int cmdSn, int expStatSn,
                            ByteBuf data) implements InboundPdu {
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_FOR_RECOVERY = 2;

    static LogoutRequest parse(Bhs h, ByteBuf data) {
        return new LogoutRequest(h, h.immediate(), h.flags() & 0x7f, h.itt(), h.u16(20), h.i32(24), h.i32(28), data);
    }
}
