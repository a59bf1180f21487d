package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;

/**
 * SBC-4 5.3 COMPARE AND WRITE: the Data-Out is 2 × NUMBER OF LOGICAL BLOCKS blocks, the verify
 * instance then the write instance. The blocks on the medium are read and compared with the
 * verify instance; if they are equal the write instance is written, else nothing is written and
 * the command ends with MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION 0E/1D/00 whose INFORMATION
 * is the offset of the first byte that differs, counted from the start of the Data-Out (SBC-4
 * 5.3.2). VMware's ATS locking is built on this.
 *
 * <p>Checks, in order: write protection (DATA PROTECT 27/00), LBA OUT OF RANGE 21/00, NUMBER OF
 * LOGICAL BLOCKS above MAXIMUM COMPARE AND WRITE LENGTH (INVALID FIELD IN CDB, byte 13); NUMBER
 * OF LOGICAL BLOCKS 0 transfers nothing and is GOOD. The expected data transfer length must be
 * exactly 2 × NUMBER OF LOGICAL BLOCKS blocks: the command has no meaning for a shorter or longer
 * Data-Out (unlike WRITE, a prefix cannot be used), so any other length is INVALID FIELD IN CDB
 * pointing at NUMBER OF LOGICAL BLOCKS, before any data is taken (bad-inputs row 23).
 *
 * <p>Atomicity (SBC-4 5.3.1: "as an uninterrupted sequence of actions"): the command table marks
 * the row exclusive, so the LUN actor starts it only when no other task touching its blocks is in
 * the device and holds back every later task touching them until it completed; the read, the
 * comparison and the write need no lock of their own on one node. On a node of a cluster the
 * other nodes serve the same backing store: there the read, the comparison and the write run
 * inside the device's {@link BlockDevice#lockShared} of the blocks (a POSIX byte-range lock on a
 * file; docs/design/cluster.md 4.7), so two nodes' COMPARE AND WRITEs on the same blocks (VMware
 * ATS heartbeats through two paths) cannot both pass the comparison. DPO and FUA are honoured as for WRITE
 * (FUA, or the Caching page's WCE 0: the write is durable before GOOD).
 */
public final class CompareAndWriteOp extends DataOutOp {
    /** MAXIMUM COMPARE AND WRITE LENGTH (Block Limits VPD byte 5): the most the one-byte field holds. */
    public static final int MAX_BLOCKS = 255;

    private final boolean fua;
    private final int half;
    private ByteBuffer medium;
    private ByteBuffer writeInstance;

    private final BlockDevice.Completion readDone = new BlockDevice.Completion() {
        @Override
        public void completed() {
            compareAndWrite();
        }

        @Override
        public void failed(BlockDevice.IoFailure failure, Throwable cause) {
            data.release();
            data = null;
            complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
        }
    };

    private CompareAndWriteOp(ExecContext ctx, long offset, boolean fua, int bytes) {
        super(ctx, offset, bytes, bytes, true, bytes / 2); // the compared and written blocks
        this.fua = fua;
        this.half = bytes / 2;
    }

    /** Starts the command; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.CompareAndWrite cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        Failure refused = writeChecks(lu, Opcodes.COMPARE_AND_WRITE, cdb.lba(), cdb.blocks(), MAX_BLOCKS);
        if (refused != null) {
            ctx.complete(refused.toResponse(lu.descriptorSense()));
            return;
        }
        int bytes = 2 * (int) cdb.blocks() * device.blockSize();
        int edtl = ctx.task().expectedDataTransferLength();
        if (edtl != bytes) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(Opcodes.COMPARE_AND_WRITE))
                    .toResponse(lu.descriptorSense(), bytes));
            return;
        }
        if (bytes == 0) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        boolean durable = cdb.fua() || !lu.mode().writeCacheEnabled();
        ctx.receiveData(bytes, new CompareAndWriteOp(ctx, cdb.lba() * device.blockSize(), durable, bytes));
    }

    /** The Data-Out is here: read the blocks to compare. */
    @Override
    void deviceIo() {
        medium = ByteBuffer.allocate(half);
        ctx.lu().device().read(offset, medium, readDone);
    }

    private void compareAndWrite() {
        try {
            ByteBuffer all = data.nio();
            int differs = all.slice(0, half).mismatch(medium.clear());
            if (differs >= 0) {
                data.release();
                data = null;
                complete(Failure.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, differs)
                        .toResponse(ctx.lu().descriptorSense()));
                return;
            }
            writeInstance = all.slice(half, half);
            ctx.lu().device().write(offset, writeInstance, fua, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** The write instance is on the medium. */
    @Override
    public void completed() {
        data.release();
        data = null;
        complete(ScsiResponse.good(null, transferLength));
    }
}
