package org.scstj.engine.passthrough;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sbc.IoFailures;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;

/**
 * One command sent to a pass-through device ({@link ScsiPassThrough}) as the initiator gave it. The
 * core cannot decode a command it does not emulate, so the data direction and length are the
 * transport's: the task's read and write flags and its expected data transfer length (SAM-5 5.1,
 * RFC 7143 11.3). A length beyond the device's limit is refused before the device sees it (INVALID
 * FIELD IN CDB, as SCST refuses a buffer over the device's maximum), and so is a bidirectional command.
 *
 * <p>What comes back is the device's: status, sense data as the device wrote it, the residual it
 * reported (a tape READ that met a shorter record carries ILI and the INFORMATION field in its sense,
 * and the residual in the transfer length: SSC-3 4.2.5, SAM-5 5.4.3). On top, the core's rules for
 * several I_T nexuses sharing one device (SAM-5 5.14; SCST {@code scst_dev_check_set_UA}): a unit
 * attention the device reports reaches the nexus whose command met it, with the device's sense, and
 * is established for every other nexus of the LU as the same condition (one the core's vocabulary
 * lacks as TARGET OPERATING CONDITIONS HAVE CHANGED, 3F/00: something changed, look again). A row
 * may add a step after a GOOD answer ({@link #modeSelect}, {@link #logSelect}).
 */
public final class PassThroughOp implements ScsiPassThrough.CommandCompletion, TransportTask.DataReceiver {

    /** A row's step after the device answered GOOD; it completes the command. */
    @FunctionalInterface
    interface AfterGood {
        void run(ExecContext ctx, ScsiResponse response);
    }

    private final ExecContext ctx;
    private final ScsiPassThrough device;
    private final byte[] cdb;
    private final ScsiPassThrough.Direction direction;
    private final int length;
    private final AfterGood after;
    private DataBuffer dataOut;
    private DataBuffer dataIn;

    private PassThroughOp(ExecContext ctx, ScsiPassThrough device, byte[] cdb, ScsiPassThrough.Direction direction,
                          int length, AfterGood after) {
        this.ctx = ctx;
        this.device = device;
        this.cdb = cdb;
        this.direction = direction;
        this.length = length;
        this.after = after;
    }

    /** The exec stage of every command the core sends on without a step of its own. */
    public static void execute(Cdb cdb, ExecContext ctx) {
        run(((Cdb.PassThrough) cdb).bytes(), ctx, null);
    }

    /**
     * MODE SELECT(6) / (10) (SPC-5 6.11, 6.12): after the device took the parameters, every other
     * I_T nexus gets MODE PARAMETERS CHANGED (SPC-5 5.14, table of unit attentions: 2A/01), and the
     * core reads the Control page back from the device ({@link ControlPage}) before the command
     * completes, so the next command meets the new D_SENSE, SWP and UA_INTLCK_CTRL.
     */
    public static void modeSelect(Cdb cdb, ExecContext ctx) {
        run(((Cdb.PassThrough) cdb).bytes(), ctx, (c, response) -> {
            Nexus self = c.lu().nexus();
            c.withState(s -> s.unitAttentions().establishForAllBut(self, SenseReason.MODE_PARAMETERS_CHANGED));
            ControlPage.reread(c, () -> c.complete(response));
        });
    }

    /** LOG SELECT (SPC-5 6.8): every other I_T nexus gets LOG PARAMETERS CHANGED (2A/02). */
    public static void logSelect(Cdb cdb, ExecContext ctx) {
        run(((Cdb.PassThrough) cdb).bytes(), ctx, (c, response) -> {
            Nexus self = c.lu().nexus();
            c.withState(s -> {
                s.unitAttentions().establishForAllBut(self, SenseReason.LOG_PARAMETERS_CHANGED);
                c.complete(response);
            });
        });
    }

