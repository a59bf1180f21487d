package org.scstj.cluster;

import java.time.Duration;

/**
 * How fast a lost node is noticed and removed: the failure detector's acceptable pause and the
 * split-brain resolver's {@code stable-after}. A lease must end before the majority can act on a
 * silent node: {@code lease < acceptableHeartbeatPause + stableAfter - 1s}.
 */
public enum FailoverTiming {
    /** Heartbeats every 500 ms, 2 s acceptable pause, stable-after 3 s: a dead node is removed in ≈ 6 s. */
    FAST("fast", Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(3)),
    /** Pekko's own defaults (heartbeat 1 s, pause 3 s, SBR stable-after 20 s): slower, more tolerant of stalls. */
    PEKKO_DEFAULTS("pekko-defaults", Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(20));

    private final String key;
    private final Duration heartbeatInterval;
    private final Duration acceptableHeartbeatPause;
    private final Duration stableAfter;

    FailoverTiming(String key, Duration heartbeatInterval, Duration acceptableHeartbeatPause, Duration stableAfter) {
        this.key = key;
        this.heartbeatInterval = heartbeatInterval;
        this.acceptableHeartbeatPause = acceptableHeartbeatPause;
        this.stableAfter = stableAfter;
    }

    /** The configuration value naming it. */
    public String key() {
        return key;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration acceptableHeartbeatPause() {
        return acceptableHeartbeatPause;
    }

    public Duration stableAfter() {
        return stableAfter;
    }

    /** The longest lease this timing allows (exclusive): the lease must expire before the majority acts. */
    public Duration leaseLimit() {
        return acceptableHeartbeatPause.plus(stableAfter).minusSeconds(1);
    }

    /** The timing named {@code key}, or null. */
    public static FailoverTiming of(String key) {
        for (FailoverTiming t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        return null;
    }
}
