package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u32;
import static org.scstj.engine.cdb.BigEndian.u64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

import java.util.ArrayList;
import java.util.List;

/**
 * SBC-4 5.30 UNMAP on a thin-provisioned device (LBPU 1). The whole parameter list is checked
 * before any block is deallocated: header (5.30.2), every descriptor's range (LBA OUT OF RANGE
 * 21/00), the Block Limits maxima (INVALID FIELD IN PARAMETER LIST 26/00 with a field pointer).
 * Then the descriptors are deallocated one after the other. One object per command.
 */
public final class UnmapOp implements TransportTask.DataReceiver, BlockDevice.Completion {
    /** SBC-4 5.30.2: the parameter list header is 8 bytes, each block descriptor 16. */
    static final int HEADER = 8;
    static final int DESCRIPTOR = 16;

    /** One UNMAP block descriptor (SBC-4 5.30.3). */
    record Descriptor(long lba, long blocks) {
    }

    private final ExecContext ctx;
    private List<Descriptor> descriptors;
    private int next;

    private UnmapOp(ExecContext ctx) {
        this.ctx = ctx;
    }

    public static void execute(Cdb.Unmap cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        if (!lu.device().capabilities().thinProvisioned()) {
            // SBC-4 4.7.3.1: a fully provisioned logical unit does not support UNMAP (LBPU 0)
            ctx.complete(Failure.of(SenseReason.INVALID_COMMAND_OPERATION_CODE).toResponse(lu.descriptorSense()));
            return;
        }
        if (lu.writeProtected()) {
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        int length = cdb.parameterListLength();
        if (length == 0) {
            ctx.complete(ScsiResponse.good(null, 0)); // SBC-4 5.30.1: no data, not an error
            return;
        }
        if (length < HEADER) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense()));
            return;
        }
        int received = ctx.task().expectedLength(length);
        if (received < HEADER) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense(), length));
            return;
        }
        ctx.receiveData(received, new UnmapOp(ctx));
    }

    /**
     * SBC-4 5.30.2/5.30.3: the checks on a whole parameter list; null when it may be carried out.
     * UNMAP BLOCK DESCRIPTOR DATA LENGTH counts what is in the list at most (a longer value is
     * cut to the bytes transferred) and an incomplete last descriptor is ignored.
     */
    static Failure check(byte[] list, long capacity, long maxBlocks, int maxDescriptors) {
        if (list.length < HEADER) {
            return Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int count = descriptorBytes(list) / DESCRIPTOR;
        if (count > maxDescriptors) {
            return new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, FieldPointer.parameter(2, 7), false, 0);
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            int at = HEADER + i * DESCRIPTOR;
            long lba = u64(list, at);
            long blocks = u32(list, at + 8);
            if (!LbaRange.containsOrEmptyAtEnd(lba, blocks, capacity)) {
                return Failure.of(SenseReason.LBA_OUT_OF_RANGE);
            }
            total += blocks;
            if (total > maxBlocks) {
                return new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                        FieldPointer.parameter(at + 8, 7), false, 0);
            }
        }
        return null;
    }

    /** The descriptors of a list that passed {@link #check}, those of 0 blocks left out. */
    static List<Descriptor> descriptors(byte[] list) {
        int count = descriptorBytes(list) / DESCRIPTOR;
        List<Descriptor> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = HEADER + i * DESCRIPTOR;
            long blocks = u32(list, at + 8);
            if (blocks > 0) {
                out.add(new Descriptor(u64(list, at), blocks));
            }
        }
        return out;
    }

    private static int descriptorBytes(byte[] list) {
        return Math.min(u16(list, 2), list.length - HEADER);
    }

    @Override
    public void received(DataBuffer buffer) {
        byte[] list = DataBuffer.takeBytes(buffer);
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        Failure f = check(list, device.blockCount(), BlockLimits.maxUnmapBlocks(device),
                BlockLimits.MAX_UNMAP_DESCRIPTORS);
        if (f != null) {
            ctx.complete(f.toResponse(lu.descriptorSense()));
            return;
        }
        descriptors = descriptors(list);
        completed();
    }

    /** The previous descriptor is done (or none started yet): the next one, or GOOD. */
    @Override
    public void completed() {
        if (next == descriptors.size()) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        Descriptor d = descriptors.get(next++);
        BlockDevice device = ctx.lu().device();
        try {
            device.unmap(d.lba() * device.blockSize(), d.blocks() * device.blockSize(), this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        ctx.complete(Failure.of(IoFailures.reason(failure, true)).toResponse(ctx.lu().descriptorSense()));
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }
}
