package org.scstj.transports.iscsi.config;

import java.time.Duration;

/**
 * How the CHAP verdicts are slowed down after failures ({@code chap-failure-backoff},
 * read by the login's {@code AuthFailureBackoff}).
 *
 * @param freeFailures   failures before any delay
 * @param initialDelay   the delay after the first failure past {@code freeFailures}
 * @param maxDelay       the longest delay (below the login timeout, so a delayed login still completes)
 * @param forgetAfter    a quiet period after which a source's or account's failures are forgotten
 * @param trackedSources sources (and accounts) remembered at most
 */
public record ChapBackoff(int freeFailures, Duration initialDelay, Duration maxDelay, Duration forgetAfter,
                          int trackedSources) {
    /** No back-off: every verdict at once. */
    public static final ChapBackoff OFF = new ChapBackoff(Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
}
