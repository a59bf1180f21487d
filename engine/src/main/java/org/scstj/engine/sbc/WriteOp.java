package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.38-5.41 WRITE(6/10/12/16): receive the Data-Out, write it to the device (with FUA,
 * or with the Caching page's WCE 0: durable before completion), release the buffer, complete. Whole blocks of
 * {@code min(EDTL, blocks × block size)} are written and the status is GOOD with the CDB's length
 * as {@code transferLength} (the transport reports the residual); a partial block is refused as
 * {@link DataOutOp} says; EDTL 0 writes nothing, GOOD.
 */
public final class WriteOp extends DataOutOp {
    private final boolean fua;

    private WriteOp(ExecContext ctx, long offset, boolean fua, int received, int transferLength, long lockLength) {
        super(ctx, offset, received, transferLength, true, lockLength);
        this.fua = fua;
    }

    /** Starts the WRITE; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.Write cdb, ExecContext ctx) {
        start(ctx, cdb.opcode(), cdb.lba(), cdb.blocks(), cdb.fua(), BlockLimits.maxTransferBlocks(ctx.lu().device()),
                false);
    }

    /**
     * SBC-4 5.48 WRITE ATOMIC(16): a WRITE of at most MAXIMUM ATOMIC TRANSFER LENGTH blocks
     * (INVALID FIELD IN CDB at TRANSFER LENGTH otherwise), with no alignment or granularity
     * requirement (Block Limits ATOMIC ALIGNMENT and ATOMIC TRANSFER LENGTH GRANULARITY 0).
     * Atomic with respect to other commands (SBC-4 4.29.2): its row is exclusive, so the LUN actor
     * lets no task that reads or writes any of its blocks run at the same time, and the device
     * writes the blocks in one request. Not atomic across a power loss: a file-backed device
     * cannot make a pwritev all-or-nothing without a journal of its own (SBC-4 4.29.1 leaves the
     * state after a power failure to the device; a torn write is possible here). On a node of a
     * cluster the write runs inside the device's {@link BlockDevice#lockShared} of its blocks, so a
     * COMPARE AND WRITE or ORWRITE on another node sharing the backing store sees all of it or
     * none (docs/design/cluster.md 4.7).
     */
    public static void execute(Cdb.WriteAtomic cdb, ExecContext ctx) {
        start(ctx, cdb.opcode(), cdb.lba(), cdb.blocks(), cdb.fua(), BlockLimits.maxAtomicTransferBlocks(ctx.lu().device()),
                true);
    }

    /**
     * SBC-4 5.42 WRITE AND VERIFY: the data is written with FUA, so it is on the medium when the
     * command completes; the medium holds exactly the Data-Out, which is what BYTCHK 01b compares.
     * (No read-back: the device either stored the buffer or failed the write.)
     */
    public static void execute(Cdb.WriteAndVerify cdb, ExecContext ctx) {
        start(ctx, cdb.opcode(), cdb.lba(), cdb.blocks(), true, BlockLimits.maxTransferBlocks(ctx.lu().device()), false);
    }

    /** @param atomic WRITE ATOMIC: the device I/O runs inside the shared-storage lock of its range (plain writes take none) */
    private static void start(ExecContext ctx, int opcode, long lba, long blocks, boolean fua, long maxBlocks,
                              boolean atomic) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        Failure refused = writeChecks(lu, opcode, lba, blocks, maxBlocks);
        if (refused != null) {
            ctx.complete(refused.toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int bytes = (int) blocks * blockSize;
        int received = ctx.task().expectedLength(bytes);
        if (received == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        // SBC-4 6.5.5: with the Caching page's WCE 0 every write completes only once durable
        boolean durable = fua || !lu.mode().writeCacheEnabled();
        WriteOp op = new WriteOp(ctx, lba * blockSize, durable, received, bytes, atomic ? received : 0);
        ctx.receiveData(received, op);
    }

    @Override
    void deviceIo() {
        ctx.lu().device().write(offset, data.nioBuffers(), fua, this); // pieces as they arrived: no copy
    }

    @Override
    public void completed() {
        data.release();
        complete(ScsiResponse.good(null, transferLength));
    }

}
