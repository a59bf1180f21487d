package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;

/**
 * SBC-4 5.12 ORWRITE(16): each block of the range becomes (block on the medium) OR (block of
 * the Data-Out). Checks as for WRITE(16) (write protection, LBA OUT OF RANGE, TRANSFER LENGTH up
 * to the Block Limits maximum, EDTL and partial blocks as {@link DataOutOp} says); DPO and FUA as
 * for WRITE (FUA: the result is durable before GOOD; the DPOFUA bit of MODE SENSE advertises
 * both). ORPROTECT and the obsolete bit 1 were refused by the decoder (no protection information).
 * ORWRITE(16) has no BMOP or PREVIOUS GENERATION PROCESSING fields: those belong to ORWRITE(32)
 * (SBC-4 5.13, its ORWgeneration bookkeeping), which scstj does not implement (INVALID COMMAND
 * OPERATION CODE, like every other variable-length CDB).
 *
 * <p>Atomicity. The exec stage is read → OR → write, two device I/Os with the device's threads
 * in between. SBC-4 wants them to look like one operation to other commands, so the command
 * table marks the row exclusive: the LUN actor starts an ORWRITE only when no other task touching
 * its blocks is in the device, and holds back every later task touching them (READ, WRITE, WRITE
 * SAME, another ORWRITE, ...) until it completed. Overlapping ORWRITEs thus run one after the
 * other in arrival order and never lose each other's bits; disjoint ones run in parallel. On a
 * node of a cluster the read and the write also run inside the device's
 * {@link BlockDevice#lockShared} of the range, so an ORWRITE on another node sharing the backing
 * store cannot slip between them (docs/design/cluster.md 4.7).
 */
public final class OrWriteOp extends DataOutOp {
    private final boolean fua;
    /** The medium's blocks, then the ORed result written back. */
    private ByteBuffer merged;

    private final BlockDevice.Completion readDone = new BlockDevice.Completion() {
        @Override
        public void completed() {
            orAndWrite();
        }

        @Override
        public void failed(BlockDevice.IoFailure failure, Throwable cause) {
            readFailed(failure);
        }
    };

    private OrWriteOp(ExecContext ctx, long offset, boolean fua, int received, int transferLength) {
        super(ctx, offset, received, transferLength, true, received); // the read and rewritten blocks
        this.fua = fua;
    }

    /** Starts the ORWRITE; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.OrWrite cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        Failure refused = writeChecks(lu, Opcodes.ORWRITE_16, cdb.lba(), cdb.blocks(), BlockLimits.maxTransferBlocks(device));
        if (refused != null) {
            ctx.complete(refused.toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int bytes = (int) cdb.blocks() * blockSize;
        int received = ctx.task().expectedLength(bytes);
        if (received == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        ctx.receiveData(received, new OrWriteOp(ctx, cdb.lba() * blockSize,
                cdb.fua() || !lu.mode().writeCacheEnabled(), received, bytes));
    }

    /** The Data-Out is here: read what the medium holds. */
    @Override
    void deviceIo() {
        merged = ByteBuffer.allocate(data.length());
        ctx.lu().device().read(offset, merged, readDone);
    }

    private void orAndWrite() {
        try {
            or(merged.clear(), data.nioBuffers());
            ctx.lu().device().write(offset, merged.clear(), fua, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** {@code into} |= the pieces, one after the other from {@code into}'s position 0. */
    static void or(ByteBuffer into, ByteBuffer[] pieces) {
        int at = 0;
        for (ByteBuffer p : pieces) {
            ByteBuffer piece = p.duplicate();
            while (piece.remaining() >= Long.BYTES) {
                into.putLong(at, into.getLong(at) | piece.getLong());
                at += Long.BYTES;
            }
            while (piece.hasRemaining()) {
                into.put(at, (byte) (into.get(at) | piece.get()));
                at++;
            }
        }
    }

    @Override
    public void completed() {
        data.release();
        data = null;
        complete(ScsiResponse.good(null, transferLength));
    }

    private void readFailed(BlockDevice.IoFailure failure) {
        data.release();
        data = null;
        complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
    }
}
