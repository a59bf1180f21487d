package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.TargetDriver;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.mgmt.metrics.Metrics;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The live management plane of one daemon: the change machinery over the running engine and
 * driver, the admin API serving it, and SIGHUP, which applies the daemon's own file through the
 * same machinery (never disruptively: a file whose changes would close a session or take a LUN
 * away from one is refused whole, the reason logged).
 */
public final class AdminPlane {
    private static final Logger log = LoggerFactory.getLogger(AdminPlane.class);

    private final ChangeManager changes;
    private final AdminServer server;
    private final Path file;
    private final Metrics metrics;

    private AdminPlane(ChangeManager changes, AdminServer server, Path file, Metrics metrics) {
        this.changes = changes;
        this.server = server;
        this.file = file;
        this.metrics = metrics;
    }

    /**
     * Starts the plane.
     *
     * @param file     the file the daemon was started with (changes are written back to it), or
     *                 null for an embedded configuration (changes then live until the daemon stops)
     * @param document the configuration as written ({@link ConfigLoader#document})
     */
    public static AdminPlane start(ScsiEngine engine, TargetDriver driver, List<DeviceHandlerFactory> handlers,
                                   ScstjConfig running, Config document, Path file) throws IOException {
        return start(engine, driver, handlers, running, document, file, null);
    }

    /** @param cluster this daemon as a cluster node ({@code GET /api/v1/cluster}), or null for a single node */
    public static AdminPlane start(ScsiEngine engine, TargetDriver driver, List<DeviceHandlerFactory> handlers,
                                   ScstjConfig running, Config document, Path file, ClusterControl cluster)
            throws IOException {
        AdminServer.Settings settings = AdminServer.Settings.from(running.config());
        ConfigStore store = file == null ? null : new ConfigStore(file, settings.keepVersions());
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, new EngineLive(engine, driver, cluster),
                store, running.source(), document, running);
        if (cluster != null && cluster.sharesConfiguration()) {
            changes.clusterMode(proposer(cluster));
        }
        Metrics metrics = settings.enabled()
                ? new Metrics(engine, driver instanceof IscsiTargetDriver iscsi ? iscsi : null,
                        () -> changes.state().revision(), settings.metricsPerInitiator())
                : null;
        AdminServer server;
        try {
            server = settings.enabled()
                    ? AdminServer.start(engine.system(), changes, metrics, settings, running.engine().stateDir())
                    : null;
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        return new AdminPlane(changes, server, file, metrics);
    }

    /** Asks the cluster's authority, bounded: a node that never answers ends as 504, never a hung request. */
    static ChangeManager.Proposer proposer(ClusterControl cluster) {
        return (base, text, allowDisruptive, force) -> {
            try {
                return cluster.proposeConfig(base, text, allowDisruptive, force).toCompletableFuture()
                        .get(PROPOSE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new ApiException(504, "the cluster's configuration authority did not answer in " + PROPOSE_SECONDS
                        + " s (" + e + "); the change may still apply on every node: read it again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted");
            }
        };
    }

    private static final long PROPOSE_SECONDS = 90;

    /** This node's side of cluster-wide configuration changes (start the cluster's follower with it). */
    public org.scstj.cluster.config.ConfigParticipant configParticipant() {
        return changes.participant();
    }

    /**
     * A node that starts or joins a cluster, before its portals open: applies the cluster's
     * configuration document if it is newer than this node's (through the same plan as a reload)
     * and writes it to this node's file. Returns what it did, for the log.
     */
    public String catchUp(java.util.Optional<org.scstj.cluster.config.ConfigRecord> record) {
        if (record.isEmpty()) {
            return "no cluster-wide configuration written yet: this node's file stands";
        }
        long before = changes.clusterRevision();
        try {
            ChangeManager.Result r = changes.catchUp(record.get().revision(), record.get().text());
            if (record.get().revision() <= before) {
                return "this node's configuration is at the cluster's revision " + before;
            }
            return "applied the cluster's configuration revision " + record.get().revision() + " (this node was at "
                    + before + ")" + (r == null ? ": no change here" : ": " + r.steps().stream()
                    .map(s -> s.action() + " " + s.object()).toList());
        } catch (ApiException e) {
            log.error("cluster configuration revision {} cannot be applied here: {} {}", record.get().revision(),
                    e.getMessage(), e.problems());
            return "the cluster's configuration revision " + record.get().revision() + " was REFUSED here: " + e.getMessage();
        }
    }

    /** The admin API's base URL, or null when it is disabled. */
    public String url() {
        return server == null ? null : server.url();
    }

    /** SIGHUP: applies the daemon's file; returns why it was refused (empty: applied, or nothing changed). */
    public List<String> reload() {
        if (file == null) {
            return List.of("no configuration file to reload");
        }
        log.info("SIGHUP: applying {}", file);
        try {
            Config doc = ConfigLoader.document(file);
            ChangeManager.Result r = changes.replace(doc, new ChangeManager.Options(false, false, Map.of(), false, false));
            if (r.steps().isEmpty()) {
                log.info("reload: {} has no change", file);
            } else {
                r.steps().forEach(s -> log.info("reload applied: {} {} ({})", s.action(), s.object(), s.detail()));
            }
            return List.of();
        } catch (InvalidConfigException e) {
            e.problems().forEach(p -> log.error("reload refused, the running configuration stays: {}", p));
            return List.of(e.getMessage());
        } catch (ApiException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
            e.problems().forEach(p -> log.error("  {}: {}", p.field(), p.problem()));
            return List.of(e.getMessage());
        }
    }

    /** The metrics {@code GET /metrics} serves, or null when the admin API is disabled (hooks: docs/metrics.md). */
    public Metrics metrics() {
        return metrics;
    }

    public void stop() {
        if (server != null) {
            server.stop();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
