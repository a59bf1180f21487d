package org.scstj.engine.sbc;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.TransportTask;

/**
 * What the commands carrying Data-Out share once their CDB checks passed: the Data-Out is
 * {@code min(EDTL, the CDB's length)} bytes (bad-inputs row 20; libiscsi iSCSIResiduals,
 * following FCP-4 9.4.2); a partial block is never used: CHECK CONDITION INVALID FIELD IN COMMAND
 * INFORMATION UNIT 0E/03, with the CDB's length as {@code transferLength} so the transport still
 * reports the residual. Data that never arrives (connection lost, transport abort) ends the
 * command with ABORTED COMMAND. One object per command: data receiver and device completion.
 */
abstract sealed class DataOutOp implements TransportTask.DataReceiver, BlockDevice.Completion
        permits WriteOp, VerifyOp, WriteSameOp, OrWriteOp, CompareAndWriteOp {
    final ExecContext ctx;
    final long offset;
    final int transferLength;
    private final boolean partialBlock;
    private final boolean write;
    /** The received Data-Out, held until the device is done with it. */
    DataBuffer data;

    /**
     * @param received       the Data-Out length asked of the transport
     * @param transferLength the CDB's transfer length in bytes
     * @param write          device failures are write errors (else read errors)
     */
    DataOutOp(ExecContext ctx, long offset, int received, int transferLength, boolean write) {
        this.ctx = ctx;
        this.offset = offset;
        this.transferLength = transferLength;
        this.partialBlock = received % ctx.lu().device().blockSize() != 0;
        this.write = write;
    }

    /**
     * The checks every medium-writing command makes before it takes its Data-Out, in this order:
     * write protection (DATA PROTECT 27/00, SBC-4 4.11; the LUN actor checks the row first, this is
     * the second line), LBA OUT OF RANGE 21/00 (SBC-4 4.5), a transfer longer than {@code maxBlocks}
     * (INVALID FIELD IN CDB at the transfer length). Null when the command may go on.
     */
    static Failure writeChecks(LuContext lu, int opcode, long lba, long blocks, long maxBlocks) {
        if (lu.writeProtected()) {
            return Failure.of(SenseReason.WRITE_PROTECTED);
        }
        if (!LbaRange.contains(lba, blocks, lu.device().blockCount())) {
            return Failure.of(SenseReason.LBA_OUT_OF_RANGE);
        }
        if (blocks > maxBlocks) {
            return Failure.invalidFieldInCdb(LbaRange.transferLengthByte(opcode));
        }
        return null;
    }

    /** The whole-block Data-Out arrived; start the device I/O with {@link #data}, completing this object. */
    abstract void deviceIo();

    /** The device I/O failed; give back what {@link #deviceIo} took besides {@link #data}. Nothing by default. */
    void releaseOnFailure() {
    }

    @Override
    public final void received(DataBuffer buffer) {
        if (partialBlock) {
            buffer.release();
            ctx.complete(Failure.of(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT)
                    .toResponse(ctx.lu().descriptorSense(), transferLength));
            return;
        }
        data = buffer;
        try {
            deviceIo();
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    @Override
    public final void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    @Override
    public final void failed(BlockDevice.IoFailure failure, Throwable cause) {
        if (data != null) {
            data.release();
            data = null;
        }
        releaseOnFailure();
        ctx.complete(Failure.of(IoFailures.reason(failure, write)).toResponse(ctx.lu().descriptorSense()));
    }
}
