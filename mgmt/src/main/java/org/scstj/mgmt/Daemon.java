package org.scstj.mgmt;

import org.scstj.cluster.ClusterGuard;
import org.scstj.cluster.ClusterNode;
import org.scstj.cluster.ClusterSpec;
import org.scstj.cluster.PekkoClusterConfig;
import org.scstj.cluster.control.ClusteredControlPlane;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.TargetDriver;
import com.typesafe.config.Config;
import org.scstj.mgmt.admin.AdminPlane;
import org.scstj.mgmt.admin.ClusterControl;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The daemon: starts the engine on a validated configuration, then the iSCSI target driver on
 * the engine's core, serves until asked to stop, then stops the driver (ending every session)
 * before the engine (flushing and closing every device).
 */
final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final long START_SECONDS = 60;
    private static final long STOP_DRIVER_SECONDS = 30;
    private static final long STOP_ENGINE_SECONDS = 60;
    private static final long LEAVE_SECONDS = 15;
    /** The exit status of a node the cluster downed: Pekko's own for ClusterDowningReason (-1), whichever exits first. */
    static final int DOWNED = 255;

    private final ScstjConfig config;
    private final List<DeviceHandlerFactory> handlers;
    private final Config document;
    private final Path file;

    /**
     * @param document the configuration as written ({@link ConfigLoader#document}), what the admin plane edits
     * @param file     the file it came from, where changes are written back; null for an embedded one
     */
    Daemon(ScstjConfig config, List<DeviceHandlerFactory> handlers, Config document, Path file) {
        this.config = config;
        this.handlers = handlers;
        this.document = document;
        this.file = file;
    }

    /**
     * Serves until SIGTERM/SIGINT; {@code onReady} runs once the portals are bound.
     *
     * @return the exit status: 0 after a clean stop, 1 when starting or stopping failed, {@link #DOWNED}
     *         when the cluster downed this node
     */
    int run(Runnable onReady) throws InterruptedException {
        describe();
        ShutdownSignal signal = ShutdownSignal.install(STOP_DRIVER_SECONDS + STOP_ENGINE_SECONDS + 5);
        try {
            return serve(signal, onReady);
        } finally {
            signal.finished();
        }
    }

    private int serve(ShutdownSignal signal, Runnable onReady) throws InterruptedException {
        try {
            java.nio.file.Files.createDirectories(config.engine().stateDir());
        } catch (java.io.IOException e) {
            log.error("cannot create the state directory {}: {}", config.engine().stateDir(), e.toString());
            return 1;
        }
        // SIGHUP trapped before anything starts (the JVM's own action for it is to exit); one that
        // comes before the portals are up is applied once they are
        java.util.concurrent.CountDownLatch serving = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<AdminPlane> adminRef = new java.util.concurrent.atomic.AtomicReference<>();
        if (file != null) { // an embedded configuration (demo) keeps the JVM's action: a hangup ends it
            trapHangup(adminRef, serving);
        }
        ClusterSpec clusterSpec = config.cluster();
        // in a cluster the LUs start with no group active/optimized; the coordinator's decision follows
        ClusterAlua clusterAlua = clusterSpec == null ? null : new ClusterAlua(config.engine().alua());
        org.scstj.engine.model.EngineSpec engineSpec = clusterAlua == null ? config.engine()
                : new org.scstj.engine.model.EngineSpec(config.engine().stateDir(), config.engine().devices(),
                config.engine().targets(), clusterAlua.initial());
        ScsiEngine engine;
        try {
            // in cluster mode each LU's reservations are kept by its single writer (docs/design/cluster.md 4)
            engine = clusterSpec == null ? ScsiEngine.start(engineSpec, config.config(), handlers)
                    : ScsiEngine.start(engineSpec, clusterConfig(clusterSpec), handlers, ClusteredControlPlane::new);
        } catch (ScsiEngine.EngineStartException e) {
            log.error("cannot start the SCSI engine: {}", e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            log.error("cannot start the SCSI engine", e);
            return 1;
        }
        // in cluster mode the engine's actor system is the cluster node: it joins the seeds as it starts
        FenceGate gate = new FenceGate();
        ClusterNode node = clusterSpec == null ? null : ClusterNode.start(engine.system(), clusterSpec, gate);
        if (node != null) { // every node runs one, also with no owned device group (manual groups: nodes not up unavailable)
            clusterAlua.engine(engine);
            node.startAlua(ClusterAlua.owned(config.engine().alua()), clusterAlua);
            clusterAlua.groups(node::aluaGroups);
        }
        TargetDriver driver;
        try {
            driver = node == null ? new IscsiTargetDriver(IscsiSettings.from(config.iscsi()))
                    : new IscsiTargetDriver(IscsiSettings.from(config.iscsi()), node.lease());
        } catch (RuntimeException e) {
            log.error("cannot start the iSCSI target driver: {}", reason(e));
            stopEngine(engine);
            return 1;
        }
        java.util.concurrent.atomic.AtomicBoolean leaving = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean downed = new java.util.concurrent.atomic.AtomicBoolean();
        ClusterControl control = node == null ? null : new ClusterControl() {
            @Override
            public ClusterNode.View view() {
                return node.view();
            }

            @Override
            public void leave() {
                signal.requestStop("leave requested through the admin API");
            }

            @Override
            public CompletionStage<Void> reconfigureAlua(org.scstj.engine.model.AluaSpec configured,
                                                        java.util.function.Function<org.scstj.engine.model.AluaSpec,
                                                                CompletionStage<Void>> apply) {
                return clusterAlua.reconfigure(configured, apply);
            }

            @Override
            public java.util.Map<String, String> aluaOwners() {
                return clusterAlua.owners();
            }

            @Override
            public CompletionStage<java.util.Map<String, ClusterNode.LuHost>> controlHosts(
                    java.util.Collection<String> devices) {
                return node.controlHosts(devices, java.time.Duration.ofSeconds(3));
            }

            @Override
            public void configurationLost(String why) {
                signal.requestStop("this node cannot run the cluster's configuration (" + why
                        + "): stopping; started again, it applies it before serving");
            }

            @Override
            public boolean down(String name) {
                return node.down(name);
            }

            @Override
            public boolean sharesConfiguration() {
                return true;
            }

            @Override
            public CompletionStage<org.scstj.cluster.config.ConfigAuthority.Outcome> proposeConfig(
                    long base, String text, boolean allowDisruptive, boolean force) {
                return node.proposeConfig(base, text, allowDisruptive, force, java.time.Duration.ofSeconds(85));
            }
        };
        // the admin API before the portals: once an initiator can log in, an operator can see it
        AdminPlane admin;
        try {
            admin = AdminPlane.start(engine, driver, handlers, config, document, file, control);
        } catch (java.io.IOException | RuntimeException e) {
            log.error("cannot start the admin API: {}", e.getMessage());
            stopEngine(engine);
            return 1;
        }
        adminRef.set(admin);
        boolean witness = clusterSpec != null && clusterSpec.selfNode().witness();
        if (node != null && !witness) { // docs/design/cluster.md 5.3: this node takes part in cluster-wide changes
            node.startConfig(admin.configParticipant());
        }
        if (node != null) {
            node.removed().thenRun(() -> {
                if (!leaving.get()) {
                    downed.set(true);
                    log.error("this node was removed from the cluster (downed): stopping");
                    signal.requestStop("removed from the cluster");
                }
            });
            if (!joined(node, signal)) {
                admin.stop();
                stopEngine(engine);
                return 1;
            }
        }
        if (node != null && !witness) { // a witness's file holds its node-local keys only
            catchUpConfiguration(node, admin);
            firstAluaDecision(node);
        }
        if (witness) {
            // a witness votes (resolver majority, the guard's lease) and serves nothing (docs/cluster.md)
            log.info("ready: witness node {} of the cluster, no portals", clusterSpec.self());
        } else {
            try {
                await(gate.start(driver, engine.core()), START_SECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.error("cannot start the iSCSI target driver on {}: {}", config.portals(), reason(e));
                admin.stop();
                stopEngine(engine);
                return 1;
            }
            log.info("ready: iSCSI on {}", config.portals().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        serving.countDown();
        onReady.run();

        String cause = signal.await();
        log.info("{}: stopping", cause);
        leaving.set(true);
        if (node != null && !downed.get()) {
            handOver(node); // first: the admin API's stop may take a while, the initiators are waiting
        }
        admin.stop();
        if (downed.get()) {
            // Pekko's CoordinatedShutdown (ClusterDowningReason) is ending the actor system and then the
            // process (exit status 255): no session may outlive it, and no engine stop can run on it
            stop("fencing the iSCSI target driver", driver::fence, STOP_DRIVER_SECONDS);
            stopDriver(driver);
            log.error("downed: stopped without flushing through the engine (written data is in the page cache "
                    + "or on the device already; the process exit closes the devices)");
            return DOWNED;
        }
        boolean clean = stopDriver(driver);
        if (node != null) {
            // the devices first: the leave ends the actor system (Pekko's CoordinatedShutdown), and
            // a LUN actor asked to flush after that never answers (the stop then waited out its bound)
            clean &= stop("flushing and closing the devices", engine::closeDevices, STOP_ENGINE_SECONDS);
            clean &= leave(node);
            clean &= stop("stopping the SCSI engine", engine::terminate, STOP_ENGINE_SECONDS);
        } else {
            clean &= stopEngine(engine);
        }
        log.info(clean ? "stopped" : "stopped, with errors");
        return clean ? 0 : 1;
    }

    /**
     * The engine's configuration with the generated cluster layer: the operator's own {@code pekko}
     * settings win over it, it wins over every module's defaults.
     */
    private Config clusterConfig(ClusterSpec spec) {
        Config own = document != null && document.hasPath("pekko") ? document.withOnlyPath("pekko")
                : com.typesafe.config.ConfigFactory.empty();
        return own.withFallback(PekkoClusterConfig.generate(spec, config.engine().stateDir()))
                .withFallback(config.config()).resolve();
    }

    /**
     * Waits until this node is Up (a majority of the configured nodes joined) and holds its lease;
     * false when a stop was asked first.
     */
    private static boolean joined(ClusterNode node, ShutdownSignal signal) throws InterruptedException {
        ClusterSpec spec = node.spec();
        log.info("cluster: node {} at {} joining {}", spec.self(), spec.selfNode().address(),
                spec.nodes().stream().map(ClusterSpec.Node::address).collect(Collectors.joining(", ")));
        long since = System.nanoTime();
        while (!node.up().toCompletableFuture().isDone() || !node.lease().serving()) {
            if (signal.requested()) {
                log.info("stop asked before this node was up in the cluster");
                return false;
            }
            Thread.sleep(50);
            if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(30)) {
                log.info("cluster: still waiting for a majority of {} nodes ({} up: {})", spec.nodes().size(),
                        node.up().toCompletableFuture().isDone() ? "this node is" : "this node is not",
                        node.lease().serving() ? "lease held" : "no lease");
                since = System.nanoTime();
            }
        }
        log.info("cluster: node {} is up and holds its lease", spec.self());
        return true;
    }

    /**
     * Before the portals open: the cluster's configuration document, applied here if it is newer
     * than this node's file (a node that was down during a change gets it now). A majority that
     * cannot be read in time leaves this node's file standing (logged).
     */
    private static void catchUpConfiguration(ClusterNode node, AdminPlane admin) throws InterruptedException {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                java.util.Optional<org.scstj.cluster.config.ConfigRecord> record =
                        node.readConfig(java.time.Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                log.info("cluster configuration: {}", admin.catchUp(record));
                return;
            } catch (ExecutionException | TimeoutException e) {
                log.warn("cluster configuration: cannot read the cluster's document (try {} of 3): {}", attempt, reason(e));
            }
        }
        log.error("cluster configuration: the cluster's document could not be read; serving this node's file");
    }

    /**
     * Before the portals open: waits (bounded) until the ALUA coordinator installed a decision that
     * counts this node as up, so the first initiator sees this node's groups in their cluster states.
     */
    private static void firstAluaDecision(ClusterNode node) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try {
                org.scstj.cluster.AluaCoordinator.View v = node.aluaView().toCompletableFuture().get(3, TimeUnit.SECONDS);
                if (v == null || v.up().contains(node.spec().self())) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                log.debug("ALUA view: {}", e.toString());
            }
            Thread.sleep(50);
        }
        log.warn("ALUA: no decision counting this node up within 10 s; its target port groups stay unavailable until one");
    }

    /**
     * Planned leave (docs/design/cluster.md 5.5): this node gives its device groups away (its groups
     * TRANSITIONING, then standby, 2A/06) before the portals close and it leaves; the next owner
     * promotes once this node's demotion is in force.
     */
    private static void handOver(ClusterNode node) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            node.handOverAlua(java.time.Duration.ofSeconds(10)).toCompletableFuture().get(12, TimeUnit.SECONDS);
            log.info("ALUA: handed over in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (ExecutionException | TimeoutException e) {
            log.error("ALUA: hand-over: {}", reason(e));
        }
    }

    /** Leaves the cluster in order (Leaving, Exiting, Removed); true when removed in time. */
    private static boolean leave(ClusterNode node) throws InterruptedException {
        if (node.removed().toCompletableFuture().isDone()) {
            return true;
        }
        node.leave();
        try {
            await(node.removed(), LEAVE_SECONDS);
            log.info("cluster: node {} left", node.spec().self());
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.error("cluster: leaving: {}", reason(e));
            return false;
        }
    }

    /**
     * Between the guard's lease changes and the target driver: a change that comes before the
     * driver started is remembered and applied right after the start, so a portal never stays open
     * on a node whose lease expired (and never stays closed on one whose lease came back).
     */
    private static final class FenceGate implements ClusterGuard.FenceActions {
        private TargetDriver driver;
        private boolean fenced;

        synchronized CompletionStage<Void> start(TargetDriver d, org.scstj.engine.spi.ScsiCore core) {
            return d.start(core).thenCompose(v -> {
                synchronized (this) {
                    driver = d;
                    return fenced ? d.fence() : java.util.concurrent.CompletableFuture.<Void>completedFuture(null);
                }
            });
        }

        @Override
        public synchronized void fence() {
            fenced = true;
            if (driver != null) {
                driver.fence();
            }
        }

        @Override
        public synchronized void unfence() {
            fenced = false;
            if (driver != null) {
                driver.unfence().whenComplete((v, e) -> {
                    if (e != null) {
                        log.error("cluster lease back, but a portal cannot be bound again: {}", e.getMessage());
                    }
                });
            }
        }
    }

    /**
     * SIGHUP applies the daemon's file again, through the admin plane (one at a time, on the signal's
     * thread), once the daemon serves: a SIGHUP during start-up waits for that instead of ending the
     * JVM (its default action) or changing a driver that is still starting.
     */
    private static void trapHangup(java.util.concurrent.atomic.AtomicReference<AdminPlane> admin,
                            java.util.concurrent.CountDownLatch serving) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                try {
                    if (!serving.await(START_SECONDS, TimeUnit.SECONDS)) {
                        log.warn("SIGHUP before the daemon served: not applied (start-up took over {} s)", START_SECONDS);
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                admin.get().reload();
            });
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // an ignored SIGHUP (nohup) stays ignored: the JVM keeps an inherited SIG_IGN
                log.warn("SIGHUP is ignored by this process (inherited, as under nohup): it will not apply the file;"
                        + " use scstj admin apply -c FILE");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("SIGHUP not trapped: no configuration reload");
        }
    }

    private static boolean stopDriver(TargetDriver driver) throws InterruptedException {
        return stop("stopping the iSCSI target driver", driver::stop, STOP_DRIVER_SECONDS);
    }

    private static boolean stopEngine(ScsiEngine engine) throws InterruptedException {
        return stop("stopping the SCSI engine (flushing devices)", engine::shutdown, STOP_ENGINE_SECONDS);
    }

    private static boolean stop(String what, Supplier<CompletionStage<Void>> stop, long seconds) throws InterruptedException {
        try {
            java.util.concurrent.CompletableFuture<Void> f = stop.get().toCompletableFuture();
            long patience = Math.min(STUCK_SECONDS, seconds);
            try {
                f.get(patience, TimeUnit.SECONDS);
            } catch (TimeoutException slow) {
                // once, while it still may finish: what every thread is doing, for the operator's report
                log.warn("{}: not done after {} s; the threads now:\n{}", what, patience, threadDump());
                f.get(seconds - patience, TimeUnit.SECONDS);
            }
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("{}: {}", what, reason(e));
            return false;
        }
    }

    /** A stop step slower than this logs the threads ({@link #threadDump}) and waits on to its own bound. */
    private static final long STUCK_SECONDS = 10;

    /** Every live thread's name, state and stack (at most 24 frames each), as jstack would list them. */
    static String threadDump() {
        StringBuilder out = new StringBuilder();
        for (var e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            out.append('"').append(t.getName()).append('"').append(t.isDaemon() ? " daemon" : "")
                    .append(' ').append(t.getState()).append('\n');
            StackTraceElement[] frames = e.getValue();
            for (int i = 0; i < Math.min(frames.length, 24); i++) {
                out.append("    at ").append(frames[i]).append('\n');
            }
            if (frames.length > 24) {
                out.append("    ... ").append(frames.length - 24).append(" more\n");
            }
        }
        return out.toString();
    }

    private static void await(CompletionStage<Void> stage, long seconds)
            throws ExecutionException, TimeoutException, InterruptedException {
        stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof TimeoutException) {
            return "timed out";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Logs what is about to be served (names and LUNs only; the configuration may hold secrets). */
    private void describe() {
        log.info("configuration {}: {} device(s), {} target(s), state in {}", config.source(),
                config.engine().devices().size(), config.engine().targets().size(), config.engine().stateDir());
        config.engine().devices().forEach(d -> log.info("device {} ({})", d.name(), d.handlerType()));
        for (TargetSpec t : config.engine().targets()) {
            log.info("target {} (relative port {}): {}", t.name(), t.relativeTargetPortId(), luns(t.defaultLuns()));
            for (GroupSpec g : t.groups()) {
                log.info("  group {} {}: {}", g.name(), g.initiators(), luns(g.luns()));
            }
        }
    }

    /** One line per target: its LUNs and groups, for the log. */
    static String summary(ScstjConfig config) {
        return config.engine().targets().stream()
                .map(t -> t.name() + ": " + luns(t.defaultLuns()) + t.groups().stream()
                        .map(g -> "; group " + g.name() + " " + luns(g.luns())).collect(Collectors.joining()))
                .collect(Collectors.joining(" | "));
    }

    static String luns(List<LunMapping> luns) {
        if (luns.isEmpty()) {
            return "no LUNs";
        }
        return luns.stream()
                .map(l -> "LUN " + l.lun() + " = " + l.device() + (l.readOnly() ? " (read-only)" : ""))
                .collect(Collectors.joining(", "));
    }
}
