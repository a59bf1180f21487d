package org.scstj.engine.latency;

import java.util.Locale;

/**
 * The stages of a command whose durations are measured, each between two timestamps taken on the
 * command's way (docs/latency.md has the picture).
 */
public enum Stage {
    /** From the transport's hand-off ({@code SessionHandle.submit}) to the session actor taking it up. */
    RECEIVE,
    /** Decoding the CDB and finding the LUN, in the session actor. */
    PARSE,
    /** From the parse to the checks passed: the hand-off to the LUN actor, admission, UA, reservation, write protection. */
    CHECKS,
    /** Waiting in the task set for a conflicting or ordered task (SAM-5 8.6); zero for most SIMPLE tasks. */
    TASK_SET,
    /** The device handler's execution, from its start to its completion. */
    EXEC,
    /** From the exec stage's completion (or an early answer) to the transport's {@code complete} returning. */
    XMIT,
    /** From the transport's hand-off to the transport's {@code complete} returning. */
    TOTAL;

    static final Stage[] ALL = values();

    /** The name in the admin API and the JFR events: {@code task-set}, {@code exec}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
