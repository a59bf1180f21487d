package org.scstj.engine.ssc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.sbc.IoFailures;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TapeMedium;

import java.nio.ByteBuffer;

/**
 * SSC-3 READ(6). What the read will do is decided when its turn comes, from the cartridge's
 * objects at the drive's position, before any data moves:
 * <ul>
 *   <li>Variable-block mode (FIXED 0): the next record, up to TRANSFER LENGTH bytes. A record of
 *       another length is an incorrect length (ILI; INFORMATION = TRANSFER LENGTH minus the record's
 *       length, negative when it was longer, whose excess is not transferred), except with SILI: a
 *       shorter record then is no condition, nor a longer one in a drive whose mode block length is
 *       0. The position moves past the record either way.</li>
 *   <li>Fixed-block mode (FIXED 1; the mode's block length, which must not be 0): TRANSFER LENGTH
 *       records of that length. A record of another length ends the read after the blocks before it
 *       (ILI, INFORMATION = the blocks not read), positioned past that record.</li>
 *   <li>A filemark met: the read ends before it with what it read, positioned past it: NO SENSE,
 *       FILEMARK, FILEMARK DETECTED 00/01, INFORMATION = the residual (bytes or blocks). End of data
 *       met: BLANK CHECK, END-OF-DATA DETECTED 00/05, positioned there.</li>
 * </ul>
 * The records read go straight into the transport's Data-In buffer, one device read each.
 */
public final class TapeReadOp implements BlockDevice.Completion {
    /** The most one READ transfers: 16 MiB (INVALID FIELD IN CDB beyond; the blocks themselves are at most 1 MiB). */
    static final int MAX_TRANSFER = 16 << 20;

    private final ExecContext ctx;
    private final TapeMedium medium;
    private final DataBuffer buffer;
    private final ByteBuffer into;
    private final long first;
    private final int records;
    private final ScsiResponse ending;
    private int next;

    private TapeReadOp(ExecContext ctx, TapeMedium medium, DataBuffer buffer, long first, int records,
                       ScsiResponse ending) {
        this.ctx = ctx;
        this.medium = medium;
        this.buffer = buffer;
        this.into = buffer == null ? null : buffer.nio();
        this.first = first;
        this.records = records;
        this.ending = ending;
    }

    public static void execute(Cdb.TapeRead cdb, ExecContext ctx) {
        if (cdb.transferLength() == 0) {
            ctx.complete(ScsiResponse.good(null, 0)); // SSC-3: no data, the position does not move
            return;
        }
        Tape.inTurn(ctx, (tape, medium) -> {
            if (cdb.fixed()) {
                fixed(cdb, ctx, tape, medium);
            } else {
                variable(cdb, ctx, tape, medium);
            }
        });
    }

    private static void variable(Cdb.TapeRead cdb, ExecContext ctx, TapeState tape, TapeMedium medium) {
        long p = tape.position();
        int asked = cdb.transferLength();
        if (p >= medium.objectCount()) {
            Tape.finish(ctx, Tape.condition(ctx, SenseReason.END_OF_DATA_DETECTED, 0, asked, null, 0));
            return;
        }
        if (medium.isFilemark(p)) {
            tape.position(p + 1);
            Tape.finish(ctx, Tape.condition(ctx, SenseReason.FILEMARK_DETECTED, Failure.FILEMARK, asked, null, 0));
            return;
        }
        int length = medium.recordLength(p);
        tape.position(p + 1);
        int moved = Math.min(length, asked);
        boolean incorrect = length != asked
                && !(cdb.sili() && (length < asked || tape.blockLength() == 0));
        ScsiResponse ending = incorrect
                ? Tape.condition(ctx, SenseReason.NO_SENSE, Failure.ILI, (long) asked - length, null, moved) : null;
        start(ctx, medium, p, 1, moved, ending);
    }

    private static void fixed(Cdb.TapeRead cdb, ExecContext ctx, TapeState tape, TapeMedium medium) {
        int blockLength = tape.blockLength();
        if (blockLength == 0) {
            Tape.finish(ctx, Tape.refuse(ctx, Failure.invalidFieldInCdb(1, 0))); // FIXED in variable-block mode
            return;
        }
        long asked = cdb.transferLength();
        if (asked * blockLength > MAX_TRANSFER) {
            Tape.finish(ctx, Tape.refuse(ctx, Failure.invalidFieldInCdb(2)));
            return;
        }
        long p = tape.position();
        long end = medium.objectCount();
        int read = 0;
        ScsiResponse ending = null;
        long at = p;
        while (read < asked) {
            if (at >= end) {
                ending = Tape.condition(ctx, SenseReason.END_OF_DATA_DETECTED, 0, asked - read, null, 0);
                break;
            }
            if (medium.isFilemark(at)) {
                at++;
                ending = Tape.condition(ctx, SenseReason.FILEMARK_DETECTED, Failure.FILEMARK, asked - read, null, 0);
                break;
            }
            if (medium.recordLength(at) != blockLength) {
                at++;
                ending = Tape.condition(ctx, SenseReason.NO_SENSE, Failure.ILI, asked - read, null, 0);
                break;
            }
            read++;
            at++;
        }
        tape.position(at);
        start(ctx, medium, p, read, read * blockLength, ending);
    }

    /** Reads {@code records} records from {@code first} into one Data-In buffer of {@code bytes}; then ends with {@code ending} or GOOD. */
    private static void start(ExecContext ctx, TapeMedium medium, long first, int records, int bytes, ScsiResponse ending) {
        int sent = ctx.task().expectedLength(bytes);
        if (records == 0 || sent == 0) {
            Tape.finish(ctx, withData(ending, null, bytes));
            return;
        }
        TapeReadOp op = new TapeReadOp(ctx, medium, ctx.task().allocate(sent), first, records, ending);
        op.readNext();
    }

    private static ScsiResponse withData(ScsiResponse ending, DataBuffer data, int bytes) {
        if (ending == null) {
            return ScsiResponse.good(data, bytes);
        }
        return new ScsiResponse(ending.status(), ending.sense(), data, bytes);
    }

    private void readNext() {
        if (next == records || !into.hasRemaining()) {
            Tape.finish(ctx, withData(ending, buffer, into.position()));
            return;
        }
        long index = first + next++;
        try {
            medium.readRecord(index, into, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    @Override
    public void completed() {
        readNext();
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        buffer.release();
        Tape.finish(ctx, Tape.refuse(ctx, Failure.of(IoFailures.reason(failure, false))));
    }
}
