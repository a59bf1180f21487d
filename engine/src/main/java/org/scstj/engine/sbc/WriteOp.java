package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.sam.ExecContext;
import org.scstj.engine.sam.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * SBC-4 5.38-5.41 WRITE(6/10/12/16): receive the Data-Out, write it to the device (with FUA:
 * durable before completion), release the buffer, complete.
 *
 * <p>EDTL (bad-inputs row 20; libiscsi iSCSIResiduals, following FCP-4 9.4.2): only
 * {@code min(EDTL, blocks × block size)} bytes are received. If that is whole blocks they are
 * written and the status is GOOD with the CDB's length as {@code transferLength} (the transport
 * reports the residual); a partial block is never written: CHECK CONDITION INVALID FIELD IN
 * COMMAND INFORMATION UNIT 0E/03 with nothing written. EDTL 0 writes nothing, GOOD.
 *
 * <p>One object per command: it is both the data receiver and the device's completion.
 */
public final class WriteOp implements TransportTask.DataReceiver, BlockDevice.Completion {
    private final ExecContext ctx;
    private final long offset;
    private final boolean fua;
    private final int transferLength;
    private final boolean partialBlock;
    private DataBuffer data;

    private WriteOp(ExecContext ctx, long offset, boolean fua, int transferLength, boolean partialBlock) {
        this.ctx = ctx;
        this.offset = offset;
        this.fua = fua;
        this.transferLength = transferLength;
        this.partialBlock = partialBlock;
    }

    /** Starts the WRITE; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.Write cdb, ExecContext ctx) {
        start(ctx, cdb.opcode(), cdb.lba(), cdb.blocks(), cdb.fua());
    }

    /**
     * SBC-4 5.42 WRITE AND VERIFY: the data is written with FUA, so it is on the medium when the
     * command completes; the medium holds exactly the Data-Out, which is what BYTCHK 01b compares.
     * (No read-back: the device either stored the buffer or failed the write.)
     */
    public static void execute(Cdb.WriteAndVerify cdb, ExecContext ctx) {
        start(ctx, cdb.opcode(), cdb.lba(), cdb.blocks(), true);
    }

    private static void start(ExecContext ctx, int opcode, long lba, long blocks, boolean fua) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        if (lu.writeProtected()) {
            // SBC-4 4.11; the LUN actor checks writesMedium first, this is the second line
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        if (!LbaRange.contains(lba, blocks, device.blockCount())) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        if (blocks > BlockLimits.maxTransferBlocks(device)) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(opcode))
                    .toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int bytes = (int) blocks * blockSize;
        int received = ctx.task().expectedLength(bytes);
        if (received == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        WriteOp op = new WriteOp(ctx, lba * blockSize, fua, bytes, received % blockSize != 0);
        ctx.task().receiveData(received, op);
    }

    @Override
    public void received(DataBuffer buffer) {
        if (partialBlock) {
            buffer.release();
            ctx.complete(Failure.of(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT)
                    .toResponse(ctx.lu().descriptorSense(), transferLength));
            return;
        }
        data = buffer;
        try {
            ctx.lu().device().write(offset, buffer.nio(), fua, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    @Override
    public void completed() {
        data.release();
        ctx.complete(ScsiResponse.good(null, transferLength));
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        data.release();
        ctx.complete(Failure.of(IoFailures.reason(failure, true)).toResponse(ctx.lu().descriptorSense()));
    }
}
