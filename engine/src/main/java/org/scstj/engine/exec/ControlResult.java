package org.scstj.engine.exec;

import org.scstj.engine.pr.PrOut;
import org.scstj.engine.sense.SenseReason;

/** How a {@link ControlOp} ended, as data. */
public sealed interface ControlResult {
    /** Applied (or, where the standard says so, a GOOD no-op): the command ends with GOOD. */
    record Done() implements ControlResult {
    }

    /** Refused by the state as it is; nothing changed (RESERVATION CONFLICT or an invalid field). */
    record Refused(PrOut.Outcome outcome) implements ControlResult {
    }

    /** Could not be made durable or could not be decided (the state file was not written, no quorum). */
    record Failed(SenseReason reason) implements ControlResult {
    }

    ControlResult DONE = new Done();
}
