package org.scstj.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code scstj.cluster} block, validated: which configured node this daemon is, every node in
 * seed order, the self-fence lease and the failover timing.
 *
 * @param self   the name of this node among {@code nodes}
 * @param nodes  every voting node, in seed order (the first forms the cluster)
 * @param lease  how long a majority's answer lets this node serve
 * @param timing failure detector and split-brain resolver timings
 */
public record ClusterSpec(String self, List<Node> nodes, Duration lease, FailoverTiming timing) {

    /** The Pekko actor system's name: the engine's system is the cluster node. */
    public static final String SYSTEM_NAME = "scstj";

    /**
     * One configured node.
     *
     * @param name  its name in the configuration
     * @param host  the Artery canonical host (an address other nodes reach)
     * @param port  the Artery canonical port
     * @param roles its roles ({@code storage}, {@code witness})
     */
    public record Node(String name, String host, int port, List<String> roles) {
        public Node {
            Objects.requireNonNull(name);
            Objects.requireNonNull(host);
            roles = List.copyOf(roles);
        }

        /**
         * A witness votes (split-brain resolver majority, the lease) but serves nothing: no
         * portals, no devices, no LU control entity (sharding role {@code storage}), no ALUA group
         * (docs/cluster.md, "Two storage nodes and a witness").
         */
        public boolean witness() {
            return roles.contains("witness");
        }

        /** Its Pekko address, {@code pekko://scstj@host:port}. */
        public String address() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return "pekko://" + SYSTEM_NAME + "@" + h + ":" + port;
        }
    }

    public ClusterSpec {
        nodes = List.copyOf(nodes);
        if (nodes.stream().noneMatch(n -> n.name().equals(self))) {
            throw new IllegalArgumentException("self " + self + " is not one of the nodes");
        }
    }

    /** This node's entry. */
    public Node selfNode() {
        return nodes.stream().filter(n -> n.name().equals(self)).findFirst().orElseThrow();
    }

    /** How many configured voting nodes make a majority (self included). */
    public int majority() {
        return nodes.size() / 2 + 1;
    }

    /** The configured node at {@code host:port}, or null. */
    public Node nodeAt(String host, int port) {
        for (Node n : nodes) {
            if (n.port() == port && n.host().equals(host)) {
                return n;
            }
        }
        return null;
    }
}
