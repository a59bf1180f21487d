package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.26 / 5.27 SYNCHRONIZE CACHE(10/16): range check (NUMBER OF LOGICAL BLOCKS 0 means "to
 * the last LBA"), then {@link BlockDevice#flush} of the whole device. IMMED is accepted and
 * ignored: status is returned after the flush, which SBC-4 permits.
 */
public final class SynchronizeCache implements BlockDevice.Completion {
    private final ExecContext ctx;

    private SynchronizeCache(ExecContext ctx) {
        this.ctx = ctx;
    }

    public static void execute(Cdb.SynchronizeCache cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        if (!LbaRange.contains(cdb.lba(), cdb.blocks(), lu.device().blockCount())) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        SynchronizeCache op = new SynchronizeCache(ctx);
        try {
            lu.device().flush(op);
        } catch (RuntimeException e) {
            op.failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    @Override
    public void completed() {
        ctx.complete(ScsiResponse.good(null, 0));
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        ctx.complete(Failure.of(IoFailures.reason(failure, true)).toResponse(ctx.lu().descriptorSense()));
    }
}
