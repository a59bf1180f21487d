package org.scstj.mgmt;

import org.scstj.cluster.AluaCoordinator;
import org.scstj.cluster.AluaOwnership;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.AluaSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Between the cluster's {@link AluaCoordinator} and the engine (docs/design/cluster.md 5.4): the
 * engine runs the configured {@code scstj.alua} with the coordinator's last owner decision laid
 * over it ({@link AluaSpec#withOwners}). Both a decision and a reload of the configuration go
 * through here, one at a time, so neither puts back states the other replaced.
 */
final class ClusterAlua implements AluaCoordinator.Installer {
    private static final Logger log = LoggerFactory.getLogger(ClusterAlua.class);
    private ScsiEngine engine;
    private AluaSpec configured;
    private volatile Map<String, String> owners = Map.of();
    private Set<String> up = Set.of();
    private Set<String> waiting = Set.of();

    ClusterAlua(AluaSpec configured) {
        this.configured = configured;
    }

    /** What the engine starts with: no owner, every node down (no group active/optimized before a decision). */
    synchronized AluaSpec initial() {
        return configured.withOwners(owners, up);
    }

    synchronized void engine(ScsiEngine e) {
        engine = e;
    }

    /** The device groups whose owner the cluster chooses. */
    static List<AluaOwnership.OwnedGroup> owned(AluaSpec spec) {
        return spec.deviceGroups().stream().filter(AluaSpec.DeviceGroupSpec::owned)
                .map(g -> new AluaOwnership.OwnedGroup(g.name(), g.preferredNodes(), g.failback())).toList();
    }

    @Override
    public synchronized CompletionStage<Void> install(Map<String, String> owners, Set<String> up, Set<String> waiting) {
        if (waiting.isEmpty()) {
            log.info("ALUA: owners {} (up: {})", owners, new java.util.TreeSet<>(up));
        } else {
            log.info("ALUA: owners {} (up: {}; unreachable, their standby groups transitioning: {})", owners,
                    new java.util.TreeSet<>(up), waiting);
        }
        this.owners = owners;
        this.up = up;
        this.waiting = waiting;
        return engine.reconfigureAlua(configured.withOwners(owners, up, waiting));
    }

    /** Where a reload's device groups go (the coordinator); set once it runs. */
    private java.util.function.Consumer<List<AluaOwnership.OwnedGroup>> groups = g -> { };

    synchronized void groups(java.util.function.Consumer<List<AluaOwnership.OwnedGroup>> to) {
        groups = to;
    }

    /**
     * A reload: the new configuration with the current decision over it; the coordinator derives
     * from its device groups from now on (policy, preferred nodes, failback).
     */
    synchronized CompletionStage<Void> reconfigure(AluaSpec next, Function<AluaSpec, CompletionStage<Void>> apply) {
        configured = next;
        groups.accept(owned(next));
        return apply.apply(next.withOwners(owners, up, waiting));
    }

    Map<String, String> owners() {
        return owners;
    }
}
