package org.scstj.mgmt.admin;

import org.scstj.cluster.ClusterNode;

/** What the admin API sees of this daemon as a cluster node, and the planned leave it may ask for. */
public interface ClusterControl {
    /** The membership as this node sees it, and this node's lease. */
    ClusterNode.View view();

    /**
     * Starts the planned leave: the portals close, the node leaves the cluster (Leaving, Exiting,
     * Removed), the daemon stops. Returns at once.
     */
    void leave();
}
