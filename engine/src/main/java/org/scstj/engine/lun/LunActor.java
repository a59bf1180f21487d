package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.sam.CommandSet;
import org.scstj.engine.sam.MediumState;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.RequestSense;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.ua.UnitAttentions;

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
 * unit attention, then reservation (with the reservation model), then write protection; then the
 * exec stage through the {@link CommandSet}; then the xmit stage when the exec stage completes.
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
        /** LOGICAL UNIT RESET and target resets: every task; 29/03 to every other nexus (SAM-5 7.7). */
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

    private record FlushDone(ActorRef<ShutdownDone> replyTo, Throwable failure) implements Command {
    }

    /** Creates the actor for one device. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth) {
        return create(device, commands, nexusQueueDepth, new MediumState(device.capabilities().removable()));
    }

    /** Creates the actor for one device whose LU's medium state every nexus's context shares. */
    public static Behavior<Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                           MediumState medium) {
        return Behaviors.setup(ctx -> new LunActor(ctx, device, commands, nexusQueueDepth, medium));
    }

    private final BlockDevice device;
    private final CommandSet commands;
    private final int nexusQueueDepth;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    /** SBC-4 5.13: resets and nexus loss end medium removal prevention. */
    private final MediumState medium;
    /** Tasks between checks and xmit, in arrival order per nexus. */
    private final Set<Task> active = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
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
                     MediumState medium) {
        super(ctx);
        this.device = device;
        this.commands = commands;
        this.nexusQueueDepth = nexusQueueDepth;
        this.medium = medium;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Execute.class, this::onExecute)
                .onMessage(ExecDone.class, this::onExecDone)
                .onMessage(Abort.class, this::onAbort)
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(FlushDone.class, this::onFlushDone)
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
            early = checkWriteProtect(task, parsed);
        }
        if (early != null) {
            task.task().complete(early);
            return Behaviors.same();
        }

        // Exec stage.
        task.attach(getContext().getSelf());
        active.add(task);
        if (load == null) {
            load = new NexusLoad();
            outstandingPerNexus.put(nexus, load);
        }
        load.lost = false; // a nexus that returned (same initiator port) is live again
        load.outstanding++;
        try {
            commands.execute(parsed, task);
        } catch (RuntimeException e) {
            getContext().getLog().error("command execution failed on {}", device.name(), e);
            task.complete(Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(task.lu().descriptorSense()));
        }
        return Behaviors.same();
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
                unitAttentions.establishForAllBut(msg.nexus(), SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
                medium.reset();
            }
            case NEXUS_RESET -> {
                unitAttentions.establish(msg.nexus(), SenseReason.I_T_NEXUS_LOSS_OCCURRED);
                medium.nexusLost(msg.nexus());
            }
            case NEXUS_LOSS -> {
                unitAttentions.nexusLost(msg.nexus());
                medium.nexusLost(msg.nexus());
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
        PendingAbort pending = new PendingAbort(waiting, waiting.size(), msg.replyTo());
        if (waiting.isEmpty()) {
            pending.replyTo.tell(new Aborted(0));
        } else {
            pendingAborts.add(pending);
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
