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
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;

/**
 * SSC-3 WRITE(6) and WRITE FILEMARKS(6): objects written at the drive's position, which becomes
 * end of data (SSC-3 4.2.7). A WRITE is one record of TRANSFER LENGTH bytes in variable-block mode,
 * TRANSFER LENGTH records of the mode's block length in fixed-block mode (FIXED with a block length
 * of 0: INVALID FIELD IN CDB). The drive is unbuffered (BUFFERED MODE 0): GOOD only once the
 * objects are durable on the cartridge, so none acknowledged is lost in a crash. A write that does
 * not fit writes nothing: VOLUME OVERFLOW, EOM, INFORMATION = the whole transfer. Past early warning
 * a write that fit still ends CHECK CONDITION, NO SENSE, EOM, END-OF-PARTITION/MEDIUM DETECTED
 * (00/02) with INFORMATION 0: everything was written (SSC-3 4.2.5).
 *
 * <p>The Data-Out is taken when the write's turn comes, so a WRITE FILEMARKS after it lands after
 * its data on the cartridge.
 */
public final class TapeWriteOp implements TransportTask.DataReceiver, BlockDevice.Completion {
    private final ExecContext ctx;
    private final TapeState tape;
    private final TapeMedium medium;
    private final long at;
    private final int records;
    private final int recordLength;
    private final int filemarks;
    private final long residual;
    private DataBuffer data;

    private TapeWriteOp(ExecContext ctx, TapeState tape, TapeMedium medium, int records, int recordLength,
                        int filemarks, long residual) {
        this.ctx = ctx;
        this.tape = tape;
        this.medium = medium;
        this.at = tape.position();
        this.records = records;
        this.recordLength = recordLength;
        this.filemarks = filemarks;
        this.residual = residual;
    }

    public static void write(Cdb.TapeWrite cdb, ExecContext ctx) {
        if (cdb.transferLength() == 0) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        if (!cdb.fixed() && cdb.transferLength() > TapeState.MAX_BLOCK_LENGTH) {
            ctx.complete(Tape.refuse(ctx, Failure.invalidFieldInCdb(2))); // READ BLOCK LIMITS' maximum
            return;
        }
        Tape.inTurn(ctx, (tape, medium) -> {
            int blockLength = tape.blockLength();
            if (cdb.fixed() && blockLength == 0) {
                Tape.finish(ctx, Tape.refuse(ctx, Failure.invalidFieldInCdb(1, 0)));
                return;
            }
            long bytes = cdb.fixed() ? (long) cdb.transferLength() * blockLength : cdb.transferLength();
            if (bytes > TapeReadOp.MAX_TRANSFER) {
                Tape.finish(ctx, Tape.refuse(ctx, Failure.invalidFieldInCdb(2)));
                return;
            }
            TapeWriteOp op = new TapeWriteOp(ctx, tape, medium, cdb.fixed() ? cdb.transferLength() : 1,
                    cdb.fixed() ? blockLength : cdb.transferLength(), 0, cdb.transferLength());
            ctx.receiveData((int) bytes, op);
        });
    }

    public static void writeFilemarks(Cdb.WriteFilemarks cdb, ExecContext ctx) {
        Tape.inTurn(ctx, (tape, medium) -> {
            if (cdb.count() == 0) {
                Tape.finish(ctx, ScsiResponse.good(null, 0)); // SSC-3: nothing is buffered to flush
                return;
            }
            TapeWriteOp op = new TapeWriteOp(ctx, tape, medium, 0, 0, cdb.count(), cdb.count());
            op.deviceWrite(new ByteBuffer[0]);
        });
    }

    @Override
    public void received(DataBuffer buffer) {
        data = buffer;
        int length = records * recordLength;
        if (buffer.length() < length) { // EDTL cut the Data-Out short: no partial block is written
            release();
            Tape.finish(ctx, Tape.refuse(ctx, Failure.of(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT)));
            return;
        }
        deviceWrite(records(buffer));
    }

    /** The records as views of the Data-Out; a record split over two transport pieces is gathered into one buffer. */
    private ByteBuffer[] records(DataBuffer buffer) {
        ByteBuffer[] pieces = buffer.nioBuffers();
        ByteBuffer whole;
        if (pieces.length == 1) {
            whole = pieces[0];
        } else {
            whole = ByteBuffer.allocate(buffer.length());
            for (ByteBuffer piece : pieces) {
                whole.put(piece.duplicate());
            }
            whole.flip();
        }
        ByteBuffer[] out = new ByteBuffer[records];
        for (int i = 0; i < records; i++) {
            out[i] = whole.slice(whole.position() + i * recordLength, recordLength);
        }
        return out;
    }

    private void deviceWrite(ByteBuffer[] recordViews) {
        try {
            medium.write(at, recordViews, filemarks, this);
        } catch (RuntimeException e) {
            failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /** Durable: the drive is past what it wrote. On the device's thread; the position moves on the actor's. */
    @Override
    public void completed() {
        release();
        boolean warning = Tape.pastEarlyWarning(medium);
        ctx.withState(state -> {
            tape.position(at + records + filemarks);
            ScsiResponse r = warning
                    ? Tape.condition(ctx, SenseReason.END_OF_PARTITION_MEDIUM_DETECTED, Failure.EOM, 0, null, 0)
                    : ScsiResponse.good(null, 0);
            Tape.finish(ctx, r);
        });
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        release();
        if (failure == BlockDevice.IoFailure.NO_SPACE) {
            Tape.finish(ctx, Tape.condition(ctx, SenseReason.VOLUME_OVERFLOW, Failure.EOM, residual, null, 0));
            return;
        }
        Tape.finish(ctx, Tape.refuse(ctx, Failure.of(IoFailures.reason(failure, true))));
    }

    @Override
    public void failed(Throwable cause) {
        Tape.finish(ctx, Tape.refuse(ctx, Failure.of(SenseReason.ABORTED_COMMAND)));
    }

    private void release() {
        if (data != null) {
            data.release();
            data = null;
        }
    }
}
