package org.scstj.mgmt.admin;

import org.scstj.cluster.ClusterNode;
import org.scstj.engine.model.AluaSpec;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** What the admin API sees of this daemon as a cluster node, and the planned leave it may ask for. */
public interface ClusterControl {
    /** The membership as this node sees it, and this node's lease. */
    ClusterNode.View view();

    /**
     * Starts the planned leave: the portals close, the node leaves the cluster (Leaving, Exiting,
     * Removed), the daemon stops. Returns at once.
     */
    void leave();

    /** Marks another member down by hand (it is dead or fenced); false when no member has that name. */
    default boolean down(String node) {
        throw new UnsupportedOperationException("not a cluster node");
    }

    /**
     * Applies a new configured {@code scstj.alua} with the cluster's current owner decision laid
     * over it (docs/design/cluster.md 5.4), under the same lock as the coordinator's installs so
     * that a reload never puts back a state the coordinator has just left.
     */
    default CompletionStage<Void> reconfigureAlua(AluaSpec configured, Function<AluaSpec, CompletionStage<Void>> engine) {
        return engine.apply(configured);
    }

    /**
     * Proposes the cluster-wide document {@code text} after revision {@code base} to the cluster's
     * configuration authority (docs/design/cluster.md 5.3); completes once every node applied it or
     * none did. Only called when {@link #sharesConfiguration}.
     */
    default CompletionStage<org.scstj.cluster.config.ConfigAuthority.Outcome> proposeConfig(
            long base, String text, boolean allowDisruptive, boolean force) {
        throw new UnsupportedOperationException("no cluster-wide configuration");
    }

    /**
     * The node that hosts each device's control entity (its single writer), as the cluster's
     * sharding statistics say now.
     */
    default CompletionStage<Map<String, ClusterNode.LuHost>> controlHosts(java.util.Collection<String> devices) {
        return java.util.concurrent.CompletableFuture.completedFuture(Map.of());
    }

    /**
     * This node could not apply a cluster-wide revision every node had prepared (docs/design/cluster.md
     * 5.3): it no longer runs the cluster's configuration and must stop serving; a restart applies
     * the revision before the portals open.
     */
    default void configurationLost(String why) {
    }

    /** Whether changes of the cluster-wide keys go through {@link #proposeConfig} (docs/configuration.md). */
    default boolean sharesConfiguration() {
        return false;
    }

    /** The owner node of each cluster-owned device group as installed on this node (absent: none now). */
    default Map<String, String> aluaOwners() {
        return Map.of();
    }
}
