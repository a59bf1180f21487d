package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u32;
import static org.scstj.engine.cdb.BigEndian.u64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * SPC-5 6.9 MODE SELECT(6) and 6.10 MODE SELECT(10) for the pages {@link ModeSense} reports. The
 * whole parameter list (SPC-5 7.5.5 header, SBC-4 6.5.2 block descriptor, pages) is checked
 * before anything changes; then the changeable fields (Caching WCE, Control D_SENSE and SWP) go
 * to the LU's {@link org.scstj.engine.lu.ModeParameters}, which every nexus of the LU reads from
 * its next command on. A field that is not changeable must hold its current value.
 *
 * <p>SP 1 (SPC-5 6.9.1) saves the Caching and Control pages as well, when the LU has saved values
 * ({@link org.scstj.engine.lu.ModeParameters#savable}): GOOD only once they are durable; a
 * failure to save is HARDWARE ERROR, INTERNAL TARGET FAILURE with nothing changed. An LU without
 * saved values refuses SP 1 (INVALID FIELD IN CDB on SP).
 *
 * <p>A change of the current values raises MODE PARAMETERS CHANGED (2A/01) for the LU's other
 * nexuses (SPC-5 7.5.1).
 */
public final class ModeSelect implements TransportTask.DataReceiver {

    /** What checking a parameter list gives: the changes to apply, or why it is refused. */
    sealed interface Checked permits Changes, Refused {
    }

    /** The checked parameter list's changeable values. */
    /** @param tapeBlockLength a tape drive's new fixed-block length (0: variable; SSC-3 8.3.3), or -1 for none */
    record Changes(boolean wce, boolean dSense, boolean swp, int uaInterlock, int tapeBlockLength) implements Checked {
    }

    /** The parameter list is refused; nothing changes. */
    record Refused(Failure failure) implements Checked {
    }

    private final ExecContext ctx;
    private final Cdb.ModeSelect cdb;

    private ModeSelect(ExecContext ctx, Cdb.ModeSelect cdb) {
        this.ctx = ctx;
        this.cdb = cdb;
    }

    /** Starts the MODE SELECT; {@code ctx.complete} is called exactly once, possibly from another thread. */
    public static void execute(Cdb.ModeSelect cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        Failure invalid = checkCdb(cdb, lu.mode().savable());
        if (invalid != null) {
            ctx.complete(invalid.toResponse(lu.descriptorSense()));
            return;
        }
        int length = cdb.parameterListLength();
        if (length == 0) {
            ctx.complete(ScsiResponse.good(null, 0)); // SPC-5 6.9: no data, nothing changes
            return;
        }
        if (length < headerLength(cdb)) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense()));
            return;
        }
        int received = ctx.task().expectedLength(length);
        if (received < headerLength(cdb)) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR)
                    .toResponse(lu.descriptorSense(), length));
            return;
        }
        ctx.receiveData(received, new ModeSelect(ctx, cdb));
    }

    /**
     * SPC-5 6.9: PF 0 (vendor-specific pages) is not supported; SP 1 on an LU without saved values
     * asks to save pages it cannot save. Both INVALID FIELD IN CDB, pointing at the bit.
     */
    static Failure checkCdb(Cdb.ModeSelect cdb, boolean savable) {
        if (!cdb.pf()) {
            return Failure.invalidFieldInCdb(1, 4);
        }
        if (cdb.sp() && !savable) {
            return Failure.invalidFieldInCdb(1, 0);
        }
        return null;
    }

    private static int headerLength(Cdb.ModeSelect cdb) {
        return cdb.opcode() == Opcodes.MODE_SELECT_10 ? 8 : 4;
    }

    /**
     * The parameter list arrived (on the transport's thread): the LUN actor, which owns the mode
     * parameters, checks it whole against their current values and applies it.
     */
    @Override
    public void received(DataBuffer buffer) {
        byte[] list = DataBuffer.takeBytes(buffer);
        ctx.withState(state -> apply(parse(cdb, list, ctx.lu()), state));
    }

    /** On the LUN actor's thread. With SP 1 the values are saved first and current once durable. */
    private void apply(Checked checked, LuState state) {
        LuContext lu = ctx.lu();
        switch (checked) {
            case Refused r -> ctx.complete(r.failure().toResponse(lu.descriptorSense()));
            case Changes c -> {
                ModeParameters.Values values = new ModeParameters.Values(c.wce(), c.dSense(), c.swp(), c.uaInterlock());
                if (c.tapeBlockLength() >= 0 && state.tape() != null
                        && state.tape().blockLength() != c.tapeBlockLength()) {
                    state.tape().blockLength(c.tapeBlockLength()); // SSC-3 8.3.3: fixed- or variable-block mode
                    state.unitAttentions().establishForAllBut(lu.nexus(), SenseReason.MODE_PARAMETERS_CHANGED);
                }
                // SPC-5 7.5.1: the port raises MODE PARAMETERS CHANGED (2A/01) for every other
                // I_T nexus when the current values changed, none when nothing changed
                state.control().submit(new ControlOp.ModeSelect(lu.nexus(), values, cdb.sp(), state.mode().values()),
                        result -> ctx.complete(ControlResponse.of(result, lu.descriptorSense())));
            }
        }
    }

    /** The Data-Out never arrived (connection lost, transport abort). */
    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    /**
     * Checks a whole parameter list against the LU: the {@link Changes} to apply, or why it is
     * {@link Refused}. Pure: the LU's mode parameters are only read.
     */
    static Checked parse(Cdb.ModeSelect cdb, byte[] list, LuContext lu) {
        boolean ten = cdb.opcode() == Opcodes.MODE_SELECT_10;
        int header = ten ? 8 : 4;
        if (list.length < header) {
            return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        // SPC-5 7.5.5: MODE DATA LENGTH is reserved in MODE SELECT; MEDIUM TYPE 00h for SBC;
        // the DEVICE-SPECIFIC PARAMETER's WP and DPOFUA are ignored in MODE SELECT (SBC-4 6.5.1).
        int mediumType = ten ? 2 : 1;
        if (list[mediumType] != 0) {
            return new Refused(invalidParameter(mediumType, 7));
        }
        boolean longLba = ten && (list[4] & 0x01) != 0;
        int descriptorLength = ten ? u16(list, 6) : list[3] & 0xFF;
        int descriptorLengthAt = ten ? 6 : 3;
        int expectedDescriptor = longLba ? 16 : 8;
        if (descriptorLength != 0 && descriptorLength != expectedDescriptor) {
            return new Refused(invalidParameter(descriptorLengthAt, 7));
        }
        if (list.length < header + descriptorLength) {
            return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        int tapeBlockLength = -1;
        boolean tape = lu.device().peripheralDeviceType() == BlockDevice.TAPE;
        if (descriptorLength > 0 && tape) {
            if (longLba) {
                return new Refused(invalidParameter(4, 0)); // SSC-3 8.3.3: a tape's block descriptor is the short one
            }
            Failure f = checkTapeBlockDescriptor(list, header);
            if (f != null) {
                return new Refused(f);
            }
            tapeBlockLength = (int) (u32(list, header + 4) & 0x00FF_FFFFL);
        } else if (descriptorLength > 0) {
            Failure f = checkBlockDescriptor(list, header, longLba, lu.device());
            if (f != null) {
                return new Refused(f);
            }
        }
        boolean wce = lu.mode().writeCacheEnabled();
        boolean dSense = lu.mode().descriptorSense();
        boolean swp = lu.mode().softwareWriteProtect();
        int uaInterlock = lu.mode().uaInterlock();
        int at = header + descriptorLength;
        while (at < list.length) {
            if (list.length - at < 2) {
                return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
            }
            if ((list[at] & 0x40) != 0) {
                return new Refused(invalidParameter(at, 6)); // SPF: no subpages
            }
            int page = list[at] & 0x3F;          // PS (bit 7) is reserved in MODE SELECT
            if (!ModeSense.known(page, lu)) {
                return new Refused(invalidParameter(at, 5));
            }
            int pageLength = ModeSense.pageLength(page);
            if ((list[at + 1] & 0xFF) != pageLength - 2) {
                return new Refused(invalidParameter(at + 1, 7));
            }
            if (list.length - at < pageLength) {
                return new Refused(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
            }
            byte[] current = ModeSense.page(page, ModeSense.PC_CURRENT, lu);
            byte[] changeable = ModeSense.page(page, ModeSense.PC_CHANGEABLE, lu);
            for (int i = 2; i < pageLength; i++) {
                int wrong = (list[at + i] ^ current[i]) & ~changeable[i] & 0xFF;
                if (wrong != 0) {
                    return new Refused(invalidParameter(at + i, 31 - Integer.numberOfLeadingZeros(wrong)));
                }
            }
            switch (page) {
                case ModeSense.CACHING -> wce = (list[at + 2] & 0x04) != 0;
                case ModeSense.CONTROL -> {
                    dSense = (list[at + 2] & 0x04) != 0;
                    swp = (list[at + 4] & 0x08) != 0;
                    uaInterlock = (list[at + 4] >>> 4) & 0x03;
                    if (uaInterlock == 0b01) {
                        return new Refused(invalidParameter(at + 4, 5)); // 01b is reserved (SPC-5 7.5.8)
                    }
                }
                default -> { }
            }
            at += pageLength;
        }
        return new Changes(wce, dSense, swp, uaInterlock, tapeBlockLength);
    }

    /**
     * SBC-4 6.5.2.2 / 6.5.2.3: the capacity and block length cannot be changed. NUMBER OF LOGICAL
     * BLOCKS 0 leaves the capacity as it is; anything else, and any LOGICAL BLOCK LENGTH, must be
     * the LU's.
     */
    private static Failure checkBlockDescriptor(byte[] list, int at, boolean longLba, BlockDevice device) {
        long blocks = longLba ? u64(list, at) : u32(list, at);
        long capacity = longLba ? device.blockCount() : Math.min(device.blockCount(), 0xFFFF_FFFFL);
        if (blocks != 0 && blocks != capacity) {
            return invalidParameter(at, 7);
        }
        int lengthAt = longLba ? at + 12 : at + 4;
        long blockLength = longLba ? u32(list, lengthAt) : u32(list, lengthAt) & 0x00FF_FFFFL;
        if (!longLba && list[lengthAt] != 0) {
            return invalidParameter(lengthAt, 7); // DENSITY CODE (SBC: reserved)
        }
        if (blockLength != device.blockSize()) {
            return invalidParameter(longLba ? lengthAt : lengthAt + 1, 7);
        }
        return null;
    }

    /**
     * SSC-3 8.3.3 block descriptor of a tape drive: DENSITY CODE 0 (the default) or the drive's,
     * NUMBER OF BLOCKS 0, BLOCK LENGTH 0 (variable-block mode) or within READ BLOCK LIMITS.
     */
    private static Failure checkTapeBlockDescriptor(byte[] list, int at) {
        int density = list[at] & 0xFF;
        if (density != 0 && density != org.scstj.engine.lu.TapeState.DENSITY) {
            return invalidParameter(at, 7);
        }
        if ((u32(list, at) & 0x00FF_FFFFL) != 0) {
            return invalidParameter(at + 1, 7);
        }
        long blockLength = u32(list, at + 4) & 0x00FF_FFFFL;
        if (blockLength != 0 && (blockLength < org.scstj.engine.lu.TapeState.MIN_BLOCK_LENGTH
                || blockLength > org.scstj.engine.lu.TapeState.MAX_BLOCK_LENGTH)) {
            return invalidParameter(at + 5, 7);
        }
        return null;
    }

    private static Failure invalidParameter(int byteOffset, int bit) {
        return new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, FieldPointer.parameter(byteOffset, bit),
                false, 0);
    }
}
