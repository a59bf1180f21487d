package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.japi.function.Function;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.actors.Observed;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.ControlPlane;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.latency.LatencyRecorder;
import org.scstj.engine.latency.LatencySnapshot;
import org.scstj.engine.lu.EchoBuffer;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitAttentions;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.pr.ReservationsData;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.stats.LuStats;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One logical unit (SAM-5 4.6.18): its task set, its state ({@link LuState}: the per-nexus unit
 * attention queues, reservations, mode parameters, medium and whole-medium operation, which only
 * this actor changes) and the device it drives.
 *
 * <p>The checks stage runs in one fixed order, each reading the command-table row of the command
 * ({@link CommandRow}): the task manager's admission (task set full, busy, ACA), then
 * {@link Checks}: unit attention, ALUA access state, reservation, write protection and the medium
 * (a whole-medium operation queued, running or failed; a removable medium ejected). The LUN mapped check comes before, in the session actor. Then the task set's
 * ordering, then the exec stage through the LU's {@link CommandSet}, then the xmit stage when the
 * exec stage completes. A command changes the LU's state in its exec stage's entry, which runs on
 * this actor's thread, or through a {@link WithState} message from any other thread.
 *
 * <p>Ordering (SAM-5 8.6, SBC-4 4.29 and 5.3). SIMPLE tasks run in the device concurrently, in
 * any order, unless they conflict: a task whose row is {@linkplain CommandRow.Serialization
 * exclusive on its blocks or on the whole medium} must not share any of its blocks with another
 * task in the device ({@link Extent}). Such a task waits in {@link #held} until the conflicting
 * tasks left the device, and every later task that conflicts with it waits behind it, in arrival
 * order, so none starves.
 *
 * <p>Task attributes (SAM-5 8.6), on top of that. An ORDERED task waits until every task that
 * entered before it has completed, and every task after it waits until it completed. A HEAD OF
 * QUEUE task goes ahead of every waiting task (ORDERED ones included) and starts at once, but
 * still waits for a task in the device whose blocks conflict with its own: the task attribute
 * orders tasks, it does not lift the atomicity SBC-4 4.29 promises for COMPARE AND WRITE and WRITE
 * ATOMIC. Being placed at the head, it counts as older than every waiting task: SIMPLE and ORDERED
 * tasks start only once it completed (SAM-5 8.6.2, 8.6.3). An ACA task is refused, there being no
 * ACA condition ever ({@link #admit}). While no task that constrains others ({@link Task#gates})
 * is in the device and none waits, a SIMPLE task costs two field tests.
 *
 * <p>Capacity (SAM-5 5.3): a nexus past its queue depth gets TASK SET FULL; when the LU's task
 * set as a whole holds its bound, any nexus gets BUSY.
 *
 * <p>Task management (SAM-5 7). An abort (task management, nexus loss, PREEMPT AND ABORT) tells
 * the transport at once, so nothing more is sent for the task, and is answered only when every
 * affected task has left the device (quiesced). Meanwhile the LU is in the {@link #draining}
 * behaviour: new commands wait in a stash and enter the task set, in arrival order, once every
 * abort is answered, so none of them overtakes a task management function that was asked before
 * it (a stash beyond the LU's bound answers BUSY).
 *
 * <p>Management changes of the device ({@link Resize}, {@link SetAttributes}, {@link Remove}) drain
 * the same way: new commands wait in the stash, the tasks already in the task set finish (those
 * waiting in it enter the device as usual), and only when the task set is empty does the change
 * run, on the blocking-I/O executor; the stash is replayed after it. No command sees a device
 * half changed, and the range checks of the commands after a resize use the new block count. One
 * change runs at a time, in arrival order.
 */
public final class LunActor extends AbstractBehavior<LunActor.Command> {

    /** The LUN actor's protocol. */
    public sealed interface Command {
    }

    /** A parsed command for this LU, from a session actor (checks → exec → xmit). */
    public record Execute(Task task) implements Command {
    }

    /** The exec stage of a task finished (sent by {@link Task#complete} from any thread). */
    record ExecDone(Task task, ScsiResponse response) implements Command {
    }

    /** A command's change of the LU's state, from any thread ({@code ExecContext.withState}). */
    record WithState(Consumer<LuState> action) implements Command {
    }

    /** Aborts the tasks a task-management function or a nexus loss affects (SAM-5 7). */
    public record Abort(Scope scope, Nexus nexus, long tag, ActorRef<Aborted> replyTo) implements Command {
    }

    /** The answer to {@link Abort}, sent once every affected task is quiesced. */
    public record Aborted(int tasksAborted) {
    }

    /** What an {@link Abort} covers and which unit attentions it leaves behind. */
    public enum Scope {
        /** ABORT TASK: the task with this tag from this nexus (SAM-5 7.2). */
        TASK,
        /** ABORT TASK SET: every task from this nexus (SAM-5 7.3). */
        NEXUS_TASKS,
        /** CLEAR TASK SET: every task; 2F/00 to the other nexuses that lost tasks (SAM-5 7.5). */
        ALL_TASKS,
        /** LOGICAL UNIT RESET and target resets: every task; 29/03 to every nexus, the requester's too (SAM-5 7.7). */
        RESET,
        /** I_T NEXUS RESET: this nexus's tasks; 29/07 to it (SAM-5 7.6). */
        NEXUS_RESET,
        /** The nexus is gone (logout, connection loss): its tasks; 29/07 when it returns. */
        NEXUS_LOSS
    }

    /**
     * QUERY TASK, QUERY TASK SET, QUERY ASYNCHRONOUS EVENT (SAM-5 7.8, 7.9, 7.10), answered from
     * the task set at once; tasks waiting in the set count as well as those in the device.
     */
    public record Query(QueryKind kind, Nexus nexus, long tag, ActorRef<Queried> replyTo) implements Command {
    }

    /** What a {@link Query} asks. */
    public enum QueryKind {
        /** Is the task with this tag from this nexus in the task set? */
        TASK,
        /** Has this nexus any task in the task set? */
        TASK_SET,
        /** Has this nexus a unit attention pending (reported as it would be, not cleared)? */
        ASYNCHRONOUS_EVENT
    }

    /**
     * The answer to {@link Query}: {@code found} is FUNCTION SUCCEEDED, otherwise FUNCTION COMPLETE.
     * {@code pending} is the unit attention a QUERY ASYNCHRONOUS EVENT found, else null.
     */
    public record Queried(boolean found, SenseReason pending) {
    }

    /** Flushes the device's write-back cache and closes it (daemon shutdown). */
    public record Shutdown(ActorRef<ShutdownDone> replyTo) implements Command {
    }

    /** The answer to {@link Shutdown}. */
    public record ShutdownDone(String device, Throwable failure) {
    }

    /** Establishes a unit attention for one nexus (SAM-5 5.14), e.g. REPORTED LUNS DATA HAS CHANGED from its session. */
    public record EstablishUnitAttention(Nexus nexus, SenseReason condition) implements Command {
    }

    /**
     * The device told the core something happened to it on its own ({@link BlockDevice.Listener}):
     * {@code condition} for every nexus (29/00 reset, 2A/09 capacity, 28/00 medium).
     */
    public record DeviceEvent(SenseReason condition) implements Command {
    }

    /**
     * The device's removable medium went in ({@code loaded}) or out on its own
     * ({@link BlockDevice.Listener#mediumLoaded}): recorded as an operator's swap is.
     */
    public record DeviceMedium(boolean loaded) implements Command {
    }

    private record FlushDone(ActorRef<ShutdownDone> replyTo, Throwable failure) implements Command {
    }

    /** A management change of the device, applied between commands (see the class comment). */
    public sealed interface DeviceChange extends Command {
        ActorRef<Changed> replyTo();
    }

    /**
     * Gives the device {@code blockCount} blocks ({@link BlockDevice#resize}); then every nexus of
     * the LU gets CAPACITY DATA HAS CHANGED (SBC-4 4.6, SPC-5 5.14: 2A/09). Refused while a FORMAT
     * UNIT or SANITIZE runs or failed (SBC-4 4.11, 5.3: it sweeps the medium by its old size).
     */
    public record Resize(long blockCount, boolean force, ActorRef<Changed> replyTo) implements DeviceChange {
    }

    /**
     * Live attribute change ({@link BlockDevice#setAttributes}); when the device's write-back cache
     * or write protection changed, every nexus of the LU gets MODE PARAMETERS CHANGED (SPC-5 5.14:
     * 2A/01): WCE of the Caching page (SBC-4 6.5.5) or WP of the mode parameter header (SBC-4 6.5.1).
     */
    public record SetAttributes(com.typesafe.config.Config changed, ActorRef<Changed> replyTo)
            implements DeviceChange {
    }

    /**
     * The operator swaps the removable medium ({@link BlockDevice#changeMedium}; {@code medium} null
     * empties the drive). Refused while an I_T nexus prevents medium removal (SBC-4 5.13, MMC-6 6.42)
     * unless {@code force}: a refused swap is an eject request to every nexus instead (MMC-6 6.7.2.5
     * EjectRequest), as the button of a locked drive is. Afterwards the tray is closed; with a medium
     * in, every nexus of the LU gets NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (SPC-5 table
     * of ASCs: 28/00) and the NewMedia event, whichever asks first; an empty drive the MediaRemoval
     * event (its commands end 3A/01).
     */
    public record ChangeMedium(String medium, boolean force, ActorRef<Changed> replyTo) implements DeviceChange {
    }

    /**
     * The operator imports ({@code in}) or exports a cartridge through a medium changer's
     * import/export element ({@link org.scstj.engine.spi.MediumChanger#importCartridge}); an export
     * is refused while an I_T nexus prevents medium removal (SMC-3: PREVENT locks the import/export
     * elements) unless {@code force}. Every nexus of the changer then gets IMPORT OR EXPORT ELEMENT
     * ACCESSED (28/01).
     */
    public record ImportExport(String barcode, boolean in, boolean force, ActorRef<Changed> replyTo)
            implements DeviceChange {
    }

    /** A medium swap was refused: an I_T nexus prevents medium removal. */
    public static final class RemovalPreventedException extends IllegalStateException {
        RemovalPreventedException(String message) {
            super(message);
        }
    }

    /**
     * The device leaves the engine (management): every task is aborted as a LOGICAL UNIT RESET
     * aborts it (SAM-5 7.7), and once all left the device it is flushed and closed and this actor
     * stops. Commands that arrive meanwhile end LOGICAL UNIT NOT SUPPORTED (SAM-5 5.9.6).
     */
    public record Remove(ActorRef<Changed> replyTo) implements DeviceChange {
    }

    /** The answer to a {@link DeviceChange}: {@code failure} is null when it was made. */
    public record Changed(String device, Throwable failure) {
    }

    private record ChangeDone(DeviceChange change, BlockDevice.Capabilities before, Throwable failure)
            implements Command {
    }

    /** How many tasks this nexus has in the task set (in the device and waiting), for the admin view. */
    public record CountTasks(Nexus nexus, ActorRef<TaskCount> replyTo) implements Command {
    }

    /** The answer to {@link CountTasks}. */
    public record TaskCount(int tasks) {
    }

    /** Reads the LU's latency histograms (and with {@code reset} empties them), on this actor's thread. */
    public record ReadLatency(boolean reset, ActorRef<LatencySnapshot> replyTo) implements Command {
    }

    /** The admin view asks what the LU is doing; answered from the task set and the LU's state at once. */
    public record Describe(ActorRef<ActorSummary> replyTo) implements Command {
    }

    /**
     * Installs the LU's target port groups and their states (SPC-5 5.16): configuration, or an
     * implicit change made by management. Groups whose state changes go through TRANSITIONING
     * for {@code next}'s transition delay; then every nexus but {@code explicitRequester} (null:
     * every nexus, SPC-5 5.16.2.8) gets 2A/06. The reply is the state in place after it.
     */
    public record InstallAlua(AluaState next, Nexus explicitRequester, ActorRef<AluaState> replyTo) implements Command {
    }

    /** Asks for the LU's current target port groups and states. */
    public record ReadAlua(ActorRef<AluaState> replyTo) implements Command {
    }

    /** A transition's TRANSITIONING time is over: {@code target} takes effect. */
    private record TransitionDone(AluaState target, Nexus requester, Runnable done) implements Command {
    }

    /** A change of the access states waiting for the one under way (SPC-5 5.16.2.6). */
    private record PendingTransition(AluaState whole, Map<Integer, AccessState> states, Nexus requester, Runnable done) {
    }

    /** Stashed commands beyond this while an abort drains are answered BUSY. */
    private static final int MAX_STASHED = 4096;

    /**
     * Creates the actor for one device: per-nexus and per-LU task bounds, and the LU's state, which
     * the actor owns from now on.
     */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           int lunQueueDepth, UnitState state) {
        return create(device, commands, nexusQueueDepth, lunQueueDepth, state, ControlPlane.LOCAL);
    }

    /** As {@link #create(BlockDevice, CommandSet, int, int, UnitState)}, the control state kept where {@code plane} says. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           int lunQueueDepth, UnitState state, ControlPlane plane) {
        return Observed.actor("lun", Behaviors.withStash(Math.min(lunQueueDepth, MAX_STASHED),
                stash -> Behaviors.setup(ctx ->
                        new LunActor(ctx, stash, device, commands, nexusQueueDepth, lunQueueDepth, state, plane))),
                Describe::new);
    }

    /**
     * Phase 1 of a change kept elsewhere ({@link ControlReplica#prepare}, docs/design/cluster.md
     * 4.4): new commands wait until {@link CommitControl}; the tasks of the nexuses {@code abort}
     * matches, but the asking command, are aborted (SPC-5 5.14.11.4.5); {@code prepared} runs once
     * they left the device.
     */
    public record PrepareControl(List<NexusSelector> abort, Nexus exceptNexus, long exceptTag, SenseReason cleared,
                                 Runnable prepared) implements Command {
    }

    /**
     * Phase 2 ({@link ControlReplica#commit}): {@code data} (null: unchanged) becomes the LU's
     * reservations, {@code mode} (null: unchanged) its mode parameters, the notices' unit
     * attentions are established for this node's nexuses, the held commands run.
     */
    public record CommitControl(ReservationsData data, ModeParameters.Data mode, List<Reservations.Notice> notices)
            implements Command {
    }

    private final StashBuffer<Command> stash;
    private final BlockDevice device;
    private final CommandSet commands;
    private final int nexusQueueDepth;
    /** Tasks the task set holds at most, from all nexuses (in the device and waiting). */
    private final int lunQueueDepth;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    /** SBC-4 5.13: resets and nexus loss end medium removal prevention. */
    private final MediumState medium;
    /** SAM-2 5.9.7 d): a logical unit reset restores the saved mode parameters. */
    private final ModeParameters mode;
    private final WholeMediumState wholeMedium;
    /** The LU's reservations (SPC-2 5.5.1, SPC-5 5.14): resets and nexus loss end SPC-2 ones. */
    private final Reservations reservations;
    /**
     * SPC-5 5.16: the access state of each target port group; replaced whole, only by this actor.
     * A group is learnt from the first nexus through it (by default one per iSCSI portal group).
     */
    private AluaState alua = AluaState.DEFAULT;
    /** Changes of {@link #alua} waiting for the transition under way (whose TRANSITIONING time runs). */
    private final ArrayDeque<PendingTransition> transitions = new ArrayDeque<>(1);
    private boolean transitioning;
    /** SPC-5 6.49.7: not kept across a restart, and a nexus's data goes with its nexus. */
    private final EchoBuffer echoBuffer = new EchoBuffer();
    /** What a command's exec stage sees of the state: this actor's own fields. */
    private final LuState state = new State();
    /**
     * Every change of the control state (reservations, mode parameters, access states) goes
     * through it; on one node it runs here ({@link LocalLuControl}).
     */
    private final LuControlPort luControl;
    /** Tasks between checks and xmit, in arrival order per nexus. */
    private final Set<Task> active = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * Tasks past the checks that may not enter the device yet, in arrival order: they wait for a
     * conflicting task to leave it, or for the tasks their attribute orders them after (SAM-5 8.6).
     */
    private final ArrayDeque<Task> held = new ArrayDeque<>();
    /** Tasks in the device ({@link #active}) that constrain later ones: {@link Task#gates}. */
    private int gatingActive;
    /** The FORMAT UNIT or SANITIZE in the task set (held or in the device), or null. */
    private Task wholeMediumTask;
    /**
     * Commands each nexus has in the device. An entry lives as long as its nexus (dropped after
     * nexus loss once its last task left), so the hot path allocates none.
     */
    private final Map<Nexus, NexusLoad> outstandingPerNexus = new HashMap<>();

    private static final class NexusLoad {
        int outstanding;
        boolean lost;
    }

    /** Aborts waiting for their tasks to leave the device; while there is one, the LU drains. */
    private final List<PendingAbort> pendingAborts = new ArrayList<>(1);
    private final Receive<Command> draining;
    /** Management changes waiting for the task set to empty, the first possibly running. */
    private final ArrayDeque<DeviceChange> changes = new ArrayDeque<>(1);
    /** The first of {@link #changes} runs on the blocking-I/O executor. */
    private boolean changeRunning;
    /** A tape drive's position and block mode (SSC-3), null for any other LU. */
    private final org.scstj.engine.lu.TapeState tape;
    /** A pass-through LU's Control page, in the device (null: the core's own). */
    private final org.scstj.engine.lu.DeviceControl control;
    /** The LU's counters (docs/metrics.md); this actor is their only writer. */
    private final LuStats stats;
    /** The LU's per-stage histograms, written only here (docs/latency.md). */
    private final LatencyRecorder latency;

    private LunActor(ActorContext<Command> ctx, StashBuffer<Command> stash, BlockDevice device, CommandSet commands,
                     int nexusQueueDepth, int lunQueueDepth, UnitState unit, ControlPlane plane) {
        super(ctx);
        this.stash = stash;
        this.device = device;
        this.commands = commands;
        this.nexusQueueDepth = nexusQueueDepth;
        this.lunQueueDepth = lunQueueDepth;
        this.medium = unit.medium();
        this.mode = unit.mode();
        this.wholeMedium = unit.wholeMedium();
        this.reservations = unit.reservations();
        this.tape = unit.tape();
        this.control = unit.control();
        this.stats = unit.stats();
        stats.unitAttentions(unitAttentions::pending);
        this.latency = unit.latency();
        ActorRef<Command> self = ctx.getSelf();
        LuControlPort local = new LocalLuControl(state, unit.reservationFile(),
                action -> self.tell(new WithState(s -> action.run())));
        this.luControl = plane.port(device.name(), local, new ControlReplica() {
            @Override
            public void prepare(List<NexusSelector> abort, Nexus exceptNexus, long exceptTag, SenseReason cleared,
                                Runnable prepared) {
                self.tell(new PrepareControl(abort, exceptNexus, exceptTag, cleared, prepared));
            }

            @Override
            public void commit(ReservationsData data, ModeParameters.Data mode, List<Reservations.Notice> notices) {
                self.tell(new CommitControl(data, mode, notices));
            }
        });
        this.draining = receive(this::onExecuteWhileDraining);
    }

    @Override
    public Receive<Command> createReceive() {
        return receive(this::onExecute);
    }

    /** The two behaviours differ only in what a new command meets: the checks, or the stash while draining. */
    private Receive<Command> receive(Function<Execute, Behavior<Command>> onExecute) {
        return newReceiveBuilder()
                .onMessage(Execute.class, onExecute)
                .onMessage(ExecDone.class, this::onExecDone)
                .onMessage(WithState.class, this::onWithState)
                .onMessage(Abort.class, this::onAbort)
                .onMessage(Query.class, this::onQuery)
                .onMessage(EstablishUnitAttention.class, this::onEstablishUnitAttention)
                .onMessage(DeviceEvent.class, this::onDeviceEvent)
                .onMessage(DeviceMedium.class, this::onDeviceMedium)
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(FlushDone.class, this::onFlushDone)
                .onMessage(Resize.class, this::onDeviceChange)
                .onMessage(SetAttributes.class, this::onDeviceChange)
                .onMessage(Remove.class, this::onDeviceChange)
                .onMessage(ChangeMedium.class, this::onDeviceChange)
                .onMessage(ImportExport.class, this::onDeviceChange)
                .onMessage(ChangeDone.class, this::onChangeDone)
                .onMessage(CountTasks.class, this::onCountTasks)
                .onMessage(ReadLatency.class, this::onReadLatency)
                .onMessage(Describe.class, this::onDescribe)
                .onMessage(InstallAlua.class, this::onInstallAlua)
                .onMessage(ReadAlua.class, this::onReadAlua)
                .onMessage(TransitionDone.class, this::onTransitionDone)
                .onMessage(PrepareControl.class, this::onPrepareControl)
                .onMessage(CommitControl.class, this::onCommitControl)
                .build();
    }

    // --- checks stage, in the fixed order -------------------------------------------------

    // Hot handlers return Behaviors.same(), not this: an intercepted behavior that returns a
    // behavior object is re-wrapped in a new interceptor per message (measured: 12% of allocation).
    private Behavior<Command> onExecute(Execute msg) {
        Task task = msg.task();
        if (task.arrived == 0) { // else it waited in the stash since (onExecuteWhileDraining)
            task.arrived = System.nanoTime();
        }
        Nexus nexus = task.nexus();
        CommandSet.Parsed parsed = task.command();
        unitAttentions.touch(nexus);
        if (!alua.knows(nexus.targetPortGroup(), nexus.relativeTargetPortId())) {
            alua = alua.withPort(nexus.targetPortGroup(), nexus.relativeTargetPortId());
        }

        NexusLoad load = outstandingPerNexus.get(nexus);
        ScsiResponse refused = admit(task, load);
        if (refused != null) {
            counted(task, refused, false);
            task.checked();
            task.task().complete(refused);
            task.recordLatency(latency, refused.status());
            interlockStatus(task, refused.status());
            return Behaviors.same();
        }

        // the checks stage, in its fixed order (Checks)
        LuContext lu = task.lu();
        int edtl = task.task().expectedDataTransferLength();
        ScsiResponse early = Checks.unitAttention(parsed, nexus, unitAttentions, mode.uaInterlock(), edtl,
                lu.descriptorSense());
        if (early == null) {
            early = Checks.accessState(parsed, alua.stateOf(nexus.targetPortGroup()), lu.descriptorSense());
        }
        if (early == null) {
            early = Checks.reservation(parsed, nexus, reservations);
        }
        if (early == null) {
            early = Checks.writeProtect(parsed, lu);
        }
        if (early == null) {
            early = Checks.medium(parsed, wholeMedium,
                    wholeMediumTask == null ? null : wholeMediumTask.command().row().wholeMediumKind(), medium,
                    device.ready(), edtl, lu.descriptorSense());
        }
        task.checked();
        if (early != null) {
            counted(task, early, false);
            task.task().complete(early);
            task.recordLatency(latency, early.status());
            interlockStatus(task, early.status());
            if (early.status() == ScsiResponse.CHECK_CONDITION && queueError(task)) {
                return after();
            }
            return Behaviors.same();
        }

        task.attach(getContext().getSelf(), state);
        if (load == null) {
            load = new NexusLoad();
            outstandingPerNexus.put(nexus, load);
        }
        load.lost = false; // a nexus that returned (same initiator port) is live again
        load.outstanding++;
        stats.entered();
        if (parsed.serialization() == CommandRow.Serialization.WHOLE_MEDIUM) {
            wholeMediumTask = task;
        }
        if ((task.gates || gatingActive > 0 || !held.isEmpty()) && mustWait(task)) {
            held.add(task);
            return Behaviors.same();
        }
        start(task);
        return pendingAborts.isEmpty() ? Behaviors.same() : after(); // the exec stage may have started an abort
    }

    /** While an abort drains, a new command waits for it (arrival order kept); past the stash's room, BUSY. */
    private Behavior<Command> onExecuteWhileDraining(Execute msg) {
        msg.task().arrived = System.nanoTime();
        if (stash.isFull()) {
            ScsiResponse busy = new ScsiResponse(ScsiResponse.BUSY, null, null, 0);
            counted(msg.task(), busy, false);
            msg.task().task().complete(busy);
        } else {
            stash.stash(msg);
        }
        return Behaviors.same();
    }

    /** Exec stage. */
    private void start(Task task) {
        task.started();
        active.add(task);
        if (task.gates) {
            gatingActive++;
        }
        task.execStarted = System.nanoTime();
        try {
            commands.execute(task.command(), task);
        } catch (RuntimeException e) {
            getContext().getLog().error("command execution failed on {}", device.name(), e);
            task.complete(Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(task.lu().descriptorSense()));
        }
    }

    /**
     * True if the task may not enter the device yet (SAM-5 8.6): the task set is not empty for an
     * ORDERED task; a conflicting task is in the device for a HEAD OF QUEUE task; for a SIMPLE task,
     * an ORDERED or HEAD OF QUEUE task in the set, or a conflicting task in the device or waiting.
     */
    private boolean mustWait(Task task) {
        return switch (task.attribute) {
            case ORDERED -> inSameTaskSet(task, active) || inSameTaskSet(task, held);
            case HEAD_OF_QUEUE -> blockedByActive(task, false);
            default -> blockedByActive(task, true) || blockedBy(task, held, true);
        };
    }

    /**
     * True if {@code tasks} holds a task of {@code task}'s task set: any, with one task set for all
     * nexuses; one of its nexus with TST 001b (SPC-5 7.5.8, SAM-5 8.6: task attributes order the
     * tasks of one task set).
     */
    private boolean inSameTaskSet(Task task, java.util.Collection<Task> tasks) {
        if (tasks.isEmpty() || !mode.perNexusTaskSets()) {
            return !tasks.isEmpty();
        }
        for (Task t : tasks) {
            if (t.nexus().equals(task.nexus())) {
                return true;
            }
        }
        return false;
    }

    /** True if a task in the device conflicts with this one, or (for a SIMPLE one) is not SIMPLE. */
    private boolean blockedByActive(Task task, boolean simple) {
        return blockedBy(task, active, simple);
    }

    private boolean blockedBy(Task task, Iterable<Task> tasks, boolean simple) {
        long capacity = device.blockCount();
        Extent extent = task.extent(capacity);
        boolean ranged = !extent.isEmpty();
        boolean perNexus = simple && mode.perNexusTaskSets();
        for (Task t : tasks) {
            // the attribute orders within a task set; block conflicts (SBC-4 4.29) hold across all of them
            if (simple && t.attribute != TaskAttribute.SIMPLE && (!perNexus || t.nexus().equals(task.nexus()))) {
                return true;
            }
            if (ranged && t.extent(capacity).conflicts(extent)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the waiting tasks that may now enter the device, in arrival order: each is judged
     * against the tasks in the device (those just started included) and those still waiting
     * before it, by the rules of {@link #mustWait}.
     */
    private void startHeld() {
        List<Task> stillHeld = new ArrayList<>(held.size());
        for (Iterator<Task> it = held.iterator(); it.hasNext(); ) {
            Task t = it.next();
            boolean blocked = switch (t.attribute) {
                case ORDERED -> inSameTaskSet(t, active) || inSameTaskSet(t, stillHeld);
                case HEAD_OF_QUEUE -> blockedByActive(t, false);
                default -> blockedByActive(t, true) || blockedBy(t, stillHeld, true);
            };
            if (blocked) {
                stillHeld.add(t);
            } else {
                it.remove();
                start(t);
            }
        }
    }

    /**
     * The task manager's admission, before any check of the command (SAM-5 5.3, 8.6). TASK SET FULL
     * when this nexus has its queue depth in the set (SAM-5 5.3.4); BUSY when the task set holds
     * the LU's bound, whoever sent the tasks (SAM-5 5.3.3: the LU cannot take the command now).
     * SAM-5 8.6.5 and 5.9: a task with the ACA attribute while no ACA condition exists (here: never,
     * NACA being refused at decode) ends CHECK CONDITION, ILLEGAL REQUEST, INVALID MESSAGE ERROR.
     */
    private ScsiResponse admit(Task task, NexusLoad load) {
        if (load != null && load.outstanding >= nexusQueueDepth) {
            return new ScsiResponse(ScsiResponse.TASK_SET_FULL, null, null, 0);
        }
        if (active.size() + held.size() >= lunQueueDepth) {
            return new ScsiResponse(ScsiResponse.BUSY, null, null, 0);
        }
        if (task.attribute == TaskAttribute.ACA) {
            return Failure.of(SenseReason.INVALID_MESSAGE_ERROR).toResponse(task.lu().descriptorSense());
        }
        return null;
    }

    /**
     * SPC-5 7.5.8 UA_INTLCK_CTRL 11b: a command ended with BUSY, TASK SET FULL or RESERVATION
     * CONFLICT leaves the unit attention PREVIOUS BUSY / TASK SET FULL / RESERVATION CONFLICT STATUS
     * (2C/09, 2C/0A, 2C/0B) for its nexus. Nothing with 00b or 10b.
     */
    private void interlockStatus(Task task, int status) {
        if (mode.uaInterlock() != 0b11) {
            return;
        }
        SenseReason reason = switch (status) {
            case ScsiResponse.TASK_SET_FULL -> SenseReason.PREVIOUS_TASK_SET_FULL_STATUS;
            case ScsiResponse.BUSY -> SenseReason.PREVIOUS_BUSY_STATUS;
            case ScsiResponse.RESERVATION_CONFLICT -> SenseReason.PREVIOUS_RESERVATION_CONFLICT_STATUS;
            default -> null;
        };
        if (reason != null) {
            unitAttentions.establish(task.nexus(), reason);
        }
    }

    // --- xmit stage ------------------------------------------------------------------------

    private Behavior<Command> onExecDone(ExecDone msg) {
        Task task = msg.task();
        if (!active.remove(task)) {
            return Behaviors.same(); // completed twice: a command implementation bug; the first answer stands
        }
        stats.left();
        if (task.gates) {
            gatingActive--;
        }
        if (task == wholeMediumTask) {
            wholeMediumTask = null;
        }
        NexusLoad load = outstandingPerNexus.get(task.nexus());
        if (load != null && --load.outstanding == 0 && load.lost) {
            outstandingPerNexus.remove(task.nexus());
        }
        Behavior<Command> next = Behaviors.same();
        if (task.state == Task.State.ABORTED) {
            if (msg.response().dataIn() != null) {
                msg.response().dataIn().release();
            }
            quiesced(task);
            next = null;
        } else {
            task.state = Task.State.DONE;
            counted(task, msg.response(), true);
            task.task().complete(msg.response());
            task.recordLatency(latency, msg.response().status());
            if (msg.response().status() == ScsiResponse.CHECK_CONDITION && queueError(task)) {
                next = null;
            }
        }
        if (!held.isEmpty()) {
            startHeld();
        }
        return next == null || !changes.isEmpty() ? after() : next;
    }

    /**
     * Counts a command whose status goes to the transport now (before it does: its Data-In is the
     * transport's afterwards): its class, bytes and latency, a CHECK CONDITION's sense; for one
     * that ran in the device ({@code exec}), its exec stage's time as backend I/O. Allocates nothing.
     */
    private void counted(Task task, ScsiResponse r, boolean exec) {
        CommandObserver.Op op = task.command().row() == null ? CommandObserver.Op.OTHER : task.command().row().op();
        task.lu().port().command(op, Math.min(LuStats.dataIn(r), task.task().expectedDataTransferLength()),
                task.dataOutBytes());
        if (r.status() == ScsiResponse.CHECK_CONDITION) {
            stats.checkCondition(r.sense(), exec);
        }
        CommandObserver observer = stats.observer();
        long now = System.nanoTime();
        observer.commandDone(op, now - task.arrived);
        if (exec && op != CommandObserver.Op.OTHER) {
            observer.backendIo(op, now - task.execStarted);
        }
    }

    /** Runs a command's change of the state (its own thread handed it here). */
    private Behavior<Command> onWithState(WithState msg) {
        try {
            msg.action().accept(state);
        } catch (RuntimeException e) {
            getContext().getLog().error("a command's state change failed on {}", device.name(), e);
        }
        return after();
    }

    // --- task management -------------------------------------------------------------------

    private Behavior<Command> onAbort(Abort msg) {
        Predicate<Task> affected = switch (msg.scope()) {
            case TASK -> t -> t.nexus().equals(msg.nexus()) && t.tag() == msg.tag();
            case NEXUS_TASKS, NEXUS_RESET, NEXUS_LOSS -> t -> t.nexus().equals(msg.nexus());
            // SAM-5 7.5: CLEAR TASK SET clears the requester's task set, which with TST 001b is its nexus's own
            case ALL_TASKS -> mode.perNexusTaskSets() ? t -> t.nexus().equals(msg.nexus()) : t -> true;
            case RESET -> t -> true;
        };
        AbortCount count = abort(affected, msg.nexus());
        BlockDevice.TaskManagement told = switch (msg.scope()) {
            case NEXUS_TASKS -> BlockDevice.TaskManagement.ABORT_TASK_SET;
            case ALL_TASKS -> BlockDevice.TaskManagement.CLEAR_TASK_SET;
            case RESET -> BlockDevice.TaskManagement.LOGICAL_UNIT_RESET;
            case NEXUS_RESET -> BlockDevice.TaskManagement.I_T_NEXUS_RESET;
            case TASK, NEXUS_LOSS -> null;
        };
        if (told != null) {
            device.taskManagement(told);
        }
        CompletableFuture<Void> controlDone = null;
        switch (msg.scope()) {
            case ALL_TASKS -> {
                count.otherNexusesHit.forEach(n ->
                        unitAttentions.establish(n, SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR));
                if (!mode.perNexusTaskSets()) {
                    // one task set for all nexuses (TST 000b): the LU's tasks on other nodes too;
                    // the function completes once the control port cleared them
                    ActorRef<Command> self = getContext().getSelf();
                    controlDone = new CompletableFuture<>();
                    CompletableFuture<Void> cleared = controlDone;
                    luControl.submit(new ControlOp.ClearTaskSet(msg.nexus()),
                            done -> self.tell(new WithState(s -> cleared.complete(null))));
                }
            }
            case RESET -> {
                // SAM-2 5.9.7 and on: a unit attention for every I_T nexus, the one that asked included
                // (libiscsi MultipathIO.Reset checks both paths)
                unitAttentions.establishForAll(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                medium.reset();
                // the SPC-2 reservation ends; the saved mode parameters become current, but a
                // pass-through device restores its own (read back after its reset); the function
                // completes once the control port is done too (in a cluster: every node reset)
                ActorRef<Command> self = getContext().getSelf();
                controlDone = new CompletableFuture<>();
                CompletableFuture<Void> reset = controlDone;
                boolean restoreMode = control == null;
                luControl.submit(new ControlOp.Reset(restoreMode, restoreMode ? mode.afterReset() : null),
                        done -> self.tell(new WithState(s -> reset.complete(null))));
            }
            case NEXUS_RESET -> {
                unitAttentions.establish(msg.nexus(), SenseReason.I_T_NEXUS_LOSS_OCCURRED);
                medium.nexusLost(msg.nexus());
                luControl.submit(new ControlOp.NexusLost(msg.nexus()), done -> { });
            }
            case NEXUS_LOSS -> {
                unitAttentions.nexusLost(msg.nexus());
                echoBuffer.nexusLost(msg.nexus());
                medium.nexusLost(msg.nexus());
                luControl.submit(new ControlOp.NexusLost(msg.nexus()), done -> { });
                NexusLoad load = outstandingPerNexus.get(msg.nexus());
                if (load != null) {
                    if (load.outstanding == 0) {
                        outstandingPerNexus.remove(msg.nexus());
                    } else {
                        load.lost = true; // dropped when its last task leaves
                    }
                }
            }
            case TASK, NEXUS_TASKS -> { }
        }
        ActorRef<Aborted> replyTo = msg.replyTo();
        int aborted = count.waiting.size() + count.held;
        Runnable answer = () -> replyTo.tell(new Aborted(aborted));
        if (msg.scope() == Scope.RESET && device.passThrough() != null) {
            answer = resetDevice(answer);
        }
        if (controlDone != null && !controlDone.isDone()) {
            Runnable quiesced = answer;
            CompletableFuture<Void> reset = controlDone;
            answer = () -> reset.thenRun(quiesced); // completed on this actor's thread (WithState)
        }
        awaitQuiesced(count.waiting, answer);
        return after();
    }

    /**
     * SAM-5 7.7: a LOGICAL UNIT RESET of a pass-through LU resets the real device too (SCST sends it
     * on as a device reset), now, so that it drops the aborted commands it holds; the function is
     * answered once both the reset is done and every aborted task left the device: the returned
     * action is the second of the two.
     */
    private Runnable resetDevice(Runnable answer) {
        int[] pending = {2};
        Runnable oneDone = () -> {
            if (--pending[0] == 0) {
                answer.run();
            }
        };
        ActorRef<Command> self = getContext().getSelf();
        org.slf4j.Logger log = getContext().getLog();
        device.passThrough().reset(failure -> {
            if (failure != null) {
                log.warn("device {}: reset failed", device.name(), failure);
            }
            if (control == null) {
                self.tell(new WithState(s -> oneDone.run()));
                return;
            }
            // the device's current mode parameters are its saved ones now (SPC-5 7.5.2): the core follows
            control.read(c -> self.tell(new WithState(s -> {
                if (c != null) {
                    s.mode().followDevice(c);
                }
                oneDone.run();
            })));
        });
        return oneDone;
    }

    /** What {@link #abort} ended: the tasks still to leave the device, waiting ones ended at once, other nexuses hit. */
    private record AbortCount(Set<Task> waiting, int held, Set<Nexus> otherNexusesHit) {
    }

    /**
     * Aborts the tasks {@code affected} matches: waiting ones end here (they never reached the
     * device); those in the device are told and counted for {@link #awaitQuiesced}.
     */
    private AbortCount abort(Predicate<Task> affected, Nexus requester) {
        Set<Task> waiting = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Nexus> otherNexusesHit = new java.util.HashSet<>();
        int heldAborted = 0;
        for (Iterator<Task> it = held.iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (!affected.test(t)) {
                continue;
            }
            it.remove();
            heldAborted++;
            stats.left();
            t.state = Task.State.ABORTED;
            t.task().aborted();
            if (t == wholeMediumTask) {
                wholeMediumTask = null;
            }
            NexusLoad load = outstandingPerNexus.get(t.nexus());
            if (load != null) {
                load.outstanding--;
            }
            if (!t.nexus().equals(requester)) {
                otherNexusesHit.add(t.nexus());
            }
        }
        for (Task t : active) {
            if (!affected.test(t)) {
                continue;
            }
            // Every abort waits for all affected tasks still in the device, including those an
            // earlier abort (say ABORT TASK, then LOGICAL UNIT RESET) already marked: answering
            // before they leave would let a stale write land after the initiator's retry.
            waiting.add(t);
            if (t.state == Task.State.RUNNING) {
                t.state = Task.State.ABORTED;
                t.task().aborted();
                if (!t.nexus().equals(requester)) {
                    otherNexusesHit.add(t.nexus());
                }
            }
        }
        if (heldAborted > 0 && !held.isEmpty()) {
            startHeld();
        }
        return new AbortCount(waiting, heldAborted, otherNexusesHit);
    }

    /**
     * SPC-5 7.5.8 QERR, which only a pass-through device's Control page sets (an emulated LU keeps
     * 00b: nothing happens). {@code failed} just ended with CHECK CONDITION: with 01b every other
     * task in its task set is aborted (all of the LU's, or its nexus's with TST 001b), and each other
     * nexus that lost tasks gets COMMANDS CLEARED BY DEVICE SERVER (2F/02; TAS 0); with 11b the other
     * tasks of its own nexus are aborted. New commands wait until the aborted ones left the device,
     * as after an ABORT TASK SET. True when something was aborted (the caller then returns
     * {@link #after}).
     */
    private boolean queueError(Task failed) {
        int qErr = mode.queueErrorManagement();
        if (qErr != 0b01 && qErr != 0b11) {
            return false;
        }
        Nexus nexus = failed.nexus();
        boolean ownNexus = qErr == 0b11 || mode.perNexusTaskSets();
        AbortCount count = abort(t -> t != failed && (!ownNexus || t.nexus().equals(nexus)), nexus);
        if (count.waiting.isEmpty() && count.held == 0) {
            return false;
        }
        count.otherNexusesHit.forEach(n -> unitAttentions.establish(n, SenseReason.COMMANDS_CLEARED_BY_DEVICE_SERVER));
        awaitQuiesced(count.waiting, () -> { });
        return true;
    }

    /**
     * Runs {@code done} once every task in {@code waiting} has left the device: at once when none
     * is there; otherwise the LU drains until then, holding new commands back ({@link #after}).
     */
    private void awaitQuiesced(Set<Task> waiting, Runnable done) {
        if (waiting.isEmpty()) {
            done.run();
        } else {
            pendingAborts.add(new PendingAbort(waiting, done));
        }
    }

    /**
     * The behaviour after a message that may have started or ended an abort: {@link #draining} while
     * one waits for its tasks to leave the device; otherwise this one, which first takes the
     * commands held back meanwhile, in arrival order.
     */
    private Behavior<Command> after() {
        if (!pendingAborts.isEmpty() || !changes.isEmpty() || controlHeld) {
            inDraining = true;
            startChangeIfIdle();
            // a change refused at its start (a medium swap prevented, a resize during FORMAT UNIT)
            // leaves nothing to wait for: the stashed commands run now
            if (!pendingAborts.isEmpty() || !changes.isEmpty() || controlHeld) {
                return draining;
            }
        }
        if (!inDraining) {
            return Behaviors.same();
        }
        inDraining = false;
        return stash.isEmpty() ? this : stash.unstashAll(this);
    }

    /** True while {@link #draining} is the behaviour. */
    private boolean inDraining;

    /** Between {@link PrepareControl} and {@link CommitControl}: new commands wait. */
    private boolean controlHeld;

    /**
     * docs/design/cluster.md 4.4 phase 1: from now until the commit no new command is checked
     * against the control state, which is about to change; PREEMPT AND ABORT's tasks are aborted
     * here as on the node that received it (SPC-5 5.14.11.4.5).
     */
    private Behavior<Command> onPrepareControl(PrepareControl msg) {
        controlHeld = true;
        Predicate<Nexus> whose = n -> false;
        for (NexusSelector s : msg.abort()) {
            whose = whose.or(s);
        }
        if (msg.abort().isEmpty()) {
            msg.prepared().run();
        } else {
            Predicate<Nexus> selected = whose;
            Nexus exceptNexus = msg.exceptNexus();
            long exceptTag = msg.exceptTag();
            AbortCount count = abort(t -> !(t.tag() == exceptTag && t.nexus().equals(exceptNexus))
                    && selected.test(t.nexus()), exceptNexus);
            if (msg.cleared() != null) {
                count.otherNexusesHit.forEach(n -> unitAttentions.establish(n, msg.cleared()));
            }
            awaitQuiesced(count.waiting, msg.prepared());
        }
        return after();
    }

    /** Phase 2: the new reservations, their unit attentions for this node's nexuses, the held commands. */
    private Behavior<Command> onCommitControl(CommitControl msg) {
        if (msg.data() != null) {
            reservations.install(msg.data());
        }
        if (msg.mode() != null) {
            mode.install(msg.mode());
        }
        for (Reservations.Notice n : msg.notices()) {
            if (n.condition() != null) {
                unitAttentions.establishWhere(n.to(), n.condition());
            }
        }
        controlHeld = false;
        return after();
    }

    /** QUERY TASK, QUERY TASK SET, QUERY ASYNCHRONOUS EVENT (SAM-5 7.8 to 7.10); changes nothing. */
    private Behavior<Command> onQuery(Query msg) {
        Nexus nexus = msg.nexus();
        Queried answer = switch (msg.kind()) {
            case TASK -> new Queried(inTaskSet(t -> t.nexus().equals(nexus) && t.tag() == msg.tag()), null);
            case TASK_SET -> new Queried(inTaskSet(t -> t.nexus().equals(nexus)), null);
            case ASYNCHRONOUS_EVENT -> {
                unitAttentions.touch(nexus); // a nexus new to this LU has its power-on condition
                SenseReason pending = unitAttentions.peek(nexus);
                yield new Queried(pending != null, pending);
            }
        };
        msg.replyTo().tell(answer);
        return Behaviors.same();
    }

    /** True if a task in the device or waiting matches; an aborted task is in the set until it left the device. */
    private boolean inTaskSet(Predicate<Task> match) {
        for (Task t : active) {
            if (match.test(t)) {
                return true;
            }
        }
        for (Task t : held) {
            if (match.test(t)) {
                return true;
            }
        }
        return false;
    }

    /** An aborted task left the device: the aborts waiting for it that now have none left are answered. */
    private void quiesced(Task task) {
        List<Runnable> done = new ArrayList<>(1);
        for (Iterator<PendingAbort> it = pendingAborts.iterator(); it.hasNext(); ) {
            PendingAbort p = it.next();
            if (p.waiting.remove(task) && p.waiting.isEmpty()) {
                it.remove();
                done.add(p.done);
            }
        }
        done.forEach(Runnable::run);
    }

    private record PendingAbort(Set<Task> waiting, Runnable done) {
    }

    private Behavior<Command> onEstablishUnitAttention(EstablishUnitAttention msg) {
        unitAttentions.establish(msg.nexus(), msg.condition());
        return Behaviors.same();
    }

    /** SAM-5 5.14: what happened to the device on its own (a user handler restarted, resized, ...): every nexus is told. */
    private Behavior<Command> onDeviceEvent(DeviceEvent msg) {
        unitAttentions.establishForAll(msg.condition());
        return Behaviors.same();
    }

    /** The device's medium went in or out on its own (a user-space handler's disc). */
    private Behavior<Command> onDeviceMedium(DeviceMedium msg) {
        if (!medium.removable()) {
            getContext().getLog().warn("device {}: says its medium went {}, but it has no removable medium",
                    device.name(), msg.loaded() ? "in" : "out");
            return Behaviors.same();
        }
        mediumSwapped(msg.loaded());
        getContext().getLog().info("device {}: its medium went {} ({} blocks)", device.name(),
                msg.loaded() ? "in" : "out", device.blockCount());
        return Behaviors.same();
    }

    /**
     * A medium swapped in ({@code loaded}) or out, by the operator or the device: the tray closed on
     * it; with a medium in every nexus is told NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED
     * (SPC-5: 28/00) and the NewMedia event, else the MediaRemoval event (MMC-6 6.7.2.5).
     */
    private void mediumSwapped(boolean loaded) {
        medium.changed(loaded);
        if (tape != null) {
            tape.rewound(); // SSC-3: a cartridge loads at the beginning of its partition
        }
        if (loaded) {
            unitAttentions.establishForAll(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED);
            medium.mediaEvent(MediumState.NEW_MEDIA, unitAttentions.nexuses());
        } else {
            medium.mediaEvent(MediumState.MEDIA_REMOVAL, unitAttentions.nexuses());
        }
    }

    /** The state as a command's exec stage sees it, on this actor's thread. */
    private final class State implements LuState {
        @Override
        public UnitAttentions unitAttentions() {
            return unitAttentions;
        }

        @Override
        public Reservations reservations() {
            return reservations;
        }

        @Override
        public LuControlPort control() {
            return luControl;
        }

        @Override
        public ModeParameters mode() {
            return mode;
        }

        @Override
        public MediumState medium() {
            return medium;
        }

        @Override
        public org.scstj.engine.lu.TapeState tape() {
            return tape;
        }

        @Override
        public WholeMediumState wholeMedium() {
            return wholeMedium;
        }

        @Override
        public EchoBuffer echoBuffer() {
            return echoBuffer;
        }

        @Override
        public AluaState alua() {
            return alua;
        }

        @Override
        public void changeAccessStates(Map<Integer, AccessState> states, Nexus requester, Runnable done) {
            transition(null, states, requester, done);
        }

        /**
         * SPC-5 5.14.11.4.5 PREEMPT AND ABORT: the preempted nexuses' tasks, but the command's own,
         * are aborted as ABORT TASK SET would, through the same path as task management;
         * {@code quiesced} (the command's status) runs once they left the device. The handler that
         * runs this returns {@link #draining} ({@link #after}).
         */
        @Override
        public void abortTasksOf(Predicate<Nexus> whose, Nexus exceptNexus, long exceptTag, Runnable quiesced) {
            AbortCount count = abort(t -> !(t.tag() == exceptTag && t.nexus().equals(exceptNexus))
                    && whose.test(t.nexus()), null);
            awaitQuiesced(count.waiting, quiesced);
        }
    }

    // --- asymmetric access states (SPC-5 5.16) ----------------------------------------------

    private Behavior<Command> onInstallAlua(InstallAlua msg) {
        transition(msg.next(), null, msg.explicitRequester(), () -> msg.replyTo().tell(alua));
        return Behaviors.same();
    }

    private Behavior<Command> onReadAlua(ReadAlua msg) {
        msg.replyTo().tell(alua);
        return Behaviors.same();
    }

    /**
     * One change of the access states: to {@code whole} (its groups replace the LU's, learnt ports
     * kept), or of the groups {@code states} names. SPC-5 5.16.2.6: each group that changes is in
     * TRANSITIONING for the transition delay (commands its rows do not allow get 04/0A), then in
     * its new state with STATUS CODE 01h (explicit) or 02h (implicit); changes queue behind the
     * one under way, as the groups they name are resolved when they start.
     */
    private void transition(AluaState whole, Map<Integer, AccessState> states, Nexus requester, Runnable done) {
        if (transitioning) {
            transitions.add(new PendingTransition(whole, states, requester, done));
            return;
        }
        if (whole != null && alua.version() == 0 && alua.groups().isEmpty()) {
            // the first installation, before any nexus came (configuration at start): the LU's power-on state
            alua = new AluaState(1, whole.groups(), whole.implicitTransitionSeconds(), whole.transitionDelay(),
                    whole.tpgs());
            done.run();
            return;
        }
        int status = requester != null ? org.scstj.engine.alua.TargetPortGroup.ALTERED_BY_SET_TPG
                : org.scstj.engine.alua.TargetPortGroup.ALTERED_IMPLICITLY;
        AluaState target;
        if (whole != null) {
            AluaState merged = new AluaState(alua.version() + 1, whole.groups(), whole.implicitTransitionSeconds(),
                    whole.transitionDelay(), whole.tpgs());
            for (org.scstj.engine.alua.TargetPortGroup g : alua.groups()) {
                for (int port : g.relativeTargetPortIds()) {
                    if (!whole.hasPort(port)) { // learnt, not configured: a port is in one group (5.16.2.1)
                        merged = merged.withPort(g.id(), port);
                    }
                }
            }
            List<Integer> changed = merged.changedFrom(alua);
            List<org.scstj.engine.alua.TargetPortGroup> marked = new ArrayList<>(merged.groups().size());
            for (org.scstj.engine.alua.TargetPortGroup g : merged.groups()) {
                marked.add(changed.contains(g.id()) ? g.in(g.state(), status) : g);
            }
            target = new AluaState(merged.version(), marked, merged.implicitTransitionSeconds(),
                    merged.transitionDelay(), merged.tpgs());
        } else {
            target = alua.with(states, status);
        }
        List<Integer> changing = target.changedFrom(alua);
        if (changing.isEmpty()) {
            alua = new AluaState(alua.version(), target.groups(), target.implicitTransitionSeconds(),
                    target.transitionDelay(), target.tpgs());
            done.run();
            return;
        }
        java.time.Duration delay = target.transitionDelay();
        if (delay.isZero()) {
            finishTransition(target, requester, done);
            return;
        }
        Map<Integer, AccessState> during = new java.util.HashMap<>();
        for (int id : changing) {
            during.put(id, AccessState.TRANSITIONING);
        }
        alua = alua.with(during, status);
        transitioning = true;
        getContext().scheduleOnce(delay, getContext().getSelf(), new TransitionDone(target, requester, done));
    }

    private Behavior<Command> onTransitionDone(TransitionDone msg) {
        transitioning = false;
        finishTransition(msg.target(), msg.requester(), msg.done());
        PendingTransition next;
        while (!transitioning && (next = transitions.poll()) != null) {
            transition(next.whole(), next.states(), next.requester(), next.done());
        }
        return Behaviors.same();
    }

    /**
     * The new states in place; SPC-5 5.16.2.8 (implicit: every I_T nexus) and 5.16.3 (explicit:
     * every I_T nexus but the one SET TARGET PORT GROUPS came through) ASYMMETRIC ACCESS STATE CHANGED.
     */
    private void finishTransition(AluaState target, Nexus requester, Runnable done) {
        alua = target;
        if (requester == null) {
            unitAttentions.establishForAll(SenseReason.ASYMMETRIC_ACCESS_STATE_CHANGED);
        } else {
            unitAttentions.establishForAllBut(requester, SenseReason.ASYMMETRIC_ACCESS_STATE_CHANGED);
        }
        done.run();
    }

    // --- management changes ----------------------------------------------------------------

    private Behavior<Command> onDeviceChange(DeviceChange msg) {
        if (msg instanceof Remove) {
            // SAM-5 7.7: as a LOGICAL UNIT RESET, every task of every nexus; waiting ones end here,
            // those in the device are told and leave it before the change runs
            abort(t -> true, null);
        }
        changes.add(msg);
        return after();
    }

    /**
     * Starts the first change once nothing is in the task set and no abort waits: the device is
     * idle and stays so (new commands are stashed) while the change runs on the blocking executor.
     */
    private void startChangeIfIdle() {
        if (changeRunning || changes.isEmpty() || !pendingAborts.isEmpty() || !active.isEmpty() || !held.isEmpty()) {
            return;
        }
        DeviceChange change = changes.peekFirst();
        if (change instanceof Resize && (wholeMedium.inProgress() != null || wholeMedium.condition() != null)) {
            changes.pollFirst();
            change.replyTo().tell(new Changed(device.name(), new IllegalStateException(
                    "a FORMAT UNIT or SANITIZE is running or failed on " + device.name())));
            startChangeIfIdle();
            return;
        }
        if (change instanceof ImportExport x && !x.in() && !x.force() && medium.removalPrevented()) {
            changes.pollFirst();
            change.replyTo().tell(new Changed(device.name(), new RemovalPreventedException("medium removal from "
                    + device.name() + "'s import/export elements is prevented by " + medium.preventingCount()
                    + " initiator(s) (PREVENT ALLOW MEDIUM REMOVAL); force overrides")));
            startChangeIfIdle();
            return;
        }
        if (change instanceof ChangeMedium m && !m.force() && medium.removalPrevented()) {
            changes.pollFirst();
            medium.mediaEvent(MediumState.EJECT_REQUEST, unitAttentions.nexuses());
            change.replyTo().tell(new Changed(device.name(), new RemovalPreventedException("medium removal of "
                    + device.name() + " is prevented by " + medium.preventingCount()
                    + " initiator(s) (PREVENT ALLOW MEDIUM REMOVAL); they were asked to eject it; force overrides")));
            startChangeIfIdle();
            return;
        }
        changeRunning = true;
        BlockDevice.Capabilities before = device.capabilities();
        java.util.concurrent.CompletableFuture<Void> work = switch (change) {
            case Resize r -> java.util.concurrent.CompletableFuture.runAsync(() -> io(() -> {
                if (r.blockCount() != device.blockCount()) {
                    device.resize(r.blockCount(), r.force());
                }
            }), wholeMedium.executor());
            case SetAttributes a -> java.util.concurrent.CompletableFuture.runAsync(
                    () -> io(() -> device.setAttributes(a.changed())), wholeMedium.executor());
            case ChangeMedium m -> java.util.concurrent.CompletableFuture.runAsync(
                    () -> io(() -> device.changeMedium(m.medium())), wholeMedium.executor());
            case ImportExport x -> importExport(x);
            case Remove ignored -> flushAndClose();
        };
        getContext().pipeToSelf(work, (v, e) -> new ChangeDone(change, before,
                e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : e));
    }

    /** Runs an import or export through the changer's robot; fails with the changer's reason. */
    private java.util.concurrent.CompletableFuture<Void> importExport(ImportExport x) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        org.scstj.engine.spi.MediumChanger changer = device.changer();
        if (changer == null) {
            done.completeExceptionally(new UnsupportedOperationException(device.name() + " is not a medium changer"));
            return done;
        }
        org.scstj.engine.spi.MediumChanger.MoveCompletion completion = new org.scstj.engine.spi.MediumChanger.MoveCompletion() {
            @Override
            public void completed() {
                done.complete(null);
            }

            @Override
            public void failed(org.scstj.engine.spi.MediumChanger.MoveFailure failure, String why) {
                done.completeExceptionally(new IllegalStateException(why));
            }
        };
        if (x.in()) {
            changer.importCartridge(x.barcode(), completion);
        } else {
            changer.exportCartridge(x.barcode(), completion);
        }
        return done;
    }

    private interface Io {
        void run() throws java.io.IOException;
    }

    private static void io(Io op) {
        try {
            op.run();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    /** SBC-4 5.25 SYNCHRONIZE CACHE as at shutdown, then the device is closed; a failed flush is logged, not kept. */
    private java.util.concurrent.CompletableFuture<Void> flushAndClose() {
        java.util.concurrent.CompletableFuture<Void> flushed = new java.util.concurrent.CompletableFuture<>();
        device.flush(new BlockDevice.Completion() {
            @Override
            public void completed() {
                flushed.complete(null);
            }

            @Override
            public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                flushed.completeExceptionally(cause != null ? cause : new java.io.IOException(failure.name()));
            }
        });
        String name = device.name();
        org.slf4j.Logger log = getContext().getLog();
        return flushed.handleAsync((v, e) -> {
            if (e != null) {
                log.error("flushing {} before its removal failed; closing it anyway", name, e);
            }
            device.close();
            return null;
        }, wholeMedium.executor());
    }

    private Behavior<Command> onChangeDone(ChangeDone msg) {
        changes.pollFirst();
        changeRunning = false;
        Throwable failure = msg.failure() instanceof java.io.UncheckedIOException u ? u.getCause() : msg.failure();
        DeviceChange change = msg.change();
        if (change instanceof Remove) {
            return removed(change, failure);
        }
        if (failure == null) {
            BlockDevice.Capabilities now = device.capabilities();
            switch (change) {
                // SBC-4 4.6, SPC-5 5.14: every I_T nexus learns of the new capacity
                case Resize r -> unitAttentions.establishForAll(SenseReason.CAPACITY_DATA_HAS_CHANGED);
                case SetAttributes a -> {
                    boolean cache = now.writeBackCache() != msg.before().writeBackCache();
                    if (cache) {
                        mode.deviceCacheChanged(now.writeBackCache()); // SBC-4 6.5.5 WCE
                    }
                    if (cache || now.readOnly() != msg.before().readOnly()) {
                        // SPC-5 5.14 (table of UAs): WCE or the header's WP changed for every nexus
                        unitAttentions.establishForAll(SenseReason.MODE_PARAMETERS_CHANGED);
                    }
                }
                case ChangeMedium m -> mediumSwapped(m.medium() != null);
                case ImportExport x -> unitAttentions.establishForAll(SenseReason.IMPORT_OR_EXPORT_ELEMENT_ACCESSED);
                case Remove ignored -> { }
            }
            getContext().getLog().info("device {}: {} applied ({} blocks, read-only {}, write-back {})",
                    device.name(), change.getClass().getSimpleName(), device.blockCount(), now.readOnly(),
                    now.writeBackCache());
        }
        change.replyTo().tell(new Changed(device.name(), failure));
        return after();
    }

    /** The device is closed: whatever still waits here is answered, then the actor stops. */
    private Behavior<Command> removed(DeviceChange remove, Throwable failure) {
        remove.replyTo().tell(new Changed(device.name(), failure));
        for (DeviceChange c : changes) {
            c.replyTo().tell(new Changed(device.name(), new IllegalStateException(device.name() + " was removed")));
        }
        changes.clear();
        stash.forEach(m -> {
            if (m instanceof Execute e) {
                e.task().task().complete(Failure.of(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED).toResponse(false));
            }
        });
        stash.clear();
        getContext().getLog().info("device {} removed", device.name());
        return Behaviors.stopped();
    }

    private Behavior<Command> onReadLatency(ReadLatency msg) {
        msg.replyTo().tell(latency.snapshot(msg.reset()));
        return Behaviors.same();
    }

    private Behavior<Command> onCountTasks(CountTasks msg) {
        int n = 0;
        for (Task t : active) {
            n += t.nexus().equals(msg.nexus()) ? 1 : 0;
        }
        for (Task t : held) {
            n += t.nexus().equals(msg.nexus()) ? 1 : 0;
        }
        msg.replyTo().tell(new TaskCount(n));
        return Behaviors.same();
    }

    /** Held tasks listed by {@link #onDescribe} at most; the count covers them all. */
    private static final int DESCRIBED_HELD = 32;

    private Behavior<Command> onDescribe(Describe msg) {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("device", device.name());
        d.put("tasks-active", active.size());
        d.put("tasks-held", held.size());
        d.put("stashed", stash.size());
        d.put("pending-aborts", pendingAborts.size());
        d.put("pending-changes", changes.size());
        Map<String, String> states = new java.util.LinkedHashMap<>();
        for (org.scstj.engine.alua.TargetPortGroup g : alua.groups()) {
            states.put(Integer.toString(g.id()), g.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '/'));
        }
        // one state for every group (an LU without ALUA configuration): that state; else by group
        d.put("alua-state", new java.util.HashSet<>(states.values()).size() <= 1
                ? states.values().stream().findFirst().orElse("active/optimized") : states.toString());
        d.put("reservation", reservationHolder());
        if (wholeMediumTask != null) {
            d.put("whole-medium-operation", wholeMediumTask.command().row().wholeMediumKind().toString());
        }
        Map<String, Object> nexuses = new java.util.TreeMap<>();
        for (Nexus n : unitAttentions.nexuses()) {
            NexusLoad load = outstandingPerNexus.get(n);
            nexuses.put(n.initiatorPortName(), Map.of("tasks", load == null ? 0 : load.outstanding,
                    "unit-attentions", unitAttentions.pendingCount(n)));
        }
        d.put("nexuses", nexuses);
        List<String> heldTasks = new ArrayList<>();
        for (Task t : held) {
            if (heldTasks.size() == DESCRIBED_HELD) {
                break;
            }
            heldTasks.add(String.format("tag 0x%x op 0x%02x %s from %s", t.tag(), t.task().cdb()[0] & 0xFF,
                    t.task().attribute(), t.nexus().initiatorPortName()));
        }
        d.put("held", heldTasks);
        String state = !inDraining ? "running" : !pendingAborts.isEmpty() ? "draining" : "changing";
        msg.replyTo().tell(new ActorSummary(state, d));
        return Behaviors.same();
    }

    /** Who holds the LU: an SPC-2 reservation (SPC-2 5.5.1), a persistent one (SPC-5 5.14.10), or none. */
    private String reservationHolder() {
        Nexus spc2 = reservations.spc2Holder();
        if (spc2 != null) {
            return "SPC-2 reservation by " + spc2.initiatorPortName();
        }
        if (reservations.idle()) {
            return "none";
        }
        Reservations.Snapshot pr = reservations.snapshot();
        if (pr.type() == null) {
            return "none (" + pr.registrations().size() + " registrations)";
        }
        if (pr.holder() == null) {
            return "persistent " + pr.type() + " (all registrants)";
        }
        org.scstj.engine.pr.Registrant who = pr.holder().who();
        return "persistent " + pr.type() + " by " + who.initiatorName() + (who.isid() != null ? ",i,0x" + who.isid() : "");
    }

    // --- shutdown --------------------------------------------------------------------------

    private Behavior<Command> onShutdown(Shutdown msg) {
        ActorRef<Command> self = getContext().getSelf();
        device.flush(new BlockDevice.Completion() {
            @Override
            public void completed() {
                self.tell(new FlushDone(msg.replyTo(), null));
            }

            @Override
            public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                self.tell(new FlushDone(msg.replyTo(), cause != null ? cause : new java.io.IOException(failure.name())));
            }
        });
        return Behaviors.same();
    }

    private Behavior<Command> onFlushDone(FlushDone msg) {
        try {
            device.close();
        } catch (RuntimeException e) {
            getContext().getLog().warn("closing {} failed", device.name(), e);
        }
        msg.replyTo().tell(new ShutdownDone(device.name(), msg.failure()));
        return Behaviors.stopped();
    }
}
