package org.scstj.engine.cdb;

import org.scstj.engine.sense.Failure;

/** The outcome of {@link CdbDecoder#decode}: a typed command, or the sense to reject it with. */
public sealed interface Decoded {
    record Ok(Cdb cdb) implements Decoded {
    }

    record Rejected(Failure failure) implements Decoded {
    }
}
