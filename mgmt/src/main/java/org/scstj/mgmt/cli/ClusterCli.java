package org.scstj.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code scstj admin cluster}: the cluster as the daemon's node sees it, and its planned leave (docs/cluster.md). */
final class ClusterCli {
    private ClusterCli() {
    }

    @Command(name = "cluster", description = {
            "Shows the cluster as this daemon's node sees it, or makes the node leave.",
            "  cluster [ls]     members (node, address, roles, status, reachable), leader, this node's lease",
            "  cluster lus      per LU: the node hosting its control entity, its device group's ALUA owner",
            "  cluster leave    leave in order: portals closed, the node leaves, the daemon stops",
            "  cluster down N   mark another node down by hand (it is dead or fenced)"},
            subcommands = {ClusterLs.class, ClusterLus.class, ClusterLeave.class, ClusterDown.class})
    static final class Cluster extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            return ClusterLs.show(this);
        }
    }

    @Command(name = "ls", description = "Lists the members as this node sees them, the leader and this node's self-fence lease.")
    static final class ClusterLs extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            return show(this);
        }

        static int show(AdminCli.Sub sub) throws Exception {
            JsonNode c = sub.client().get("/api/v1/cluster");
            AdminCli root = sub.root();
            if (root.json) {
                root.out.println(c.toPrettyString());
                return 0;
            }
            JsonNode fence = c.path("fence");
            root.out.printf("self %s, leader %s, failover-timing %s%n", c.path("self").asText(),
                    c.path("leader").isNull() ? "none" : c.path("leader").asText(), c.path("failoverTiming").asText());
            root.out.printf("this node: %s, lease %d ms left of %d ms, fenced %d time(s)%n",
                    fence.path("fenced").asBoolean() ? "FENCED" : "serving", fence.path("leaseRemainingMs").asLong(),
                    fence.path("leaseMs").asLong(), fence.path("fences").asInt());
            root.out.printf("%-12s %-24s %-10s %-10s %s%n", "NODE", "ADDRESS", "ROLES", "STATUS", "REACHABLE");
            for (JsonNode m : c.path("members")) {
                StringBuilder roles = new StringBuilder();
                for (JsonNode r : m.path("roles")) {
                    roles.append(roles.isEmpty() ? "" : ",").append(r.asText());
                }
                root.out.printf("%-12s %-24s %-10s %-10s %s%n", m.path("node").isNull() ? "?" : m.path("node").asText(),
                        m.path("address").asText(), roles, m.path("status").asText(),
                        m.path("reachable").asBoolean() ? "yes" : "NO");
            }
            return 0;
        }
    }

    @Command(name = "lus", description = {
            "Lists every LU (device) with the node hosting its control entity (the single writer of its",
            "reservations), its ALUA device group and that group's owner as installed on this node,",
            "and the cluster-wide configuration revision this node runs."})
    static final class ClusterLus extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode c = client().get("/api/v1/cluster/lus");
            AdminCli root = root();
            if (root.json) {
                root.out.println(c.toPrettyString());
                return 0;
            }
            root.out.printf("self %s, configuration revision %d%n", c.path("self").asText(), c.path("configRevision").asLong());
            if (c.has("problem")) {
                root.out.println("control nodes unknown: " + c.path("problem").asText());
            }
            root.out.printf("%-20s %-12s %-8s %-16s %s%n", "DEVICE", "CONTROL", "SHARD", "DEVICE-GROUP", "ALUA-OWNER");
            for (JsonNode l : c.path("lus")) {
                root.out.printf("%-20s %-12s %-8s %-16s %s%n", l.path("device").asText(), text(l.path("controlNode")),
                        text(l.path("shard")), text(l.path("deviceGroup")), text(l.path("aluaOwner")));
            }
            return 0;
        }

        private static String text(JsonNode n) {
            return n.isMissingNode() || n.isNull() ? "-" : n.asText();
        }
    }

    @Command(name = "down", description = {
            "Marks another node down by hand: use it only for a node you know is dead or fenced",
            "(its portals closed); the cluster then removes it and its LUs' writers and ALUA groups move."})
    static final class ClusterDown extends AdminCli.Sub {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NODE", description = "the node's name (scstj.cluster.nodes)")
        String node;

        @Override
        public Integer call() throws Exception {
            JsonNode r = client().send("POST", "/api/v1/cluster/down", java.util.Map.of("node", node));
            root().out.println(root().json ? r.toPrettyString() : "node " + r.path("node").asText() + " marked down (was "
                    + r.path("was").asText() + (r.path("reachable").asBoolean() ? ", reachable" : ", unreachable") + ")");
            return 0;
        }
    }

    @Command(name = "leave", description = "Makes this daemon's node leave the cluster in order (its portals close first), then the daemon stops.")
    static final class ClusterLeave extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode r = client().send("POST", "/api/v1/cluster/leave", null);
            root().out.println(root().json ? r.toPrettyString() : "node " + r.path("node").asText() + " is leaving the cluster");
            return 0;
        }
    }
}
