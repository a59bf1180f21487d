package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.nio.ByteBuffer;

/**
 * SBC-4 5.48 WRITE SAME(10) / 5.50 WRITE SAME(16): one block of Data-Out written to every block
 * of the range, from a pattern buffer of at most {@link BlockLimits#WRITE_SAME_BUFFER_BYTES}
 * written as many times as needed. NUMBER OF LOGICAL BLOCKS 0 means "to the last LBA" (WSNZ 0);
 * more than MAXIMUM WRITE SAME LENGTH is INVALID FIELD IN CDB. UNMAP 1 on a thin device
 * deallocates the range, whatever the block holds; the blocks then read as zeros (LBPRZ). This is
 * SBC-3's rule, what LIO does and what libiscsi's WriteSame10.UnmapUntilEnd expects (it sends a
 * block of FFh with UNMAP and reads zeros back); SBC-4 4.7.3.4 would write a block that does not
 * match the LBPRZ pattern instead. UNMAP 1 on a fully provisioned device (LBPWS 0) is
 * INVALID FIELD IN CDB. NDOB (WRITE SAME(16)): no Data-Out, the block is zeros. ANCHOR and
 * WRPROTECT were refused by the decoder. A Data-Out other than exactly one block (EDTL neither 0
 * nor the block size) is INVALID FIELD IN CDB before anything is written (libiscsi
 * WriteSame*.InvalidDataOutSize; LIO crashed on it in 2022); EDTL 0 writes nothing, as for WRITE.
 * A device that writes a range itself ({@link BlockDevice#writeSame}: a user-space handler with
 * the WRITE_SAME feature) gets the whole range and the block at once, after these checks.
 */
public final class WriteSameOp extends DataOutOp {
    private final boolean unmap;
    private final long length;
    private ByteBuffer pattern;
    private long written;

    private WriteSameOp(ExecContext ctx, long offset, long length, boolean unmap, int received, int transferLength) {
        super(ctx, offset, received, transferLength, true);
        this.unmap = unmap;
        this.length = length;
    }

    public static void execute(Cdb.WriteSame cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        if (lu.writeProtected()) {
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        if (cdb.unmap() && !device.capabilities().thinProvisioned()) {
            ctx.complete(Failure.invalidFieldInCdb(1, 3).toResponse(lu.descriptorSense()));
            return;
        }
        long capacity = device.blockCount();
        if (!LbaRange.contains(cdb.lba(), cdb.blocks(), capacity)) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        long blocks = cdb.blocks() == 0 ? capacity - cdb.lba() : cdb.blocks();
        if (blocks > BlockLimits.maxWriteSameBlocks(device)) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(cdb.opcode()))
                    .toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int edtl = ctx.task().expectedDataTransferLength();
        if (!cdb.ndob() && edtl != 0 && edtl != blockSize) {
            // bad-inputs row 22: the Data-Out is one logical block, never part of one or more
            ctx.complete(Failure.of(SenseReason.INVALID_FIELD_IN_CDB).toResponse(lu.descriptorSense(), blockSize));
            return;
        }
        int received = cdb.ndob() ? 0 : ctx.task().expectedLength(blockSize);
        if (blocks == 0 || (received == 0 && !cdb.ndob() && !cdb.unmap())) {
            // nothing to write, or no Data-Out to write (EDTL 0, as for WRITE)
            ctx.complete(ScsiResponse.good(null, cdb.ndob() ? 0 : blockSize));
            return;
        }
        WriteSameOp op = new WriteSameOp(ctx, cdb.lba() * blockSize, blocks * blockSize, cdb.unmap(), received,
                cdb.ndob() ? 0 : blockSize);
        if (received == 0) {
            op.start(new byte[blockSize]); // NDOB, or UNMAP without Data-Out: zeros
        } else {
            ctx.receiveData(received, op);
        }
    }

    @Override
    void deviceIo() {
        byte[] block = new byte[ctx.lu().device().blockSize()];
        data.nio().get(block);
        data.release();
        data = null;
        start(block);
    }

    private void start(byte[] block) {
        BlockDevice device = ctx.lu().device();
        try {
            if (unmap) {
                written = length;
                device.unmap(offset, length, this);
                return;
            }
            written = length; // a device that writes the range itself completes the whole of it
            if (device.writeSame(offset, length, block, this)) {
                return;
            }
            written = 0;
            int copies = (int) Math.min(length / block.length, BlockLimits.WRITE_SAME_BUFFER_BYTES / block.length);
            pattern = ByteBuffer.allocate(copies * block.length);
            for (int i = 0; i < copies; i++) {
                pattern.put(block);
            }
            completed();
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** The previous piece is done: write the next, or GOOD. */
    @Override
    public void completed() {
        if (written == length) {
            ctx.complete(ScsiResponse.good(null, transferLength));
            return;
        }
        int n = (int) Math.min(pattern.capacity(), length - written);
        long at = offset + written;
        written += n;
        try {
            ctx.lu().device().write(at, pattern.duplicate().clear().limit(n), false, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }
}
