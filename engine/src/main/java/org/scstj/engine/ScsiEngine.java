package org.scstj.engine;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.scsitarget.TargetAcl;
import org.scstj.engine.scsitarget.TargetActor;
import org.scstj.engine.session.SessionActor;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.engine.spi.TransportTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The SCSI core: an actor system holding one actor per target, session, LUN and task-management
 * function. The daemon starts it with the configuration model, then hands {@link #core()} to
 * each target driver.
 */
public final class ScsiEngine {
    private static final Logger log = LoggerFactory.getLogger(ScsiEngine.class);

    private final ActorSystem<Void> system;
    private final EngineSettings settings;
    private final Map<String, ActorRef<LunActor.Command>> lunActors;
    /** Replaced whole by {@link #reconfigure}; read by transport threads (logins, SendTargets). */
    private volatile Map<String, Target> targets;
    private final Set<String> deviceNames;
    private final Core core = new Core();

    private record Target(String name, TargetAcl acl, ActorRef<TargetActor.Command> actor) {
    }

    private ScsiEngine(ActorSystem<Void> system, EngineSettings settings,
                       Map<String, ActorRef<LunActor.Command>> lunActors, Map<String, Target> targets) {
        this.system = system;
        this.settings = settings;
        this.lunActors = lunActors;
        this.targets = Map.copyOf(targets);
        this.deviceNames = Set.copyOf(lunActors.keySet());
    }

    /**
     * Applies new LUN mappings and security groups to the running targets, as a configuration
     * reload asks: every target keeps running, each open session's LUN inventory becomes what the
     * new mapping gives its initiator, and a session whose inventory changed gets REPORTED LUNS DATA
     * HAS CHANGED (SPC-5 6.33, 3F/0E) on every LU it now sees. Only mappings may change: the same
     * targets, mapping only devices the engine already runs (a new device, target or portal needs a
     * restart).
     *
     * @return completes with why the new mappings were refused (nothing changed then), or with an
     *         empty list once every session concerned follows them
     */
    public synchronized CompletionStage<List<String>> reconfigure(List<TargetSpec> specs) {
        List<String> problems = new ArrayList<>();
        Map<String, TargetSpec> byName = new LinkedHashMap<>();
        for (TargetSpec t : specs) {
            byName.put(t.name(), t); // TargetSpec names are canonical
        }
        if (!byName.keySet().equals(targets.keySet())) {
            problems.add("targets cannot be added or removed while running (running: "
                    + String.join(", ", new java.util.TreeSet<>(targets.keySet())) + ")");
        }
        for (TargetSpec t : specs) {
            java.util.stream.Stream.concat(t.defaultLuns().stream(), t.groups().stream().flatMap(g -> g.luns().stream()))
                    .filter(m -> !deviceNames.contains(m.device()))
                    .forEach(m -> problems.add(t.name() + ": LUN " + m.lun() + " maps " + m.device()
                            + ", which is not a running device (a new device needs a restart)"));
        }
        if (!problems.isEmpty()) {
            return CompletableFuture.completedFuture(problems);
        }
        Map<String, Target> next = new LinkedHashMap<>();
        List<CompletableFuture<TargetActor.Reconfigured>> applied = new ArrayList<>();
        for (Map.Entry<String, TargetSpec> e : byName.entrySet()) {
            Target running = targets.get(e.getKey());
            applied.add(AskPattern.<TargetActor.Command, TargetActor.Reconfigured>ask(running.actor(),
                    replyTo -> new TargetActor.Reconfigure(e.getValue(), replyTo),
                    Duration.ofSeconds(30), system.scheduler()).toCompletableFuture());
            next.put(e.getKey(), new Target(running.name(), new TargetAcl(e.getValue()), running.actor()));
        }
        targets = Map.copyOf(next);
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new)).thenApply(v -> List.<String>of());
    }

    /**
     * Opens every device and starts the actors.
     *
     * @param spec     devices and targets (validated by the caller)
     * @param config   the whole configuration (dispatchers and engine settings under {@code scstj})
     * @param handlers the device handler types available
     * @throws EngineStartException naming the device that could not be opened
     */
    public static ScsiEngine start(EngineSpec spec, Config config, List<DeviceHandlerFactory> handlers)
            throws EngineStartException {
        EngineSettings settings = EngineSettings.from(config);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "scstj", config);
        List<BlockDevice> opened = new ArrayList<>();
        try {
            Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.blockingDispatcher()));
            Map<String, DeviceHandlerFactory> byType = new LinkedHashMap<>();
            handlers.forEach(h -> byType.put(h.type(), h));
            DeviceHandlerFactory.Context context = new DeviceHandlerFactory.Context(blocking, spec.stateDir());
            Props lunProps = DispatcherSelector.fromConfig(settings.lunDispatcher());
            Map<String, TargetActor.Lu> lus = new LinkedHashMap<>();
            Map<String, ActorRef<LunActor.Command>> lunActors = new LinkedHashMap<>();
            for (DeviceSpec d : spec.devices()) {
                DeviceHandlerFactory factory = byType.get(d.handlerType());
                if (factory == null) {
                    throw new EngineStartException("device " + d.name() + ": no handler " + d.handlerType());
                }
                BlockDevice device;
                try {
                    device = factory.open(d.name(), d.config(), context);
                } catch (java.io.IOException | RuntimeException e) {
                    throw new EngineStartException("device " + d.name() + " (" + d.handlerType() + "): " + e.getMessage(), e);
                }
                opened.add(device);
                // every block device is a disk (peripheral device type 00h) for now
                CommandSet commands = CommandSets.DISK;
                UnitState state = new UnitState(new MediumState(device.capabilities().removable()),
                        modeParameters(spec, d, device, blocking),
                        new WholeMediumState(settings.wholeMediumBytesPerSecond(), blocking),
                        reservations(spec, d, blocking));
                ActorRef<LunActor.Command> actor = system.systemActorOf(
                        LunActor.create(device, commands, settings.nexusQueueDepth(), settings.lunQueueDepth(), state),
                        "lun-" + actorName(d.name()), lunProps);
                lus.put(d.name(), new TargetActor.Lu(device, commands, actor, state));
                lunActors.put(d.name(), actor);
                log.info("device {} ({}): {} blocks of {} bytes", d.name(), d.handlerType(),
                        device.blockCount(), device.blockSize());
            }
            Props sessionProps = DispatcherSelector.fromConfig(settings.sessionDispatcher());
            Props tmfProps = DispatcherSelector.fromConfig(settings.tmfDispatcher());
            Map<String, Target> targets = new LinkedHashMap<>();
            for (TargetSpec t : spec.targets()) {
                ActorRef<TargetActor.Command> actor = system.systemActorOf(
                        TargetActor.create(t, lus, sessionProps, tmfProps),
                        "target-" + actorName(t.name()), Props.empty());
                targets.put(t.name(), new Target(t.name(), new TargetAcl(t), actor));
            }
            return new ScsiEngine(system, settings, lunActors, targets);
        } catch (EngineStartException | RuntimeException e) {
            for (BlockDevice d : opened) {
                try {
                    d.close();
                } catch (RuntimeException ignored) {
                    // closing what was opened before the failure; the failure itself is reported
                }
            }
            system.terminate();
            throw e instanceof EngineStartException ese ? ese
                    : new EngineStartException("engine failed to start: " + e.getMessage(), e);
        }
    }

    /** Actor names allow a restricted alphabet; device and target names are mapped into it. */
    /**
     * The LU's mode parameters, savable in {@code <state-dir>/mode-pages/<device>.state} (SPC-5
     * 7.5.2); a damaged file is logged and the defaults are used.
     */
    private static ModeParameters modeParameters(EngineSpec spec, DeviceSpec d, BlockDevice device,
                                                                       Executor blocking) {
        boolean writeBack = device.capabilities().writeBackCache();
        if (spec.stateDir() == null) {
            return new ModeParameters(writeBack);
        }
        java.nio.file.Path file = spec.stateDir().resolve("mode-pages")
                .resolve(java.net.URLEncoder.encode(d.name(), java.nio.charset.StandardCharsets.UTF_8) + ".state");
        ModeParameters mode = new ModeParameters(writeBack,
                new org.scstj.engine.state.StateFile(file), blocking);
        if (mode.loadProblem() != null) {
            log.error("device {}: saved mode pages not used: {}", d.name(), mode.loadProblem());
        }
        return mode;
    }

    /** SPC-5 5.14.4 APTPL: a LU's persistent reservations kept under state-dir/reservations. */
    private static Reservations reservations(EngineSpec spec, DeviceSpec d, Executor blocking) {
        if (spec.stateDir() == null) {
            return new Reservations();
        }
        java.nio.file.Path file = spec.stateDir().resolve("reservations")
                .resolve(java.net.URLEncoder.encode(d.name(), java.nio.charset.StandardCharsets.UTF_8) + ".state");
        Reservations r =
                new Reservations(new org.scstj.engine.state.StateFile(file), blocking);
        if (r.loadProblem() != null) {
            log.error("device {}: persistent reservations not restored: {}", d.name(), r.loadProblem());
        }
        return r;
    }

    private static String actorName(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The core's side of the target-driver SPI. */
    public ScsiCore core() {
        return core;
    }

    /** The actor system, for inspection and tests. */
    public ActorSystem<Void> system() {
        return system;
    }

    /**
     * Flushes and closes every device, then stops the actors. Call after the target drivers
     * stopped (their sessions closed), so no task is outstanding.
     */
    public CompletionStage<Void> shutdown() {
        List<CompletableFuture<LunActor.ShutdownDone>> flushes = new ArrayList<>();
        for (ActorRef<LunActor.Command> lun : lunActors.values()) {
            flushes.add(AskPattern.<LunActor.Command, LunActor.ShutdownDone>ask(lun, LunActor.Shutdown::new,
                    Duration.ofSeconds(60), system.scheduler()).toCompletableFuture());
        }
        return CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new))
                .handle((v, e) -> {
                    for (CompletableFuture<LunActor.ShutdownDone> f : flushes) {
                        LunActor.ShutdownDone d = f.getNow(null);
                        if (d != null && d.failure() != null) {
                            log.error("flushing {} at shutdown failed", d.device(), d.failure());
                        }
                    }
                    if (e != null) {
                        log.error("shutdown: a device did not answer", e);
                    }
                    return (Void) null;
                })
                .thenCompose(v -> {
                    system.terminate();
                    return system.getWhenTerminated().thenApply(d -> (Void) null);
                });
    }

    private final class Core implements ScsiCore {
        @Override
        public List<String> targetsVisibleTo(String initiatorName) {
            List<String> names = new ArrayList<>();
            for (Target t : targets.values()) {
                if (!t.acl().lunsFor(initiatorName).isEmpty()) {
                    names.add(t.name());
                }
            }
            return names;
        }

        @Override
        public CompletionStage<SessionHandle> openSession(Nexus nexus) {
            Target target = targets.get(nexus.targetName()); // both canonical (Names)
            if (target == null) {
                return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusal.TARGET_NOT_FOUND,
                        "no target " + nexus.targetName()));
            }
            return AskPattern.<TargetActor.Command, TargetActor.Opened>ask(target.actor(),
                            replyTo -> new TargetActor.OpenSession(nexus, replyTo),
                            Duration.ofMillis(settings.loginTimeoutMillis()), system.scheduler())
                    .thenCompose(opened -> opened.session() == null
                            ? CompletableFuture.failedFuture(new LoginRefusedException(opened.refusal(), opened.message()))
                            : CompletableFuture.completedFuture(new Handle(opened.nexus(), opened.session())));
        }
    }

    /** A session as the transport holds it: messages to the session actor. */
    private record Handle(Nexus nexus, ActorRef<SessionActor.Command> session) implements SessionHandle {
        @Override
        public void submit(TransportTask task) {
            session.tell(new SessionActor.Submit(task));
        }

        @Override
        public void taskManagement(TmfRequest request, Consumer<TmfRequest.Response> done) {
            session.tell(new SessionActor.Manage(request, done));
        }

        @Override
        public void close(Runnable done) {
            session.tell(new SessionActor.Close(done));
        }

        @Override
        public void asyncEvents(AsyncEventListener sense) {
            session.tell(new SessionActor.ReportEvents(sense));
        }
    }

    /** The engine could not start; the message names the device or setting at fault. */
    public static final class EngineStartException extends Exception {
        public EngineStartException(String message) {
            super(message);
        }

        public EngineStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
