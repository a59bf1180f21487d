package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * A PDU an initiator sent, decoded once (RFC 7143 11). Ownership: the data segment is a
 * retained slice of the connection's receive buffer; whoever receives the PDU releases it once
 * ({@link #release()}), or passes it on and says so.
 */
public sealed interface InboundPdu
        permits ScsiCommand, DataOut, NopOut, TaskMgmtRequest, LoginRequest, TextRequest, LogoutRequest,
        OtherPdu, BadPdu, SnackRequest {

    /** The header as received. */
    Bhs bhs();

    /** The data segment without padding; an empty buffer when there is none. */
    ByteBuf data();

    default void release() {
        data().release();
    }
}
