package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.25 START STOP UNIT: loads or ejects the medium of a removable LU, flushing cached
 * blocks first unless NO_FLUSH is set.
 *
 * <ul>
 *   <li>POWER CONDITION other than 0h (START_VALID): START and LOEJ are ignored (SBC-4 5.25) and
 *       the command is GOOD. A virtual LU has one power condition, active, and stays in it, for
 *       every value 1h-Fh (libiscsi StartStopUnit.PwrCnd expects GOOD for each, reserved ones
 *       included, and the medium still loaded).</li>
 *   <li>LOEJ 1 on a LU whose medium is not removable: INVALID FIELD IN CDB at LOEJ.</li>
 *   <li>LOEJ 1 while any I_T nexus prevents medium removal (SBC-4 5.13): ILLEGAL REQUEST, MEDIUM
 *       REMOVAL PREVENTED 53/02, for a load as for an eject (libiscsi PreventAllow.Eject).</li>
 *   <li>LOEJ 1, START 0: flush (NO_FLUSH 0), then eject: medium-access commands get NOT READY,
 *       MEDIUM NOT PRESENT until a load. LOEJ 1, START 1: load. Either is GOOD when the medium
 *       already is where it was asked to be.</li>
 *   <li>LOEJ 0, START 0: flush (NO_FLUSH 0) and GOOD; the LU stays ready. SBC-4 has it enter the
 *       stopped power condition (NOT READY 04/02 until START 1), but libiscsi StartStopUnit.NoLoej
 *       expects TEST UNIT READY to stay GOOD, and SCST's vdisk (whose design scstj follows) does
 *       the same: a virtual LU has no spindle to stop. LOEJ 0, START 1: GOOD.</li>
 * </ul>
 * IMMED is accepted; status is returned once the operation is done, which is what IMMED 0 asks
 * and what an initiator sees after IMMED 1 too.
 */
public final class StartStopUnit implements BlockDevice.Completion {
    private final ExecContext ctx;
    /** LOEJ 1, START 0: eject once the cache is flushed; otherwise only the flush of a stop. */
    private final boolean eject;

    private StartStopUnit(ExecContext ctx, boolean eject) {
        this.ctx = ctx;
        this.eject = eject;
    }

    /** On the LUN actor's thread, as every exec stage's entry. */
    public static void execute(Cdb.StartStopUnit cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        MediumState medium = ctx.state().medium();
        if (cdb.powerCondition() != 0) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        if (cdb.loej()) {
            if (!medium.removable()) {
                ctx.complete(Failure.invalidFieldInCdb(4, 1).toResponse(lu.descriptorSense()));
                return;
            }
            if (medium.removalPrevented()) {
                ctx.complete(Failure.of(SenseReason.MEDIUM_REMOVAL_PREVENTED).toResponse(lu.descriptorSense()));
                return;
            }
            if (cdb.start()) {
                ctx.complete(moved(medium.load(lu.nexus()), lu, ctx.state()));
                return;
            }
            if (!medium.present()) {
                ctx.complete(ScsiResponse.good(null, 0));
                return;
            }
        } else if (cdb.start() || !medium.present()) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        StartStopUnit op = new StartStopUnit(ctx, cdb.loej());
        if (cdb.noFlush()) {
            op.completed();
            return;
        }
        try {
            lu.device().flush(op);
        } catch (RuntimeException e) {
            op.failed(BlockDevice.IoFailure.INTERNAL, e);
        }
    }

    /**
     * SPC-5 table of ASCs: a medium that became ready is NOT READY TO READY CHANGE, MEDIUM MAY HAVE
     * CHANGED (28/00) for every other nexus, so each rereads capacity and labels; the one that loaded
     * it knows. On the LUN actor's thread.
     */
    private static ScsiResponse moved(MediumState.Result result, LuContext lu, LuState state) {
        return switch (result) {
            case MOVED -> {
                if (state.medium().present()) {
                    state.unitAttentions().establishForAllBut(lu.nexus(),
                            SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED);
                    state.medium().mediaEvent(MediumState.NEW_MEDIA, state.unitAttentions().nexuses());
                } else if (state.medium().trayOpen() && state.medium().loaded()) {
                    // MMC-6 6.7.2.5: every nexus polling media events learns the medium left
                    state.medium().mediaEvent(MediumState.MEDIA_REMOVAL, state.unitAttentions().nexuses());
                }
                yield ScsiResponse.good(null, 0);
            }
            case UNCHANGED -> ScsiResponse.good(null, 0);
            case REMOVAL_PREVENTED -> Failure.of(SenseReason.MEDIUM_REMOVAL_PREVENTED).toResponse(lu.descriptorSense());
        };
    }

    /**
     * The flush (or NO_FLUSH) is done, on the device's thread: the LUN actor ejects if LOEJ asked for
     * it, which a PREVENT meanwhile may refuse.
     */
    @Override
    public void completed() {
        if (!eject) {
            ctx.complete(ScsiResponse.good(null, 0));
            return;
        }
        LuContext lu = ctx.lu();
        ctx.withState(state -> ctx.complete(moved(state.medium().eject(lu.nexus()), lu, state)));
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        ctx.complete(Failure.of(IoFailures.reason(failure, true)).toResponse(ctx.lu().descriptorSense()));
    }
}
