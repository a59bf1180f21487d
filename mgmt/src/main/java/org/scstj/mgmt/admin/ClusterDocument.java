package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.util.List;

/**
 * Which part of a node's configuration is cluster-wide (docs/configuration.md, "Cluster-wide and
 * node-local keys"; docs/design/cluster.md 5.3). Everything under {@code scstj} is cluster-wide
 * except the {@link #NODE_LOCAL} keys; everything outside {@code scstj} (the {@code pekko} block)
 * is node-local. A change of the cluster-wide part goes through the cluster's configuration
 * authority and applies on every node; each node lays its own node-local keys over it.
 */
final class ClusterDocument {
    /**
     * The node-local keys under {@code scstj}: this node's state directory, admin listener, portals
     * and portal groups, dispatchers and mailboxes, and its name in the cluster.
     */
    static final List<String> NODE_LOCAL = List.of(
            "scstj.state-dir",
            "scstj.admin",
            "scstj.dispatchers",
            "scstj.mailboxes",
            "scstj.target-drivers.iscsi.portals",
            "scstj.target-drivers.iscsi.portal-groups",
            "scstj.cluster.self");

    private ClusterDocument() {
    }

    /** The cluster-wide part of {@code document}: its {@code scstj} block without the node-local keys. */
    static Config clusterPart(Config document) {
        Config c = document.hasPath("scstj") ? document.withOnlyPath("scstj") : ConfigFactory.empty();
        for (String p : NODE_LOCAL) {
            c = c.withoutPath(p);
        }
        return c;
    }

    /** This node's own part of {@code document}: the node-local keys and everything outside {@code scstj}. */
    static Config nodePart(Config document) {
        Config c = document.withoutPath("scstj");
        for (String p : NODE_LOCAL) {
            if (document.hasPath(p)) {
                c = c.withValue(p, document.getValue(p));
            }
        }
        return c;
    }

    /** The cluster-wide part as text, in the operator's key order (targets' order numbers their ports). */
    static String text(Config document) {
        return Hocon.render(clusterPart(document), "the cluster-wide part of scstj's configuration");
    }

    /** {@code local}'s node-local keys laid over the cluster-wide document {@code text}. */
    static Config compose(Config local, String text) {
        Config cluster = ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                .setOriginDescription("the cluster's configuration"));
        return nodePart(local).withFallback(cluster);
    }

    /** Whether two documents have the same cluster-wide part. */
    static boolean sameClusterPart(Config a, Config b) {
        return clusterPart(a).root().equals(clusterPart(b).root());
    }

    /** Whether two documents have the same node-local part. */
    static boolean sameNodePart(Config a, Config b) {
        return nodePart(a).root().equals(nodePart(b).root());
    }
}
