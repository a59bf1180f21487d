package org.scstj.mgmt.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.dispatch.DispatcherStats;
import org.scstj.engine.latency.LatencySnapshot;
import org.scstj.engine.latency.Stage;
import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.engine.stats.EngineStats;
import org.scstj.engine.stats.LuStats;
import org.scstj.engine.stats.PortStats;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.conn.IscsiStats;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's metrics in the Prometheus text format (docs/metrics.md), on Micrometer's Prometheus
 * registry. The engine and the iSCSI driver keep plain counters ({@link EngineStats},
 * {@link IscsiStats}); the meters here read them when scraped ({@link FunctionCounter}s and
 * {@link Gauge}s), so nothing is counted twice and the fast path never meets Micrometer. The two
 * latency histograms are {@link Timer}s fed by the engine's {@link CommandObserver}: a fixed set of
 * buckets, recorded without a lock or an allocation.
 *
 * <p>Meters whose labels come and go (devices, target LUNs, sense codes, TMF outcomes) are
 * registered by {@link #scrape} when their counter first moves, and removed with their device.
 */
public final class Metrics {
    /** The Prometheus text exposition format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Histogram buckets of both latency timers: 50 µs to 10 s. */
    private static final Duration[] BUCKETS = {
            Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScsiEngine engine;
    private final IscsiTargetDriver driver;
    private final boolean perInitiator;
    /** The meters of each device, removed with it. */
    private final Map<String, Set<Meter>> byDevice = new HashMap<>();
    /** Device capacities at the last scrape: the gauges read this. */
    private volatile Map<String, Long> capacities = Map.of();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * Registers every meter the daemon has from the start.
     *
     * @param driver     the iSCSI driver, or null (its meters are left out)
     * @param generation the running configuration's revision ({@code scstj_config_generation})
     */
    public Metrics(ScsiEngine engine, IscsiTargetDriver driver, LongSupplier generation) {
        this(engine, driver, generation, false);
    }

    /**
     * @param perInitiator label the per-target/LUN series with the initiator too
     *                     ({@code scstj.admin.metrics-per-initiator}); set before any login
     */
    public Metrics(ScsiEngine engine, IscsiTargetDriver driver, LongSupplier generation, boolean perInitiator) {
        this.engine = engine;
        this.driver = driver;
        this.perInitiator = perInitiator;
        engine.stats().perInitiator(perInitiator);
        Timer[] commands = new Timer[CommandObserver.Op.values().length];
        Timer[] backend = new Timer[CommandObserver.Op.values().length];
        for (CommandObserver.Op op : CommandObserver.Op.values()) {
            commands[op.ordinal()] = timer("scstj.scsi.command.duration",
                    "from a command's arrival at its LU to its status handed to the transport", op);
            backend[op.ordinal()] = timer("scstj.backend.io.duration",
                    "the exec stage of a READ or WRITE: the device handler's I/O", op);
        }
        engine.stats().observe(new CommandObserver() {
            @Override
            public void commandDone(Op op, long nanos) {
                commands[op.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void backendIo(Op op, long nanos) {
                backend[op.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
            }
        });
        Gauge.builder("scstj.config.generation", generation, g -> g.getAsLong()).strongReference(true)
                .description("the running configuration's revision: each applied change adds one")
                .register(registry);
        if (driver != null) {
            IscsiStats iscsi = driver.stats();
            Gauge.builder("scstj.iscsi.sessions", driver, IscsiTargetDriver::sessionCount)
                    .description("normal iSCSI sessions open").register(registry);
            Gauge.builder("scstj.iscsi.connections", driver, IscsiTargetDriver::connectionCount)
                    .description("iSCSI connections open (discovery and logging-in ones included)").register(registry);
            for (IscsiStats.LoginResult r : IscsiStats.LoginResult.values()) {
                FunctionCounter.builder("scstj.iscsi.logins", iscsi, s -> s.logins(r))
                        .description("iSCSI logins ended, by outcome (discovery sessions included)")
                        .tag("result", r.label()).register(registry);
            }
            FunctionCounter.builder("scstj.iscsi.digest.errors", iscsi, IscsiStats::headerDigestErrors)
                    .description("PDUs with a wrong CRC32C digest").tag("digest", "header").register(registry);
            FunctionCounter.builder("scstj.iscsi.digest.errors", iscsi, IscsiStats::dataDigestErrors)
                    .description("PDUs with a wrong CRC32C digest").tag("digest", "data").register(registry);
            FunctionCounter.builder("scstj.iscsi.nop.timeouts", iscsi, IscsiStats::nopTimeouts)
                    .description("NOP-In pings not answered in time (the connection was closed)").register(registry);
        }
        for (Stage stage : Stage.values()) {
            stageTimer(stage.label());
        }
        queueGauges();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
    }

    private Timer timer(String name, String description, CommandObserver.Op op) {
        return Timer.builder(name).description(description).tag("op", label(op))
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code scstj_stage_duration_seconds{stage}}: a FunctionTimer per stage (count and sum of the
     * commands the per-stage histograms counted, over every device, operation and size class; see
     * docs/latency.md), read from the LUN actors at each scrape ({@link #refreshStages}). Only
     * devices with measurement on count; resetting them (DELETE /api/v1/latency) resets these too,
     * which Prometheus takes as a counter reset.
     */
    private void stageTimer(String stage) {
        FunctionTimer.builder("scstj.stage.duration", this, m -> m.stageTotals(stage).count(),
                        m -> m.stageTotals(stage).sumSeconds(), TimeUnit.SECONDS)
                .description("time commands spent in a stage (per-stage latency measurement must be on)")
                .tag("stage", stage).register(registry);
    }

    private record StageTotals(long count, double sumSeconds) {
    }

    private static final StageTotals NO_STAGE = new StageTotals(0, 0);

    /** Each stage's totals at the last scrape. */
    private volatile Map<String, StageTotals> stages = Map.of();

    private StageTotals stageTotals(String stage) {
        return stages.getOrDefault(stage, NO_STAGE);
    }

    /** Reads every LU's latency histograms (bounded: a LUN actor that does not answer keeps the last totals). */
    private void refreshStages() {
        List<LatencySnapshot> snapshots;
        try {
            snapshots = engine.latency(null, false).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return;
        }
        Map<String, StageTotals> totals = new HashMap<>();
        for (Stage stage : Stage.values()) {
            totals.put(stage.label(), NO_STAGE);
        }
        for (LatencySnapshot snap : snapshots) {
            for (LatencySnapshot.Entry e : snap.stages()) {
                totals.merge(e.stage(), new StageTotals(e.count(), e.sumSeconds()),
                        (x, y) -> new StageTotals(x.count() + y.count(), x.sumSeconds() + y.sumSeconds()));
            }
        }
        stages = totals;
    }

    /**
     * {@code scstj_actor_mailbox_size{actor_class}} (messages waiting in the mailboxes of every actor
     * of a kind: target, session, lun, tmf; docs/dispatchers.md) and
     * {@code scstj_dispatcher_queued_tasks{dispatcher}} (a pool's queued tasks; an inline
     * dispatcher's overflow pool's), read at each scrape.
     */
    private void queueGauges() {
        var actors = engine.actorStats();
        for (String kind : List.of("target", "session", "lun", "tmf")) {
            Gauge.builder("scstj.actor.mailbox.size", actors, a -> {
                        var t = a.byKind().get(kind);
                        return t == null ? 0 : t.mailboxDepth();
                    }).description("messages waiting in the mailboxes of the actors of a kind")
                    .tag("actor_class", kind).register(registry);
        }
        for (DispatcherStats.Stats d : engine.dispatchers()) {
            String id = d.id();
            Gauge.builder("scstj.dispatcher.queued.tasks", engine, e -> queued(e, id))
                    .description("tasks queued on a dispatcher's pool (an inline dispatcher: its overflow pool)")
                    .tag("dispatcher", id).register(registry);
        }
    }

    private static double queued(ScsiEngine engine, String id) {
        for (DispatcherStats.Stats d : engine.dispatchers()) {
            if (d.id().equals(id)) {
                Object q = d.live().getOrDefault("queued", d.live().get("overflow-queued"));
                return q instanceof Number n ? n.doubleValue() : 0;
            }
        }
        return Double.NaN;
    }

    /** The text exposition of every meter, the per-LU ones brought up to date first. */
    public synchronized String scrape() {
        refresh();
        refreshStages();
        return registry.scrape();
    }

    /** Registers the meters of devices, target LUNs, sense codes and TMF outcomes seen since the last scrape. */
    private void refresh() {
        EngineStats stats = engine.stats();
        Map<String, Long> caps = new HashMap<>();
        engine.devices().forEach(d -> caps.put(d.name(), (long) d.blockSize() * d.blockCount()));
        capacities = caps;
        Set<String> running = new HashSet<>();
        for (LuStats lu : stats.devices()) {
            String device = lu.device();
            running.add(device);
            Set<Meter> meters = byDevice.computeIfAbsent(device, k -> new HashSet<>());
            Tags dt = Tags.of("device", device);
            meters.add(Gauge.builder("scstj.scsi.commands.in.flight", lu, LuStats::inFlight).tags(dt)
                    .description("commands in the LU's task set (in the device and waiting)").register(registry));
            meters.add(Gauge.builder("scstj.unit.attentions.pending", lu, LuStats::unitAttentionsPending).tags(dt)
                    .description("unit attentions queued for the LU's nexuses").register(registry));
            meters.add(FunctionCounter.builder("scstj.backend.errors", lu, LuStats::backendErrors).tags(dt)
                    .description("exec-stage CHECK CONDITIONs with MEDIUM ERROR or HARDWARE ERROR").register(registry));
            meters.add(Gauge.builder("scstj.device.capacity", this, m -> capacity(m, device)).tags(dt)
                    .baseUnit("bytes").description("the device's size").register(registry));
            for (PortStats port : lu.ports()) {
                Tags pt = dt.and("target", port.target(), "lun", Integer.toString(port.lun()));
                if (perInitiator) {
                    pt = pt.and("initiator", port.initiator());
                }
                for (CommandObserver.Op op : CommandObserver.Op.values()) {
                    Tags ot = pt.and("op", label(op));
                    meters.add(counter("scstj.scsi.commands", port, p -> p.commands(op), ot,
                            null, "commands that got a status from the LU, by class (read, write, other)"));
                    meters.add(counter("scstj.scsi.bytes", port, p -> p.bytesIn(op), ot.and("direction", "in"), "bytes",
                            "data moved: in = Data-In (to the initiator), out = Data-Out"));
                    meters.add(counter("scstj.scsi.bytes", port, p -> p.bytesOut(op), ot.and("direction", "out"),
                            "bytes", "data moved: in = Data-In (to the initiator), out = Data-Out"));
                }
            }
            for (int key = 0; key < LuStats.SENSE_KEYS; key++) {
                for (int asc = 0; asc < LuStats.ASCS; asc++) {
                    if (lu.checkConditions(key, asc) != 0) {
                        int k = key;
                        int a = asc;
                        meters.add(counter("scstj.scsi.check.conditions", lu, l -> l.checkConditions(k, a),
                                dt.and("sense_key", String.format("0x%X", key), "asc", String.format("0x%02X", asc)),
                                null, "commands ended CHECK CONDITION, by sense key and additional sense code"));
                    }
                }
            }
        }
        for (var it = byDevice.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!running.contains(e.getKey())) {
                e.getValue().forEach(registry::remove);
                it.remove();
            }
        }
        for (TmfRequest.Function f : TmfRequest.Function.values()) {
            for (TmfRequest.Response r : TmfRequest.Response.values()) {
                if (stats.taskManagement(f, r) != 0) {
                    counter("scstj.task.management", stats, s -> s.taskManagement(f, r),
                            Tags.of("function", label(f), "response", label(r)), null,
                            "task-management functions answered, by function and service response");
                }
            }
        }
    }

    private <T> Meter counter(String name, T obj, ToDoubleFunction<T> f, Tags tags, String unit, String description) {
        FunctionCounter.Builder<T> b = FunctionCounter.builder(name, obj, f).tags(tags).description(description);
        if (unit != null) {
            b = b.baseUnit(unit);
        }
        return b.register(registry);
    }

    private static double capacity(Metrics m, String device) {
        Long c = m.capacities.get(device);
        return c == null ? Double.NaN : c;
    }

    /** Stops the GC listener and detaches from the engine. */
    public void close() {
        engine.stats().observe(null);
        gc.close();
        registry.close();
    }

    /** For tests: the meters a scrape would show. */
    List<Meter> meters() {
        return registry.getMeters();
    }
}
