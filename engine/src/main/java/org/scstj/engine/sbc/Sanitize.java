package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.u16;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.WholeMediumState;
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
 * SBC-4 5.30 SANITIZE and 4.11 sanitize operations: every block of the medium is made to hold
 * nothing of what it held, as one operation on the whole LU ({@link WholeMediumState}), carried out
 * by a {@link MediumSweep}.
 *
 * <ul>
 *   <li>OVERWRITE (01h): PARAMETER LIST LENGTH greater than 4 and less than the block length + 5,
 *   else INVALID FIELD IN CDB (SBC-4 table "SANITIZE service action codes"). The parameter list
 *   (5.30.2) is checked whole before anything changes: TEST 00b, OVERWRITE COUNT not 0, byte 1
 *   reserved, INITIALIZATION PATTERN LENGTH 1..block length and equal to what follows the header;
 *   else INVALID FIELD IN PARAMETER LIST with a field pointer. Each of the OVERWRITE COUNT passes
 *   writes the pattern, repeated from the first byte of every block; with INVERT the pattern is
 *   inverted between passes and the last pass writes it as given.</li>
 *   <li>BLOCK ERASE (02h): only on a thin-provisioned LU, whose whole medium it deallocates (the
 *   blocks then read as zeros, LBPRZ). A fully provisioned LU has no block erase: INVALID FIELD IN
 *   CDB, and REPORT SUPPORTED OPERATION CODES leaves it out (libiscsi's Sanitize.BlockErase takes a
 *   block erase on an LU without LBPME for a fault).</li>
 *   <li>CRYPTOGRAPHIC ERASE (03h): scstj stores data in plaintext (vdisk_fileio writes the
 *   initiator's bytes to the file as they are), so there is no key to change. The only way to make
 *   the old data unrecoverable is to remove it: deallocation on a thin LU, zeros written on a
 *   fully provisioned one, as for a block erase.</li>
 *   <li>EXIT FAILURE MODE (1Fh): leaves the sanitize failure of an operation that had AUSE set;
 *   after one without AUSE, INVALID FIELD IN CDB (4.11.3, restricted completion mode, where
 *   only a sanitize that completes clears the failure, and asking for AUSE then is refused too).
 *   With no failed sanitize there is nothing to leave: GOOD.</li>
 * </ul>
 *
 * <p>BLOCK ERASE, CRYPTOGRAPHIC ERASE and EXIT FAILURE MODE take no parameter list: a PARAMETER LIST
 * LENGTH other than 0 is INVALID FIELD IN CDB. A write-protected LU refuses the three erasing
 * service actions with DATA PROTECT 27/00. While any whole-medium operation runs, another SANITIZE
 * gets NOT READY like every other command (the LUN actor answers it from the whole-medium state).
 *
 * <p>Status: with IMMED, GOOD as soon as the CDB and the parameter list are checked and the operation
 * has started; progress is then observed with REQUEST SENSE (or any command's NOT READY sense) and
 * the end by the LU answering again. Without IMMED, status when the medium is done: GOOD, or
 * MEDIUM ERROR, SANITIZE COMMAND FAILED (31/03), which the LU then reports to every medium access
 * until a sanitize completes (or EXIT FAILURE MODE, after AUSE).
 */
public final class Sanitize implements TransportTask.DataReceiver {
    /** SBC-4 5.30.2: the OVERWRITE parameter list header is 4 bytes. */
    static final int OVERWRITE_HEADER = 4;
    /** CDB byte of PARAMETER LIST LENGTH (bytes 7-8). */
    private static final int PARAMETER_LIST_LENGTH = 7;

    private final ExecContext ctx;
    private final Cdb.Sanitize cdb;

    private Sanitize(ExecContext ctx, Cdb.Sanitize cdb) {
        this.ctx = ctx;
        this.cdb = cdb;
    }

    /** Starts the SANITIZE; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.Sanitize cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        Failure invalid = checkCdb(cdb, lu);
        if (invalid != null) {
            ctx.complete(invalid.toResponse(lu.descriptorSense()));
            return;
        }
        WholeMediumState state = ctx.state().wholeMedium();
        if (cdb.serviceAction() == Opcodes.SA_SANITIZE_EXIT_FAILURE_MODE) {
            ctx.complete(state.exitSanitizeFailure() ? ScsiResponse.good(null, 0)
                    : Failure.invalidFieldInCdb(1, 4).toResponse(lu.descriptorSense()));
            return;
        }
        if (lu.writeProtected()) {
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        if (cdb.serviceAction() != Opcodes.SA_SANITIZE_OVERWRITE) {
            start(cdb, ctx, ctx.state(), List.of(MediumSweep.Pass.erase()));
            return;
        }
        int length = cdb.parameterListLength();
        int received = ctx.task().expectedLength(length);
        if (received <= OVERWRITE_HEADER) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense(), length));
            return;
        }
        ctx.receiveData(received, new Sanitize(ctx, cdb));
    }

    /**
     * The checks on the CDB alone (SBC-4 5.30.1): the service action exists for this LU, the
     * PARAMETER LIST LENGTH fits it, AUSE is not asked for after a restricted failure.
     */
    static Failure checkCdb(Cdb.Sanitize cdb, LuContext lu) {
        BlockDevice device = lu.device();
        int length = cdb.parameterListLength();
        switch (cdb.serviceAction()) {
            case Opcodes.SA_SANITIZE_OVERWRITE -> {
                if (length <= OVERWRITE_HEADER || length >= device.blockSize() + OVERWRITE_HEADER + 1) {
                    return Failure.invalidFieldInCdb(PARAMETER_LIST_LENGTH, 7);
                }
            }
            case Opcodes.SA_SANITIZE_BLOCK_ERASE -> {
                if (!supportsBlockErase(device)) {
                    return Failure.invalidFieldInCdb(1, 4);
                }
            }
            default -> {
            }
        }
        if (cdb.serviceAction() != Opcodes.SA_SANITIZE_OVERWRITE && length != 0) {
            return Failure.invalidFieldInCdb(PARAMETER_LIST_LENGTH, 7);
        }
        WholeMediumState state = lu.wholeMedium();
        if (cdb.ause() && state.failedOperation() == WholeMediumState.Kind.SANITIZE && !state.failedWithAuse()) {
            return Failure.invalidFieldInCdb(1, 5);
        }
        return null;
    }

    /** BLOCK ERASE deallocates the medium: only a thin-provisioned LU has it. */
    public static boolean supportsBlockErase(BlockDevice device) {
        return device.capabilities().thinProvisioned();
    }

    /** What checking an OVERWRITE parameter list gives: the passes to make, or why it is refused. */
    sealed interface Checked permits Overwrite, Refused {
    }

    /** The list is refused; nothing changes. */
    record Refused(Failure failure) implements Checked {
    }

    /**
     * SBC-4 5.30.2 the OVERWRITE parameter list, checked whole: the {@link Overwrite} to carry out,
     * or why it is {@link Refused}. Pure.
     */
    static Checked parseOverwrite(byte[] list, int blockSize) {
        if (list.length <= OVERWRITE_HEADER) {
            return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        int test = (list[0] >>> 5) & 0x03;
        if (test != 0) {
            return invalidParameter(0, 6);
        }
        if ((list[0] & 0x1F) == 0) {
            return invalidParameter(0, 4);  // OVERWRITE COUNT 00h is reserved
        }
        if (list[1] != 0) {
            return invalidParameter(1, 31 - Integer.numberOfLeadingZeros(list[1] & 0xFF));
        }
        int patternLength = u16(list, 2);
        if (patternLength == 0 || patternLength > blockSize || patternLength != list.length - OVERWRITE_HEADER) {
            return invalidParameter(2, 7);
        }
        return new Overwrite((list[0] & 0x80) != 0, list[0] & 0x1F,
                java.util.Arrays.copyOfRange(list, OVERWRITE_HEADER, list.length));
    }

    /** A checked OVERWRITE parameter list: INVERT, OVERWRITE COUNT, INITIALIZATION PATTERN. */
    record Overwrite(boolean invert, int count, byte[] pattern) implements Checked {
        /** The block of pass {@code i} (0-based): inverted between passes, the last one as given. */
        byte[] block(int i, int blockSize) {
            boolean inverted = invert && (count - 1 - i) % 2 == 1;
            byte[] b = new byte[blockSize];
            for (int at = 0; at < blockSize; at++) {
                byte p = pattern[at % pattern.length];
                b[at] = inverted ? (byte) ~p : p;
            }
            return b;
        }

        List<MediumSweep.Pass> passes(int blockSize) {
            List<MediumSweep.Pass> passes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                passes.add(new MediumSweep.Pass(block(i, blockSize)));
            }
            return passes;
        }
    }

    private static Refused invalidParameter(int byteOffset, int bit) {
        return new Refused(new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                FieldPointer.parameter(byteOffset, bit), false, 0));
    }

    @Override
    public void received(DataBuffer buffer) {
        byte[] list = DataBuffer.takeBytes(buffer);
        LuContext lu = ctx.lu();
        switch (parseOverwrite(list, lu.device().blockSize())) {
            case Refused r -> ctx.complete(r.failure().toResponse(lu.descriptorSense()));
            case Overwrite o -> {
                List<MediumSweep.Pass> passes = o.passes(lu.device().blockSize());
                ctx.withState(state -> start(cdb, ctx, state, passes));
            }
        }
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    /** Everything is checked, on the LUN actor's thread: the operation begins, unless another holds the LU. */
    private static void start(Cdb.Sanitize cdb, ExecContext ctx, LuState lu, List<MediumSweep.Pass> passes) {
        WholeMediumState state = lu.wholeMedium();
        BlockDevice device = ctx.lu().device();
        if (!state.begin(WholeMediumState.Kind.SANITIZE, MediumSweep.work(device, passes.size()))) {
            ctx.complete(MediumSweep.busy(state, ctx.lu().descriptorSense()));
            return;
        }
        if (cdb.immed()) {
            ctx.complete(ScsiResponse.good(null, 0));
        }
        MediumSweep.start(device, state, passes, ctx, cdb.immed(), cdb.ause(), SenseReason.SANITIZE_COMMAND_FAILED);
    }
}