    /** Sends {@code cdb} with the task's data; {@code after} (or null) runs after a GOOD answer. */
    static void run(byte[] cdb, ExecContext ctx, AfterGood after) {
        BlockDevice lu = ctx.lu().device();
        ScsiPassThrough device = lu.passThrough() != null ? lu.passThrough() : lu.otherCommands();
        if (!device.takes(cdb)) {
            ctx.complete(Failure.of(SenseReason.INVALID_COMMAND_OPERATION_CODE).toResponse(ctx.lu().descriptorSense()));
            return;
        }
        TransportTask task = ctx.task();
        long edtl = Integer.toUnsignedLong(task.expectedDataTransferLength());
        boolean in = task.readExpected() && edtl > 0;
        boolean out = task.writeExpected() && edtl > 0;
        if (in && out) {
            // SG_IO has no bidirectional transfer (SG_DXFER_TO_FROM_DEV is a read)
            ctx.complete(Failure.of(SenseReason.INVALID_FIELD_IN_CDB).toResponse(ctx.lu().descriptorSense()));
            return;
        }
        if ((in || out) && edtl > device.maxTransferBytes()) {
            ctx.complete(Failure.of(SenseReason.INVALID_FIELD_IN_CDB).toResponse(ctx.lu().descriptorSense()));
            return;
        }
        ScsiPassThrough.Direction direction = in ? ScsiPassThrough.Direction.FROM_DEVICE
                : out ? ScsiPassThrough.Direction.TO_DEVICE : ScsiPassThrough.Direction.NONE;
        PassThroughOp op = new PassThroughOp(ctx, device, cdb, direction, (int) (in || out ? edtl : 0), after);
        switch (direction) {
            case TO_DEVICE -> ctx.receiveData(op.length, op);
            case FROM_DEVICE -> {
                op.dataIn = task.allocate(op.length);
                op.send();
            }
            case NONE -> op.send();
        }
    }

    private void send() {
        device.execute(cdb, direction, dataOut, dataIn, this);
    }

    /** The Data-Out arrived: now the command goes to the device. */
    @Override
    public void received(DataBuffer data) {
        dataOut = data;
        send();
    }

    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    @Override
    public void completed(ScsiPassThrough.Result result) {
        releaseDataOut();
        int transferred = Math.clamp((long) length - result.residual(), 0, length);
        int status = result.status();
        DataBuffer in = dataIn;
        if (in != null && (transferred == 0 || (status != ScsiResponse.GOOD && status != ScsiResponse.CHECK_CONDITION))) {
            in.release();
            in = null;
        } else if (in != null && transferred < in.length()) {
            in = new Prefix(in, transferred);
        }
        byte[] sense = status == ScsiResponse.CHECK_CONDITION ? result.sense() : null;
        ScsiResponse response = new ScsiResponse(status, sense, in, transferred);
        DeviceSense ds = sense == null ? null : DeviceSense.of(sense, sense.length);
        if (ds != null && ds.unitAttention()) {
            fanOut(ctx, ds, false, () -> ctx.complete(response));
        } else if (status == ScsiResponse.GOOD && after != null) {
            after.run(ctx, response);
        } else {
            ctx.complete(response);
        }
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        releaseDataOut();
        if (dataIn != null) {
            dataIn.release();
        }
        ctx.complete(Failure.of(IoFailures.reason(failure, direction == ScsiPassThrough.Direction.TO_DEVICE))
                .toResponse(ctx.lu().descriptorSense()));
    }

    private void releaseDataOut() {
        if (dataOut != null) {
            dataOut.release();
            dataOut = null;
        }
    }

    /**
     * SAM-5 5.14: the device reported a unit attention to its one initiator, the handler; the core
     * establishes it for every other I_T nexus of the LU ({@code includingSelf}: for this one too,
     * when a command of the core's own met it), then runs {@code then} (on the LUN actor's thread),
     * which answers the nexus that met it.
     */
    static void fanOut(ExecContext ctx, DeviceSense ua, boolean includingSelf, Runnable then) {
        SenseReason reason = SenseReason.unitAttention(ua.asc(), ua.ascq());
        SenseReason condition = reason != null ? reason : SenseReason.TARGET_OPERATING_CONDITIONS_HAVE_CHANGED;
        Nexus self = ctx.lu().nexus();
        ctx.withState(s -> {
            if (includingSelf) {
                s.unitAttentions().establishForAll(condition);
                s.unitAttentions().establish(self, condition);
            } else {
                s.unitAttentions().establishForAllBut(self, condition);
            }
            then.run();
        });
    }

    /** The first {@code length} bytes of a Data-In buffer (the device transferred fewer than asked). */
    private record Prefix(DataBuffer whole, int length) implements DataBuffer {
        @Override
        public ByteBuffer nio() {
            return whole.nio().limit(length).slice();
        }

        @Override
        public void release() {
            whole.release();
        }
    }
}
