package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * RFC 7143 11.4 SCSI Response.
 *
 * @param residualFlags 0x04 overflow (O) or 0x02 underflow (U), 11.4.1
 * @param expDataSn     R2Ts and Data-Ins sent for the command (11.4.6)
 * @param data          SenseLength (2 bytes) + sense data, or empty (11.4.7)
 * @param snackTag      the SNACK Tag of the R-Data SNACK this response ends (11.4.4, 11.16.3), else 0
 */
public record ScsiResponsePdu(int itt, int status, int residualFlags, int statSn, int expCmdSn, int maxCmdSn,
                              int expDataSn, int residualCount, ByteBuf data, int snackTag) implements TargetPdu {
    public static final int OVERFLOW = 0x04;
    public static final int UNDERFLOW = 0x02;

    public ScsiResponsePdu(int itt, int status, int residualFlags, int statSn, int expCmdSn, int maxCmdSn,
                           int expDataSn, int residualCount, ByteBuf data) {
        this(itt, status, residualFlags, statSn, expCmdSn, maxCmdSn, expDataSn, residualCount, data, 0);
    }

    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        TargetPdu.writeStart(out, Opcode.SCSI_RESPONSE, 0x80 | residualFlags, 0 /* completed at target */, status, dsl);
        out.writeLong(0);
        out.writeInt(itt);
        out.writeInt(snackTag);
        out.writeInt(statSn);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(expDataSn);
        out.writeInt(0); // Bidirectional Read Residual Count
        out.writeInt(residualCount);
    }

    /** The same response with other data (kept for an R-Data SNACK, RFC 7143 11.16.3). */
    public ScsiResponsePdu withData(ByteBuf newData) {
        return new ScsiResponsePdu(itt, status, residualFlags, statSn, expCmdSn, maxCmdSn, expDataSn, residualCount,
                newData, snackTag);
    }
}
