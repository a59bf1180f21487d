package org.scstj.transports.iscsi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The iSCSI target driver's settings, read once from {@code scstj.target-drivers.iscsi}
 * (every key is documented in this module's {@code reference.conf}).
 *
 * @param portals        where to listen
 * @param portalGroupTag RFC 7143 13.9 TargetPortalGroupTag of every portal
 * @param negotiation    the target's side of operational negotiation
 * @param maxCmdWindow   commands in flight per session (MaxCmdSN - ExpCmdSN + 1)
 * @param loginTimeout   absolute deadline for reaching the full feature phase
 * @param zeroCopyMinLength Data-In of at least this many bytes from a file-backed LU is sent with
 *                          sendfile (no user-space copy) when DataDigest is off; Integer.MAX_VALUE: never
 * @param recovery          ERL 1, NOP-In ping and Async Message settings (docs/recovery.md)
 */
public record IscsiSettings(List<Portal> portals, int portalGroupTag, Negotiation negotiation,
                            int maxCmdWindow, Duration loginTimeout, int zeroCopyMinLength, Recovery recovery) {

    /** The highest ErrorRecoveryLevel (RFC 7143 13.20) this driver implements; the only bound on the setting. */
    public static final int MAX_ERROR_RECOVERY_LEVEL = 2;

    /**
     * @param maxRetainedBytes Data-In bytes one connection keeps for SNACK (ERL >= 1) before it
     *                         stops retaining (RFC 7143 11.16; docs/recovery.md)
     * @param nopInInterval    how often the target pings with a NOP-In (RFC 7143 11.19); zero: never
     * @param nopInTimeout     how long a ping may stay unanswered before the connection is closed
     * @param logoutGrace      at stop, how long sessions asked to log out (Async Message, 11.9) may take
     */
    public record Recovery(long maxRetainedBytes, Duration nopInInterval, Duration nopInTimeout, Duration logoutGrace) {
    }

    private static final String BLOCK = "scstj.target-drivers.iscsi";
    /** The most connections a session may have (RFC 7143 13.2 allows 65535; every one shares the session's event loop). */
    public static final int MAX_CONNECTIONS = 64;

    /** One listening address; {@code host} is a literal or name without brackets. */
    public record Portal(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** The target's offered values and limits for RFC 7143 13 keys. */
    public record Negotiation(int maxRecvDataSegmentLength, int maxBurstLength, int firstBurstLength,
                              boolean initialR2T, boolean immediateData, int maxOutstandingR2T,
                              List<String> headerDigest, List<String> dataDigest,
                              int defaultTime2Wait, int defaultTime2Retain,
                              int errorRecoveryLevel, int maxConnections) {
    }

    /**
     * Reads and validates the block; throws {@link ConfigException} naming the key at fault.
     * Accepts either the {@code scstj.target-drivers.iscsi} block itself or a root config holding
     * it; missing keys come from {@code reference.conf}.
     */
    public static IscsiSettings from(Config iscsi) {
        Config block = iscsi.hasPath(BLOCK) ? iscsi.getConfig(BLOCK) : iscsi;
        Config c = block.withFallback(ConfigFactory.defaultReference(IscsiSettings.class.getClassLoader()).getConfig(BLOCK));
        List<Portal> portals = new ArrayList<>();
        for (String p : c.getStringList("portals")) {
            portals.add(parsePortal(c, p));
        }
        if (portals.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "portals", "at least one portal is required");
        }
        int tpgt = range(c, "portal-group-tag", 1, 65535);
        int window = range(c, "max-cmd-window", 1, 65536);
        Duration loginTimeout = c.getDuration("login-timeout");
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "login-timeout", "must be positive");
        }
        Config n = c.getConfig("negotiation");
        int maxBurst = range(n, "max-burst-length", 512, 0xFF_FFFF);
        int firstBurst = range(n, "first-burst-length", 512, 0xFF_FFFF);
        if (firstBurst > maxBurst) {
            throw bad(n, "first-burst-length", "must not exceed max-burst-length (RFC 7143 13.14)");
        }
        Negotiation negotiation = new Negotiation(
                range(n, "max-recv-data-segment-length", 512, 0xFF_FFFF), maxBurst, firstBurst,
                n.getBoolean("initial-r2t"), n.getBoolean("immediate-data"),
                range(n, "max-outstanding-r2t", 1, 65535),
                digests(n, "header-digest"), digests(n, "data-digest"),
                range(n, "default-time2wait", 0, 3600), range(n, "default-time2retain", 0, 3600),
                range(n, "error-recovery-level", 0, MAX_ERROR_RECOVERY_LEVEL), range(n, "max-connections", 1, MAX_CONNECTIONS));
        int zeroCopy = Integer.MAX_VALUE;
        if (c.getBoolean("zero-copy-reads")) {
            long min = c.getBytes("zero-copy-min-length");
            if (min < 1 || min > Integer.MAX_VALUE) {
                throw bad(c, "zero-copy-min-length", "must be between 1 byte and 2 GiB");
            }
            zeroCopy = (int) min;
        }
        long retained = c.getBytes("max-retained-data-in");
        if (retained < 0) {
            throw bad(c, "max-retained-data-in", "must not be negative");
        }
        Recovery recovery = new Recovery(retained, nonNegative(c, "nop-in-interval"), nonNegative(c, "nop-in-timeout"),
                nonNegative(c, "logout-grace"));
        if (!recovery.nopInInterval().isZero() && recovery.nopInTimeout().isZero()) {
            throw bad(c, "nop-in-timeout", "must be positive when nop-in-interval is set");
        }
        return new IscsiSettings(List.copyOf(portals), tpgt, negotiation, window, loginTimeout, zeroCopy, recovery);
    }

    private static Duration nonNegative(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isNegative()) {
            throw bad(c, key, "must not be negative");
        }
        return d;
    }

    private static Portal parsePortal(Config c, String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw bad(c, "portals", "\"" + text + "\" is not [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw bad(c, "portals", "\"" + text + "\" is not host:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw bad(c, "portals", "port out of range in \"" + text + "\"");
            }
            return new Portal(host, p);
        } catch (NumberFormatException e) {
            throw bad(c, "portals", "bad port in \"" + text + "\"");
        }
    }

    private static List<String> digests(Config c, String key) {
        List<String> values = c.getStringList(key);
        if (values.isEmpty()) {
            throw bad(c, key, "at least one of None, CRC32C");
        }
        for (String v : values) {
            if (!v.equals("None") && !v.equals("CRC32C")) {
                throw bad(c, key, "\"" + v + "\" is not None or CRC32C");
            }
        }
        return List.copyOf(values);
    }

    private static int range(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw bad(c, key, "must be in " + min + ".." + max + ", was " + v);
        }
        return v;
    }

    private static ConfigException bad(Config c, String key, String why) {
        return new ConfigException.BadValue(c.hasPath(key) ? c.getValue(key).origin() : c.origin(), key, why);
    }
}
