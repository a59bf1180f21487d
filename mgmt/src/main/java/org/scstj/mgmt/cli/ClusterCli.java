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
            "  cluster leave    leave in order: portals closed, the node leaves, the daemon stops"},
            subcommands = {ClusterLs.class, ClusterLeave.class})
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
