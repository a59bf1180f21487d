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
 * SBC-4 5.35-5.37 VERIFY(10/12/16). BYTCHK 00b: the range is checked, no data moves (the device
 * has no medium verification of its own), GOOD. BYTCHK 01b: the Data-Out is compared with the
 * medium; BYTCHK 11b: one block of Data-Out is compared with every block of the range. A
 * difference is MISCOMPARE DURING VERIFY OPERATION 0E/1D/00 with INFORMATION = offset of the
 * first differing byte (SBC-4 5.35.1). EDTL is handled as for WRITE ({@link WriteOp}).
 */
public final class VerifyOp extends DataOutOp {
    private final int mediumLength;
    private ByteBuffer medium;

    private VerifyOp(ExecContext ctx, long offset, int mediumLength, int received, int transferLength) {
        super(ctx, offset, received, transferLength, false);
        this.mediumLength = mediumLength;
    }

    public static void execute(Cdb.Verify cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        if (!LbaRange.contains(cdb.lba(), cdb.blocks(), device.blockCount())) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        if (cdb.bytchk() == 0 || cdb.blocks() == 0) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        if (cdb.blocks() > BlockLimits.maxTransferBlocks(device)) {
            ctx.complete(Failure.invalidFieldInCdb(LbaRange.transferLengthByte(cdb.opcode()))
                    .toResponse(lu.descriptorSense()));
            return;
        }
        int blockSize = device.blockSize();
        int mediumLength = (int) cdb.blocks() * blockSize;
        int bytes = cdb.bytchk() == 0b11 ? blockSize : mediumLength;
        int received = ctx.task().expectedLength(bytes);
        if (received == 0) {
            ctx.complete(ScsiResponse.good(null, bytes));
            return;
        }
        int compared = cdb.bytchk() == 0b11 ? mediumLength : received;
        VerifyOp op = new VerifyOp(ctx, cdb.lba() * blockSize, compared, received, bytes);
        ctx.receiveData(received, op);
    }

    @Override
    void deviceIo() {
        medium = ByteBuffer.allocate(mediumLength);
        ctx.lu().device().read(offset, medium, this);
    }

    @Override
    public void completed() {
        long firstDifference = firstDifference(data.nio(), medium.clear());
        data.release();
        if (firstDifference >= 0) {
            ctx.complete(Failure.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, firstDifference)
                    .toResponse(ctx.lu().descriptorSense()));
        } else {
            ctx.complete(ScsiResponse.good(null, transferLength));
        }
    }

    /** Offset of the first byte of {@code medium} that differs from {@code expected} repeated, or -1. */
    static long firstDifference(ByteBuffer expected, ByteBuffer medium) {
        int unit = expected.remaining();
        for (int at = 0; at < medium.remaining(); at += unit) {
            ByteBuffer chunk = medium.slice(at, Math.min(unit, medium.remaining() - at));
            int m = expected.slice(0, chunk.remaining()).mismatch(chunk);
            if (m >= 0) {
                return at + m;
            }
        }
        return -1;
    }

}
