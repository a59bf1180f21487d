package org.scstj.engine.xcopy;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.CopyStatusTable;
import org.scstj.engine.sbc.IoFailures;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * SPC-4 6.3 EXTENDED COPY(LID1): the copy manager of the addressed LU copies blocks between LUs
 * the requesting I_T nexus may access (VMware VAAI "full copy", XCOPY), with Identification CSCD
 * descriptors (E4h) naming LUs by their NAA designator, block device to block device segment
 * descriptors (02h, SPC-4 6.4.6.4) and block device with offset to block device with offset
 * segment descriptors (0Ah, SPC-4 6.4.6.12: a byte count and byte offsets within the first
 * blocks). The whole parameter list is checked first ({@link ExtendedCopyParameters}); then
 * {@link BlockCopy} moves the data in bounded chunks of whole blocks straight between the
 * {@link BlockDevice}s, asynchronously, writing with FUA where the destination's WCE is 0. Its
 * progress and outcome are held for RECEIVE COPY RESULTS by LIST IDENTIFIER
 * ({@link CopyStatusTable}), as LIST ID USAGE asks.
 *
 * <p>The limits below are what RECEIVE COPY RESULTS (OPERATING PARAMETERS) and the Third-party
 * Copy VPD page advertise, and exactly what the checks enforce.
 *
 * <p>Limitations. The copy reads and writes the other LUs' devices directly, not through their
 * LUN actors: their task sets, reservations and the ORWRITE range locks do not see it (the
 * addressed LU's own checks ran as for any command). Ordering a copy against other commands and
 * refusing it under another nexus's reservation of the source or destination LU belongs to the
 * host-emulation work (reservations, task set). Until then, a WRITE from another task to the
 * bytes of a 0Ah segment's first or last destination block outside the copied range, landing
 * between the copy's read and write of that block, is undone by the write-back. A device error in
 * the middle of a copy is reported with the sense a READ or WRITE would get (MEDIUM ERROR, DATA
 * PROTECT 27/07 ...), not as COPY ABORTED with the copy target's sense data embedded; the segments
 * before it are written.
 * An aborted task's copy runs to its end before the abort is answered (at most
 * {@link #MAX_SEGMENT_DESCRIPTORS} × {@link #MAX_SEGMENT_LENGTH} bytes).
 */
public final class ExtendedCopy implements TransportTask.DataReceiver, BlockCopy.Listener {
    /** RECEIVE COPY OPERATING PARAMETERS MAXIMUM CSCD DESCRIPTOR COUNT (SPC-4). */
    public static final int MAX_CSCD_DESCRIPTORS = 8;
    /** MAXIMUM SEGMENT DESCRIPTOR COUNT. */
    public static final int MAX_SEGMENT_DESCRIPTORS = 16;
    /** MAXIMUM DESCRIPTOR LIST LENGTH: CSCD and segment descriptor lists together. */
    public static final int MAX_DESCRIPTOR_LIST_LENGTH = 1024;
    /** MAXIMUM SEGMENT LENGTH, in bytes. */
    public static final int MAX_SEGMENT_LENGTH = 16 * 1024 * 1024;
    /** MAXIMUM INLINE DATA LENGTH: no segment type that uses inline data is supported. */
    public static final int MAX_INLINE_DATA_LENGTH = 0;
    /** The longest parameter list that can pass the checks; a longer one is refused before it is transferred. */
    public static final int MAX_PARAMETER_LIST_LENGTH =
            ExtendedCopyParameters.HEADER + MAX_DESCRIPTOR_LIST_LENGTH + MAX_INLINE_DATA_LENGTH;
    /** Segment and CSCD descriptor type codes supported, ascending (OPERATING PARAMETERS; VPD 8Fh). */
    static final int[] SUPPORTED_DESCRIPTORS = ExtendedCopyParameters.supportedDescriptors();
    /**
     * DATA SEGMENT GRANULARITY (OPERATING PARAMETERS; VPD 8Fh General Copy Operations), log2 of
     * the bytes a segment's data must be a multiple of: 0, one byte, for a 0Ah segment copies any
     * number of bytes.
     */
    static final int DATA_SEGMENT_GRANULARITY_LOG2 = 0;

    private final ExecContext ctx;
    private final int transferLength;
    private CopyStatusTable.Status status;

    private ExtendedCopy(ExecContext ctx, int transferLength) {
        this.ctx = ctx;
        this.transferLength = transferLength;
    }

    /** Starts the EXTENDED COPY; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.ExtendedCopy cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        long length = cdb.parameterListLength();
        int transferLength = (int) Math.min(length, Integer.MAX_VALUE);
        if (length == 0) {
            ctx.complete(ScsiResponse.good(null, 0)); // SPC-4 6.3: no data, not an error
            return;
        }
        if (length < ExtendedCopyParameters.HEADER || length > MAX_PARAMETER_LIST_LENGTH) {
            // too long: refused without transferring or allocating anything
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR)
                    .toResponse(lu.descriptorSense(), transferLength));
            return;
        }
        int received = ctx.task().expectedLength((int) length);
        if (received < ExtendedCopyParameters.HEADER) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR)
                    .toResponse(lu.descriptorSense(), transferLength));
            return;
        }
        ctx.receiveData(received, new ExtendedCopy(ctx, transferLength));
    }

    /** The parameter list arrived (on the transport's thread): checked whole, then the LUN actor starts the copy. */
    @Override
    public void received(DataBuffer buffer) {
        byte[] list = DataBuffer.takeBytes(buffer);
        switch (ExtendedCopyParameters.check(list, ctx.lu().copy())) {
            case ExtendedCopyParameters.Refused r -> ctx.withState(state -> fail(r.failure()));
            case ExtendedCopyParameters.Plan p -> ctx.withState(state -> begin(p));
        }
    }

    /** On the LUN actor's thread, which owns the copy manager and the copy statuses. */
    private void begin(ExtendedCopyParameters.Plan plan) {
        CopyScope scope = ctx.lu().copy();
        if (!scope.manager().tryStart()) {
            fail(Failure.of(SenseReason.INSUFFICIENT_RESOURCES)); // TOTAL CONCURRENT COPIES are running
            return;
        }
        if (plan.listIdUsage() != ExtendedCopyParameters.LIST_ID_NONE) {
            status = scope.status().begin(plan.listIdentifier(),
                    plan.listIdUsage() == ExtendedCopyParameters.LIST_ID_HOLD);
            if (status == null) {
                // SPC-4 6.3: the LIST IDENTIFIER of a copy still in progress on this nexus
                scope.manager().finished();
                fail(new Failure(SenseReason.OPERATION_IN_PROGRESS, FieldPointer.parameter(0, -1), false, 0));
                return;
            }
        }
        // the copy runs off the actor's thread: a device that completes inline (a file on tmpfs) would
        // otherwise hold every other command of this LU until the last chunk; the engine's
        // blocking-I/O dispatcher runs whole-medium work the same way
        BlockCopy copy = new BlockCopy(plan.segments(), this);
        java.util.concurrent.Executor io = ctx.lu().wholeMedium().executor();
        if (io == null) {
            copy.start();
        } else {
            io.execute(copy::start);
        }
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.withState(state -> fail(Failure.of(SenseReason.ABORTED_COMMAND)));
    }

    /** From the copy's thread: the status the LUN actor keeps for RECEIVE COPY RESULTS follows. */
    @Override
    public void transferred(long bytes) {
        if (status != null) {
            ctx.withState(state -> status.transferred(bytes));
        }
    }

    @Override
    public void segmentDone(int index) {
        if (status != null) {
            ctx.withState(state -> status.segmentDone());
        }
    }

    @Override
    public void finished(BlockDevice.IoFailure failure, boolean writing) {
        ctx.withState(state -> {
            ctx.lu().copy().manager().finished();
            if (failure == null) {
                if (status != null) {
                    status.finish(null);
                }
                ctx.complete(ScsiResponse.good(null, transferLength));
            } else {
                fail(Failure.of(IoFailures.reason(failure, writing)));
            }
        });
    }

    /**
     * CHECK CONDITION; a registered copy's status holds the same sense (FAILED SEGMENT DETAILS). On
     * the LUN actor's thread.
     */
    private void fail(Failure failure) {
        ScsiResponse response = failure.toResponse(ctx.lu().descriptorSense(), transferLength);
        if (status != null) {
            status.finish(response.sense());
        }
        ctx.complete(response);
    }
}
