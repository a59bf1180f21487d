package org.scstj.transports.iscsi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.spi.Names;
import org.scstj.transports.iscsi.config.ChapConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The iSCSI target driver's settings, read once from {@code scstj.target-drivers.iscsi}
 * (every key is documented in this module's {@code reference.conf}).
 *
 * @param portalGroups   where to listen: RFC 7143 4.4.1 portal groups, each with its 13.9 tag
 * @param targets        per configured target, the portal groups it is reachable through and its
 *                       login redirection; a target not in this map is reachable through every group
 * @param negotiation    the target's side of operational negotiation
 * @param maxCmdWindow   commands in flight per session (MaxCmdSN - ExpCmdSN + 1)
 * @param loginTimeout   absolute deadline for reaching the full feature phase
 * @param zeroCopyMinLength Data-In of at least this many bytes from a file-backed LU is sent with
 *                          sendfile (no user-space copy) when DataDigest is off; Integer.MAX_VALUE: never
 * @param maxLoginConnectionsPerSource connections from one remote address that may be in the login
 *                          phase at once; the excess is closed at accept (bad-inputs row 18)
 * @param chap           CHAP credentials per target, security group and discovery (RFC 7143 12.1.3)
 * @param recovery       ERL 1, NOP-In ping and Async Message settings (docs/recovery.md)
 * @param chapBackoff    how wrong CHAP responses slow down the next verdicts (bad-inputs row 9)
 */
public record IscsiSettings(List<PortalGroup> portalGroups, Map<String, TargetPortals> targets, Negotiation negotiation,
                            int maxCmdWindow, Duration loginTimeout, int zeroCopyMinLength,
                            int maxLoginConnectionsPerSource, ChapConfig chap,
                            Recovery recovery, ChapBackoff chapBackoff) {

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

        /** 0.0.0.0 or :: (every address of that family). */
        public boolean wildcard() {
            return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
        }
    }

    /**
     * An RFC 7143 4.4.1 portal group: its TargetPortalGroupTag (13.9, 1..65535), which is also the
     * SPC target port group of the nexus, and its portals.
     *
     * @param redirect when not null, every Normal-session login for a target of this group is
     *                 redirected there (RFC 7143 6.2, 11.13.5)
     */
    public record PortalGroup(String name, int tag, List<Portal> portals, Redirect redirect) {
    }

    /**
     * Login redirection (RFC 7143 11.13.5: status class 1, detail 1 temporarily or 2 permanently moved).
     *
     * @param targetAddress the RFC 7143 13.8 TargetAddress sent: {@code host:port[,tpgt]}
     */
    public record Redirect(String targetAddress, boolean permanent) {
    }

    /**
     * A target's place among the portal groups.
     *
     * @param groups   the names of the portal groups it is reachable through
     * @param redirect when not null, answers logins for it arriving on a portal of another group
     */
    public record TargetPortals(List<String> groups, Redirect redirect) {
    }

    /** Every portal of every group, in configuration order. */
    public List<Portal> portals() {
        List<Portal> out = new ArrayList<>();
        for (PortalGroup g : portalGroups) {
            out.addAll(g.portals());
        }
        return List.copyOf(out);
    }

    /** The portal groups a target is reachable through (every group when the target was not configured). */
    public List<PortalGroup> groupsOf(String target) {
        TargetPortals t = targets.get(target);
        if (t == null) {
            return portalGroups;
        }
        return portalGroups.stream().filter(g -> t.groups().contains(g.name())).toList();
    }

    /** The target's own redirection, or null. */
    public Redirect redirectOf(String target) {
        TargetPortals t = targets.get(target);
        return t == null ? null : t.redirect();
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
        List<PortalGroup> groups = portalGroups(block, c);
        Map<String, TargetPortals> targets = targets(c, groups);
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
        int perSource = range(c, "max-login-connections-per-source", 1, 65535);
        return new IscsiSettings(groups, targets, negotiation, window, loginTimeout, zeroCopy,
                perSource, ChapConfig.from(c), recovery, chapBackoff(c.getConfig("chap-failure-backoff"), loginTimeout));
    }

    /** max-delay counts at most half the login timeout: a delayed login must still complete in time. */
    private static ChapBackoff chapBackoff(Config b, Duration loginTimeout) {
        Duration max = nonNegative(b, "max-delay");
        Duration half = loginTimeout.dividedBy(2);
        if (max.compareTo(half) > 0) {
            max = half;
        }
        return new ChapBackoff(range(b, "free-failures", 0, 1000), nonNegative(b, "initial-delay"),
                max, nonNegative(b, "forget-after"), range(b, "tracked-sources", 0, 1_000_000));
    }

    private static Duration nonNegative(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isNegative()) {
            throw bad(c, key, "must not be negative");
        }
        return d;
    }

    /**
     * {@code portal-groups { <name> { tag = N, portals = [...], redirect { ... } } }}, or else the
     * single group {@code default} made of {@code portals} and {@code portal-group-tag}. Groups are
     * kept in tag order (that is the order SendTargets lists them in).
     */
    private static List<PortalGroup> portalGroups(Config written, Config c) {
        if (!written.hasPath("portal-groups")) {
            List<Portal> portals = portals(c, "portals");
            return List.of(new PortalGroup("default", range(c, "portal-group-tag", 1, 65535), portals, null));
        }
        for (String legacy : List.of("portals", "portal-group-tag")) {
            if (written.hasPath(legacy) && !"reference.conf".equals(written.getValue(legacy).origin().resource())) {
                throw bad(written, legacy, "give either portal-groups or portals/portal-group-tag, not both");
            }
        }
        if (!(c.getValue("portal-groups") instanceof ConfigObject object) || object.isEmpty()) {
            throw bad(c, "portal-groups", "expected { <name> { tag = 1..65535, portals = [\"host:port\", ...] } }");
        }
        List<PortalGroup> groups = new ArrayList<>();
        Map<Integer, String> tags = new HashMap<>();
        Map<Portal, String> owners = new HashMap<>();
        List<Config> configs = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String name = e.getKey();
            if (!(e.getValue() instanceof ConfigObject o)) {
                throw bad(c, "portal-groups", "group " + name + " must be { tag = ..., portals = [...] }");
            }
            Config g = o.toConfig();
            for (String key : o.keySet()) {
                if (!List.of("tag", "portals", "redirect").contains(key)) {
                    throw bad(g, key, "unknown key in portal group " + name + " (known: tag, portals, redirect)");
                }
            }
            if (!g.hasPath("tag")) {
                throw bad(c, "portal-groups", "portal group " + name + " needs a tag (1..65535, RFC 7143 13.9)");
            }
            int tag = range(g, "tag", 1, 65535);
            String same = tags.putIfAbsent(tag, name);
            if (same != null) {
                throw bad(g, "tag", "portal groups " + same + " and " + name + " have the same tag " + tag);
            }
            List<Portal> portals = portals(g, "portals");
            for (Portal p : portals) {
                for (Map.Entry<Portal, String> other : owners.entrySet()) {
                    if (overlaps(p, other.getKey())) {
                        throw bad(g, "portals", "portal " + p + " of group " + name + " overlaps " + other.getKey()
                                + " of group " + other.getValue() + " (a portal belongs to one group)");
                    }
                }
            }
            portals.forEach(p -> owners.put(p, name));
            groups.add(new PortalGroup(name, tag, portals, null));
            configs.add(g);
        }
        List<PortalGroup> out = new ArrayList<>(); // redirects may name a later group's portal
        for (int i = 0; i < groups.size(); i++) {
            PortalGroup g = groups.get(i);
            out.add(new PortalGroup(g.name(), g.tag(), g.portals(), redirect(configs.get(i), groups, g.portals())));
        }
        out.sort(java.util.Comparator.comparingInt(PortalGroup::tag)); // HOCON objects have no order; tags do
        return List.copyOf(out);
    }

    private static String portalsOf(PortalGroup g) {
        return g.portals().size() == 1 ? "portal " + g.portals().getFirst() : "a portal";
    }

    /** Same address and port, or the same port under a wildcard of the same family. */
    private static boolean overlaps(Portal a, Portal b) {
        if (a.port() != b.port() || a.port() == 0) {
            return false; // port 0: each bind gets its own ephemeral port
        }
        if (a.host().equals(b.host())) {
            return true;
        }
        boolean v6a = a.host().indexOf(':') >= 0;
        boolean v6b = b.host().indexOf(':') >= 0;
        return v6a == v6b && (a.wildcard() || b.wildcard());
    }

    private static List<Portal> portals(Config c, String key) {
        if (!c.hasPath(key) || c.getValue(key).valueType() != ConfigValueType.LIST) {
            throw bad(c, key, "expected a list of \"host:port\" or \"[ipv6]:port\"");
        }
        List<Portal> portals = new ArrayList<>();
        for (String p : c.getStringList(key)) {
            Portal portal = parsePortal(c, key, p);
            if (portals.contains(portal)) {
                throw bad(c, key, "portal " + portal + " listed twice");
            }
            portals.add(portal);
        }
        if (portals.isEmpty()) {
            throw bad(c, key, "at least one portal is required");
        }
        return List.copyOf(portals);
    }

    /** {@code targets."<name>" { portal-groups = [...], redirect { ... } }}; other target keys are mgmt's. */
    private static Map<String, TargetPortals> targets(Config c, List<PortalGroup> groups) {
        if (!c.hasPath("targets") || !(c.getValue("targets") instanceof ConfigObject targets)) {
            return Map.of();
        }
        Map<String, TargetPortals> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : targets.entrySet()) {
            if (!(e.getValue() instanceof ConfigObject o)) {
                continue; // mgmt's TargetReader reports it
            }
            Config t = o.toConfig();
            if (!t.hasPath("portal-groups") && !t.hasPath("redirect")) {
                continue;
            }
            List<String> names = groups.stream().map(PortalGroup::name).toList();
            if (t.hasPath("portal-groups")) {
                if (t.getValue("portal-groups").valueType() != ConfigValueType.LIST) {
                    throw bad(t, "portal-groups", "expected a list of portal group names");
                }
                names = t.getStringList("portal-groups");
                for (String n : names) {
                    if (groups.stream().noneMatch(g -> g.name().equals(n))) {
                        throw bad(t, "portal-groups", "target " + e.getKey() + " names unknown portal group " + n
                                + " (known: " + String.join(", ", groups.stream().map(PortalGroup::name).toList()) + ")");
                    }
                }
            }
            Redirect redirect = redirect(t, groups, List.of());
            if (redirect != null) {
                for (PortalGroup g : groups) {
                    if (!names.contains(g.name()) && g.portals().stream().anyMatch(p -> redirect.targetAddress()
                            .equals(p.toString()) || redirect.targetAddress().startsWith(p + ","))) {
                        throw bad(t, "redirect", "target " + e.getKey() + " would be redirected to " + portalsOf(g)
                                + " of portal group " + g.name() + ", which it is not in (a redirect loop)");
                    }
                }
            }
            if (names.isEmpty() && redirect == null) {
                throw bad(t, "portal-groups", "target " + e.getKey() + " is in no portal group and not redirected");
            }
            out.put(Names.canonical(e.getKey()), new TargetPortals(List.copyOf(names), redirect)); // logins look up canonical names
        }
        return Map.copyOf(out);
    }

    /**
     * {@code redirect { to = "host:port[,tpgt]", permanent = false }}. Without a tag, one of this
     * driver's own portals gets its group's tag.
     */
    private static Redirect redirect(Config c, List<PortalGroup> groups, List<Portal> ownGroupPortals) {
        if (!c.hasPath("redirect")) {
            return null;
        }
        if (!(c.getValue("redirect") instanceof ConfigObject o)) {
            throw bad(c, "redirect", "expected { to = \"host:port\", permanent = true|false }");
        }
        Config r = o.toConfig();
        for (String key : o.keySet()) {
            if (!key.equals("to") && !key.equals("permanent")) {
                throw bad(r, key, "unknown key in redirect (known: to, permanent)");
            }
        }
        if (!r.hasPath("to")) {
            throw bad(c, "redirect", "missing: to = \"host:port\" (RFC 7143 13.8 TargetAddress)");
        }
        String to = r.getString("to").strip();
        String address = to;
        String tag = null;
        int comma = to.lastIndexOf(',');
        if (comma >= 0) {
            address = to.substring(0, comma);
            tag = to.substring(comma + 1);
            try {
                int t = Integer.parseInt(tag);
                if (t < 1 || t > 65535) {
                    throw bad(r, "to", "portal group tag out of 1..65535 in \"" + to + "\"");
                }
            } catch (NumberFormatException e) {
                throw bad(r, "to", "bad portal group tag in \"" + to + "\"");
            }
        }
        Portal target = parsePortal(r, "to", address);
        if (target.port() == 0 || target.wildcard()) {
            throw bad(r, "to", "\"" + to + "\" must name one address and a port 1..65535");
        }
        if (ownGroupPortals.contains(target)) {
            throw bad(r, "to", "a portal group cannot redirect to its own portal " + target);
        }
        if (tag == null) {
            for (PortalGroup g : groups) {
                if (g.portals().contains(target)) {
                    tag = Integer.toString(g.tag());
                }
            }
        }
        boolean permanent = r.hasPath("permanent") && r.getBoolean("permanent");
        return new Redirect(target + (tag == null ? "" : "," + tag), permanent);
    }

    private static Portal parsePortal(Config c, String key, String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw bad(c, key, "\"" + text + "\" is not [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw bad(c, key, "\"" + text + "\" is not host:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw bad(c, key, "port out of range in \"" + text + "\"");
            }
            return new Portal(host, p);
        } catch (NumberFormatException e) {
            throw bad(c, key, "bad port in \"" + text + "\"");
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
