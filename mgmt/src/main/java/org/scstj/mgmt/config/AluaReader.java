package org.scstj.mgmt.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.model.AluaSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code scstj.alua} (SPC-5 5.16) into an {@link AluaSpec}, each mistake a problem at its
 * line: durations out of range, a state that is not one of the four an operator may set
 * (TRANSITIONING is the device server's own, SPC-5 5.16.2.6), a target port group id outside
 * 1..65535 or given twice, a portal group that does not exist or is in two target port groups, a
 * device that is not defined or is in two device groups, a state for a target port group that
 * does not exist.
 */
final class AluaReader {
    static final List<String> ALUA = List.of("scstj", "alua");
    static final List<String> DEVICE_GROUPS = List.of("scstj", "alua", "device-groups");
    static final List<String> TARGET_GROUPS = List.of("scstj", "alua", "target-groups");
    private static final Set<String> GROUP_KEYS = Set.of("devices", "states", "preferred", "policy", "preferred-nodes",
            "failback");
    private static final Set<String> TARGET_GROUP_KEYS = Set.of("id", "portal-groups", "node");
    private static final Map<String, AluaSpec.Policy> POLICIES = Map.of("manual", AluaSpec.Policy.MANUAL,
            "active-active", AluaSpec.Policy.ACTIVE_ACTIVE, "active-standby", AluaSpec.Policy.ACTIVE_STANDBY);
    /** The states an operator may give, by their configuration (and admin API) names. */
    static final Map<String, AccessState> STATES = Map.of(
            "active-optimized", AccessState.ACTIVE_OPTIMIZED,
            "active-non-optimized", AccessState.ACTIVE_NON_OPTIMIZED,
            "standby", AccessState.STANDBY,
            "unavailable", AccessState.UNAVAILABLE);

    private final ConfigReader reader;
    private final Set<String> deviceNames;
    /** The iSCSI portal groups (name to tag), or null when the driver's block could not be read (reported there). */
    private final Map<String, Integer> portalGroups;
    /** Target port group ids by name, and the ids, as read. */
    private final Map<String, Integer> groupIds = new LinkedHashMap<>();

    /** The cluster ({@code scstj.cluster}), or null for a single node. */
    private final org.scstj.cluster.ClusterSpec cluster;
    /** The node of each target port group id bound to one. */
    private final Map<Integer, String> nodeOfGroup = new HashMap<>();
    private final Map<String, Map<String, Integer>> listed;

    AluaReader(ConfigReader reader, Set<String> deviceNames, Map<String, Integer> portalGroups) {
        this(reader, deviceNames, portalGroups, null);
    }

    AluaReader(ConfigReader reader, Set<String> deviceNames, Map<String, Integer> portalGroups,
               org.scstj.cluster.ClusterSpec cluster) {
        this(reader, deviceNames, portalGroups, cluster, null);
    }

    /** @param listed every node's portal groups ({@link ClusterPorts}), or null: another node's groups are then unknown here */
    AluaReader(ConfigReader reader, Set<String> deviceNames, Map<String, Integer> portalGroups,
               org.scstj.cluster.ClusterSpec cluster, Map<String, Map<String, Integer>> listed) {
        this.listed = listed;
        this.reader = reader;
        this.deviceNames = deviceNames;
        this.portalGroups = portalGroups;
        this.cluster = cluster;
    }

    private boolean isNode(String name) {
        return cluster != null && cluster.nodes().stream().anyMatch(n -> n.name().equals(name));
    }

    private boolean isWitness(String name) {
        return cluster != null && cluster.nodes().stream().anyMatch(n -> n.name().equals(name) && n.witness());
    }

    AluaSpec read() {
        int implicit = (int) seconds(ConfigReader.child(ALUA, "implicit-transition-time"), 0, 255);
        Duration delay = Duration.ofMillis(millis(ConfigReader.child(ALUA, "transition-delay")));
        List<AluaSpec.TargetGroupSpec> targetGroups = targetGroups();
        List<AluaSpec.DeviceGroupSpec> groups = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        if (reader.value(DEVICE_GROUPS) instanceof ConfigObject all) {
            for (String name : reader.inFileOrder(DEVICE_GROUPS, all.keySet())) {
                List<String> path = ConfigReader.child(DEVICE_GROUPS, name);
                if (!(all.get(name) instanceof ConfigObject g)) {
                    reader.problem(path, "expected an object { devices = [...], states { ... }, preferred = [...] }");
                    continue;
                }
                for (String key : g.keySet()) {
                    if (!GROUP_KEYS.contains(key)) {
                        reader.problem(ConfigReader.child(path, key), "unknown key (known: devices, states, preferred, "
                                + "policy, preferred-nodes, failback)");
                    }
                }
                Set<String> devices = new LinkedHashSet<>();
                for (String d : strings(ConfigReader.child(path, "devices"), g.get("devices"))) {
                    if (!deviceNames.contains(d)) {
                        reader.problem(ConfigReader.child(path, "devices"), "no device " + d);
                    } else if (groupOf.putIfAbsent(d, name) != null) {
                        reader.problem(ConfigReader.child(path, "devices"),
                                "device " + d + " is already in device group " + groupOf.get(d));
                    } else {
                        devices.add(d);
                    }
                }
                Map<Integer, AccessState> states = new LinkedHashMap<>();
                if (g.get("states") instanceof ConfigObject s) {
                    for (Map.Entry<String, ConfigValue> e : s.entrySet()) {
                        List<String> p = ConfigReader.child(path, "states", e.getKey());
                        int id = groupId(p, e.getKey());
                        AccessState state = e.getValue().valueType() == ConfigValueType.STRING
                                ? STATES.get((String) e.getValue().unwrapped()) : null;
                        if (state == null) {
                            reader.problem(p, e.getValue().unwrapped() + ": expected one of "
                                    + String.join(", ", new java.util.TreeSet<>(STATES.keySet())));
                        } else if (id > 0 && states.putIfAbsent(id, state) != null) {
                            reader.problem(p, "target port group " + id + " is given twice (by name and by id)");
                        }
                    }
                } else if (g.get("states") != null) {
                    reader.problem(ConfigReader.child(path, "states"), "expected an object { \"<group id>\" = <state> }");
                }
                Set<Integer> preferred = new LinkedHashSet<>();
                for (String id : strings(ConfigReader.child(path, "preferred"), g.get("preferred"))) {
                    int n = groupId(ConfigReader.child(path, "preferred"), id);
                    if (n > 0) {
                        preferred.add(n);
                    }
                }
                AluaSpec.Policy policy = policy(ConfigReader.child(path, "policy"), g.get("policy"));
                List<String> preferredNodes = preferredNodes(ConfigReader.child(path, "preferred-nodes"),
                        g.get("preferred-nodes"), policy);
                boolean failback = false;
                if (g.get("failback") != null) {
                    Object f = g.get("failback").unwrapped();
                    if (f instanceof Boolean b) {
                        failback = b;
                    } else if (f instanceof String t && Set.of("on", "yes", "true").contains(t)) {
                        failback = true;
                    } else if (!(f instanceof String t && Set.of("off", "no", "false").contains(t))) {
                        reader.problem(ConfigReader.child(path, "failback"), "expected on or off");
                    }
                }
                boolean owned = policy != AluaSpec.Policy.MANUAL && cluster != null;
                if (owned && !states.isEmpty()) {
                    reader.problem(ConfigReader.child(path, "states"), "policy " + policy.key() + " in a cluster: the "
                            + "states follow the owner node (remove states, or use policy = manual)");
                } else if (!owned && policy == AluaSpec.Policy.ACTIVE_STANDBY) {
                    List<Integer> optimized = new ArrayList<>();
                    for (int id : new java.util.TreeSet<>(groupIds.values())) {
                        if (states.getOrDefault(id, AccessState.ACTIVE_OPTIMIZED) == AccessState.ACTIVE_OPTIMIZED) {
                            optimized.add(id);
                        }
                    }
                    if (optimized.size() > 1) {
                        reader.problem(ConfigReader.child(path, g.get("states") != null ? "states" : "policy"),
                                "policy active-standby allows one active-optimized target port group, these are: "
                                        + optimized + " (a group not in states is active-optimized)");
                    }
                }
                groups.add(new AluaSpec.DeviceGroupSpec(name, devices, states, preferred, policy, preferredNodes,
                        failback));
            }
        }
        return new AluaSpec(implicit, delay, targetGroups, groups);
    }

    /**
     * {@code target-groups { NAME { id = N, portal-groups = [..] } }}, then one target port group
     * for each portal group in none (its name and tag): every target port group the target has.
     */
    private List<AluaSpec.TargetGroupSpec> targetGroups() {
        List<AluaSpec.TargetGroupSpec> out = new ArrayList<>();
        Map<String, String> tpgOfPortalGroup = new HashMap<>();
        Map<Integer, String> nameOfId = new HashMap<>();
        ConfigValue v = reader.value(TARGET_GROUPS);
        if (v != null && !(v instanceof ConfigObject)) {
            reader.problem(TARGET_GROUPS, "expected an object { NAME { id = N, portal-groups = [...] } }");
        }
        if (v instanceof ConfigObject all) {
            for (String name : reader.inFileOrder(TARGET_GROUPS, all.keySet())) {
                List<String> path = ConfigReader.child(TARGET_GROUPS, name);
                if (!(all.get(name) instanceof ConfigObject g)) {
                    reader.problem(path, "expected an object { id = N, portal-groups = [...] }");
                    continue;
                }
                for (String key : g.keySet()) {
                    if (!TARGET_GROUP_KEYS.contains(key)) {
                        reader.problem(ConfigReader.child(path, key), "unknown key (known: id, portal-groups)");
                    }
                }
                List<String> idPath = ConfigReader.child(path, "id");
                int id = -1;
                if (g.get("id") == null) {
                    reader.problem(idPath, "missing: the TARGET PORT GROUP id, 1..65535");
                } else if (!(g.get("id").unwrapped() instanceof Integer n) || n < 1 || n > 0xFFFF) {
                    reader.problem(idPath, "a target port group id is 1..65535: " + g.get("id").unwrapped());
                } else if (nameOfId.putIfAbsent(n, name) != null) {
                    reader.problem(idPath, "id " + n + " is already target group " + nameOfId.get(n) + "'s");
                } else {
                    id = n;
                }
                String node = null;
                List<String> nodePath = ConfigReader.child(path, "node");
                if (g.get("node") != null) {
                    String n = String.valueOf(g.get("node").unwrapped());
                    if (cluster == null) {
                        reader.problem(nodePath, "node " + n + ": there is no scstj.cluster (a target group names "
                                + "its node only in a cluster)");
                    } else if (!isNode(n)) {
                        reader.problem(nodePath, "no cluster node " + n + " (known: " + nodeNames() + ")");
                    } else if (isWitness(n)) {
                        reader.problem(nodePath, "node " + n + " is a witness: it has no ports");
                    } else {
                        node = n;
                    }
                } else if (cluster != null) {
                    node = cluster.self();
                }
                List<String> pgPath = ConfigReader.child(path, "portal-groups");
                Set<Integer> tags = new LinkedHashSet<>();
                boolean remote = node != null && !node.equals(cluster.self());
                if (remote) {
                    // another node's target group: its portal groups are in that node's file, and in the
                    // cluster's listing when there is one (then its ports are known here too)
                    Set<Integer> remoteTags = new LinkedHashSet<>();
                    Map<String, Integer> theirs = listed == null ? null : listed.get(node);
                    if (theirs != null) {
                        for (String pg : strings(pgPath, g.get("portal-groups"))) {
                            Integer tag = theirs.get(pg);
                            if (tag == null) {
                                reader.problem(pgPath, "node " + node + " lists no portal group " + pg + " (known: "
                                        + String.join(", ", theirs.keySet()) + ")");
                            } else {
                                remoteTags.add(tag);
                            }
                        }
                    }
                    if (id > 0) {
                        groupIds.put(name, id);
                        nodeOfGroup.put(id, node);
                        out.add(new AluaSpec.TargetGroupSpec(name, id, Set.copyOf(remoteTags), node));
                    }
                    continue;
                }
                List<String> members = strings(pgPath, g.get("portal-groups"));
                if (g.get("portal-groups") == null || members.isEmpty()) {
                    reader.problem(pgPath, "expected the portal groups whose ports this target port group holds");
                }
                for (String pg : members) {
                    if (portalGroups == null) {
                        continue;
                    }
                    Integer tag = portalGroups.get(pg);
                    if (tag == null) {
                        reader.problem(pgPath, "no portal group " + pg + " (known: "
                                + String.join(", ", new java.util.TreeSet<>(portalGroups.keySet())) + ")");
                    } else if (tpgOfPortalGroup.putIfAbsent(pg, name) != null) {
                        reader.problem(pgPath, "portal group " + pg + " is already in target group "
                                + tpgOfPortalGroup.get(pg));
                    } else {
                        tags.add(tag);
                    }
                }
                if (id > 0) {
                    groupIds.put(name, id);
                    if (node != null) {
                        nodeOfGroup.put(id, node);
                    }
                    if (!tags.isEmpty()) {
                        out.add(new AluaSpec.TargetGroupSpec(name, id, tags, node));
                    }
                }
            }
        }
        if (portalGroups != null) {
            for (Map.Entry<String, Integer> pg : portalGroups.entrySet()) {
                if (tpgOfPortalGroup.containsKey(pg.getKey())) {
                    continue;
                }
                int tag = pg.getValue();
                String clash = nameOfId.get(tag);
                if (clash != null) {
                    reader.problem(ConfigReader.child(TARGET_GROUPS, clash, "id"), "portal group " + pg.getKey()
                            + " is in no target group, so it is target port group " + tag
                            + " (its tag), which is this group's id: list it in a target group");
                    continue;
                }
                if (groupIds.containsKey(pg.getKey())) {
                    reader.problem(ConfigReader.child(TARGET_GROUPS, pg.getKey()), "portal group " + pg.getKey()
                            + " is in no target group, so it is a target port group of that name: list it in one");
                    continue;
                }
                groupIds.put(pg.getKey(), tag);
                // in a cluster, a portal group of this file is this node's
                String node = cluster == null ? null : cluster.self();
                if (node != null) {
                    nodeOfGroup.put(tag, node);
                }
                out.add(new AluaSpec.TargetGroupSpec(pg.getKey(), tag, Set.of(tag), node));
            }
        }
        out.sort(java.util.Comparator.comparingInt(AluaSpec.TargetGroupSpec::id));
        return out;
    }

    private String nodeNames() {
        return cluster.nodes().stream().map(org.scstj.cluster.ClusterSpec.Node::name)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private AluaSpec.Policy policy(List<String> path, ConfigValue v) {
        if (v == null) {
            return AluaSpec.Policy.MANUAL;
        }
        AluaSpec.Policy p = v.valueType() == ConfigValueType.STRING ? POLICIES.get((String) v.unwrapped()) : null;
        if (p == null) {
            reader.problem(path, v.unwrapped() + ": expected manual, active-active or active-standby");
            return AluaSpec.Policy.MANUAL;
        }
        return p;
    }

    /**
     * {@code preferred-nodes}: cluster nodes, each with a target group of its own (else it could own
     * the group and have no port to serve it through). Default in a cluster: every node, in
     * {@code scstj.cluster.nodes} order. Outside a cluster the list is not used.
     */
    private List<String> preferredNodes(List<String> path, ConfigValue v, AluaSpec.Policy policy) {
        List<String> out = new ArrayList<>(strings(path, v));
        if (cluster == null) {
            return out;
        }
        if (v == null) {
            cluster.nodes().stream().filter(n -> !n.witness()).forEach(n -> out.add(n.name()));
        }
        if (v != null && out.isEmpty() && policy != AluaSpec.Policy.MANUAL) {
            reader.problem(path, "expected at least one node that may own the group");
        }
        Set<String> seen = new java.util.HashSet<>();
        for (String n : out) {
            if (!isNode(n)) {
                reader.problem(path, "no cluster node " + n + " (known: " + nodeNames() + ")");
            } else if (!seen.add(n)) {
                reader.problem(path, "node " + n + " is listed twice");
            } else if (isWitness(n)) {
                reader.problem(path, "node " + n + " is a witness: it cannot own a device group");
            } else if (policy != AluaSpec.Policy.MANUAL && !nodeOfGroup.containsValue(n)) {
                reader.problem(path, "node " + n + " has no target group (give one target group node = " + n + ")");
            }
        }
        return out;
    }

    /** A target port group named by its id or its target group's name; -1 (reported) if none. */
    private int groupId(List<String> path, String text) {
        Integer named = groupIds.get(text);
        if (named != null) {
            return named;
        }
        try {
            int id = Integer.parseInt(text.trim());
            if (id >= 1 && id <= 0xFFFF) {
                if (portalGroups == null || groupIds.containsValue(id)) {
                    return id;
                }
                reader.problem(path, "no target port group " + id + " (known: " + known() + ")");
                return -1;
            }
        } catch (NumberFormatException e) {
            reader.problem(path, "no target port group " + text + " (known: " + known() + ")");
            return -1;
        }
        reader.problem(path, "a target port group id is 1..65535: " + text);
        return -1;
    }

    private String known() {
        List<String> out = new ArrayList<>();
        groupIds.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> out.add(e.getValue() + " (" + e.getKey() + ")"));
        return String.join(", ", out);
    }

    private List<String> strings(List<String> path, ConfigValue v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v.unwrapped() instanceof List<?> list)) {
            reader.problem(path, "expected a list [ ... ]");
            return out;
        }
        for (Object o : list) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private long seconds(List<String> path, long min, long max) {
        long ms = millis(path);
        long s = ms / 1000;
        if (s < min || s > max) {
            reader.problem(path, "expected " + min + "s to " + max + "s");
            return Math.max(min, Math.min(max, s));
        }
        return s;
    }

    private long millis(List<String> path) {
        try {
            long ms = reader.merged().getDuration(ConfigReader.key(path), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (ms < 0) {
                reader.problem(path, "expected a duration of 0s or more");
                return 0;
            }
            return ms;
        } catch (com.typesafe.config.ConfigException e) {
            reader.problem(path, "expected a duration (10s, 500ms)");
            return 0;
        }
    }
}
