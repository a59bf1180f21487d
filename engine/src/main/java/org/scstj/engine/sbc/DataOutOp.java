package org.scstj.engine.sbc;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * What the commands carrying Data-Out share once their CDB checks passed: the Data-Out is
 * {@code min(EDTL, the CDB's length)} bytes (bad-inputs row 20; libiscsi iSCSIResiduals,
 * following FCP-4 9.4.2); a partial block is never used: CHECK CONDITION INVALID FIELD IN COMMAND
 * INFORMATION UNIT 0E/03, with the CDB's length as {@code transferLength} so the transport still
 * reports the residual. Data that never arrives (connection lost, transport abort) ends the
 * command with ABORTED COMMAND. One object per command: data receiver and device completion.
 *
 * <p>A command that must be atomic with respect to commands on other nodes sharing the backing
 * store (COMPARE AND WRITE, ORWRITE, WRITE ATOMIC; docs/design/cluster.md 4.7) names a lock
 * length: its device I/O then runs inside {@link BlockDevice#lockShared} of that many bytes from
 * {@link #offset}, taken once the Data-Out is here and released just before the status is
 * reported ({@link #complete}). The LUN actor started the command only when no other task touching
 * its blocks was in the device, so this process never holds two locks over the same bytes. A
 * device not shared with other processes answers at once with no lock; plain READ and WRITE never
 * ask.
 */
abstract sealed class DataOutOp implements TransportTask.DataReceiver, BlockDevice.Completion
        permits WriteOp, VerifyOp, WriteSameOp, OrWriteOp, CompareAndWriteOp {
    final ExecContext ctx;
    final long offset;
    final int transferLength;
    private final boolean partialBlock;
    private final boolean write;
    /** Bytes from {@link #offset} to lock against other processes around {@link #deviceIo}; 0: none. */
    private final long lockLength;
    /** The shared-storage lock while held (null: none asked, or the device needs none). */
    private BlockDevice.SharedLock lock;
    /** The received Data-Out, held until the device is done with it. */
    DataBuffer data;

    private final BlockDevice.LockCompletion lockDone = new BlockDevice.LockCompletion() {
        @Override
        public void locked(BlockDevice.SharedLock taken) {
            lock = taken;
            startIo();
        }

        @Override
        public void failed(BlockDevice.IoFailure failure, Throwable cause) {
            DataOutOp.this.failed(failure, cause);
        }
    };

    /**
     * @param received       the Data-Out length asked of the transport
     * @param transferLength the CDB's transfer length in bytes
     * @param write          device failures are write errors (else read errors)
     */
    DataOutOp(ExecContext ctx, long offset, int received, int transferLength, boolean write) {
        this(ctx, offset, received, transferLength, write, 0);
    }

    /** @param lockLength bytes from {@code offset} to hold {@link BlockDevice#lockShared} on around the device I/O */
    DataOutOp(ExecContext ctx, long offset, int received, int transferLength, boolean write, long lockLength) {
        this.ctx = ctx;
        this.lockLength = lockLength;
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
        if (lockLength == 0) {
            startIo();
            return;
        }
        try {
            ctx.lu().device().lockShared(offset, lockLength, lockDone);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    private void startIo() {
        try {
            deviceIo();
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /**
     * Reports the command's status once the device is done: the shared-storage lock is released
     * first, so the next overlapping task the LUN actor starts on hearing of it can take it again.
     */
    final void complete(ScsiResponse response) {
        BlockDevice.SharedLock held = lock;
        if (held != null) {
            lock = null;
            try {
                held.release();
            } catch (RuntimeException e) {
                // the medium holds the command's result either way; the status must still go out
                org.slf4j.LoggerFactory.getLogger(DataOutOp.class).error("{}: releasing the shared-storage lock of bytes {}+{} failed",
                        ctx.lu().device().name(), offset, lockLength, e);
            }
        }
        ctx.complete(response);
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
        complete(Failure.of(IoFailures.reason(failure, write)).toResponse(ctx.lu().descriptorSense()));
    }
}
