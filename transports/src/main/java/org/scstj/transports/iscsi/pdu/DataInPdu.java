package org.scstj.transports.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;

/**
 * RFC 7143 11.7 SCSI Data-In. With {@code S} the PDU carries the status (11.7.3), StatSN and the
 * residual; the data is a slice of the core's read buffer, or a range of the LU's file
 * ({@code file}, sent with sendfile; then {@code data} is empty).
 */
public record DataInPdu(boolean finalFlag, boolean statusFlag, int residualFlags, int status, long lun, int itt,
                        int statSn, int expCmdSn, int maxCmdSn, int dataSn, int bufferOffset, int residualCount,
                        ByteBuf data, FileRegion file) implements TargetPdu {

    public DataInPdu(boolean finalFlag, boolean statusFlag, int residualFlags, int status, long lun, int itt,
                     int statSn, int expCmdSn, int maxCmdSn, int dataSn, int bufferOffset, int residualCount,
                     ByteBuf data) {
        this(finalFlag, statusFlag, residualFlags, status, lun, itt, statSn, expCmdSn, maxCmdSn, dataSn,
                bufferOffset, residualCount, data, null);
    }

    @Override
    public FileRegion fileData() {
        return file;
    }

    @Override
    public void writeBhs(ByteBuf out, int dsl) {
        int flags = (finalFlag ? 0x80 : 0) | (statusFlag ? 0x01 | residualFlags : 0);
        TargetPdu.writeStart(out, Opcode.DATA_IN, flags, 0, statusFlag ? status : 0, dsl);
        out.writeLong(lun);
        out.writeInt(itt);
        out.writeInt(Opcode.RESERVED_TAG); // Target Transfer Tag: A bit unused at ERL 0
        out.writeInt(statusFlag ? statSn : 0);
        out.writeInt(expCmdSn);
        out.writeInt(maxCmdSn);
        out.writeInt(dataSn);
        out.writeInt(bufferOffset);
        out.writeInt(statusFlag ? residualCount : 0);
    }
}
