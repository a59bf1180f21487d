package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.sam.CommandSet;
import org.scstj.engine.sam.MediumState;
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
import org.scstj.engine.ua.UnitAttentions;

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
 * in arrival order, so none starves. While no exclusive task is in the device or waiting, a
 * task costs no more than one counter test.
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

    /** Flushes the device's write-back cache and closes it (daemon shutdown). */
    public record Shutdown(ActorRef<ShutdownDone> replyTo) implements Command {
    }

    /** The answer to {@link Shutdown}. */
    public record ShutdownDone(String device, Throwable failure) {
    }

    /** A START STOP UNIT loaded or ejected the removable medium (from {@link MediumState}'s listener). */
    private record MediumChanged(Nexus by, boolean present) implements Command {
    }

    private record FlushDone(ActorRef<ShutdownDone> replyTo, Throwable failure) implements Command {
    }

    /** A PERSISTENT RESERVE OUT's unit attentions and aborts (from {@link Reservations}'s listener). */
    private record ReservationNotices(List<Reservations.Notice> notices) implements Command {
    }

    /** Creates the actor for one device. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth) {
        return create(device, commands, nexusQueueDepth, new MediumState(device.capabilities().removable()));
    }

    /** Creates the actor for one device whose LU's medium state every nexus's context shares. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           MediumState medium) {
        return create(device, commands, nexusQueueDepth, medium, new Reservations());
    }

    /** Creates the actor for one device whose LU's medium and reservations every nexus's context shares. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           MediumState medium, Reservations reservations) {
        return Behaviors.setup(ctx -> new LunActor(ctx, device, commands, nexusQueueDepth, medium, reservations));
    }

    private final BlockDevice device;
    private final CommandSet commands;
    private final int nexusQueueDepth;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    /** SBC-4 5.13: resets and nexus loss end medium removal prevention. */
    private final MediumState medium;
    /** The LU's reservations (SPC-2 5.5.1, SPC-5 5.14): resets and nexus loss end SPC-2 ones. */
    private final Reservations reservations;
    /** Tasks between checks and xmit, in arrival order per nexus. */
    private final Set<Task> active = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** Tasks past the checks that wait for a conflicting task to leave the device, in arrival order. */
    private final ArrayDeque<Task> held = new ArrayDeque<>();
    /** Exclusive tasks in the device ({@link #active}). */
    private int exclusiveActive;
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

    private LunActor(ActorContext<Command> ctx, BlockDevice device, CommandSet commands, int nexusQueueDepth,
                     MediumState medium, Reservations reservations) {
        super(ctx);
        this.reservations = reservations;
        this.device = device;
        this.commands = commands;
        this.nexusQueueDepth = nexusQueueDepth;
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
                .onMessage(MediumChanged.class, this::onMediumChanged)
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(FlushDone.class, this::onFlushDone)
                .onMessage(ReservationNotices.class, this::onReservationNotices)
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

        // SAM-5 5.3.4: a nexus past its queue depth gets TASK SET FULL.
        NexusLoad load = outstandingPerNexus.get(nexus);
        if (load != null && load.outstanding >= nexusQueueDepth) {
            task.task().complete(new ScsiResponse(ScsiResponse.TASK_SET_FULL, null, null, 0));
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
            return Behaviors.same();
        }

        task.attach(getContext().getSelf());
        if (load == null) {
            load = new NexusLoad();
            outstandingPerNexus.put(nexus, load);
        }
        load.lost = false; // a nexus that returned (same initiator port) is live again
        load.outstanding++;
        boolean exclusive = parsed.decoded() && (parsed.row().exclusive() || parsed.row().wholeMedium());
        if (exclusive && parsed.row().wholeMedium()) {
            wholeMediumTask = task;
        }
        if ((exclusive || exclusiveActive > 0 || !held.isEmpty()) && mustWait(task)) {
            held.add(task);
            return Behaviors.same();
        }
        start(task);
        return Behaviors.same();
    }

    /** Exec stage. */
    private void start(Task task) {
        active.add(task);
        if (task.command().decoded() && (task.command().row().exclusive() || task.command().row().wholeMedium())) {
            exclusiveActive++;
        }
        try {
            commands.execute(task.command(), task);
        } catch (RuntimeException e) {
            getContext().getLog().error("command execution failed on {}", device.name(), e);
            task.complete(Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(task.lu().descriptorSense()));
        }
    }

    /** True if the task conflicts with a task in the device or with one waiting before it. */
    private boolean mustWait(Task task) {
        long capacity = device.blockCount();
        Extent extent = task.extent(capacity);
        if (extent.isEmpty()) {
            return false;
        }
        for (Task t : active) {
            if (t.extent(capacity).conflicts(extent)) {
                return true;
            }
        }
        for (Task t : held) {
            if (t.extent(capacity).conflicts(extent)) {
                return true;
            }
        }
        return false;
    }

    /** Starts the waiting tasks that no longer conflict, in arrival order. */
    private void startHeld() {
        long capacity = device.blockCount();
        List<Task> stillHeld = new ArrayList<>(held.size());
        for (Iterator<Task> it = held.iterator(); it.hasNext(); ) {
            Task t = it.next();
            Extent extent = t.extent(capacity);
            boolean blocked = false;
            for (Task a : active) {
                if (a.extent(capacity).conflicts(extent)) {
                    blocked = true;
                    break;
                }
            }
            for (int i = 0; !blocked && i < stillHeld.size(); i++) {
                blocked = stillHeld.get(i).extent(capacity).conflicts(extent);
            }
            if (blocked) {
                stillHeld.add(t);
            } else {
                it.remove();
                start(t);
            }
        }
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
        unitAttentions.clear(task.nexus());
        return Failure.of(pending).toResponse(task.lu().descriptorSense());
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

    /** SBC-4 4.11: commands that change the medium of a write-protected LU fail with DATA PROTECT. */
    private ScsiResponse checkWriteProtect(Task task, CommandSet.Parsed parsed) {
        if (parsed.writesMedium() && task.lu().writeProtected()) {
            return Failure.of(SenseReason.WRITE_PROTECTED).toResponse(task.lu().descriptorSense());
        }
        return null;
    }

    // --- xmit stage ------------------------------------------------------------------------

    private Behavior<Command> onExecDone(ExecDone msg) {
        Task task = msg.task();
        if (!active.remove(task)) {
            return Behaviors.same(); // completed twice: a command implementation bug; the first answer stands
        }
        if (task.command().decoded() && (task.command().row().exclusive() || task.command().row().wholeMedium())) {
            exclusiveActive--;
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
                for (Nexus nexus : hit) {
                    onAbort(new Abort(Scope.NEXUS_TASKS, nexus, 0, getContext().getSystem().ignoreRef()));
                }
            }
        }
        return this;
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
