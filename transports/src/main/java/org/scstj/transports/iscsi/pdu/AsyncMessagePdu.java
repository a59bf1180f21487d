package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * RFC 7143 11.9 Asynchronous Message. {@code data} is, for AsyncEvent 0, SenseLength followed by
 * the sense data (11.9.4); empty otherwise.
 */
public record AsyncMessagePdu(long lun, int statSn, int expCmdSn, int maxCmdSn, int asyncEvent, int parameter1,
                              int parameter2, int parameter3, ByteBuf data) implements TargetPdu {
    /** 11.9.1 AsyncEvent codes. */
    public static final int SCSI_ASYNC_EVENT = 0;
    public static final int LOGOUT_REQUEST = 1;
    public static final int CONNECTION_DROP = 2;
    public static final int SESSION_DROP = 3;

    /** An event without data (1, 2, 3). */
    public AsyncMessagePdu(int statSn, int expCmdSn, int maxCmdSn, int asyncEvent, int parameter1, int parameter2,
                           int parameter3) {
        this(0, statSn, expCmdSn, maxCmdSn, asyncEvent, parameter1, parameter2, parameter3, Unpooled.EMPTY_BUFFER);
    }

    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.ASYNC_MESSAGE, 0x80, 0, 0, dsl);
        out.writeLong(lun);
        out.writeInt(Opcode.RESERVED_TAG); // 11.9: ITT 0xffffffff
        out.writeInt(0);                   // reserved
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeByte(asyncEvent);
        out.writeByte(0);                  // AsyncVCode
        out.writeShort(parameter1);
        out.writeShort(parameter2);
        out.writeShort(parameter3);
        out.writeInt(0);                   // reserved
    }
}
