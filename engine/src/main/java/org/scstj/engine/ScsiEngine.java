package org.scstj.engine;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ControlPlane;
import org.scstj.engine.latency.LatencyRecorder;
import org.scstj.engine.latency.LatencySnapshot;
import org.scstj.engine.lu.DeviceControl;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.model.AluaSpec;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.passthrough.ControlPage;
import org.scstj.engine.pr.ReservationFile;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.scsitarget.TargetAcl;
import org.scstj.engine.scsitarget.TargetActor;
import org.scstj.engine.session.SessionActor;
import org.scstj.engine.stats.EngineStats;
import org.scstj.engine.sense.SenseReason;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The SCSI core: an actor system holding one actor per target, session, LUN and task-management
 * function. The daemon starts it with the configuration model, then hands {@link #core()} to
 * each target driver.
 */
public final class ScsiEngine {
    private static final Logger log = LoggerFactory.getLogger(ScsiEngine.class);
    /** How long a management change may wait for its LU to drain and apply it. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(120);

    private final ActorSystem<Void> system;
    private final EngineSettings settings;
    private final Map<String, DeviceHandlerFactory> handlers;
    private final DeviceHandlerFactory.Context context;
    private final Executor blocking;
    private final java.nio.file.Path stateDir;
    private final Props lunProps;
    private final Props sessionProps;
    private final Props tmfProps;
    private final Props targetProps;
    /** The running devices; a device being added is not here yet, one being removed not any more. */
    private final ConcurrentHashMap<String, Device> devices = new ConcurrentHashMap<>();
    /** Names a device is being added or removed under: no second add or remove meanwhile. */
    private final Set<String> changing = ConcurrentHashMap.newKeySet();
    /** Actors of devices and targets added at run time: a name of a removed one may still be in use. */
    private final AtomicLong generation = new AtomicLong();
    /** Replaced whole by {@link #reconfigure}; read by transport threads (logins, SendTargets). */
    private volatile Map<String, Target> targets = Map.of();
    /** The last reconfiguration's completion: a removal waits for it (sessions route by then). */
    private CompletableFuture<?> lastReconfigure = CompletableFuture.completedFuture(null);
    private final Core core = new Core();
    /** The configured ALUA (SPC-5 5.16): each new LU starts with it; {@link #reconfigureAlua} replaces it. */
    private volatile AluaSpec alua = AluaSpec.DEFAULT;
    /** Where each LU's control state is kept (docs/design/cluster.md 4); set once at start. */
    private ControlPlane controlPlane = ControlPlane.LOCAL;
    /** The targets as last applied: their ports seed each LU's target port groups (SPC-5 6.37). */
    private volatile List<TargetSpec> targetSpecs = List.of();
    /** The counters the management plane's metrics read (docs/metrics.md). */
    private final EngineStats stats = new EngineStats();

    private record Target(TargetSpec spec, TargetAcl acl, ActorRef<TargetActor.Command> actor) {
        String name() {
            return spec.name();
        }
    }

    /** A running device: how it was configured and the LU built on it. */
    private record Device(DeviceSpec spec, TargetActor.Lu lu) {
    }

    /** Complete once {@link #start} has started every device and target: a handler's {@code Media} requests wait for it. */
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    private ScsiEngine(ActorSystem<Void> system, EngineSettings settings, Map<String, DeviceHandlerFactory> handlers,
                       java.nio.file.Path stateDir, boolean sharedStorage) {
        this.system = system;
        this.settings = settings;
        this.handlers = handlers;
        this.stateDir = stateDir;
        this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.blockingDispatcher()));
        this.context = new DeviceHandlerFactory.Context(blocking, stateDir,
                (device, medium, force) -> started.thenCompose(v -> changeMedium(device, medium, force)), sharedStorage);
        this.lunProps = DispatcherSelector.fromConfig(settings.lunDispatcher()).withMailboxFromConfig(settings.mailbox());
        this.sessionProps = DispatcherSelector.fromConfig(settings.sessionDispatcher())
                .withMailboxFromConfig(settings.mailbox());
        this.tmfProps = DispatcherSelector.fromConfig(settings.tmfDispatcher()).withMailboxFromConfig(settings.mailbox());
        this.targetProps = MailboxSelector.fromConfig(settings.mailbox());
    }

    /**
     * Applies new targets, LUN mappings and security groups, as a configuration reload or the
     * management plane asks. A target not running yet starts (logins and SendTargets see it at
     * once); a running target missing from {@code specs} is removed: its sessions' tasks are
     * aborted as at nexus loss (SAM-5 6.3.4) and the sessions end (the SPI cannot tell the
     * transport, so each answers its commands as aborted until the transport closes it); new logins
     * to it are refused TARGET_NOT_FOUND. Every other target keeps running, each open session's LUN
     * inventory becomes what the new mapping gives its initiator, and a session whose inventory
     * changed gets REPORTED LUNS DATA HAS CHANGED (SPC-5 6.33, 3F/0E) on every LU it now sees.
     * Mappings may name any running device, those {@link #addDevice} added included.
     *
     * @return completes with why the new configuration was refused (nothing changed then), or
     *         with an empty list once every session concerned follows it and every removed
     *         target's sessions ended
     */
    public synchronized CompletionStage<List<String>> reconfigure(List<TargetSpec> specs) {
        List<String> problems = new ArrayList<>();
        Map<String, TargetSpec> byName = new LinkedHashMap<>();
        for (TargetSpec t : specs) {
            if (byName.put(t.name(), t) != null) { // TargetSpec names are canonical
                problems.add(t.name() + ": given twice");
            }
        }
        for (TargetSpec t : specs) {
            java.util.stream.Stream.concat(t.defaultLuns().stream(), t.groups().stream().flatMap(g -> g.luns().stream()))
                    .filter(m -> !devices.containsKey(m.device()))
                    .forEach(m -> problems.add(t.name() + ": LUN " + m.lun() + " maps " + m.device()
                            + ", which is not a running device"));
        }
        if (!problems.isEmpty()) {
            return CompletableFuture.completedFuture(problems);
        }
        Map<String, TargetActor.Lu> lus = lus();
        Map<String, Target> next = new LinkedHashMap<>();
        List<CompletableFuture<?>> applied = new ArrayList<>();
        for (Map.Entry<String, TargetSpec> e : byName.entrySet()) {
            Target running = targets.get(e.getKey());
            ActorRef<TargetActor.Command> actor;
            if (running == null) {
                actor = system.systemActorOf(TargetActor.create(e.getValue(), lus, sessionProps, tmfProps),
                        "target@" + generation.incrementAndGet() + "-" + actorName(e.getKey()), targetProps);
                log.info("target {} added", e.getKey());
            } else {
                actor = running.actor();
                applied.add(AskPattern.<TargetActor.Command, TargetActor.Reconfigured>ask(actor,
                        replyTo -> new TargetActor.Reconfigure(e.getValue(), lus, replyTo),
                        Duration.ofSeconds(30), system.scheduler()).toCompletableFuture());
            }
            next.put(e.getKey(), new Target(e.getValue(), new TargetAcl(e.getValue()), actor));
        }
        for (Target gone : targets.values()) {
            if (!byName.containsKey(gone.name())) {
                applied.add(AskPattern.<TargetActor.Command, TargetActor.Removed>ask(gone.actor(),
                        TargetActor.Remove::new, Duration.ofSeconds(60), system.scheduler()).toCompletableFuture());
                log.info("target {} removed", gone.name());
            }
        }
        targets = Map.copyOf(next);
        targetSpecs = List.copyOf(byName.values());
        CompletableFuture<List<String>> done = CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new))
                .thenCompose(v -> refreshAluaPorts())
                .thenApply(v -> List.of());
        lastReconfigure = done;
        return done;
    }

    /** The LUs of the running devices, as targets map them. */
    private Map<String, TargetActor.Lu> lus() {
        Map<String, TargetActor.Lu> lus = new java.util.HashMap<>();
        devices.forEach((name, d) -> lus.put(name, d.lu()));
        return Map.copyOf(lus);
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
        return start(spec, config, handlers, system -> ControlPlane.LOCAL, false);
    }

    /**
     * As {@link #start(EngineSpec, Config, List)} for a node of a cluster: each LU's control state
     * kept where the plane {@code controlPlane} makes on the engine's actor system says
     * (docs/design/cluster.md 4); it is made before the first LU starts. The other nodes serve the
     * same backing stores, so the handlers are told so ({@link DeviceHandlerFactory.Context#sharedStorage}):
     * COMPARE AND WRITE, ORWRITE and WRITE ATOMIC then lock their ranges on the store (4.7).
     */
    public static ScsiEngine start(EngineSpec spec, Config config, List<DeviceHandlerFactory> handlers,
                                   java.util.function.Function<ActorSystem<Void>, ControlPlane> controlPlane)
            throws EngineStartException {
        return start(spec, config, handlers, controlPlane, true);
    }

    private static ScsiEngine start(EngineSpec spec, Config config, List<DeviceHandlerFactory> handlers,
                                    java.util.function.Function<ActorSystem<Void>, ControlPlane> controlPlane,
                                    boolean sharedStorage) throws EngineStartException {
        EngineSettings settings = EngineSettings.from(config);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "scstj", config);
        List<BlockDevice> opened = new ArrayList<>();
        try {
            Map<String, DeviceHandlerFactory> byType = new LinkedHashMap<>();
            handlers.forEach(h -> byType.put(h.type(), h));
            ScsiEngine engine = new ScsiEngine(system, settings, Map.copyOf(byType), spec.stateDir(), sharedStorage);
            engine.controlPlane = controlPlane.apply(system);
            engine.alua = spec.alua();
            engine.targetSpecs = List.copyOf(spec.targets());
            for (DeviceSpec d : spec.devices()) {
                DeviceHandlerFactory factory = byType.get(d.handlerType());
                if (factory == null) {
                    throw new EngineStartException("device " + d.name() + ": no handler " + d.handlerType());
                }
                BlockDevice device;
                try {
                    device = factory.open(d.name(), d.config(), engine.context);
                } catch (java.io.IOException | RuntimeException e) {
                    throw new EngineStartException("device " + d.name() + " (" + d.handlerType() + "): " + e.getMessage(), e);
                }
                opened.add(device);
                engine.startLu(d, device, "lun-" + actorName(d.name()));
            }
            Map<String, TargetActor.Lu> lus = engine.lus();
            Map<String, Target> targets = new LinkedHashMap<>();
            for (TargetSpec t : spec.targets()) {
                ActorRef<TargetActor.Command> actor = system.systemActorOf(
                        TargetActor.create(t, lus, engine.sessionProps, engine.tmfProps),
                        "target-" + actorName(t.name()), engine.targetProps);
                targets.put(t.name(), new Target(t, new TargetAcl(t), actor));
            }
            engine.targets = Map.copyOf(targets);
            engine.started.complete(null);
            return engine;
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

    /** Builds the LU of an opened device (its state, its LUN actor) and makes it a running device. */
    private void startLu(DeviceSpec d, BlockDevice device, String actorName) {
        CommandSet commands = CommandSets.forDevice(device);
        if (commands == null) {
            throw new IllegalArgumentException("device " + d.name() + ": no command set for peripheral device type "
                    + device.peripheralDeviceType());
        }
        boolean cdDvd = device.peripheralDeviceType() == BlockDevice.CD_DVD;
        ModeParameters mode = modeParameters(d, device);
        DeviceControl control = device.passThrough() == null ? null : ControlPage.of(device.passThrough());
        if (control != null && device.ready()) {
            followControlPage(d.name(), control, mode);
        } else if (control != null) {
            // a handler process not attached yet: its page is read after a MODE SELECT or a LU reset
            log.info("device {}: not ready at start; the core starts with the Control page's defaults", d.name());
        }
        ReservationFile reservationFile = reservationFile(d);
        UnitState state = new UnitState(new MediumState(device.capabilities().removable(), cdDvd, device.mediumLoaded()),
                mode, new WholeMediumState(settings.wholeMediumBytesPerSecond(), blocking),
                reservations(d, reservationFile), device.peripheralDeviceType() == BlockDevice.TAPE ? new TapeState() : null,
                control, stats.addDevice(d.name()), new LatencyRecorder(d.name()), reservationFile);
        state.latency().enable(settings.measureLatency());
        ActorRef<LunActor.Command> actor = system.systemActorOf(
                LunActor.create(device, commands, settings.nexusQueueDepth(), settings.lunQueueDepth(), state,
                        controlPlane),
                actorName, lunProps);
        // SPC-5 5.16: the configured access states, before any command (scstj.alua)
        actor.tell(new LunActor.InstallAlua(alua.stateFor(d.name(), targetSpecs), null, system.ignoreRef()));
        device.listen(new BlockDevice.Listener() {
            @Override
            public void reset() {
                actor.tell(new LunActor.DeviceEvent(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET));
            }

            @Override
            public void capacityChanged() {
                actor.tell(new LunActor.DeviceEvent(SenseReason.CAPACITY_DATA_HAS_CHANGED));
            }

            @Override
            public void mediumChanged() {
                actor.tell(new LunActor.DeviceEvent(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED));
            }

            @Override
            public void mediumLoaded(boolean loaded) {
                actor.tell(new LunActor.DeviceMedium(loaded));
            }

            @Override
            public boolean hasRow(int opcode) {
                return commands.lookup(opcode & 0xFF, -1) != null;
            }
        });
        devices.put(d.name(), new Device(d, new TargetActor.Lu(device, commands, actor, state)));
        log.info("device {} ({}): {} blocks of {} bytes", d.name(), d.handlerType(),
                device.blockCount(), device.blockSize());
    }

    /**
     * A pass-through device's Control page (SPC-5 7.5.8) before its LU serves: the core follows its
     * D_SENSE, SWP, UA_INTLCK_CTRL, TST and QERR from the first command. A device that does not
     * answer within {@link #CONTROL_PAGE_SECONDS} (or refuses) leaves the SPC-5 defaults, logged.
     */
    private void followControlPage(String name, DeviceControl control, ModeParameters mode) {
        CompletableFuture<ModeParameters.Control> read = new CompletableFuture<>();
        control.read(read::complete);
        ModeParameters.Control c;
        try {
            c = read.get(CONTROL_PAGE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c = null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            c = null;
        }
        if (c == null) {
            log.warn("device {}: its Control mode page could not be read; the core starts with the defaults", name);
        } else {
            mode.followDevice(c);
        }
    }

    private static final long CONTROL_PAGE_SECONDS = 10;

    // --- management: ALUA (SPC-5 5.16, docs/design/cluster.md 2.6, 2.7) ---------------------

    /** The ALUA configuration in force. */
    public AluaSpec aluaSpec() {
        return alua;
    }

    /** Every running LU's target port groups and their states, by device name. */
    public CompletionStage<Map<String, AluaState>> aluaStates() {
        Map<String, CompletableFuture<AluaState>> asked = new java.util.TreeMap<>();
        devices.forEach((name, d) -> asked.put(name, readAlua(d)));
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, AluaState> out = new LinkedHashMap<>();
            asked.forEach((name, f) -> out.put(name, f.join()));
            return out;
        });
    }

    /**
     * Applies a new ALUA configuration. An LU whose device group changed (its states, PREF, its
     * members) or whose target port groups changed gets the configured states as one implicit
     * change (SPC-5 5.16.2.6: TRANSITIONING for the transition delay, then 2A/06 to every I_T
     * nexus, 5.16.2.8); one where only the transition times changed keeps its states. Target port
     * group membership applies to new sessions; open ones keep the group they logged in through.
     */
    public synchronized CompletionStage<Void> reconfigureAlua(AluaSpec next) {
        AluaSpec before = alua;
        alua = next;
        boolean groupsChanged = !before.targetGroups().equals(next.targetGroups());
        boolean timesChanged = before.implicitTransitionSeconds() != next.implicitTransitionSeconds()
                || !before.transitionDelay().equals(next.transitionDelay());
        List<CompletableFuture<?>> installed = new ArrayList<>();
        devices.forEach((name, d) -> {
            if (groupsChanged || !java.util.Objects.equals(before.deviceGroupOf(name), next.deviceGroupOf(name))) {
                installed.add(installConfigured(name, d));
            } else if (timesChanged) {
                installed.add(refreshAlua(name, d));
            }
        });
        return CompletableFuture.allOf(installed.toArray(CompletableFuture[]::new));
    }

    /**
     * Puts these devices' LUs in the configured states where they differ (a SET TARGET PORT GROUPS
     * may have changed them since): one implicit change each, SPC-5 5.16.2.8; an LU already in
     * them is left alone, no unit attention. Names that are no running device are skipped.
     */
    public CompletionStage<Void> applyConfiguredAlua(java.util.Collection<String> names) {
        List<CompletableFuture<?>> installed = new ArrayList<>();
        for (String name : names) {
            Device d = devices.get(name);
            if (d != null) {
                installed.add(installConfigured(name, d));
            }
        }
        return CompletableFuture.allOf(installed.toArray(CompletableFuture[]::new));
    }

    /** The configured states and ports; a group whose state stays keeps its STATUS CODE (SPC-5 6.37). */
    private CompletableFuture<AluaState> installConfigured(String name, Device d) {
        AluaState configured = alua.stateFor(name, targetSpecs);
        return readAlua(d).thenCompose(current -> {
            List<TargetPortGroup> groups = new ArrayList<>();
            for (TargetPortGroup g : configured.groups()) {
                TargetPortGroup now = current.group(g.id());
                groups.add(now != null && now.state() == g.state()
                        ? new TargetPortGroup(g.id(), g.state(), g.preferred(), now.statusCode(), g.relativeTargetPortIds())
                        : g);
            }
            AluaState next = new AluaState(current.version(), groups, configured.implicitTransitionSeconds(),
                    configured.transitionDelay(), configured.tpgs());
            return same(current, next) ? CompletableFuture.completedFuture(current) : installAlua(d, next);
        });
    }

    private static boolean same(AluaState current, AluaState next) {
        return current.implicitTransitionSeconds() == next.implicitTransitionSeconds()
                && current.transitionDelay().equals(next.transitionDelay())
                && next.groups().stream().allMatch(g -> g.equals(current.group(g.id())));
    }

    /**
     * After a change of the targets: every LU's ports as the targets now give them, its states
     * kept. An LU that does not answer keeps its ports (logged): the mapping change stands.
     */
    private CompletableFuture<Void> refreshAluaPorts() {
        List<CompletableFuture<?>> installed = new ArrayList<>();
        devices.forEach((name, d) -> installed.add(refreshAlua(name, d).exceptionally(e -> {
            log.warn("device {}: its target port groups' ports were not updated: {}", name, e.toString());
            return null;
        })));
        return CompletableFuture.allOf(installed.toArray(CompletableFuture[]::new));
    }

    /**
     * The LU's target port groups and ports as the configuration gives them, its current states,
     * PREF and status codes kept (a SET TARGET PORT GROUPS change stays); nothing is sent when
     * nothing differs.
     */
    private CompletableFuture<AluaState> refreshAlua(String name, Device d) {
        AluaState configured = alua.stateFor(name, targetSpecs);
        return readAlua(d).thenCompose(current -> {
            List<TargetPortGroup> groups = new ArrayList<>();
            for (TargetPortGroup g : configured.groups()) {
                TargetPortGroup now = current.group(g.id());
                groups.add(now == null ? g : new TargetPortGroup(g.id(), now.state(), now.preferred(), now.statusCode(),
                        g.relativeTargetPortIds()));
            }
            AluaState next = new AluaState(current.version(), groups, configured.implicitTransitionSeconds(),
                    configured.transitionDelay(), configured.tpgs());
            return same(current, next) ? CompletableFuture.completedFuture(current) : installAlua(d, next);
        });
    }

    private CompletableFuture<AluaState> installAlua(Device d, AluaState next) {
        return AskPattern.<LunActor.Command, AluaState>ask(d.lu().actor(),
                replyTo -> new LunActor.InstallAlua(next, null, replyTo), CHANGE_TIMEOUT, system.scheduler())
                .toCompletableFuture();
    }

    private CompletableFuture<AluaState> readAlua(Device d) {
        return AskPattern.<LunActor.Command, AluaState>ask(d.lu().actor(), LunActor.ReadAlua::new,
                Duration.ofSeconds(10), system.scheduler()).toCompletableFuture();
    }

    // --- management: devices (issue 14) -----------------------------------------------------

    /**
     * Opens a device with the handler its spec names and starts its LUN actor; no target maps it
     * until {@link #reconfigure} does. Fails with {@link DeviceChangeException} when the name is
     * taken (or being added or removed), the handler is unknown, the configuration is invalid or the
     * open fails; nothing is left behind then.
     */
    public CompletionStage<Void> addDevice(DeviceSpec spec) {
        String name = spec.name();
        DeviceHandlerFactory factory = handlers.get(spec.handlerType());
        if (factory == null) {
            return failed("device " + name + ": no handler " + spec.handlerType());
        }
        if (!changing.add(name)) {
            return failed("device " + name + " is being added or removed");
        }
        if (devices.containsKey(name)) {
            changing.remove(name);
            return failed("device " + name + " exists");
        }
        return CompletableFuture.runAsync(() -> {
            List<String> problems = factory.validate(name, spec.config());
            if (!problems.isEmpty()) {
                throw new DeviceChangeException("device " + name + ": " + String.join("; ", problems));
            }
            BlockDevice device;
            try {
                device = factory.open(name, spec.config(), context);
            } catch (java.io.IOException | RuntimeException e) {
                throw new DeviceChangeException("device " + name + " (" + spec.handlerType() + "): " + e.getMessage(), e);
            }
            try {
                startLu(spec, device, "lun@" + generation.incrementAndGet() + "-" + actorName(name));
            } catch (RuntimeException e) {
                device.close();
                throw new DeviceChangeException("device " + name + ": " + e.getMessage(), e);
            }
        }, blocking).whenComplete((v, e) -> changing.remove(name));
    }

    /**
     * Takes a device out of the engine. No target may map it (else {@link DeviceChangeException}
     * naming the mappings). Every task on it is aborted as a LOGICAL UNIT RESET aborts it (SAM-5
     * 7.7); once all left the device it is flushed (SBC-4 5.25) and closed and its actor stops. The
     * name may be added again afterwards.
     */
    public CompletionStage<Void> removeDevice(String name) {
        Device d;
        CompletableFuture<?> routed;
        synchronized (this) { // against reconfigure: a device is mapped or being removed, never both
            d = devices.get(name);
            if (d == null) {
                return failed("no device " + name);
            }
            List<String> mappings = mappingsOf(name);
            if (!mappings.isEmpty()) {
                return failed("device " + name + " is mapped: " + String.join(", ", mappings)
                        + "; unmap it first");
            }
            if (!changing.add(name)) {
                return failed("device " + name + " is being added or removed");
            }
            devices.remove(name);
            stats.removeDevice(name);
            d.lu().state().latency().enable(false); // its commands are over: no timestamps for it
            routed = lastReconfigure; // the sessions follow the mapping without it before it goes
        }
        ActorRef<LunActor.Command> actor = d.lu().actor();
        return routed.handle((v, e) -> null)
                .thenCompose(v -> change(name, actor, LunActor.Remove::new))
                .whenComplete((v, e) -> changing.remove(name));
    }

    /** Where the running targets map a device, as "target LUN n" (group mappings named). */
    private List<String> mappingsOf(String device) {
        List<String> found = new ArrayList<>();
        for (Target t : targets.values()) {
            t.spec().defaultLuns().stream().filter(m -> m.device().equals(device))
                    .forEach(m -> found.add(t.name() + " LUN " + m.lun()));
            t.spec().groups().forEach(g -> g.luns().stream().filter(m -> m.device().equals(device))
                    .forEach(m -> found.add(t.name() + " group " + g.name() + " LUN " + m.lun())));
        }
        return found;
    }

    /**
     * Resizes a device to {@code newSizeBytes}, a positive multiple of its block size. The LUN
     * actor applies it between commands: those in the device finish first, new ones wait, so none
     * sees a device half resized, and range checks use the new count afterwards (SBC-4 4.6). Every
     * I_T nexus of the LU then gets CAPACITY DATA HAS CHANGED (SPC-5 5.14, 2A/09). Shrinking a
     * device whose blocks past the new end hold data is refused unless {@code force}.
     */
    public CompletionStage<Void> resizeDevice(String name, long newSizeBytes, boolean force) {
        Device d = devices.get(name);
        if (d == null) {
            return failed("no device " + name);
        }
        int blockSize = d.lu().device().blockSize();
        if (newSizeBytes <= 0 || newSizeBytes % blockSize != 0) {
            return failed("device " + name + ": size " + newSizeBytes + " bytes is not a positive multiple of its block size ("
                    + blockSize + " bytes)");
        }
        return change(name, d.lu().actor(), replyTo -> new LunActor.Resize(newSizeBytes / blockSize, force, replyTo));
    }

    /**
     * Swaps the removable medium of a running device ({@link BlockDevice#changeMedium}): {@code
     * medium} names the new one in its handler's terms (a CD/DVD device's image), null empties the
     * drive. Applied between commands like {@link #resizeDevice}. Refused while an I_T nexus prevents
     * medium removal unless {@code force} (the initiators are asked to eject instead: MMC-6's
     * EjectRequest event). Every I_T nexus of the LU learns of it: NOT READY TO READY CHANGE, MEDIUM
     * MAY HAVE CHANGED (28/00) and the NewMedia event, or the MediaRemoval event for an empty drive.
     */
    public CompletionStage<Void> changeMedium(String name, String medium, boolean force) {
        Device d = devices.get(name);
        if (d == null) {
            return failed("no device " + name);
        }
        if (!d.lu().state().medium().removable()) {
            return failed("device " + name + " has no removable medium");
        }
        return change(name, d.lu().actor(), replyTo -> new LunActor.ChangeMedium(medium, force, replyTo));
    }

    /**
     * The operator imports ({@code in}) or exports cartridge {@code barcode} through medium changer
     * {@code name}'s import/export elements ({@link LunActor.ImportExport}): every nexus of the
     * changer gets IMPORT OR EXPORT ELEMENT ACCESSED (28/01); an export while an initiator prevents
     * removal is refused unless {@code force}.
     */
    public CompletionStage<Void> importExport(String name, String barcode, boolean in, boolean force) {
        Device d = devices.get(name);
        if (d == null) {
            return failed("no device " + name);
        }
        if (d.lu().device().changer() == null) {
            return failed("device " + name + " is not a medium changer");
        }
        return change(name, d.lu().actor(), replyTo -> new LunActor.ImportExport(barcode, in, force, replyTo));
    }

    /**
     * Changes attributes of a running device: {@code changed} holds only the changed keys, each one
     * of its handler's {@link DeviceHandlerFactory#liveAttributes}. Applied between commands like
     * {@link #resizeDevice}. When the write-back cache (the Caching page's WCE, SBC-4 6.5.5) or the
     * write protection (WP of the mode parameter header, SBC-4 6.5.1) changed, every I_T nexus of
     * the LU gets MODE PARAMETERS CHANGED (SPC-5 5.14, 2A/01): the change came from no nexus.
     */
    public CompletionStage<Void> setDeviceAttributes(String name, Config changed) {
        Device d = devices.get(name);
        if (d == null) {
            return failed("no device " + name);
        }
        DeviceHandlerFactory factory = handlers.get(d.spec().handlerType());
        Set<String> live = factory.liveAttributes();
        Set<String> known = new java.util.HashSet<>();
        factory.attributes().forEach(a -> known.add(a.name()));
        for (String key : new java.util.TreeSet<>(changed.root().keySet())) {
            if (!live.contains(key)) {
                return failed("device " + name + ": " + key + (known.contains(key) || known.isEmpty()
                        ? " cannot change while the device runs; it needs the device removed and added again"
                        : " is not an attribute of " + factory.type()));
            }
        }
        if (changed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return change(name, d.lu().actor(), replyTo -> new LunActor.SetAttributes(changed, replyTo));
    }

    /** Sends a change to the LUN actor; its failure becomes a {@link DeviceChangeException}. */
    private CompletionStage<Void> change(String name, ActorRef<LunActor.Command> actor,
                                         org.apache.pekko.japi.function.Function<ActorRef<LunActor.Changed>, LunActor.Command> message) {
        return AskPattern.ask(actor, message::apply, CHANGE_TIMEOUT, system.scheduler())
                .handle((changed, e) -> {
                    if (e != null) {
                        throw new DeviceChangeException("device " + name + ": no answer within "
                                + CHANGE_TIMEOUT.toSeconds() + " s (the change may still be made)", e);
                    }
                    if (changed.failure() != null) {
                        Throwable f = changed.failure();
                        throw new DeviceChangeException("device " + name + ": " + (f.getMessage() != null
                                ? f.getMessage() : f.getClass().getSimpleName()), f);
                    }
                    return null;
                });
    }

    private static CompletionStage<Void> failed(String message) {
        return CompletableFuture.failedFuture(new DeviceChangeException(message));
    }

    /** A device as the admin API shows it; read from the device's volatile fields, never blocking. */
    public record DeviceStatus(String name, String handlerType, int blockSize, long blockCount, boolean readOnly,
                               boolean writeBack, boolean thinProvisioned, boolean removable, int peripheralDeviceType,
                               boolean mediumPresent, boolean trayOpen, List<String> elements) {
    }

    /** A medium changer's elements as "TYPE ADDRESS BARCODE" ("-" when empty, plus the drive's name); empty for other devices. */
    private static List<String> elements(BlockDevice device) {
        if (device.changer() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (org.scstj.engine.spi.MediumChanger.Element e : device.changer().elements()) {
            out.add(e.type().name().toLowerCase(java.util.Locale.ROOT) + " " + e.address() + " "
                    + (e.full() ? e.barcode() : "-") + (e.drive() != null ? " (" + e.drive() + ")" : ""));
        }
        return out;
    }

    /** Every running device, by name. */
    public List<DeviceStatus> devices() {
        List<DeviceStatus> all = new ArrayList<>();
        for (Device d : devices.values()) {
            BlockDevice b = d.lu().device();
            BlockDevice.Capabilities c = b.capabilities();
            MediumState m = d.lu().state().medium();
            all.add(new DeviceStatus(d.spec().name(), b.handlerType(), b.blockSize(), b.blockCount(), c.readOnly(),
                    c.writeBackCache(), c.thinProvisioned(), c.removable(), b.peripheralDeviceType(), m.present(),
                    m.trayOpen(), elements(b)));
        }
        all.sort(java.util.Comparator.comparing(DeviceStatus::name));
        return all;
    }

    /**
     * The tasks an open nexus has in each LU's task set (in the device and waiting), by LUN; empty
     * when the nexus is not open. Asked of the target and then of each LUN actor.
     */
    public CompletionStage<Map<Long, Integer>> tasksInFlight(Nexus nexus) {
        Target target = targets.get(nexus.targetName());
        if (target == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return AskPattern.<TargetActor.Command, TargetActor.Luns>ask(target.actor(),
                        replyTo -> new TargetActor.LunsOf(nexus, replyTo), Duration.ofSeconds(10), system.scheduler())
                .thenCompose(luns -> {
                    Map<Long, CompletableFuture<LunActor.TaskCount>> asked = new java.util.TreeMap<>();
                    luns.luns().forEach((lun, actor) -> asked.put((long) lun,
                            AskPattern.<LunActor.Command, LunActor.TaskCount>ask(actor,
                                    replyTo -> new LunActor.CountTasks(nexus, replyTo), Duration.ofSeconds(10),
                                    system.scheduler()).toCompletableFuture()));
                    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
                        Map<Long, Integer> counts = new LinkedHashMap<>();
                        asked.forEach((lun, f) -> counts.put(lun, f.join().tasks()));
                        return counts;
                    });
                });
    }

    // --- latency measurement (docs/latency.md) ------------------------------------------------

    /**
     * Switches the per-stage latency histograms of these devices on or off (at once: the next
     * command is measured, or not); what they counted stays until read with reset.
     *
     * @return the names that are no running device (the others were switched)
     */
    public List<String> measureLatency(java.util.Collection<String> names, boolean on) {
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            Device d = devices.get(name);
            if (d == null) {
                unknown.add(name);
            } else {
                d.lu().state().latency().enable(on);
            }
        }
        return unknown;
    }

    /** The devices a running target maps (its default LUNs and every group's), or null when there is no such target. */
    public List<String> devicesOf(String target) {
        Target t = targets.get(org.scstj.engine.spi.Names.canonical(target));
        if (t == null) {
            return null;
        }
        java.util.Set<String> names = new java.util.TreeSet<>();
        t.spec().defaultLuns().forEach(m -> names.add(m.device()));
        t.spec().groups().forEach(g -> g.luns().forEach(m -> names.add(m.device())));
        return List.copyOf(names);
    }

    /**
     * The latency histograms of every running device (sorted by name), or of the one named
     * {@code only} (none when it is not running), each read by its LUN actor; {@code reset} empties
     * them as they are read.
     */
    public CompletionStage<List<LatencySnapshot>> latency(String only, boolean reset) {
        List<CompletableFuture<LatencySnapshot>> asked = new ArrayList<>();
        for (Device d : new java.util.TreeMap<>(devices).values()) {
            if (only != null && !only.equals(d.spec().name())) {
                continue;
            }
            asked.add(AskPattern.<LunActor.Command, LatencySnapshot>ask(d.lu().actor(),
                    replyTo -> new LunActor.ReadLatency(reset, replyTo), Duration.ofSeconds(10), system.scheduler())
                    .toCompletableFuture()
                    .exceptionally(gone -> null)); // removed meanwhile: its LUN actor stopped
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(v -> asked.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
    }

    /** A management change of a device was refused or failed; the message is for the operator. */
    public static final class DeviceChangeException extends RuntimeException {
        public DeviceChangeException(String message) {
            super(message);
        }

        public DeviceChangeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The LU's mode parameters, savable in {@code <state-dir>/mode-pages/<device>.state} (SPC-5
     * 7.5.2); a damaged file is logged and the defaults are used.
     */
    private ModeParameters modeParameters(DeviceSpec d, BlockDevice device) {
        boolean writeBack = device.capabilities().writeBackCache();
        if (stateDir == null) {
            return new ModeParameters(writeBack);
        }
        java.nio.file.Path file = stateDir.resolve("mode-pages")
                .resolve(java.net.URLEncoder.encode(d.name(), java.nio.charset.StandardCharsets.UTF_8) + ".state");
        ModeParameters mode = new ModeParameters(writeBack,
                new org.scstj.engine.state.StateFile(file), blocking);
        if (mode.loadProblem() != null) {
            log.error("device {}: saved mode pages not used: {}", d.name(), mode.loadProblem());
        }
        return mode;
    }

    /** SPC-5 5.14.4 APTPL: where a LU's persistent reservations are kept (state-dir/reservations), or null. */
    private ReservationFile reservationFile(DeviceSpec d) {
        if (stateDir == null) {
            return null;
        }
        java.nio.file.Path file = stateDir.resolve("reservations")
                .resolve(java.net.URLEncoder.encode(d.name(), java.nio.charset.StandardCharsets.UTF_8) + ".state");
        return new ReservationFile(new org.scstj.engine.state.StateFile(file), blocking);
    }

    /** The reservations a LU starts with: what its file kept, if any and intact. */
    private Reservations reservations(DeviceSpec d, ReservationFile file) {
        if (file == null) {
            return new Reservations();
        }
        ReservationFile.Loaded loaded = file.load();
        if (loaded.problem() != null) {
            log.error("device {}: persistent reservations not restored: {}", d.name(), loaded.problem());
        }
        return Reservations.of(loaded.data());
    }

    /** Actor names allow a restricted alphabet; device and target names are mapped into it ('@' never occurs). */
    private static String actorName(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The core's side of the target-driver SPI. */
    public ScsiCore core() {
        return core;
    }

    /** The engine's counters, for the metrics. */
    public EngineStats stats() {
        return stats;
    }

    /** The counters of the engine's actors (the admin view and the metrics read them). */
    public org.scstj.engine.actors.ActorStats actorStats() {
        return org.scstj.engine.actors.ActorStats.of(system);
    }

    /** The dispatchers' settings and live state, read now ({@link org.scstj.engine.dispatch.DispatcherStats}). */
    public List<org.scstj.engine.dispatch.DispatcherStats.Stats> dispatchers() {
        return org.scstj.engine.dispatch.DispatcherStats.all(system);
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
        return closeDevices().thenCompose(v -> terminate());
    }

    /**
     * Flushes and closes every device through its LUN actor (the first half of {@link #shutdown}):
     * a clustered node does it before it leaves, for its leave ends the actor system (Pekko's
     * CoordinatedShutdown), after which no LUN actor could answer. Failures are logged.
     */
    public CompletionStage<Void> closeDevices() {
        List<CompletableFuture<LunActor.ShutdownDone>> flushes = new ArrayList<>();
        for (Device d : devices.values()) {
            ActorRef<LunActor.Command> lun = d.lu().actor();
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
                });
    }

    /** Stops the actors (the second half of {@link #shutdown}); completes once the actor system ended. */
    public CompletionStage<Void> terminate() {
        system.terminate();
        return system.getWhenTerminated().thenApply(d -> (Void) null);
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
            int aluaGroup = alua.targetPortGroupOf(nexus.targetPortGroup());
            return AskPattern.<TargetActor.Command, TargetActor.Opened>ask(target.actor(),
                            replyTo -> new TargetActor.OpenSession(nexus, aluaGroup, replyTo),
                            Duration.ofMillis(settings.loginTimeoutMillis()), system.scheduler())
                    .thenCompose(opened -> opened.session() == null
                            ? CompletableFuture.failedFuture(new LoginRefusedException(opened.refusal(), opened.message()))
                            : CompletableFuture.completedFuture(new Handle(opened.nexus(), opened.session(), stats)));
        }
    }

    /** A session as the transport holds it: messages to the session actor. */
    private record Handle(Nexus nexus, ActorRef<SessionActor.Command> session, EngineStats stats)
            implements SessionHandle {
        @Override
        public void submit(TransportTask task) {
            long received = task.receivedNanos();
            if (received == 0 && LatencyRecorder.anyEnabled()) {
                received = System.nanoTime();
            }
            session.tell(new SessionActor.Submit(task, received));
        }

        @Override
        public boolean measuresLatency() {
            return LatencyRecorder.anyEnabled();
        }

        @Override
        public void taskManagement(TmfRequest request, Consumer<TmfRequest.Response> done) {
            session.tell(new SessionActor.Manage(request, r -> {
                stats.answered(request.function(), r);
                done.accept(r);
            }));
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
