package org.scstj.engine.lun;

import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.ReservationFile;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sense.SenseReason;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The single-node {@link LuControlPort}: the LU's control state is the LUN actor's own, and every
 * operation runs there at once on it ({@link Reservations}, {@link ModeParameters}, the access
 * states): the notices a change leaves are evaluated over this actor's nexuses (unit attentions
 * established, PREEMPT AND ABORT's tasks aborted and waited for), and what must survive a restart
 * is written before {@code done} runs: persistent reservations with APTPL to the LU's
 * {@link ReservationFile} (SPC-5 5.14.4), saved mode parameters to theirs (SPC-5 7.5.2).
 *
 * <p>Threads: {@link #submit} on the actor's thread; {@code onActor} brings work back to it after a
 * write on the blocking executor. {@code done} runs on the actor's thread, or on the blocking
 * executor after a reservation-file write.
 */
public final class LocalLuControl implements LuControlPort {
    private final LuState state;
    private final ReservationFile file;
    private final Consumer<Runnable> onActor;

    /**
     * The port over {@code state} (the LUN actor's), keeping APTPL reservations in {@code file}
     * (null: nothing is kept across a restart); {@code onActor} runs an action on the actor's thread.
     */
    public LocalLuControl(LuState state, ReservationFile file, Consumer<Runnable> onActor) {
        this.state = state;
        this.file = file;
        this.onActor = onActor;
    }

    @Override
    public void submit(ControlOp op, Consumer<ControlResult> done) {
        switch (op) {
            case ControlOp.PrOut p -> persistentReserveOut(p, done);
            case ControlOp.Reserve r -> done.accept(state.reservations().reserve(r.nexus()) ? ControlResult.DONE
                    : new ControlResult.Refused(PrOut.Outcome.CONFLICT));
            case ControlOp.Release r -> {
                state.reservations().release(r.nexus());
                done.accept(ControlResult.DONE);
            }
            case ControlOp.ModeSelect m -> modeSelect(m, done);
            case ControlOp.SetTargetPortGroups s ->
                    state.changeAccessStates(s.states(), s.nexus(), () -> done.accept(ControlResult.DONE));
            case ControlOp.Reset r -> {
                if (r.restoreMode()) {
                    state.mode().restoreSaved();
                }
                state.reservations().reset();
                done.accept(ControlResult.DONE);
            }
            // the LUN actor cleared its tasks itself: on one node there are no others
            case ControlOp.ClearTaskSet c -> done.accept(ControlResult.DONE);
            case ControlOp.NexusLost n -> {
                state.reservations().nexusLost(n.nexus());
                done.accept(ControlResult.DONE);
            }
        }
    }

    /**
     * SPC-5 5.14.7 to 5.14.11 on the reservations, then their consequences for the other nexuses:
     * unit attentions, and for PREEMPT AND ABORT the preempted nexuses' tasks aborted and quiesced
     * (SPC-5 5.14.11.4.5); with APTPL the new state is durable before {@code done}.
     */
    private void persistentReserveOut(ControlOp.PrOut p, Consumer<ControlResult> done) {
        Reservations.Result result = state.reservations().execute(p.nexus(), p.out());
        if (result.outcome() != PrOut.Outcome.GOOD) {
            done.accept(new ControlResult.Refused(result.outcome()));
            return;
        }
        Predicate<org.scstj.engine.spi.Nexus> aborted = null;
        for (Reservations.Notice n : result.notices()) {
            if (n.condition() != null) {
                state.unitAttentions().establishWhere(n.to(), n.condition());
            }
            if (n.abortTasks()) {
                aborted = aborted == null ? n.to() : aborted.or(n.to());
            }
        }
        Runnable finish = () -> {
            if (file == null) {
                done.accept(ControlResult.DONE);
                return;
            }
            file.persist(state.reservations().toData()).whenComplete((v, failure) -> done.accept(
                    failure == null ? ControlResult.DONE : new ControlResult.Failed(SenseReason.INTERNAL_TARGET_FAILURE)));
        };
        if (aborted == null) {
            finish.run();
        } else {
            state.abortTasksOf(aborted, p.nexus(), p.tag(), finish);
        }
    }

    /**
     * SPC-5 7.5: the new current values; with SP 1 saved first, current once durable. When the
     * current values changed, every other nexus gets MODE PARAMETERS CHANGED (SPC-5 7.5.1, 2A/01).
     */
    private void modeSelect(ControlOp.ModeSelect m, Consumer<ControlResult> done) {
        ModeParameters mode = state.mode();
        ModeParameters.Values before = mode.current();
        if (!m.save()) {
            mode.apply(m.values());
            announce(before, m);
            done.accept(ControlResult.DONE);
            return;
        }
        mode.save(m.values()).whenComplete((saved, failure) -> onActor.accept(() -> {
            if (failure != null) {
                done.accept(new ControlResult.Failed(SenseReason.INTERNAL_TARGET_FAILURE));
                return;
            }
            state.mode().applySaved(saved);
            announce(before, m);
            done.accept(ControlResult.DONE);
        }));
    }

    private void announce(ModeParameters.Values before, ControlOp.ModeSelect m) {
        if (!before.equals(state.mode().current())) {
            state.unitAttentions().establishForAllBut(m.nexus(), SenseReason.MODE_PARAMETERS_CHANGED);
        }
    }
}
