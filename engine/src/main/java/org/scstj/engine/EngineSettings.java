package org.scstj.engine;

import com.typesafe.config.Config;

/**
 * The engine's own settings ({@code scstj.engine}), read once.
 *
 * @param sessionDispatcher dispatcher id of session actors
 * @param lunDispatcher     dispatcher id of LUN actors
 * @param tmfDispatcher     dispatcher id of task-management actors
 * @param blockingDispatcher dispatcher id lent to device handlers for blocking I/O
 * @param nexusQueueDepth   commands one nexus may have outstanding on one LU (SAM-5 5.3.4)
 * @param loginTimeoutMillis how long opening a session may take
 * @param wholeMediumBytesPerSecond write rate limit of FORMAT UNIT and SANITIZE on one LU, 0 for none
 * @param lunQueueDepth     commands all nexuses together may have outstanding on one LU (BUSY past it, SAM-5 5.3)
 * @param measureLatency    whether each LU's per-stage latency histograms count from the start (docs/latency.md)
 * @param mailbox           mailbox id (a block with a {@code mailbox-type}) of the target, session, LUN and TMF actors
 */
public record EngineSettings(String sessionDispatcher, String lunDispatcher, String tmfDispatcher,
                             String blockingDispatcher, int nexusQueueDepth, long loginTimeoutMillis,
                             long wholeMediumBytesPerSecond, int lunQueueDepth, boolean measureLatency,
                             String mailbox) {
    public static EngineSettings from(Config config) {
        Config e = config.getConfig("scstj.engine");
        int depth = e.getInt("nexus-queue-depth");
        if (depth < 1 || depth > 65536) {
            throw new com.typesafe.config.ConfigException.BadValue(e.origin(), "scstj.engine.nexus-queue-depth",
                    "must be between 1 and 65536, was " + depth);
        }
        long rate = e.getBytes("whole-medium-rate");
        if (rate < 0) {
            throw new com.typesafe.config.ConfigException.BadValue(e.origin(), "scstj.engine.whole-medium-rate",
                    "must not be negative, was " + rate);
        }
        int lunDepth = e.getInt("lun-queue-depth");
        if (lunDepth < 1 || lunDepth > 1 << 20) {
            throw new com.typesafe.config.ConfigException.BadValue(e.origin(), "scstj.engine.lun-queue-depth",
                    "must be between 1 and 1048576, was " + lunDepth);
        }
        return new EngineSettings(e.getString("session-dispatcher"), e.getString("lun-dispatcher"),
                e.getString("tmf-dispatcher"), e.getString("blocking-dispatcher"), depth,
                e.getDuration("session-open-timeout").toMillis(), rate, lunDepth,
                e.hasPath("measure-latency") && e.getBoolean("measure-latency"), e.getString("mailbox"));
    }
}
