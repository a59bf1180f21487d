package org.scstj.engine.spi;

import java.io.IOException;

/**
 * Why a transport could not deliver a command's Data-Out, given to
 * {@link TransportTask.DataReceiver#failed}: the core ends the command CHECK CONDITION with the
 * matching sense, in the format the logical unit uses (its D_SENSE), so a transport never builds
 * sense bytes of its own for a command the core runs. Any other cause of {@code failed} (a lost
 * connection, a task the transport ended) leaves the answer to the command's own handling.
 */
public final class DataOutFailure extends IOException {
    /** The transport's reason, each with its sense in the core's vocabulary. */
    public enum Reason {
        /** A data digest error lost Data-Out that is not asked for again (RFC 7143 7.8): ABORTED COMMAND, 47/05. */
        DATA_DIGEST,
        /** Unsolicited Data-Out the transport does not allow (RFC 7143 13.10, InitialR2T=Yes): ABORTED COMMAND, 0C/0C. */
        UNEXPECTED_UNSOLICITED_DATA,
        /** Less unsolicited Data-Out than the transport requires (RFC 7143 13.10, 13.14): ABORTED COMMAND, 0C/0D. */
        NOT_ENOUGH_UNSOLICITED_DATA
    }

    private final Reason reason;

    public DataOutFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
