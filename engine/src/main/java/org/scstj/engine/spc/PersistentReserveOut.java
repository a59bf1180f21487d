package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u32;
import static org.scstj.engine.cdb.BigEndian.u64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.Registrant;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

import java.util.List;

/**
 * SPC-5 6.17 PERSISTENT RESERVE OUT: checks the CDB's PARAMETER LIST LENGTH before any Data-Out
 * is asked for (a length beyond what any list can need is PARAMETER LIST LENGTH ERROR 1A/00, and
 * nothing is allocated for it), then parses the parameter list (6.17.3, and 6.17.4 for REGISTER
 * AND MOVE) into a {@link PrOut} with its TransportIDs ({@link TransportIds}: malformed ones are
 * INVALID FIELD IN PARAMETER LIST 26/00), all on the transport's thread, and hands it to the LUN
 * actor, which submits it to the LU's control port ({@code exec.LuControlPort}): there the
 * reservations' state machine runs, the unit attentions it leaves are established, and PREEMPT AND
 * ABORT aborts the preempted nexuses' tasks and waits until they left the device (SPC-5
 * 5.14.11.4.5). With APTPL the new state is durable before the command completes.
 */
public final class PersistentReserveOut implements TransportTask.DataReceiver {
    /** The basic parameter list (SPC-5 6.17.3). */
    static final int BASIC_LENGTH = 24;
    /** 24 bytes, the TransportID length field, and room for 128 TransportIDs of the longest kind. */
    static final long MAX_LENGTH = BASIC_LENGTH + 4 + 128L * TransportIds.MAX_LENGTH;

    private final Cdb.PersistentReserveOut cdb;
    private final ExecContext ctx;

    private PersistentReserveOut(Cdb.PersistentReserveOut cdb, ExecContext ctx) {
        this.cdb = cdb;
        this.ctx = ctx;
    }

    public static void execute(Cdb.PersistentReserveOut cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        long length = cdb.parameterListLength();
        if (length < BASIC_LENGTH || length > MAX_LENGTH) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(lu.descriptorSense()));
            return;
        }
        int received = ctx.task().expectedLength((int) length);
        if (received < length) {
            // EDTL shorter than the list: refused untransferred, the overflow reported as for the others
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR)
                    .toResponse(lu.descriptorSense(), (int) length));
            return;
        }
        ctx.receiveData(received, new PersistentReserveOut(cdb, ctx));
    }

    @Override
    public void received(DataBuffer buffer) {
        byte[] list = DataBuffer.takeBytes(buffer);
        LuContext lu = ctx.lu();
        Object parsed = parse(cdb, list, lu.persistsReservations());
        if (parsed instanceof Failure f) {
            ctx.complete(f.toResponse(lu.descriptorSense()));
            return;
        }
        PrOut out = (PrOut) parsed;
        ctx.withState(state -> run(out, state));
    }

    /**
     * On the LUN actor's thread: the LU's control port runs SPC-5 5.14.7 to 5.14.11 and their
     * consequences for the other nexuses; the command ends as it says.
     */
    private void run(PrOut out, LuState state) {
        LuContext lu = ctx.lu();
        state.control().submit(new ControlOp.PrOut(lu.nexus(), ctx.task().tag(), out),
                result -> ctx.complete(ControlResponse.of(result, lu.descriptorSense())));
    }

    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    static ScsiResponse respond(PrOut.Outcome outcome, boolean descriptorSense) {
        return switch (outcome) {
            case GOOD -> ScsiResponse.good(null, 0);
            case CONFLICT -> new ScsiResponse(ScsiResponse.RESERVATION_CONFLICT, null, null, 0);
            case INVALID_SCOPE_OR_TYPE -> Failure.invalidFieldInCdb(2).toResponse(descriptorSense);
            case INVALID_PARAMETER -> Failure.of(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).toResponse(descriptorSense);
            case INVALID_RELEASE ->
                    Failure.of(SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION).toResponse(descriptorSense);
        };
    }

    /** The checked request, or the {@link Failure} that refuses the list. Pure. */
    static Object parse(Cdb.PersistentReserveOut cdb, byte[] list, boolean persistable) {
        if (list.length < BASIC_LENGTH) {
            return Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        long key = u64(list, 0);
        long saKey = u64(list, 8);
        if (cdb.serviceAction() == PrOut.REGISTER_AND_MOVE) {
            // SPC-5 6.17.4: UNREG byte 17 bit 1, APTPL bit 0, RELATIVE TARGET PORT IDENTIFIER 18-19,
            // TRANSPORTID PARAMETER DATA LENGTH 20-23, one TransportID from byte 24
            boolean aptpl = (list[17] & 0x01) != 0;
            if (aptpl && !persistable) {
                return invalidParameter(17, 0);
            }
            long idLength = u32(list, 20);
            if (idLength > list.length - BASIC_LENGTH) {
                return invalidParameter(20, 7);
            }
            List<Registrant> ids = TransportIds.parseAll(list, BASIC_LENGTH, (int) idLength);
            if (ids == null || ids.size() != 1) {
                return invalidParameter(24, 7);
            }
            return new PrOut(cdb.serviceAction(), cdb.scope(), cdb.type(), key, saKey, false, false, aptpl, ids,
                    (list[17] & 0x02) != 0, u16(list, 18));
        }
        // SPC-5 6.17.3: SPEC_I_PT byte 20 bit 3, ALL_TG_PT bit 2, APTPL bit 0
        boolean specIPt = (list[20] & 0x08) != 0;
        boolean allTgPt = (list[20] & 0x04) != 0;
        boolean aptpl = (list[20] & 0x01) != 0;
        boolean register = cdb.serviceAction() == PrOut.REGISTER
                || cdb.serviceAction() == PrOut.REGISTER_AND_IGNORE_EXISTING_KEY;
        if (!specIPt && list.length != BASIC_LENGTH) {
            return Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (specIPt && !register) {
            return invalidParameter(20, 3);
        }
        if (aptpl && !persistable) {
            return invalidParameter(20, 0);
        }
        List<Registrant> ids = List.of();
        if (specIPt) {
            if (list.length < BASIC_LENGTH + 4) {
                return Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
            }
            long idLength = u32(list, BASIC_LENGTH);
            if (idLength > list.length - BASIC_LENGTH - 4) {
                return invalidParameter(BASIC_LENGTH, 7);
            }
            ids = TransportIds.parseAll(list, BASIC_LENGTH + 4, (int) idLength);
            if (ids == null || ids.isEmpty()) {
                return invalidParameter(BASIC_LENGTH + 4, 7);
            }
        }
        return new PrOut(cdb.serviceAction(), cdb.scope(), cdb.type(), key, saKey, specIPt, allTgPt, aptpl, ids,
                false, 0);
    }

    private static Failure invalidParameter(int byteOffset, int bit) {
        return new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, FieldPointer.parameter(byteOffset, bit), false, 0);
    }
}
