package org.scstj.transports.iscsi.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code dev_iscsi} device's settings, read once and checked (opens nothing).
 *
 * @param portal         the remote target's portal
 * @param target         its iSCSI name (RFC 7143 4.2.7.1)
 * @param lun            the logical unit behind it
 * @param initiatorName  the name this handler logs in with
 * @param chapUser       CHAP name (RFC 7143 12.1.3), or null: no authentication
 * @param chapSecret     CHAP secret, with {@code chapUser}
 * @param type           the peripheral device type the remote LU must have (SPC-5 6.7.2), or -1: any
 * @param timeout        how long one command may take before the backend session counts as lost
 * @param loginTimeout   how long one login attempt may take
 * @param reconnectMin   the first wait before logging in again after a loss
 * @param reconnectMax   the longest wait between login attempts (the backoff doubles up to it)
 * @param nopInterval    an idle backend session is pinged (NOP-Out, RFC 7143 11.18) this often
 * @param maxTransfer    the largest data transfer of one command in bytes
 */
record GatewaySettings(InetSocketAddress portal, String target, int lun, String initiatorName, String chapUser,
                       String chapSecret, int type, Duration timeout, Duration loginTimeout, Duration reconnectMin,
                       Duration reconnectMax, Duration nopInterval, int maxTransfer) {
    static final String HANDLER = "dev_iscsi";
    static final String PORTAL = "portal";
    static final String TARGET = "target";
    static final String LUN = "lun";
    static final String INITIATOR_NAME = "initiator-name";
    static final String CHAP = "chap";
    static final String TYPE = "type";
    static final String TIMEOUT = "timeout";
    static final String LOGIN_TIMEOUT = "login-timeout";
    static final String RECONNECT_MIN = "reconnect-min";
    static final String RECONNECT_MAX = "reconnect-max";
    static final String NOP_INTERVAL = "nop-interval";
    static final String MAX_TRANSFER = "max-transfer";
    static final Set<String> KEYS = Set.of(PORTAL, TARGET, LUN, INITIATOR_NAME, CHAP, TYPE, TIMEOUT, LOGIN_TIMEOUT,
            RECONNECT_MIN, RECONNECT_MAX, NOP_INTERVAL, MAX_TRANSFER);
    /** SAM-5 4.6.4: a single-level LUN addressable with the flat or peripheral method. */
    static final int MAX_LUN = 16383;

    /** Reads the settings of device {@code name}; {@code problems} collects "key: message" lines. */
    static GatewaySettings read(String name, Config device, List<String> problems) {
        Config c = device.withFallback(ConfigFactory.defaultReference().getConfig("scstj.handler-defaults." + HANDLER));
        for (String key : device.root().keySet()) {
            if (!KEYS.contains(key)) {
                problems.add(key + ": unknown key for a " + HANDLER + " device (known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        InetSocketAddress portal = portal(c, problems);
        String target = string(c, TARGET, problems);
        if (target != null && !target.startsWith("iqn.") && !target.startsWith("eui.") && !target.startsWith("naa.")) {
            problems.add(TARGET + ": not an iSCSI name (RFC 7143 4.2.7.1: iqn., eui. or naa.): " + target);
        }
        int lun = 0;
        try {
            lun = c.getInt(LUN);
            if (lun < 0 || lun > MAX_LUN) {
                problems.add(LUN + ": must be 0.." + MAX_LUN + ", was " + lun);
            }
        } catch (ConfigException e) {
            problems.add(LUN + ": " + e.getMessage());
        }
        String initiator = c.hasPath(INITIATOR_NAME) ? string(c, INITIATOR_NAME, problems) : defaultInitiatorName(name);
        String chapUser = null;
        String chapSecret = null;
        if (c.hasPath(CHAP)) {
            try {
                Config chap = c.getConfig(CHAP);
                chapUser = string(chap, "user", problems);
                chapSecret = string(chap, "secret", problems);
                if (chapSecret != null && chapSecret.length() < 12) {
                    // RFC 7143 12.1.3: at least 96 bits of secret
                    problems.add(CHAP + ".secret: shorter than 12 characters (RFC 7143 12.1.3 asks for 96 bits)");
                }
            } catch (ConfigException e) {
                problems.add(CHAP + ": expected { user = ..., secret = ... }: " + e.getMessage());
            }
        }
        int type = c.hasPath(TYPE) ? type(c, problems) : -1;
        Duration timeout = duration(c, TIMEOUT, Duration.ofSeconds(1), problems);
        Duration loginTimeout = duration(c, LOGIN_TIMEOUT, Duration.ofMillis(100), problems);
        Duration min = duration(c, RECONNECT_MIN, Duration.ofMillis(10), problems);
        Duration max = duration(c, RECONNECT_MAX, Duration.ofMillis(10), problems);
        if (max.compareTo(min) < 0) {
            problems.add(RECONNECT_MAX + ": shorter than " + RECONNECT_MIN);
        }
        Duration nop = duration(c, NOP_INTERVAL, Duration.ofMillis(100), problems);
        long maxTransfer = 1 << 20;
        try {
            maxTransfer = c.getBytes(MAX_TRANSFER);
            if (maxTransfer < 512 || maxTransfer > (64 << 20)) {
                problems.add(MAX_TRANSFER + ": must be 512 bytes..64M, was " + maxTransfer);
            }
        } catch (ConfigException e) {
            problems.add(MAX_TRANSFER + ": not a size (give one such as 512K, 1M): " + e.getMessage());
        }
        return new GatewaySettings(portal, target, lun, initiator, chapUser, chapSecret, type, timeout, loginTimeout,
                min, max, nop, (int) Math.min(maxTransfer, Integer.MAX_VALUE));
    }

    /**
     * An IQN of this node for device {@code name} (RFC 7143 4.2.7.2: lower case, digits, '-', '.' and
     * ':'): {@code iqn.2026-11.org.scstj:<host>:gw.<device>}, one initiator per gateway device, so the
     * remote target's ACLs can tell them apart.
     */
    static String defaultInitiatorName(String name) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return "iqn.2026-11.org.scstj:" + iqnPart(host) + ":gw." + iqnPart(name);
    }

    private static String iqnPart(String s) {
        String lower = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        return lower.isEmpty() ? "x" : lower;
    }

    private static InetSocketAddress portal(Config c, List<String> problems) {
        String text = string(c, PORTAL, problems);
        if (text == null) {
            return null;
        }
        String host;
        String port = null;
        if (text.startsWith("[")) { // an IPv6 literal (RFC 3986 3.2.2)
            int close = text.indexOf(']');
            host = close < 0 ? "" : text.substring(1, close);
            String rest = close < 0 ? "" : text.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                host = "";
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        int number = 3260; // the well-known port of iscsi-target (IANA service registry)
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
        }
        if (host.isEmpty() || number < 1 || number > 65535) {
            problems.add(PORTAL + ": expected host:port (IPv6 in brackets), was " + text);
            return null;
        }
        return InetSocketAddress.createUnresolved(host, number);
    }

    private static int type(Config c, List<String> problems) {
        String t = c.getValue(TYPE).unwrapped().toString().toLowerCase(Locale.ROOT);
        int type = switch (t) {
            case "disk" -> 0x00;
            case "tape" -> 0x01;
            case "processor" -> 0x03;
            case "cdrom" -> 0x05;
            case "modisk" -> 0x07;
            case "changer" -> 0x08;
            case "raid" -> 0x0C;
            default -> {
                try {
                    yield Integer.decode(t);
                } catch (NumberFormatException e) {
                    yield -2;
                }
            }
        };
        if (type < 0 || type > 0x1F) {
            problems.add(TYPE + ": disk, tape, processor, cdrom, modisk, changer, raid or a peripheral device type"
                    + " 0..31, was " + t);
            return -1;
        }
        return type;
    }

    private static String string(Config c, String key, List<String> problems) {
        if (!c.hasPath(key)) {
            problems.add(key + ": required");
            return null;
        }
        try {
            String s = c.getString(key);
            if (s.isBlank()) {
                problems.add(key + ": empty");
                return null;
            }
            return s;
        } catch (ConfigException e) {
            problems.add(key + ": " + e.getMessage());
            return null;
        }
    }

    private static Duration duration(Config c, String key, Duration least, List<String> problems) {
        try {
            Duration d = c.getDuration(key);
            if (d.compareTo(least) < 0) {
                problems.add(key + ": at least " + least.toMillis() + " ms, was " + c.getValue(key).render());
                return least;
            }
            return d;
        } catch (ConfigException e) {
            problems.add(key + ": not a duration (give one such as 500ms, 30s): " + e.getMessage());
            return least;
        }
    }
}
