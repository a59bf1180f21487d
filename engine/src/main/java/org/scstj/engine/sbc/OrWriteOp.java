package org.scstj.engine.sbc;

import java.nio.ByteBuffer;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.sam.ExecContext;
import org.scstj.engine.sam.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

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
 * in between, and the LUN actor hands the next command to its exec stage as soon as this one has
 * started its I/O. What scstj guarantees: (1) while an ORWRITE runs, no other ORWRITE touching
 * any of its blocks starts its read ({@link BlockRangeLocks}, one table per device: overlapping
 * ORWRITEs run one after the other, in the order their Data-Out arrived, disjoint ones in
 * parallel); so concurrent ORWRITEs never lose each other's bits. (2) A device failure
 * anywhere leaves the lock released and reports READ or WRITE errors as the failing I/O was.
 * What it does not guarantee yet: a WRITE, WRITE SAME or UNMAP to the same blocks, sent while the
 * ORWRITE is between its read and its write, is not held back and may be overwritten with the
 * old data ORed. SAM-5 lets SIMPLE tasks run in any order, but SBC-4 expects the read and the
 * write to look like one operation to other commands. Issue 5's task-set work must add that: the
 * LUN actor keeps the LBA ranges of the tasks in the device and holds back a task whose range
 * overlaps an ORWRITE's (the same table, consulted by every medium-writing and reading command),
 * which also gives ORDERED / HEAD OF QUEUE their meaning.
 */
public final class OrWriteOp extends DataOutOp {
    private final boolean fua;
    private final BlockRangeLocks locks;
    private BlockRangeLocks.Lock lock;
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
        super(ctx, offset, received, transferLength, true);
        this.fua = fua;
        this.locks = BlockRangeLocks.of(ctx.lu().device());
    }

    /** Starts the ORWRITE; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.OrWrite cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        if (lu.writeProtected()) {
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        if (!LbaRange.contains(cdb.lba(), cdb.blocks(), device.blockCount())) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        if (cdb.blocks() > BlockLimits.maxTransferBlocks(device)) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(Opcodes.ORWRITE_16))
                    .toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int bytes = (int) cdb.blocks() * blockSize;
        int received = ctx.task().expectedLength(bytes);
        if (received == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        ctx.task().receiveData(received, new OrWriteOp(ctx, cdb.lba() * blockSize,
                cdb.fua() || !lu.mode().writeCacheEnabled(), received, bytes));
    }

    /** The Data-Out is here: wait for the range, then read what the medium holds. */
    @Override
    void deviceIo() {
        lock = new BlockRangeLocks.Lock(offset, offset + data.length(), this::readMedium);
        locks.acquire(lock);
    }

    private void readMedium() {
        try {
            merged = ByteBuffer.allocate(data.length());
            ctx.lu().device().read(offset, merged, readDone);
        } catch (RuntimeException e) {
            readFailed(BlockDevice.IoFailure.INTERNAL);
        }
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
        ctx.complete(ScsiResponse.good(null, transferLength));
        unlock();
    }

    private void readFailed(BlockDevice.IoFailure failure) {
        data.release();
        data = null;
        ctx.complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
        unlock();
    }

    @Override
    void releaseOnFailure() {
        unlock();
    }

    private void unlock() {
        BlockRangeLocks.Lock l = lock;
        if (l != null) {
            lock = null;
            locks.release(l);
        }
    }
}
