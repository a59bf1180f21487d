package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Turns a header (and its data segment) into the typed PDU for its opcode (RFC 7143 11). */
public final class PduParser {
    private PduParser() {
    }

    /**
     * @param extendedCdb bytes of an Extended CDB AHS (SCSI Command only), or null
     * @param data        the data segment; ownership passes to the returned PDU
     */
    public static InboundPdu parse(Bhs h, byte[] extendedCdb, ByteBuf data) {
        return switch (h.opcode()) {
            case Opcode.SCSI_COMMAND -> ScsiCommand.parse(h, extendedCdb, data);
            case Opcode.DATA_OUT -> DataOut.parse(h, data);
            case Opcode.NOP_OUT -> NopOut.parse(h, data);
            case Opcode.TASK_MGMT_REQUEST -> TaskMgmtRequest.parse(h, data);
            case Opcode.LOGIN_REQUEST -> LoginRequest.parse(h, data);
            case Opcode.TEXT_REQUEST -> TextRequest.parse(h, data);
            case Opcode.LOGOUT_REQUEST -> LogoutRequest.parse(h, data);
            case Opcode.SNACK_REQUEST -> SnackRequest.parse(h, data); // RFC 7143 11.16 (ERL >= 1)
            default -> new OtherPdu(h, data);
        };
    }
}
