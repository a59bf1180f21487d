package org.scstj.cluster.config;

import java.util.concurrent.CompletionStage;

/**
 * One node's side of a cluster-wide configuration change (docs/design/cluster.md 5.3), driven by
 * its {@link ConfigFollower}: the management plane validates, plans and runs the undoable device
 * steps in {@link #prepare} and keeps every other change out until {@link #commit} or {@link
 * #abort} of the same revision. Calls come one at a time, in the order the follower makes them.
 */
public interface ConfigParticipant {
    /** Phase 1: prepare {@code text} as revision {@code revision}; the vote says yes or why not. */
    CompletionStage<Vote> prepare(long revision, String text, boolean allowDisruptive, boolean force);

    /** Phase 2: bring the engine to the prepared document, write the file, let other changes in. */
    CompletionStage<Void> commit(long revision);

    /** Phase 2, refused elsewhere: undo the prepared steps (nothing if {@code revision} is not prepared). */
    CompletionStage<Void> abort(long revision);

    /**
     * A node's vote.
     *
     * @param status  0 when prepared, else the HTTP status of the refusal (409, 422, 503)
     * @param message why not (empty when prepared)
     */
    record Vote(int status, String message) {
        public static Vote yes() {
            return new Vote(0, "");
        }

        public boolean ok() {
            return status == 0;
        }
    }
}
