package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.FileSegment;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.14-5.17 READ(6/10/12/16): the device reads straight into the transport's Data-In
 * buffer. DPO and FUA need nothing beyond reading the device (a read of the device is a read of
 * the medium as far as the initiator can tell).
 *
 * <p>EDTL (bad-inputs row 20, libiscsi iSCSIResiduals): the command transfers
 * {@code min(EDTL, blocks × block size)} bytes, possibly a partial block, and reports the CDB's
 * length as {@code transferLength} so the transport sets the overflow/underflow residual.
 *
 * <p>One object per command: it is the device's completion.
 */
public final class ReadOp implements BlockDevice.Completion {
    private final ExecContext ctx;
    private final DataBuffer buffer;
    private final int transferLength;

    private ReadOp(ExecContext ctx, DataBuffer buffer, int transferLength) {
        this.ctx = ctx;
        this.buffer = buffer;
        this.transferLength = transferLength;
    }

    /** Starts the READ; {@code ctx.complete} is called exactly once, possibly from the device's thread. */
    public static void execute(Cdb.Read cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        if (!LbaRange.contains(cdb.lba(), cdb.blocks(), device.blockCount())) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        if (cdb.blocks() > BlockLimits.maxTransferBlocks(device)) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(cdb.opcode()))
                    .toResponse(lu.descriptorSense()));
            return;
        }
        int bytes = (int) cdb.blocks() * device.blockSize();
        int sent = ctx.task().expectedLength(bytes);
        if (sent == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        long offset = cdb.lba() * device.blockSize();
        if (sent >= ctx.task().zeroCopyMinLength()) {
            // the transport sends the file range itself (sendfile): the bytes never enter user space
            FileSegment segment = device.fileSegment(offset, sent);
            if (segment != null) {
                ctx.complete(ScsiResponse.good(segment, bytes));
                return;
            }
        }
        if (device.readLent(offset, sent, new Lent(ctx, bytes))) {
            return; // the device's own buffer carries the Data-In (a user-space handler's shared memory)
        }
        DataBuffer buffer = ctx.task().allocate(sent);
        ReadOp op = new ReadOp(ctx, buffer, bytes);
        try {
            device.read(offset, buffer.nio(), op);
        } catch (RuntimeException e) {
            op.failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** The completion of a read into a buffer the device lends ({@link BlockDevice#readLent}). */
    private record Lent(ExecContext ctx, int transferLength) implements BlockDevice.LentCompletion {
        @Override
        public void completed(DataBuffer data) {
            ctx.complete(ScsiResponse.good(data, transferLength));
        }

        @Override
        public void failed(BlockDevice.IoFailure failure, Throwable cause) {
            ctx.complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
        }
    }

    @Override
    public void completed() {
        ctx.complete(ScsiResponse.good(buffer, transferLength));
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        buffer.release();
        ctx.complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
    }
}
