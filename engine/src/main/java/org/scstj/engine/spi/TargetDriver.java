package org.scstj.engine.spi;

import java.util.concurrent.CompletionStage;

/** A transport's lifecycle, driven by the daemon. */
public interface TargetDriver {
    String name();

    /** Starts listening; completes when the portals are bound (or fails naming the portal). */
    CompletionStage<Void> start(ScsiCore core);

    /** Stops accepting, ends every session (Logout / close), completes when all are gone. */
    CompletionStage<Void> stop();
}
