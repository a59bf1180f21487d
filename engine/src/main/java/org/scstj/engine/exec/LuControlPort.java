package org.scstj.engine.exec;

import java.util.function.Consumer;

/**
 * The one way a logical unit's control state changes (its reservations, mode parameters and
 * asymmetric access states, {@link ControlOp}): a command or task management function submits an
 * operation and gets its {@link ControlResult} back. The port decides where the state machine runs
 * and where the result is kept: on one node the LUN actor runs it at once and keeps it in the
 * state directory ({@code lun.LocalLuControl}); another implementation may send the operation to
 * a single writer elsewhere and install what comes back.
 *
 * <p>Threads: {@link #submit} is called on the LUN actor's thread ({@link LuState#control}). It
 * returns at once; {@code done} runs exactly once, on the actor's thread or on any other (the
 * caller must only complete its command there, or go through {@link ExecContext#withState}). Until
 * {@code done} ran the change may not be visible yet; once it ran, every later command of the LU is
 * checked against it.
 */
public interface LuControlPort {
    void submit(ControlOp op, Consumer<ControlResult> done);
}
