package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.BlockDevice;

import java.util.List;

/**
 * SBC-4 5.8 GET LBA STATUS: LBA status descriptors from the STARTING LOGICAL BLOCK ADDRESS on,
 * as many as the ALLOCATION LENGTH holds (at most {@link #MAX_DESCRIPTORS}), built from the
 * device's extents ({@link BlockDevice#lbaStatus}); a fully provisioned device reports everything
 * mapped. A starting LBA past the last one is LBA OUT OF RANGE 21/00. The data is cut to the
 * allocation length as SPC-5 4.2.5.6 says.
 */
public final class GetLbaStatus implements BlockDevice.StatusCompletion {
    static final int MAX_DESCRIPTORS = 64;
    /** SBC-4 5.8.2 PROVISIONING STATUS. */
    static final int MAPPED = 0;
    static final int DEALLOCATED = 1;

    private final ExecContext ctx;
    private final Cdb.GetLbaStatus cdb;

    private GetLbaStatus(ExecContext ctx, Cdb.GetLbaStatus cdb) {
        this.ctx = ctx;
        this.cdb = cdb;
    }

    public static void execute(Cdb.GetLbaStatus cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        long capacity = device.blockCount();
        if (Long.compareUnsigned(cdb.lba(), capacity) >= 0) {
            ctx.complete(Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense()));
            return;
        }
        int fit = (int) Math.min(MAX_DESCRIPTORS, Math.max(1, (cdb.allocationLength() - 8) / 16));
        GetLbaStatus op = new GetLbaStatus(ctx, cdb);
        try {
            device.lbaStatus(cdb.lba() * device.blockSize(), (capacity - cdb.lba()) * device.blockSize(), fit, op);
        } catch (RuntimeException e) {
            op.failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** SBC-4 5.8.2 parameter data: 8-byte header, 16-byte descriptors. */
    static byte[] data(List<BlockDevice.Extent> extents, long startLba, long capacity, int blockSize) {
        if (extents.isEmpty()) {
            extents = List.of(new BlockDevice.Extent(startLba * blockSize, (capacity - startLba) * blockSize, true));
        }
        byte[] d = new byte[8 + 16 * extents.size()];
        int n = 0;
        for (BlockDevice.Extent e : extents) {
            long blocks = e.length() / blockSize;
            int at = 8 + 16 * n++;
            put64(d, at, e.offset() / blockSize);
            put32(d, at + 8, Math.min(blocks, 0xFFFF_FFFFL));
            d[at + 12] = (byte) (e.mapped() ? MAPPED : DEALLOCATED);
            if (blocks > 0xFFFF_FFFFL) {
                break; // the next descriptor would not start where this one ends
            }
        }
        byte[] out = n == extents.size() ? d : java.util.Arrays.copyOf(d, 8 + 16 * n);
        put32(out, 0, out.length - 4);                             // PARAMETER DATA LENGTH
        return out;
    }

    @Override
    public void completed(List<BlockDevice.Extent> extents) {
        BlockDevice device = ctx.lu().device();
        byte[] d = data(extents, cdb.lba(), device.blockCount(), device.blockSize());
        ctx.complete(AllocationLength.respond(d, d.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength()));
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        ctx.complete(Failure.of(IoFailures.reason(failure, false)).toResponse(ctx.lu().descriptorSense()));
    }
}
