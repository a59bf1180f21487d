package org.scstj.mgmt.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.cluster.ClusterSpec;
import org.scstj.cluster.FailoverTiming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code scstj.cluster} into a {@link ClusterSpec} (docs/cluster.md), each mistake a problem at
 * its line: {@code self} not one of the nodes, a node without a {@code HOST:PORT} address, two nodes
 * at one address, an unknown role, an unknown failover timing, a lease the timing does not allow
 * (it must end before the majority can down a silent node: less than acceptable heartbeat pause +
 * stable-after - 1s). Without the block the daemon is a single node: {@link #read} returns null.
 */
final class ClusterReader {
    static final List<String> CLUSTER = List.of("scstj", "cluster");
    static final List<String> NODES = List.of("scstj", "cluster", "nodes");
    static final List<String> SELF = List.of("scstj", "cluster", "self");
    static final Set<String> ROLES = Set.of("storage", "witness");
    private static final Set<String> NODE_KEYS = Set.of("address", "roles", "portal-groups");
    /** The guard pings every 250 ms: a lease shorter than this is lost to one late answer. */
    static final Duration MIN_LEASE = Duration.ofSeconds(1);

    private final ConfigReader reader;

    ClusterReader(ConfigReader reader) {
        this.reader = reader;
    }

    /** The cluster, or null when the file has no {@code scstj.cluster} block. */
    ClusterSpec read() {
        if (reader.written(CLUSTER) == null) {
            if (reader.value(SELF) != null || reader.value(NODES) instanceof ConfigObject o && !o.isEmpty()) {
                reader.problem(CLUSTER, "expected an object { self = ..., nodes { ... } }");
            }
            return null;
        }
        FailoverTiming timing = timing();
        List<ClusterSpec.Node> nodes = nodes();
        String self = self(nodes);
        Duration lease = lease(timing);
        if (self == null || nodes.isEmpty() || timing == null || lease == null) {
            return null; // reported
        }
        return new ClusterSpec(self, nodes, lease, timing);
    }

    private FailoverTiming timing() {
        List<String> path = ConfigReader.child(CLUSTER, "failover-timing");
        ConfigValue v = reader.value(path);
        FailoverTiming t = v != null && v.valueType() == ConfigValueType.STRING ? FailoverTiming.of((String) v.unwrapped()) : null;
        if (t == null) {
            reader.problem(path, (v == null ? "missing" : v.unwrapped()) + ": expected fast or pekko-defaults");
        }
        return t;
    }

    private Duration lease(FailoverTiming timing) {
        List<String> path = ConfigReader.child(CLUSTER, "lease");
        long ms;
        try {
            ms = reader.merged().getDuration(ConfigReader.key(path), TimeUnit.MILLISECONDS);
        } catch (ConfigException e) {
            reader.problem(path, "expected a duration (2.5s, 2500ms)");
            return null;
        }
        Duration lease = Duration.ofMillis(ms);
        if (lease.compareTo(MIN_LEASE) < 0) {
            reader.problem(path, "expected at least " + MIN_LEASE.toMillis() + "ms (the lease is renewed every 250ms)");
            return null;
        }
        if (timing == null) {
            return lease;
        }
        // the operator's own pekko settings win over the generated layer: check what will be in force
        Duration pause = written(PAUSE, timing.acceptableHeartbeatPause());
        Duration stable = written(STABLE_AFTER, timing.stableAfter());
        if (pause == null || stable == null) {
            return null; // reported
        }
        Duration limit = pause.plus(stable).minusSeconds(1);
        if (lease.compareTo(limit) >= 0) {
            reader.problem(path, "must be less than " + limit.toMillis() + "ms with failover-timing = "
                    + timing.key() + " (acceptable-heartbeat-pause " + pause.toMillis()
                    + "ms + stable-after " + stable.toMillis()
                    + "ms - 1s): the lease must end before the majority downs a silent node");
            return null;
        }
        return lease;
    }

    private static final List<String> PAUSE = List.of("pekko", "cluster", "failure-detector", "acceptable-heartbeat-pause");
    private static final List<String> STABLE_AFTER = List.of("pekko", "cluster", "split-brain-resolver", "stable-after");

    /** The duration the file itself sets at {@code path}, or {@code otherwise}; null when it is not a duration (reported). */
    private Duration written(List<String> path, Duration otherwise) {
        if (reader.line(path) < 0) {
            return otherwise;
        }
        try {
            return Duration.ofMillis(reader.merged().getDuration(ConfigReader.key(path), TimeUnit.MILLISECONDS));
        } catch (ConfigException e) {
            reader.problem(path, "expected a duration");
            return null;
        }
    }

    private String self(List<ClusterSpec.Node> nodes) {
        ConfigValue v = reader.value(SELF);
        if (v == null) {
            reader.problem(SELF, "missing: which of the nodes this daemon is, e.g. self = n1");
            return null;
        }
        if (v.valueType() != ConfigValueType.STRING) {
            reader.problem(SELF, "expected a node name");
            return null;
        }
        String self = (String) v.unwrapped();
        if (nodes.stream().noneMatch(n -> n.name().equals(self))) {
            if (reader.value(NODES) instanceof ConfigObject o && o.containsKey(self)) {
                return null; // that node has problems of its own
            }
            reader.problem(SELF, "no node " + self + " in scstj.cluster.nodes");
            return null;
        }
        return self;
    }

    private List<ClusterSpec.Node> nodes() {
        List<ClusterSpec.Node> out = new ArrayList<>();
        ConfigValue all = reader.value(NODES);
        if (!(all instanceof ConfigObject nodes)) {
            reader.problem(NODES, all == null ? "missing: nodes { n1 { address = \"HOST:PORT\", roles = [storage] } ... }"
                    : "expected an object nodes { n1 { address = \"HOST:PORT\" } ... }");
            return out;
        }
        if (nodes.isEmpty()) {
            reader.problem(NODES, "no node: list every voting node, in seed order");
            return out;
        }
        Map<Portal, String> byAddress = new HashMap<>();
        boolean bad = false;
        for (String name : reader.inFileOrder(NODES, nodes.keySet())) {
            List<String> path = ConfigReader.child(NODES, name);
            if (!(nodes.get(name) instanceof ConfigObject n)) {
                reader.problem(path, "expected an object { address = \"HOST:PORT\", roles = [storage] }");
                bad = true;
                continue;
            }
            for (String key : n.keySet()) {
                if (!NODE_KEYS.contains(key)) {
                    reader.problem(ConfigReader.child(path, key), "unknown key (known: address, roles, portal-groups)");
                    bad = true;
                }
            }
            ConfigValue a = n.get("address");
            Portal address = a != null && a.valueType() == ConfigValueType.STRING
                    ? Portal.parse((String) a.unwrapped()).orElse(null) : null;
            if (address == null) {
                reader.problem(ConfigReader.child(path, "address"), (a == null ? "missing" : "not HOST:PORT with a port 1..65535: "
                        + a.unwrapped()) + " (the node's cluster address, e.g. \"10.0.0.1:25520\")");
                bad = true;
                continue;
            }
            if (address.host().equals("0.0.0.0") || address.host().equals("::")) {
                reader.problem(ConfigReader.child(path, "address"), "a wildcard address is not one other nodes can reach: "
                        + address);
                bad = true;
                continue;
            }
            String other = byAddress.putIfAbsent(address, name);
            if (other != null) {
                reader.problem(ConfigReader.child(path, "address"), address + " is already node " + other + "'s address");
                bad = true;
                continue;
            }
            List<String> roles = roles(ConfigReader.child(path, "roles"), n.get("roles"));
            if (roles == null) {
                bad = true;
                continue;
            }
            out.add(new ClusterSpec.Node(name, address.host(), address.port(), roles));
        }
        if (!bad && !out.isEmpty() && out.stream().allMatch(ClusterSpec.Node::witness)) {
            reader.problem(NODES, "every node is a witness: at least one node must have roles = [storage]");
            return List.of();
        }
        return bad ? List.of() : out;
    }

    private List<String> roles(List<String> path, ConfigValue v) {
        if (v == null) {
            return List.of("storage");
        }
        if (v.valueType() != ConfigValueType.LIST) {
            reader.problem(path, "expected a list, e.g. [storage] or [witness]");
            return null;
        }
        List<String> roles = new ArrayList<>();
        for (Object o : (List<?>) v.unwrapped()) {
            if (!(o instanceof String s) || !ROLES.contains(s)) {
                reader.problem(path, o + ": unknown role (known: storage, witness)");
                return null;
            }
            if (!roles.contains(s)) {
                roles.add(s);
            }
        }
        if (roles.isEmpty()) {
            reader.problem(path, "no role: expected [storage] or [witness]");
            return null;
        }
        if (roles.size() > 1) {
            reader.problem(path, "a node is storage or witness, not both");
            return null;
        }
        return List.copyOf(roles);
    }
}
