package org.scstj.mgmt.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import org.scstj.cluster.ClusterSpec;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every node's portal groups, listed in the cluster-wide part of the configuration
 * ({@code scstj.cluster.nodes.<n>.portal-groups { <name> = <tag> }}, docs/configuration.md), so
 * that every node numbers relative target ports and target port groups the same way (SAM-6
 * 4.6.5: a relative target port identifier names one target port of the SCSI target device;
 * SPC-5 6.37: REPORT TARGET PORT GROUPS lists every port of every group), docs/design/cluster.md
 * 2.1 and 8 risk 8. Refused at its line: a node listed without its groups while another lists
 * them, a tag outside 1..65535 or listed by two nodes, and this node's entry differing from the
 * portal groups this node's own file defines.
 */
final class ClusterPorts {
    private ClusterPorts() {
    }

    /**
     * The listing, node name (in {@code nodes} order) to portal group name to tag; null when no
     * node lists its portal groups (each node then numbers its own ports only).
     *
     * @param own this node's portal groups (name to tag), or null when they could not be read
     */
    static Map<String, Map<String, Integer>> read(ConfigReader reader, ClusterSpec cluster, Map<String, Integer> own) {
        if (cluster == null) {
            return null;
        }
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        Map<Integer, String> nodeOfTag = new HashMap<>();
        boolean any = false;
        for (ClusterSpec.Node n : cluster.nodes()) {
            any |= reader.value(path(n.name())) != null;
        }
        if (!any) {
            return null;
        }
        boolean bad = false;
        for (ClusterSpec.Node n : cluster.nodes()) {
            List<String> path = path(n.name());
            ConfigValue v = reader.value(path);
            if (!(v instanceof ConfigObject o)) {
                reader.problem(path, v == null ? "missing: another node lists its portal groups, so every node must"
                        + " (portal-groups { <name> = <tag> }): the ports are numbered across the cluster"
                        : "expected an object portal-groups { <name> = <tag> }");
                bad = true;
                continue;
            }
            Map<String, Integer> groups = new TreeMap<>();
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                List<String> at = ConfigReader.child(path, e.getKey());
                if (!(e.getValue().unwrapped() instanceof Integer tag) || tag < 1 || tag > 0xFFFF) {
                    reader.problem(at, "a portal group tag is 1..65535: " + e.getValue().unwrapped());
                    bad = true;
                    continue;
                }
                String other = nodeOfTag.putIfAbsent(tag, n.name());
                if (other != null) {
                    reader.problem(at, "tag " + tag + " is already listed " + (other.equals(n.name()) ? "on this node"
                            : "for node " + other) + ": tags are unique across the cluster (one target port each)");
                    bad = true;
                }
                groups.put(e.getKey(), tag);
            }
            if (n.name().equals(cluster.self()) && own != null && !new TreeMap<>(own).equals(groups)) {
                reader.problem(path, "this node (" + cluster.self() + ") defines the portal groups " + new TreeMap<>(own)
                        + " in scstj.target-drivers.iscsi.portal-groups, but this listing says " + groups);
                bad = true;
            }
            out.put(n.name(), groups);
        }
        return bad ? null : out;
    }

    static List<String> path(String node) {
        return ConfigReader.child(ClusterReader.NODES, node, "portal-groups");
    }
}
