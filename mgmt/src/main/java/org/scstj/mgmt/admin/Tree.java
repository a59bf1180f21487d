package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ScstjConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The self-documenting object tree, in the shape of the configuration and of SCST's sysfs:
 * handlers → devices; target drivers → iscsi → targets → LUNs and groups → initiators and LUNs,
 * portals, sessions → connections; alua → target groups, device groups. Every node carries its API path, its generation, its
 * attributes (value, type, unit, default, whether it changes online or needs a restart, a line of
 * description) and the actions it accepts.
 */
final class Tree {
    private final ChangeManager changes;
    private final ChangeManager.State state;
    private final List<SessionInfo> sessions;
    private final boolean secrets;

    Tree(ChangeManager changes, List<SessionInfo> sessions, boolean secrets) {
        this.changes = changes;
        this.state = changes.state();
        this.sessions = sessions;
        this.secrets = secrets;
    }

    /** One attribute's description and value. */
    static Map<String, Object> attribute(Object value, String type, String unit, Object defaultValue, boolean live,
                                         boolean restart, String description) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("value", value);
        a.put("type", type);
        a.put("unit", unit);
        a.put("default", defaultValue);
        a.put("writable", live);
        a.put("restart", restart);
        a.put("description", description);
        return a;
    }

    private Map<String, Object> node(String kind, String name, String path, Map<String, Object> attributes,
                                     List<String> actions) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("kind", kind);
        n.put("name", name);
        n.put("path", path);
        n.put("generation", changes.generation(path));
        n.put("attributes", attributes);
        n.put("actions", actions);
        n.put("children", new ArrayList<Map<String, Object>>());
        return n;
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> parent, Map<String, Object> child) {
        ((List<Map<String, Object>>) parent.get("children")).add(child);
    }

    /** The whole tree down to {@code depth} levels below the root (0: the root alone). */
    Map<String, Object> root(int depth) {
        Map<String, Object> root = node("root", "scstj", Paths.API, settings(), List.of("GET"));
        root.put("revision", state.revision());
        if (depth <= 0) {
            return root;
        }
        Map<String, Object> handlers = node("collection", "handlers", Paths.API + "/handlers", Map.of(), List.of("GET"));
        add(root, handlers);
        if (depth > 1) {
            for (DeviceHandlerFactory h : changes.handlers().values()) {
                Map<String, Object> hn = node("handler", h.type(), Paths.handler(h.type()), Map.of(),
                        List.of("GET", "PUT devices/{name} with this handler"));
                add(handlers, hn);
                if (depth > 2) {
                    for (DeviceSpec d : state.config().engine().devices()) {
                        if (d.handlerType().equals(h.type())) {
                            add(hn, device(d));
                        }
                    }
                }
            }
        }
        Map<String, Object> drivers = node("collection", "target-drivers", Paths.API + "/target-drivers", Map.of(),
                List.of("GET"));
        add(root, drivers);
        if (depth > 1) {
            add(drivers, iscsi(depth - 2));
        }
        add(root, alua(depth - 1));
        return root;
    }

    private Map<String, Object> settings() {
        Map<String, Object> a = new LinkedHashMap<>();
        Config c = state.config().config();
        a.put("state-dir", attribute(c.getString("scstj.state-dir"), "path", "", "state", false, true,
                "where runtime state (mode pages, reservations, the admin token) lives"));
        a.put("config-file", attribute(changes.store() == null ? null : changes.store().file().toString(), "path", "",
                null, false, true, "the file every change is written to"));
        return a;
    }

    Map<String, Object> device(DeviceSpec d) {
        String path = Paths.device(d.name());
        DeviceHandlerFactory h = changes.handlers().get(d.handlerType());
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("handler", attribute(d.handlerType(), "string", "", null, false, false,
                "the device handler (changing it re-adds the device)"));
        List<DeviceHandlerFactory.Attribute> declared = h == null ? List.of() : h.attributes();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (DeviceHandlerFactory.Attribute a : declared) {
            seen.add(a.name());
            Object v = d.config().hasPath(Edits.q(a.name())) ? d.config().getValue(Edits.q(a.name())).unwrapped()
                    : a.defaultValue();
            boolean live = a.live() || a.name().equals("size");
            attrs.put(a.name(), attribute(v, a.type(), a.unit(), a.defaultValue(), live, !live, a.description()));
        }
        for (Map.Entry<String, ConfigValue> e : d.config().root().entrySet()) {
            if (!seen.contains(e.getKey())) {
                boolean live = h != null && (h.liveAttributes().contains(e.getKey()) || e.getKey().equals("size"));
                attrs.put(e.getKey(), attribute(e.getValue().unwrapped(), e.getValue().valueType().name().toLowerCase(),
                        "", null, live, !live, ""));
            }
        }
        Live.DeviceState s = changes.live().devices().get(d.name());
        if (s != null) {
            attrs.put("block-count", attribute(s.blockCount(), "int", "blocks", null, false, false,
                    "logical blocks the LU has now (READ CAPACITY)"));
            attrs.put("capacity", attribute(s.blockCount() * s.blockSize(), "size", "bytes", null, false, false,
                    "bytes the LU has now"));
            if (!s.elements().isEmpty()) {
                attrs.put("elements", attribute(s.elements(), "list", "", null, false, false,
                        "the changer's elements and the cartridge in each (SMC-3 READ ELEMENT STATUS)"));
            }
            if (s.removable() && s.elements().isEmpty()) {
                attrs.put("medium-present", attribute(s.mediumPresent(), "bool", "", null, false, false,
                        "a medium is in the drive and its tray closed: the LU is ready"));
                attrs.put("tray-open", attribute(s.trayOpen(), "bool", "", null, false, false,
                        "an initiator opened the tray (START STOP UNIT); a load closes it"));
            }
        }
        List<String> actions = new ArrayList<>(List.of("GET", "PUT", "PATCH", "DELETE", "POST resize"));
        if (h != null && h.mediumAttribute() != null && (s == null || s.removable())) { // a user disk has none
            actions.add("POST load");
            actions.add("POST eject");
        }
        if (s != null && !s.elements().isEmpty()) {
            actions.add("POST import");
            actions.add("POST export");
        }
        return node("device", d.name(), path, attrs, actions);
    }

    private Map<String, Object> iscsi(int depth) {
        Config block = state.config().iscsi();
        Map<String, Object> attrs = new LinkedHashMap<>();
        ConfigObject reference = ConfigFactory.defaultReference().getConfig(Edits.ISCSI).root();
        for (Map.Entry<String, ConfigValue> e : block.root().entrySet()) {
            String k = e.getKey();
            if (k.equals("targets") || k.equals("portals") || k.equals("portal-groups")) {
                continue;
            }
            ConfigValue def = reference.get(k);
            Object value = secret(k) && !secrets ? "(hidden)" : e.getValue().unwrapped();
            attrs.put(k, attribute(value, e.getValue().valueType().name().toLowerCase(), "",
                    def == null ? null : secret(k) ? null : def.unwrapped(), true, false,
                    def == null ? "" : String.join(" ", def.origin().comments()).trim()));
        }
        Map<String, Object> driver = node("target-driver", "iscsi", Paths.DRIVER, attrs, List.of("GET", "PATCH"));
        if (depth <= 0) {
            return driver;
        }
        Map<String, Object> targets = node("collection", "targets", Paths.API + "/targets", Map.of(),
                List.of("GET", "PUT {name}"));
        add(driver, targets);
        if (depth > 1) {
            targets(targets, depth - 2);
        }
        Map<String, Object> portals = node("collection", "portals", Paths.API + "/portals", Map.of(),
                List.of("GET", "PUT {host:port}"));
        add(driver, portals);
        if (depth > 1) {
            for (var p : state.config().portals()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("address", attribute(p.toString(), "string", "", null, false, false, "host:port listened on"));
                add(portals, node("portal", p.toString(), Paths.portal(p.toString()), a, List.of("GET", "DELETE")));
            }
        }
        if (block.hasPath("portal-groups")) {
            Map<String, Object> groups = node("collection", "portal-groups", Paths.DRIVER + "/portal-groups",
                    Map.of(), List.of("GET"));
            add(driver, groups);
            if (depth > 1) {
                for (Map.Entry<String, ConfigValue> g : block.getObject("portal-groups").entrySet()) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    if (g.getValue() instanceof ConfigObject o) {
                        o.forEach((k, v) -> a.put(k, attribute(v.unwrapped(), v.valueType().name().toLowerCase(), "",
                                null, true, false, "")));
                    }
                    add(groups, node("portal-group", g.getKey(), Paths.DRIVER + "/portal-groups/" + Paths.encode(g.getKey()),
                            a, List.of("GET")));
                }
            }
        }
        Map<String, Object> sessionsNode = node("collection", "sessions", Paths.API + "/sessions", Map.of(),
                List.of("GET"));
        add(driver, sessionsNode);
        if (depth > 1) {
            for (SessionInfo s : sessions) {
                add(sessionsNode, session(s, depth - 2));
            }
        }
        return driver;
    }

    /** {@code scstj.alua} (SPC-5 5.16): target port groups and device groups; the LUs' states are GET /api/v1/alua's. */
    private Map<String, Object> alua(int depth) {
        org.scstj.engine.model.AluaSpec spec = state.config().engine().alua();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("implicit-transition-time", attribute(spec.implicitTransitionSeconds(), "duration", "s", 10, true, false,
                "IMPLICIT TRANSITION TIME of REPORT TARGET PORT GROUPS, 0..255 s"));
        a.put("transition-delay", attribute(spec.transitionDelay().toMillis(), "duration", "ms", 0, true, false,
                "how long a changing target port group shows TRANSITIONING"));
        Map<String, Object> alua = node("alua", "alua", Paths.ALUA, a, List.of("GET"));
        if (depth <= 0) {
            return alua;
        }
        Map<String, Object> targetGroups = node("collection", "target-groups", Paths.ALUA + "/target-groups", Map.of(),
                List.of());
        add(alua, targetGroups);
        Map<String, Object> deviceGroups = node("collection", "device-groups", Paths.ALUA + "/device-groups", Map.of(),
                List.of());
        add(alua, deviceGroups);
        if (depth <= 1) {
            return alua;
        }
        for (org.scstj.engine.model.AluaSpec.TargetGroupSpec g : spec.targetGroups()) {
            Map<String, Object> ga = new LinkedHashMap<>();
            ga.put("id", attribute(g.id(), "int", "", null, true, false, "TARGET PORT GROUP, 1..65535"));
            ga.put("portal-group-tags", attribute(new java.util.TreeSet<>(g.portalGroupTags()), "list", "", null, true,
                    false, "the portal groups whose target ports it holds (for new logins)"));
            add(targetGroups, node("target-group", g.name(), Paths.targetGroup(g.name()), ga, List.of()));
        }
        for (org.scstj.engine.model.AluaSpec.DeviceGroupSpec g : spec.deviceGroups()) {
            Map<String, Object> ga = new LinkedHashMap<>();
            ga.put("devices", attribute(new java.util.TreeSet<>(g.devices()), "list", "", null, true, false,
                    "the devices sharing these states"));
            Map<String, String> states = new java.util.TreeMap<>();
            g.states().forEach((id, st) -> states.put(Integer.toString(id), AluaApi.name(st)));
            ga.put("states", attribute(states, "map", "", null, true, false,
                    "state by target port group id; the others active-optimized"));
            ga.put("preferred", attribute(new java.util.TreeSet<>(g.preferred()), "list", "", null, true, false,
                    "target port groups with PREF set"));
            add(deviceGroups, node("device-group", g.name(), Paths.deviceGroup(g.name()), ga,
                    List.of("PUT states/{tpg}")));
        }
        return alua;
    }

    private void targets(Map<String, Object> parent, int depth) {
        Config doc = state.document();
        if (!doc.hasPath(Edits.TARGETS)) {
            return;
        }
        ConfigObject targets = doc.getObject(Edits.TARGETS);
        for (String name : Hocon.ordered(targets)) {
            if (!(targets.get(name) instanceof ConfigObject t)) {
                continue;
            }
            String path = Paths.target(name);
            Map<String, Object> a = new LinkedHashMap<>();
            boolean enabled = !(t.get("enabled") != null && Boolean.FALSE.equals(t.get("enabled").unwrapped()));
            a.put("enabled", attribute(enabled, "bool", "", true, true, false,
                    "a disabled target refuses logins; disabling closes its sessions"));
            a.put("sessions", attribute(sessions.stream().filter(s -> sameTarget(s.target(), name)).count(), "int", "",
                    null, false, false, "sessions logged in to it"));
            a.put("auth", attribute(auth(t.get("auth")), "object", "", null, true, false,
                    "CHAP for new logins (the secret is never shown)"));
            for (String k : List.of("portal-groups", "redirect")) {
                if (t.get(k) != null) {
                    a.put(k, attribute(t.get(k).unwrapped(), "object", "", null, true, false, "for new logins"));
                }
            }
            Map<String, Object> tn = node("target", name, path, a,
                    List.of("GET", "PUT", "DELETE", "POST enable", "POST disable", "PUT auth"));
            add(parent, tn);
            if (depth > 0) {
                Map<String, Object> luns = node("collection", "luns", path + "/luns", Map.of(), List.of("GET", "PUT {lun}"));
                add(tn, luns);
                luns(luns, path + "/luns", t.get("luns"));
                Map<String, Object> groups = node("collection", "groups", path + "/groups", Map.of(),
                        List.of("GET", "PUT {group}"));
                add(tn, groups);
                if (t.get("groups") instanceof ConfigObject gs) {
                    for (String g : Hocon.ordered(gs)) {
                        if (gs.get(g) instanceof ConfigObject go) {
                            add(groups, group(path + "/groups/" + Paths.encode(g), g, go));
                        }
                    }
                }
            }
        }
    }

    private Map<String, Object> group(String path, String name, ConfigObject g) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("auth", attribute(auth(g.get("auth")), "object", "", null, true, false, "CHAP for this group's initiators"));
        Map<String, Object> gn = node("group", name, path, a, List.of("GET", "PUT", "DELETE"));
        Map<String, Object> inits = node("collection", "initiators", path + "/initiators", Map.of(),
                List.of("GET", "PUT {name}"));
        add(gn, inits);
        if (g.get("initiators") != null && g.get("initiators").unwrapped() instanceof List<?> list) {
            for (Object i : list) {
                add(inits, node("initiator", String.valueOf(i), path + "/initiators/" + Paths.encode(String.valueOf(i)),
                        Map.of(), List.of("GET", "DELETE", "POST move")));
            }
        }
        Map<String, Object> luns = node("collection", "luns", path + "/luns", Map.of(), List.of("GET", "PUT {lun}"));
        add(gn, luns);
        luns(luns, path + "/luns", g.get("luns"));
        return gn;
    }

    private void luns(Map<String, Object> parent, String base, ConfigValue value) {
        if (!(value instanceof ConfigObject luns)) {
            return;
        }
        List<String> keys = new ArrayList<>(luns.keySet());
        keys.sort(java.util.Comparator.comparingLong(k -> k.matches("\\d{1,9}") ? Long.parseLong(k) : Long.MAX_VALUE));
        for (String k : keys) {
            Object v = luns.get(k).unwrapped();
            String device = v instanceof Map<?, ?> m ? String.valueOf(m.get("device")) : String.valueOf(v);
            boolean ro = v instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("read-only"));
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("device", attribute(device, "string", "", null, true, false,
                    "the device it exports (a change gives REPORTED LUNS DATA HAS CHANGED)"));
            a.put("read-only", attribute(ro, "bool", "", false, true, false, "write-protected through this mapping"));
            add(parent, node("lun", k, base + "/" + k, a, List.of("GET", "PUT", "DELETE")));
        }
    }

    Map<String, Object> session(SessionInfo s, int depth) {
        String path = Paths.session(s.id());
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("initiator-name", ro(s.initiatorName(), "string", "the initiator's iSCSI name"));
        a.put("initiator-port", ro(s.initiatorPort(), "string", "the initiator port name (name and ISID)"));
        a.put("isid", ro(s.isid(), "hex", "initiator session identifier"));
        a.put("tsih", ro(s.tsih(), "int", "target session identifying handle"));
        a.put("target", ro(s.target(), "string", "the target logged in to"));
        a.put("portal-group-tag", ro(s.portalGroupTag(), "int", "the portal group it arrived on"));
        a.put("state", ro(s.state(), "string", "session state"));
        a.put("logged-in-at", ro(s.loggedInAt() == null ? null : s.loggedInAt().toString(), "time", "login time"));
        a.put("age", attribute(s.loggedInAt() == null ? null : Duration.between(s.loggedInAt(), Instant.now()).toSeconds(),
                "int", "seconds", null, false, false, "time since login"));
        a.put("commands", attribute(s.commands(), "int", "commands", null, false, false, "SCSI commands received"));
        a.put("bytes-read", attribute(s.bytesRead(), "int", "bytes", null, false, false, "data sent to the initiator"));
        a.put("bytes-written", attribute(s.bytesWritten(), "int", "bytes", null, false, false,
                "data received from the initiator"));
        a.put("tasks-in-flight", ro(s.tasksInFlight(), "object", "commands not yet answered, by LUN"));
        a.put("parameters", ro(s.parameters(), "object", "negotiated session parameters (RFC 7143 13)"));
        Map<String, Object> n = node("session", s.id(), path, a, List.of("GET", "DELETE", "POST logout"));
        if (depth > 0) {
            for (SessionInfo.ConnectionInfo c : s.connections()) {
                Map<String, Object> ca = new LinkedHashMap<>();
                ca.put("cid", ro(c.cid(), "int", "connection identifier"));
                ca.put("local-address", ro(c.localAddress(), "string", "the portal it arrived on"));
                ca.put("peer-address", ro(c.peerAddress(), "string", "the initiator's address"));
                ca.put("state", ro(c.state(), "string", "connection state"));
                ca.put("parameters", ro(c.parameters(), "object", "negotiated connection parameters"));
                add(n, node("connection", Integer.toString(c.cid()), path + "/connections/" + c.cid(), ca, List.of("GET")));
            }
        }
        return n;
    }

    private static Map<String, Object> ro(Object value, String type, String description) {
        return attribute(value, type, "", null, false, false, description);
    }

    /** CHAP settings without secrets. */
    private static Object auth(ConfigValue v) {
        if (!(v instanceof ConfigObject o)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        o.unwrapped().forEach((k, val) -> out.put(k, val instanceof Map<?, ?> m ? withoutSecrets(m) : val));
        return out;
    }

    private static Map<String, Object> withoutSecrets(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), secret(String.valueOf(k)) ? "(hidden)" : v));
        return out;
    }

    static boolean secret(String key) {
        return key.contains("secret") || key.contains("password");
    }

    static boolean sameTarget(String a, String b) {
        return org.scstj.engine.spi.Names.canonical(a).equals(org.scstj.engine.spi.Names.canonical(b));
    }

    /** The node at an API path, from a tree built deep enough; null when there is none. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> find(Map<String, Object> node, String path) {
        if (path.equals(node.get("path"))) {
            return node;
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) node.get("children")) {
            String p = (String) c.get("path");
            if (path.equals(p) || path.startsWith(p + "/") || p.startsWith(Paths.API + "/handlers")
                    || p.startsWith(Paths.API + "/target-drivers")) {
                Map<String, Object> f = find(c, path);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    /** Cuts a node's children below {@code depth} levels. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> prune(Map<String, Object> node, int depth) {
        Map<String, Object> copy = new LinkedHashMap<>(node);
        List<Map<String, Object>> children = (List<Map<String, Object>>) node.get("children");
        if (depth <= 0) {
            copy.put("children", children.stream().map(c -> Map.<String, Object>of("name", c.get("name"),
                    "path", c.get("path"), "kind", c.get("kind"))).toList());
            return copy;
        }
        copy.put("children", children.stream().map(c -> prune(c, depth - 1)).toList());
        return copy;
    }
}
