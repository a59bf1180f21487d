package org.scstj.engine.spi;

import java.util.concurrent.CompletionStage;

/** A transport's lifecycle, driven by the daemon. */
public interface TargetDriver {
    String name();

    /** Starts listening; completes when the portals are bound (or fails naming the portal). */
    CompletionStage<Void> start(ScsiCore core);

    /** Stops accepting, ends every session (Logout / close), completes when all are gone. */
    CompletionStage<Void> stop();

    /** PLACEHOLDER until the transport branch lands. */
    default CompletionStage<java.util.List<SessionInfo>> sessions() {
        return java.util.concurrent.CompletableFuture.completedFuture(java.util.List.of());
    }

    default CompletionStage<Boolean> closeSession(String id) {
        return java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    default CompletionStage<Boolean> requestLogout(String id) {
        return java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    default CompletionStage<Void> closeSessions(String targetName) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    default CompletionStage<java.util.List<String>> reconfigure(com.typesafe.config.Config driverBlock) {
        return java.util.concurrent.CompletableFuture.completedFuture(java.util.List.of());
    }
}
