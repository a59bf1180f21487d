package org.scstj.engine.spi;

import com.typesafe.config.Config;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A transport's lifecycle, driven by the daemon, and what the management plane sees of it and may
 * change while it runs. Every method may be called from any thread; the stages complete on the
 * driver's threads.
 */
public interface TargetDriver {
    String name();

    /** Starts listening; completes when the portals are bound (or fails naming the portal). */
    CompletionStage<Void> start(ScsiCore core);

    /** Stops accepting, ends every session (Logout / close), completes when all are gone. */
    CompletionStage<Void> stop();

    /** A snapshot of every session (discovery sessions excluded). Default: none. */
    default CompletionStage<List<SessionInfo>> sessions() {
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * Ends the session at once: every connection closed, its tasks aborted through the engine (as a
     * connection loss at ERL 0, no retention). Completes true when found.
     */
    default CompletionStage<Boolean> closeSession(String id) {
        return CompletableFuture.completedFuture(false);
    }

    /**
     * Asks the initiator to log out (iSCSI: Async Message AsyncEvent 1, RFC 7143 11.9.1, with
     * Parameter3 = the driver's logout grace in seconds, on every connection); a session still there
     * after the grace is closed as by {@link #closeSession}. Completes true when found, at once
     * (it does not wait for the logout).
     */
    default CompletionStage<Boolean> requestLogout(String id) {
        return CompletableFuture.completedFuture(false);
    }

    /** Closes every session of a target (the target is being removed or disabled); completes when they are gone. */
    default CompletionStage<Void> closeSessions(String targetName) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Applies a new settings block (the driver's own, e.g. {@code scstj.target-drivers.iscsi})
     * while running. Completes with the problems that need a restart (nothing applied then), or an
     * empty list once applied. Default: any change needs a restart.
     */
    default CompletionStage<List<String>> reconfigure(Config driverBlock) {
        return CompletableFuture.completedFuture(List.of(name() + " settings cannot change while running: needs a restart"));
    }

    /**
     * The node lost its cluster lease: stop accepting and end every connection at once (no Logout,
     * nothing pending flushed; TCP reset where the transport has one), so this node acknowledges
     * nothing more. Idempotent; a driver not started does nothing. Default: nothing to fence.
     */
    default CompletionStage<Void> fence() {
        return CompletableFuture.completedFuture(null);
    }

    /** The lease is back: listen again on the portals {@link #fence} closed. Idempotent. */
    default CompletionStage<Void> unfence() {
        return CompletableFuture.completedFuture(null);
    }
}
