package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u32;

import org.scstj.engine.cdb.Cdb;
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

import java.util.List;

/**
 * SBC-4 5.3 FORMAT UNIT on a virtual disk: the medium is initialised, every block reading as zeros
 * afterwards (deallocated on a thin-provisioned LU, written with zeros on a fully provisioned one,
 * as one {@link MediumSweep}); capacity and block length do not change. A virtual disk has no
 * defects to manage and no protection information.
 *
 * <p>CDB (5.3.1): FMTPINFO other than 00b, FFMT and the vendor-specific byte are INVALID FIELD IN
 * CDB (outside the usage mask). FMTDATA 0: no parameter list, the format starts at once and status
 * follows its end. FMTDATA 1: a parameter list header follows, short (4 bytes) or, with LONGLIST,
 * long (8 bytes); CMPLST and DEFECT LIST FORMAT are accepted as sent, there being no defect list to
 * keep or replace.
 *
 * <p>Parameter list header (5.3.2), checked whole before anything changes, each refusal INVALID
 * FIELD IN PARAMETER LIST with a field pointer: PROTECTION FIELD USAGE 000b (no protection
 * information) and reserved bits 0; with FOV 0, DPRY, DCRT, STPF and IP 0; IP 1 (an initialization
 * pattern descriptor) is not supported; the obsolete and vendor-specific bits 0; in the long header
 * P_I_INFORMATION and PROTECTION INTERVAL EXPONENT 0; DEFECT LIST LENGTH 0 (an empty defect list is
 * the only one accepted). FOV 1 with DPRY, DCRT or STPF is accepted: there is no primary list to
 * skip, no certification to disable and no list to find. IMMED 1: GOOD once the header is
 * checked and the format started; progress is then observed with REQUEST SENSE (NOT READY, FORMAT
 * IN PROGRESS with a progress indication) and the end by the LU answering again.
 *
 * <p>A format that fails on the device ends the command (IMMED 0) with MEDIUM ERROR, FORMAT COMMAND
 * FAILED (31/01); the LU then reports MEDIUM FORMAT CORRUPTED (31/00) until a format or sanitize
 * completes ({@link WholeMediumState}).
 */
public final class FormatUnit implements TransportTask.DataReceiver {
    static final int SHORT_HEADER = 4;
    static final int LONG_HEADER = 8;

    private final ExecContext ctx;
    private final Cdb.FormatUnit cdb;

    private FormatUnit(ExecContext ctx, Cdb.FormatUnit cdb) {
        this.ctx = ctx;
        this.cdb = cdb;
    }

    /** Starts the FORMAT UNIT; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.FormatUnit cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        if (lu.writeProtected()) {
            ctx.complete(Failure.of(SenseReason.WRITE_PROTECTED).toResponse(lu.descriptorSense()));
            return;
        }
        if (!cdb.fmtData()) {
            start(ctx, ctx.state(), false);
            return;
        }
        int header = cdb.longList() ? LONG_HEADER : SHORT_HEADER;
        int received = ctx.task().expectedLength(header);
        if (received < header) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense(), header));
            return;
        }
        ctx.receiveData(header, new FormatUnit(ctx, cdb));
    }

    /** What checking a parameter list header gives: the format to start, or why it is refused. */
    sealed interface Checked permits Accepted, Refused {
    }

    /** The header is acceptable; {@code immed}: return status once the format has started. */
    record Accepted(boolean immed) implements Checked {
    }

    /** The header is refused; nothing changes. */
    record Refused(Failure failure) implements Checked {
    }

    /** SBC-4 5.3.2: checks a short or long parameter list header. Pure. */
    static Checked parseHeader(byte[] header, boolean longList) {
        int length = longList ? LONG_HEADER : SHORT_HEADER;
        if (header.length < length) {
            return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        if ((header[0] & 0xFF) != 0) {
            return invalid(0, highestBit(header[0]));       // reserved bits 7-3, PROTECTION FIELD USAGE 2-0
        }
        int flags = header[1] & 0xFF;
        boolean fov = (flags & 0x80) != 0;
        if (!fov && (flags & 0x78) != 0) {
            return invalid(1, highestBit(flags & 0x78));    // DPRY, DCRT, STPF, IP need FOV
        }
        if ((flags & 0x08) != 0) {
            return invalid(1, 3);                           // IP: no initialization pattern descriptor
        }
        if ((flags & 0x05) != 0) {
            return invalid(1, highestBit(flags & 0x05));    // obsolete bit 2, vendor specific bit 0
        }
        long defectListLength;
        int defectListAt;
        if (longList) {
            if (header[2] != 0) {
                return invalid(2, highestBit(header[2]));
            }
            if (header[3] != 0) {
                return invalid(3, highestBit(header[3]));   // P_I_INFORMATION, PROTECTION INTERVAL EXPONENT
            }
            defectListAt = 4;
            defectListLength = u32(header, 4);
        } else {
            defectListAt = 2;
            defectListLength = u16(header, 2);
        }
        if (defectListLength != 0) {
            return invalid(defectListAt, 7);
        }
        return new Accepted((flags & 0x02) != 0);
    }

    private static int highestBit(int bits) {
        return 31 - Integer.numberOfLeadingZeros(bits & 0xFF);
    }

    private static Refused invalid(int byteOffset, int bit) {
        return new Refused(new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                FieldPointer.parameter(byteOffset, bit), false, 0));
    }

    @Override
    public void received(DataBuffer buffer) {
        byte[] header = DataBuffer.takeBytes(buffer);
        switch (parseHeader(header, cdb.longList())) {
            case Refused r -> ctx.complete(r.failure().toResponse(ctx.lu().descriptorSense()));
            case Accepted a -> ctx.withState(state -> start(ctx, state, a.immed()));
        }
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    /** On the LUN actor's thread: the format begins, unless another operation holds the LU. */
    private static void start(ExecContext ctx, LuState lu, boolean immed) {
        BlockDevice device = ctx.lu().device();
        WholeMediumState state = lu.wholeMedium();
        if (!state.begin(WholeMediumState.Kind.FORMAT, MediumSweep.work(device, 1))) {
            ctx.complete(MediumSweep.busy(state, ctx.lu().descriptorSense()));
            return;
        }
        if (immed) {
            ctx.complete(ScsiResponse.good(null, 0));
        }
        MediumSweep.start(device, state, List.of(MediumSweep.Pass.erase()), ctx, immed, false,
                SenseReason.FORMAT_COMMAND_FAILED);
    }
}
