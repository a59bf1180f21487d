package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** A well-formed PDU this target does not implement (SNACK at ERL 0, an unknown opcode). */
public record OtherPdu(Bhs bhs, ByteBuf data) implements InboundPdu {
}
