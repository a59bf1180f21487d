package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A PDU the decoder could not accept, as a value for the connection handler to answer
 * (Reject or Login failure, or closing the connection). Its data segment was never buffered.
 */
public record BadPdu(Bhs bhs, Problem problem) implements InboundPdu {

    public enum Problem {
        /** Header digest mismatch: the header cannot be trusted, the connection must close (RFC 7143 7.8). */
        HEADER_DIGEST,
        /** Data digest mismatch: Reject 0x02 (RFC 7143 7.8); the header was good. */
        DATA_DIGEST,
        /** DataSegmentLength above the receive limit (8192 during login, then MaxRecvDataSegmentLength). */
        DATA_SEGMENT_TOO_LONG,
        /** An AHS running past TotalAHSLength, of an unknown type, or not allowed for the opcode (11.2.2). */
        BAD_AHS
    }

    @Override
    public ByteBuf data() {
        return Unpooled.EMPTY_BUFFER;
    }
}
