package org.scstj.engine.spc;

import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.sense.Failure;

/** The status a change of the LU's control state ends its command with ({@code exec.LuControlPort}). */
final class ControlResponse {
    private ControlResponse() {
    }

    /**
     * GOOD when done; a refusal as PERSISTENT RESERVE OUT reports it (RESERVATION CONFLICT, or the
     * invalid field, SPC-5 6.17); a failure as CHECK CONDITION with its reason.
     */
    static ScsiResponse of(ControlResult result, boolean descriptorSense) {
        return switch (result) {
            case ControlResult.Done d -> ScsiResponse.good(null, 0);
            case ControlResult.Refused r -> PersistentReserveOut.respond(r.outcome(), descriptorSense);
            case ControlResult.Failed f -> Failure.of(f.reason()).toResponse(descriptorSense);
        };
    }
}
