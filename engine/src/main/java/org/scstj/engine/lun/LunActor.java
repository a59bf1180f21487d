package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.sbc.WholeMediumGate;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.RequestSense;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.lu.UnitAttentions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One logical unit (SAM-5 4.6.18): its task set, the per-nexus unit attention queues, and the
 * device it drives. Runs the checks stage in a fixed order (SAM-5 5.14, SPC-5 5.14, SBC-4 4.11):
 * unit attention, then reservation (with the reservation model), then write protection, then a
 * whole-medium operation in progress (NOT READY); then the task set's ordering; then the exec
 * stage through the {@link CommandSet}; then the xmit stage when the exec stage completes.
 *
 * <p>Ordering (SAM-5 8.6, SBC-4 4.29 and 5.3). SIMPLE tasks run in the device concurrently, in
 * any order, unless they conflict: a task whose command-table row is exclusive (COMPARE AND
 * WRITE, ORWRITE, WRITE ATOMIC, FORMAT UNIT, SANITIZE) must not share any of its blocks with
 * another task in the device ({@link Extent}). Such a task waits in {@link #held} until the
 * conflicting tasks left the device, and every later task that conflicts with it waits behind it,
 * in arrival order, so none starves.
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
 * <p>Aborts (task management, nexus loss) tell the transport at once, so nothing more is sent for
 * the task, and are answered only when every affected task has left the device (quiesced).
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

    /** A command changed state every nexus shares: a unit attention for the others (sent by {@link Task}). */
    record UnitAttentionForOthers(Nexus changedBy, SenseReason condition) implements Command {
    }

    /** A START STOP UNIT loaded or ejected the removable medium (from {@link MediumState}'s listener). */
    private record MediumChanged(Nexus by, boolean present) implements Command {
    }

    private record FlushDone(ActorRef<ShutdownDone> replyTo, Throwable failure) implements Command {
    }

    /** A PERSISTENT RESERVE OUT's unit attentions and aborts (from {@link Reservations}'s listener). */
    private record ReservationNotices(List<Reservations.Notice> notices) implements Command {
    }

    /** One of the aborts a PREEMPT AND ABORT started is quiesced. */
    private record PreemptAbortDone(Aborted aborted) implements Command {
    }

    /** Creates the actor for one device with no LU-wide bound and state of its own (tests). */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth) {
        return create(device, commands, nexusQueueDepth, Integer.MAX_VALUE,
                new MediumState(device.capabilities().removable()), null, new Reservations());
    }

    /**
     * Creates the actor for one device: per-nexus and per-LU task bounds, and the medium state,
     * mode parameters and reservations every nexus's context shares ({@code mode} may be null:
     * nothing to restore on a logical unit reset).
     */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           int lunQueueDepth, MediumState medium, ModeParameters mode,
                                           Reservations reservations) {
        return Behaviors.setup(ctx -> new LunActor(ctx, device, commands, nexusQueueDepth, lunQueueDepth, medium,
                mode, reservations));
    }

    private final BlockDevice device;
    private final CommandSet commands;
    private final int nexusQueueDepth;
    /** Tasks the task set holds at most, from all nexuses (in the device and waiting). */
    private final int lunQueueDepth;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    /** SBC-4 5.13: resets and nexus loss end medium removal prevention. */
    private final MediumState medium;
    /** SAM-2 5.9.7 d): a logical unit reset restores the saved mode parameters; null: none to restore. */
    private final ModeParameters mode;
    /** The LU's reservations (SPC-2 5.5.1, SPC-5 5.14): resets and nexus loss end SPC-2 ones. */
    private final Reservations reservations;
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
    private final List<PendingAbort> pendingAborts = new ArrayList<>(1);
    /** Aborts started by PREEMPT AND ABORT not yet quiesced, and the PREEMPT AND ABORT statuses waiting for them. */
    private int preemptAbortsOutstanding;
    private final List<ExecDone> deferredPreempts = new ArrayList<>(1);
    private ActorRef<Aborted> preemptAbortAdapter;

    private LunActor(ActorContext<Command> ctx, BlockDevice device, CommandSet commands, int nexusQueueDepth,
                     int lunQueueDepth, MediumState medium, ModeParameters mode, Reservations reservations) {
        super(ctx);
        this.mode = mode;
        this.reservations = reservations;
        this.device = device;
        this.commands = commands;
        this.nexusQueueDepth = nexusQueueDepth;
        this.lunQueueDepth = lunQueueDepth;
        this.medium = medium;
        ActorRef<Command> self = ctx.getSelf();
        medium.listener((by, present) -> self.tell(new MediumChanged(by, present)));
        reservations.listener(notices -> self.tell(new ReservationNotices(notices)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Execute.class, this::onExecute)
                .onMessage(ExecDone.class, this::onExecDone)
                .onMessage(Abort.class, this::onAbort)
                .onMessage(Query.class, this::onQuery)
                .onMessage(MediumChanged.class, this::onMediumChanged)
                .onMessage(UnitAttentionForOthers.class, this::onUnitAttentionForOthers)
                .onMessage(EstablishUnitAttention.class, this::onEstablishUnitAttention)
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(FlushDone.class, this::onFlushDone)
                .onMessage(ReservationNotices.class, this::onReservationNotices)
                .onMessage(PreemptAbortDone.class, this::onPreemptAbortDone)
                .build();
    }

    // --- checks stage, in the fixed order -------------------------------------------------

    // Hot handlers return Behaviors.same(), not this: an intercepted behavior that returns a
    // behavior object is re-wrapped in a new interceptor per message (measured: 12% of allocation).
    private Behavior<Command> onExecute(Execute msg) {
        Task task = msg.task();
        Nexus nexus = task.nexus();
        CommandSet.Parsed parsed = task.command();
        unitAttentions.touch(nexus);

        NexusLoad load = outstandingPerNexus.get(nexus);
        ScsiResponse refused = admit(task, load);
        if (refused != null) {
            task.task().complete(refused);
            interlockStatus(task, refused.status());
            return Behaviors.same();
        }

        ScsiResponse early = checkUnitAttention(task, parsed);
        if (early == null) {
            early = checkReservation(task, parsed);
        }
        if (early == null) {
            early = checkWriteProtect(task, parsed);
        }
        if (early == null && wholeMediumTask != null) {
            early = checkWholeMediumInProgress(task, parsed);
        }
        if (early != null) {
            task.task().complete(early);
            interlockStatus(task, early.status());
            return Behaviors.same();
        }

        task.attach(getContext().getSelf());
        if (load == null) {
            load = new NexusLoad();
            outstandingPerNexus.put(nexus, load);
        }
        load.lost = false; // a nexus that returned (same initiator port) is live again
        load.outstanding++;
        if (parsed.decoded() && parsed.row().wholeMedium()) {
            wholeMediumTask = task;
        }
        if ((task.gates || gatingActive > 0 || !held.isEmpty()) && mustWait(task)) {
            held.add(task);
            return Behaviors.same();
        }
        start(task);
        return Behaviors.same();
    }

    /** Exec stage. */
    private void start(Task task) {
        active.add(task);
        if (task.gates) {
            gatingActive++;
        }
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
            case ORDERED -> !active.isEmpty() || !held.isEmpty();
            case HEAD_OF_QUEUE -> blockedByActive(task, false);
            default -> blockedByActive(task, true) || blockedBy(task, held, true);
        };
    }

    /** True if a task in the device conflicts with this one, or (for a SIMPLE one) is not SIMPLE. */
    private boolean blockedByActive(Task task, boolean simple) {
        return blockedBy(task, active, simple);
    }

    private boolean blockedBy(Task task, Iterable<Task> tasks, boolean simple) {
        long capacity = device.blockCount();
        Extent extent = task.extent(capacity);
        boolean ranged = !extent.isEmpty();
        for (Task t : tasks) {
            if (simple && t.attribute != TaskAttribute.SIMPLE) {
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
                case ORDERED -> !active.isEmpty() || !stillHeld.isEmpty();
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
     * SAM-5 5.14: a pending unit attention ends every command but INQUIRY, REPORT LUNS and
     * REQUEST SENSE with CHECK CONDITION and is cleared by being reported; REQUEST SENSE returns
     * it as sense data (SPC-5 6.39).
     */
    private ScsiResponse checkUnitAttention(Task task, CommandSet.Parsed parsed) {
        SenseReason pending = unitAttentions.peek(task.nexus());
        if (pending == null) {
            return null;
        }
        if (parsed.cdb() instanceof Cdb.RequestSense rs) {
            unitAttentions.clear(task.nexus());
            return RequestSense.respond(rs, pending, task.task().expectedDataTransferLength());
        }
        if (parsed.uaExempt()) {
            return null;
        }
        // SPC-5 7.5.8 UA_INTLCK_CTRL 00b: reporting it clears it; 10b/11b: only REQUEST SENSE does
        if (task.lu().mode().uaInterlock() == 0) {
            unitAttentions.clear(task.nexus());
        }
        return Failure.of(pending).toResponse(task.lu().descriptorSense());
    }

    /**
     * SPC-5 7.5.8 UA_INTLCK_CTRL 11b: a command ended with BUSY, TASK SET FULL or RESERVATION
     * CONFLICT leaves the unit attention PREVIOUS BUSY / TASK SET FULL / RESERVATION CONFLICT STATUS
     * (2C/09, 2C/0A, 2C/0B) for its nexus. Nothing with 00b or 10b.
     */
    private void interlockStatus(Task task, int status) {
        if (task.lu().mode().uaInterlock() != 0b11) {
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

    /**
     * SBC-4 5.3.1 FORMAT UNIT and 4.11.1 sanitize: from the moment one is in the task set (waiting
     * for the tasks before it to leave the device, or running) every other command but INQUIRY and
     * REPORT LUNS ends NOT READY, FORMAT (or SANITIZE) IN PROGRESS, and REQUEST SENSE returns that
     * sense, with the progress indication once the operation runs ({@link WholeMediumGate}, which
     * also answers after an IMMED operation's command completed). Before the operation began there
     * is no progress yet: the sense is the same without it.
     */
    private ScsiResponse checkWholeMediumInProgress(Task task, CommandSet.Parsed parsed) {
        ScsiResponse gate = WholeMediumGate.check(parsed.cdb(), task);
        if (gate != null) {
            return gate;
        }
        SenseReason reason = switch (wholeMediumTask.command().cdb().opcode()) {
            case Opcodes.FORMAT_UNIT -> SenseReason.NOT_READY_FORMAT_IN_PROGRESS;
            case Opcodes.SANITIZE -> SenseReason.NOT_READY_SANITIZE_IN_PROGRESS;
            default -> SenseReason.NOT_READY_CAUSE_NOT_REPORTABLE;
        };
        if (parsed.cdb() instanceof Cdb.RequestSense rs) {
            byte[] sense = org.scstj.engine.sense.SenseData.build(reason, rs.desc());
            return org.scstj.engine.spc.AllocationLength.respond(sense, sense.length, rs.allocationLength(),
                    task.task().expectedDataTransferLength());
        }
        if (parsed.uaExempt()) {
            return null;
        }
        return Failure.of(reason).toResponse(task.lu().descriptorSense());
    }

    /** SPC-2 5.5.1, SPC-5 5.14: RESERVATION CONFLICT (status 18h, no sense) for a command the LU's reservations exclude. */
    private ScsiResponse checkReservation(Task task, CommandSet.Parsed parsed) {
        if (reservations.idle() || !parsed.decoded() || !reservations.conflicts(task.nexus(), parsed.cdb())) {
            return null;
        }
        return RESERVATION_CONFLICT;
    }

    private static final ScsiResponse RESERVATION_CONFLICT =
            new ScsiResponse(ScsiResponse.RESERVATION_CONFLICT, null, null, 0);

    /**
     * SBC-4 4.11: commands that change the medium of a write-protected LU fail with DATA PROTECT,
     * WRITE PROTECTED. A read-only mapping protects more than the medium: the initiators it is given
     * to may read and inquire, register (and unregister) their own reservation key and give up what
     * they hold, but not change what the LU's other initiators share and could lose access by: mode
     * parameters (SWP, WCE), SPC-2 and persistent reservations, the removable medium. Those end
     * with the same DATA PROTECT (the command table's {@code sharedState}).
     */
    private ScsiResponse checkWriteProtect(Task task, CommandSet.Parsed parsed) {
        if ((parsed.writesMedium() && task.lu().writeProtected())
                || (task.lu().readOnlyMapping() && parsed.changesSharedState())) {
            return Failure.of(SenseReason.WRITE_PROTECTED).toResponse(task.lu().descriptorSense());
        }
        return null;
    }

    // --- xmit stage ------------------------------------------------------------------------

    private Behavior<Command> onExecDone(ExecDone msg) {
        Task task = msg.task();
        if (preemptAbortsOutstanding > 0 && isPreemptAndAbort(task) && active.contains(task)) {
            deferredPreempts.add(msg);
            return Behaviors.same();
        }
        if (!active.remove(task)) {
            return Behaviors.same(); // completed twice: a command implementation bug; the first answer stands
        }
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
        if (task.state == Task.State.ABORTED) {
            if (msg.response().dataIn() != null) {
                msg.response().dataIn().release();
            }
            quiesced(task);
        } else {
            task.state = Task.State.DONE;
            task.task().complete(msg.response());
        }
        if (!held.isEmpty()) {
            startHeld();
        }
        return Behaviors.same();
    }

    // --- task management -------------------------------------------------------------------

    private Behavior<Command> onAbort(Abort msg) {
        Predicate<Task> affected = switch (msg.scope()) {
            case TASK -> t -> t.nexus().equals(msg.nexus()) && t.tag() == msg.tag();
            case NEXUS_TASKS, NEXUS_RESET, NEXUS_LOSS -> t -> t.nexus().equals(msg.nexus());
            case ALL_TASKS, RESET -> t -> true;
        };
        Set<Task> waiting = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Nexus> otherNexusesHit = new java.util.HashSet<>();
        // Waiting tasks never reached the device: they end here, nothing to wait for.
        int heldAborted = 0;
        for (Iterator<Task> it = held.iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (!affected.test(t)) {
                continue;
            }
            it.remove();
            heldAborted++;
            t.state = Task.State.ABORTED;
            t.task().aborted();
            if (t == wholeMediumTask) {
                wholeMediumTask = null;
            }
            NexusLoad load = outstandingPerNexus.get(t.nexus());
            if (load != null) {
                load.outstanding--;
            }
            if (!t.nexus().equals(msg.nexus())) {
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
                if (!t.nexus().equals(msg.nexus())) {
                    otherNexusesHit.add(t.nexus());
                }
            }
        }
        switch (msg.scope()) {
            case ALL_TASKS -> otherNexusesHit.forEach(n ->
                    unitAttentions.establish(n, SenseReason.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR));
            case RESET -> {
                // SAM-2 5.9.7 and on: a unit attention for every I_T nexus, the one that asked included
                // (libiscsi MultipathIO.Reset checks both paths)
                unitAttentions.establishForAll(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                medium.reset();
                if (mode != null) {
                    mode.restoreSaved();
                }
                reservations.reset();
            }
            case NEXUS_RESET -> {
                unitAttentions.establish(msg.nexus(), SenseReason.I_T_NEXUS_LOSS_OCCURRED);
                medium.nexusLost(msg.nexus());
                reservations.nexusLost(msg.nexus());
            }
            case NEXUS_LOSS -> {
                unitAttentions.nexusLost(msg.nexus());
                medium.nexusLost(msg.nexus());
                reservations.nexusLost(msg.nexus());
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
        PendingAbort pending = new PendingAbort(waiting, waiting.size() + heldAborted, msg.replyTo());
        if (waiting.isEmpty()) {
            pending.replyTo.tell(new Aborted(pending.count));
        } else {
            pendingAborts.add(pending);
        }
        if (heldAborted > 0 && !held.isEmpty()) {
            startHeld();
        }
        return this;
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

    private void quiesced(Task task) {
        for (Iterator<PendingAbort> it = pendingAborts.iterator(); it.hasNext(); ) {
            PendingAbort p = it.next();
            if (p.waiting.remove(task) && p.waiting.isEmpty()) {
                it.remove();
                p.replyTo.tell(new Aborted(p.count));
            }
        }
    }

    private record PendingAbort(Set<Task> waiting, int count, ActorRef<Aborted> replyTo) {
    }

    private Behavior<Command> onEstablishUnitAttention(EstablishUnitAttention msg) {
        unitAttentions.establish(msg.nexus(), msg.condition());
        return this;
    }

    private Behavior<Command> onUnitAttentionForOthers(UnitAttentionForOthers msg) {
        unitAttentions.establishForAllBut(msg.changedBy(), msg.condition());
        return this;
    }

    // --- removable medium ----------------------------------------------------------------------

    /**
     * SPC-5 table of ASCs / SBC-4 4.x: a medium that became ready is NOT READY TO READY CHANGE,
     * MEDIUM MAY HAVE CHANGED (28/00) for every other nexus, so each rereads capacity and labels;
     * the nexus that loaded it knows.
     */
    private Behavior<Command> onMediumChanged(MediumChanged msg) {
        if (msg.present()) {
            unitAttentions.establishForAllBut(msg.by(), SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED);
        }
        return this;
    }

    // --- persistent reservations -------------------------------------------------------------

    /**
     * SPC-5 5.14.11: the unit attentions a PERSISTENT RESERVE OUT establishes (RESERVATIONS
     * PREEMPTED / RELEASED, REGISTRATIONS PREEMPTED) and PREEMPT AND ABORT's aborts of the
     * preempted nexuses' tasks (SPC-5 5.14.11.4.5), through the same abort path as ABORT TASK SET.
     */
    private Behavior<Command> onReservationNotices(ReservationNotices msg) {
        for (Reservations.Notice n : msg.notices()) {
            if (n.condition() != null) {
                unitAttentions.establishWhere(n.to(), n.condition());
            }
            if (n.abortTasks()) {
                Set<Nexus> hit = new java.util.HashSet<>();
                active.forEach(t -> { if (n.to().test(t.nexus())) hit.add(t.nexus()); });
                held.forEach(t -> { if (n.to().test(t.nexus())) hit.add(t.nexus()); });
                if (preemptAbortAdapter == null) {
                    preemptAbortAdapter = getContext().messageAdapter(Aborted.class, PreemptAbortDone::new);
                }
                for (Nexus nexus : hit) {
                    preemptAbortsOutstanding++;
                    onAbort(new Abort(Scope.NEXUS_TASKS, nexus, 0, preemptAbortAdapter));
                }
            }
        }
        return this;
    }

    /**
     * SPC-5 5.14.11.4.5: PREEMPT AND ABORT completes once the tasks it aborted are gone. Its notices
     * reach this actor before its completion does (both are sent by its exec stage, in that order),
     * so its status waits in {@link #deferredPreempts} until every abort it started is quiesced.
     */
    private Behavior<Command> onPreemptAbortDone(PreemptAbortDone msg) {
        if (--preemptAbortsOutstanding == 0 && !deferredPreempts.isEmpty()) {
            List<ExecDone> ready = List.copyOf(deferredPreempts);
            deferredPreempts.clear();
            ready.forEach(this::onExecDone);
        }
        return this;
    }

    private static boolean isPreemptAndAbort(Task task) {
        return task.command().cdb() instanceof Cdb.PersistentReserveOut out
                && out.serviceAction() == Opcodes.SA_PROUT_PREEMPT_AND_ABORT;
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
        return this;
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
