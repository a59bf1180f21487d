package org.scstj.engine.spc;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.cdb.BigEndian;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SPC-5 6.47 SET TARGET PORT GROUPS: an explicit change of the access states of target port
 * groups (SPC-5 5.16.3). The parameter list is four reserved bytes, then one four-byte descriptor
 * per group to change: ASYMMETRIC ACCESS STATE in byte 0 bits 3:0, TARGET PORT GROUP in bytes 2–3.
 * The whole list is checked before anything changes, and is one change: the groups go through
 * TRANSITIONING together, and every other nexus of the LU gets 2A/06 (the one that asked does not).
 */
public final class SetTargetPortGroups implements TransportTask.DataReceiver {
    private static final int HEADER = 4;
    private static final int DESCRIPTOR = 4;

    private final ExecContext ctx;

    private SetTargetPortGroups(ExecContext ctx) {
        this.ctx = ctx;
    }

    public static void execute(Cdb.SetTargetPortGroups cdb, ExecContext ctx) {
        boolean dsense = ctx.lu().descriptorSense();
        if (!ctx.state().alua().tpgs().explicit()) {
            ctx.complete(Failure.of(SenseReason.INVALID_COMMAND_OPERATION_CODE).toResponse(dsense));
            return;
        }
        long length = cdb.parameterListLength();
        if (length == 0) {
            ctx.complete(ScsiResponse.good(null, 0)); // SPC-5 6.47: no parameter data, nothing changes
            return;
        }
        if (length < HEADER + DESCRIPTOR || (length - HEADER) % DESCRIPTOR != 0 || length > 0xFFFF) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(dsense));
            return;
        }
        int received = ctx.task().expectedLength((int) length);
        if (received < length) {
            ctx.complete(Failure.of(SenseReason.PARAMETER_LIST_LENGTH_ERROR).toResponse(dsense, 0));
            return;
        }
        ctx.receiveData(received, new SetTargetPortGroups(ctx));
    }

    @Override
    public void received(DataBuffer data) {
        byte[] list = DataBuffer.takeBytes(data);
        ctx.withState(state -> apply(list, state));
    }

    /** On the LUN actor's thread, which owns the states: checks the list against them, then changes them. */
    private void apply(byte[] list, LuState state) {
        Object checked = parse(list, state.alua());
        if (checked instanceof Failure f) {
            ctx.complete(f.toResponse(ctx.lu().descriptorSense()));
            return;
        }
        @SuppressWarnings("unchecked")
        Map<Integer, AccessState> states = (Map<Integer, AccessState>) checked;
        state.control().submit(new ControlOp.SetTargetPortGroups(ctx.lu().nexus(), states),
                result -> ctx.complete(ControlResponse.of(result, ctx.lu().descriptorSense())));
    }

    @Override
    public void failed(Throwable cause) {
        ctx.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(ctx.lu().descriptorSense()));
    }

    /**
     * The new state of each group the list names, or why the list is refused: INVALID FIELD IN
     * PARAMETER LIST pointing at the ASYMMETRIC ACCESS STATE of a descriptor asking for
     * transitioning (SPC-5 6.47: not a state one may ask for) or an unknown code, or at the TARGET
     * PORT GROUP of a group the LU does not have or that two descriptors name.
     */
    static Object parse(byte[] list, AluaState alua) {
        Map<Integer, AccessState> states = new LinkedHashMap<>();
        for (int at = HEADER; at + DESCRIPTOR <= list.length; at += DESCRIPTOR) {
            AccessState s = switch (list[at] & 0x0F) {
                case 0x0 -> AccessState.ACTIVE_OPTIMIZED;
                case 0x1 -> AccessState.ACTIVE_NON_OPTIMIZED;
                case 0x2 -> AccessState.STANDBY;
                case 0x3 -> AccessState.UNAVAILABLE;
                default -> null;
            };
            if (s == null) {
                return invalid(at, 3);
            }
            int group = BigEndian.u16(list, at + 2);
            if (alua.group(group) == null || states.containsKey(group)) {
                return invalid(at + 2, 7);
            }
            states.put(group, s);
        }
        return states;
    }

    private static Failure invalid(int byteOffset, int bit) {
        return new Failure(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, FieldPointer.parameter(byteOffset, bit), false, 0);
    }
}
