package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.buffer.Unpooled;

/**
 * A PDU this target sends (RFC 7143 11). Each writes its own 48-byte BHS; the encoder adds
 * digests and padding and passes {@link #data()} through without copying. Ownership: the data
 * buffer belongs to the PDU until the encoder hands it to the channel.
 */
public sealed interface TargetPdu
        permits ScsiResponsePdu, DataInPdu, R2tPdu, NopInPdu, LoginResponsePdu, TextResponsePdu,
        LogoutResponsePdu, TaskMgmtResponsePdu, RejectPdu,
        AsyncMessagePdu, ResentPdu {

    /** Writes exactly {@link Bhs#LENGTH} bytes; {@code dataSegmentLength} is {@code data().readableBytes()}. */
    void writeBhs(ByteBuf out, int dataSegmentLength);

    default ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }

    /**
     * A data segment that is a file range, sent with sendfile instead of {@link #data()} (which is
     * then empty); null for every PDU but a zero-copy Data-In. Owned like {@link #data()}.
     */
    default FileRegion fileData() {
        return null;
    }

    /** Bytes 0..7 (RFC 7143 11.2.1): opcode, flags, two opcode-specific bytes, TotalAHSLength 0, DataSegmentLength. */
    static void writeStart(ByteBuf out, int opcode, int flags, int byte2, int byte3, int dataSegmentLength) {
        out.writeByte(opcode);
        out.writeByte(flags);
        out.writeByte(byte2);
        out.writeByte(byte3);
        out.writeByte(0);
        out.writeMedium(dataSegmentLength);
    }
}
