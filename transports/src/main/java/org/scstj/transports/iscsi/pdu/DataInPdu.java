package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;

/**
 * RFC 7143 11.7 SCSI Data-In. With {@code S} the PDU carries the status (11.7.3), StatSN and the
 * residual; the data is a slice of the core's read buffer, or a range of the LU's file
 * ({@code file}, sent with sendfile; then {@code data} is empty). {@code ackRequested} is the A bit
 * (11.7.2, ERL >= 1) and {@code ttt} the tag the DataACK SNACK names.
 */
public record DataInPdu(boolean finalFlag, boolean statusFlag, int residualFlags, int status, long lun, int itt,
                        int statSn, int expCmdSn, int maxCmdSn, int dataSn, int bufferOffset, int residualCount,
                        ByteBuf data, FileRegion file, int ttt, boolean ackRequested) implements TargetPdu {

    public DataInPdu(boolean finalFlag, boolean statusFlag, int residualFlags, int status, long lun, int itt,
                     int statSn, int expCmdSn, int maxCmdSn, int dataSn, int bufferOffset, int residualCount,
                     ByteBuf data, FileRegion file) {
        this(finalFlag, statusFlag, residualFlags, status, lun, itt, statSn, expCmdSn, maxCmdSn, dataSn,
                bufferOffset, residualCount, data, file, Opcode.RESERVED_TAG, false);
    }

    /** The same header with other data (kept for a SNACK, RFC 7143 11.16). */
    public DataInPdu withData(ByteBuf newData) {
        return new DataInPdu(finalFlag, statusFlag, residualFlags, status, lun, itt, statSn, expCmdSn, maxCmdSn,
                dataSn, bufferOffset, residualCount, newData, null, ttt, ackRequested);
    }

    public DataInPdu(boolean finalFlag, boolean statusFlag, int residualFlags, int status, long lun, int itt,
                     int statSn, int expCmdSn, int maxCmdSn, int dataSn, int bufferOffset, int residualCount,
                     ByteBuf data) {
        this(finalFlag, statusFlag, residualFlags, status, lun, itt, statSn, expCmdSn, maxCmdSn, dataSn,
                bufferOffset, residualCount, data, null, Opcode.RESERVED_TAG, false);
    }

    @Override
    public FileRegion fileData() {
        return file;
    }

    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        int flags = (finalFlag ? 0x80 : 0) | (ackRequested ? 0x40 : 0) | (statusFlag ? 0x01 | residualFlags : 0);
        TargetPdu.writeStart(out, Opcode.DATA_IN, flags, 0, statusFlag ? status : 0, dsl);
        out.writeLong(lun);
        out.writeInt(itt);
        // 11.7.4: with the A bit (ERL >= 1, 11.7.2) the TTT the initiator copies into its DataACK SNACK
        out.writeInt(ackRequested ? ttt : Opcode.RESERVED_TAG);
        out.writeInt(statusFlag ? statSn : 0);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(dataSn);
        out.writeInt(bufferOffset);
        out.writeInt(statusFlag ? residualCount : 0);
    }
}
