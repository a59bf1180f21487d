package org.scstj.engine.session;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.actors.Observed;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.lun.Task;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.engine.spi.TransportTask;
import org.scstj.engine.tmf.TmfActor;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One I_T nexus (SAM-5 4.6.2). Runs the parse stage, with the command set of the LU the command
 * addresses (SPC-5's common commands for a LUN this nexus cannot address), and the first check: is
 * the LUN mapped for this nexus? It answers what the command's row gives to the session (REPORT
 * LUNS, SPC-5 6.33, for whatever LUN) or to an unmapped LUN (INQUIRY and REQUEST SENSE, SPC-5 6.7.2,
 * 6.39; LOGICAL UNIT NOT SUPPORTED for every other command, SAM-5 5.9.6), and hands everything else
 * to the LUN's actor in the order the transport delivered it. Spawns one {@link TmfActor} per
 * task-management request.
 */
public final class SessionActor extends AbstractBehavior<SessionActor.Command> {

    /** The session actor's protocol. */
    public sealed interface Command {
    }

    /**
     * A command from the transport; {@code received} is when the transport handed it over
     * ({@link System#nanoTime}), or 0 when no LU measures latency (docs/latency.md).
     */
    public record Submit(TransportTask task, long received) implements Command {
        public Submit(TransportTask task) {
            this(task, 0);
        }
    }

    /** A task-management request from the transport. */
    public record Manage(TmfRequest request, Consumer<TmfRequest.Response> done) implements Command {
    }

    /**
     * The target's LUN mapping changed and this nexus's inventory with it (a configuration reload):
     * from now on commands go to {@code luns}; every LU in it gets REPORTED LUNS DATA HAS CHANGED
     * (SPC-5 6.33) for this nexus, sent from here so it reaches each LU before this session's next
     * command to it.
     */
    public record UpdateLuns(Map<Integer, LunBinding> luns, List<ActorRef<LunActor.Command>> targetLuns, long id,
                             ActorRef<LunsUpdated> replyTo) implements Command {
    }

    /** The answer to {@link UpdateLuns}: from now on this session's commands follow the new inventory. */
    public record LunsUpdated(long id, Nexus nexus) {
    }

    /** The nexus is gone: abort its tasks everywhere, run {@code done} when all are quiesced, stop. */
    public record Close(Runnable done) implements Command {
    }

    /**
     * The target was removed (a management change): abort this nexus's tasks everywhere as
     * {@link Close} does and run {@code done} once all are quiesced, but stay, answering the
     * transport as a closing nexus does (every command aborted, task management rejected), until
     * the transport's own {@link Close}: the SPI has no way to tell the transport that the core
     * ended the nexus, and a stopped actor would leave its later commands unanswered.
     */
    public record End(Runnable done) implements Command {
    }

    private record WrappedAborted(LunActor.Aborted aborted) implements Command {
    }

    /** The admin view asks what the session is doing; answered at once. */
    public record Describe(ActorRef<ActorSummary> replyTo) implements Command {
    }

    /** The transport reports this nexus's asynchronous events (SessionHandle.asyncEvents). */
    public record ReportEvents(SessionHandle.AsyncEventListener listener) implements Command {
    }

    /**
     * @param nexus       this nexus
     * @param luns        the LUNs this initiator sees, by LUN number
     * @param targetLuns  every LU actor of the target (nexus loss and I_T NEXUS RESET reach them all; target
     *                    resets only the LUs in {@code luns})
     */
    public static Behavior<Command> create(Nexus nexus, Map<Integer, LunBinding> luns,
                                           List<ActorRef<LunActor.Command>> targetLuns, Props tmfProps) {
        return Observed.actor("session",
                Behaviors.setup(ctx -> new SessionActor(ctx, nexus, luns, targetLuns, tmfProps)), Describe::new);
    }

    private final Nexus nexus;
    private Map<Integer, LunBinding> luns;
    private int[] sortedLuns;
    /** The LU actors of {@link #luns}, each once: what a target reset from this nexus may reach. */
    private List<ActorRef<LunActor.Command>> accessibleLuns;
    private List<ActorRef<LunActor.Command>> targetLuns;
    private final Props tmfProps;
    private final ActorRef<LunActor.Aborted> abortedAdapter;
    private long tmfCounter;
    private Runnable closeDone;
    private int closeAwaiting;
    /** The close under way is an {@link End}: the actor stays once the aborts are quiesced. */
    private boolean endOnly;
    /** An {@link End} finished: only the transport's {@link Close} is awaited. */
    private boolean ended;
    private SessionHandle.AsyncEventListener events; // null: the transport reports none

    private SessionActor(ActorContext<Command> ctx, Nexus nexus, Map<Integer, LunBinding> luns,
                         List<ActorRef<LunActor.Command>> targetLuns, Props tmfProps) {
        super(ctx);
        this.nexus = nexus;
        this.luns = Map.copyOf(luns);
        this.sortedLuns = luns.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.accessibleLuns = accessible(luns);
        this.targetLuns = List.copyOf(targetLuns);
        this.tmfProps = tmfProps;
        this.abortedAdapter = ctx.messageAdapter(LunActor.Aborted.class, WrappedAborted::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Manage.class, this::onManage)
                .onMessage(UpdateLuns.class, this::onUpdateLuns)
                .onMessage(Close.class, this::onClose)
                .onMessage(End.class, this::onEnd)
                .onMessage(ReportEvents.class, m -> {
                    events = m.listener();
                    return this;
                })
                .onMessage(WrappedAborted.class, this::onAborted)
                .onMessage(Describe.class, this::onDescribe)
                .build();
    }

    // --- parse stage and the first check ----------------------------------------------------

    // Hot handlers return Behaviors.same(), not this: an intercepted behavior that returns a
    // behavior object is re-wrapped in a new interceptor per message (measured: 12% of allocation).
    private Behavior<Command> onSubmit(Submit msg) {
        TransportTask task = msg.task();
        if (closeDone != null) {
            task.aborted();
            return Behaviors.same();
        }
        LunBinding binding = luns.get(LunFormat.decode(task.lun()));
        long parse = binding != null && binding.context().unit().latency().measures() ? System.nanoTime() : 0;
        CommandSet.Parsed parsed = (binding != null ? binding.context().commands() : CommandSets.COMMON)
                .parse(task.cdb());
        CommandRow row = parsed.decoded() ? parsed.row() : null;
        if (row != null && row.bySession()) {
            // SPC-5 6.33 REPORT LUNS: the inventory of this nexus, whatever LUN the command addressed
            task.complete(row.unmapped().answer(parsed.cdb(), sortedLuns, task.expectedDataTransferLength()));
        } else if (binding != null) {
            Task t = new Task(task, parsed, binding.context());
            if (parse != 0) {
                t.measure(msg.received(), parse, System.nanoTime());
            }
            binding.actor().tell(new LunActor.Execute(t));
        } else if (row != null && row.unmapped() != null) {
            task.complete(row.unmapped().answer(parsed.cdb(), sortedLuns, task.expectedDataTransferLength()));
        } else {
            // SAM-5 5.9.6: a LUN this nexus cannot address (an undecodable command included)
            task.complete(Failure.of(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED).toResponse(false));
        }
        return Behaviors.same();
    }

    // --- task management ------------------------------------------------------------------------

    private Behavior<Command> onManage(Manage msg) {
        if (closeDone != null) {
            msg.done().accept(TmfRequest.Response.FUNCTION_REJECTED);
            return this;
        }
        LunBinding binding = luns.get(LunFormat.decode(msg.request().lun()));
        getContext().spawn(TmfActor.create(msg.request(), nexus,
                        binding == null ? null : binding.actor(), accessibleLuns, targetLuns, msg.done()),
                "tmf-" + (++tmfCounter), tmfProps);
        return this;
    }

    /** The distinct LU actors of an inventory (two LUNs may map one device). */
    private static List<ActorRef<LunActor.Command>> accessible(Map<Integer, LunBinding> luns) {
        return luns.values().stream().map(LunBinding::actor).distinct().toList();
    }

    // --- run-time mapping changes -------------------------------------------------------------

    private Behavior<Command> onUpdateLuns(UpdateLuns msg) {
        this.luns = Map.copyOf(msg.luns());
        this.sortedLuns = msg.luns().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.accessibleLuns = accessible(msg.luns());
        this.targetLuns = List.copyOf(msg.targetLuns());
        for (LunBinding b : luns.values()) {
            b.actor().tell(new LunActor.EstablishUnitAttention(nexus, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED));
        }
        if (events != null) {
            // SAM-5 asynchronous event reporting (iSCSI: Async Message AsyncEvent 0), LUN 0: the target's inventory
            events.event(0, SenseData.build(SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED, false));
        }
        msg.replyTo().tell(new LunsUpdated(msg.id(), nexus));
        return this;
    }

    private Behavior<Command> onDescribe(Describe msg) {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("initiator", nexus.initiatorName());
        d.put("initiator-port", nexus.initiatorPortName());
        d.put("target", nexus.targetName());
        d.put("target-port", nexus.targetPortName());
        Map<Integer, Object> lunActors = new java.util.TreeMap<>();
        luns.forEach((lun, b) -> lunActors.put(lun, b.actor().path().name()));
        d.put("luns", lunActors);
        d.put("task-management-started", tmfCounter);
        d.put("async-events", events != null);
        if (closeDone != null && !ended) {
            d.put("awaiting-lun-aborts", closeAwaiting);
        }
        msg.replyTo().tell(new ActorSummary(ended ? "ended" : closeDone != null ? "closing" : "open", d));
        return Behaviors.same();
    }

    // --- nexus loss -----------------------------------------------------------------------------

    private Behavior<Command> onClose(Close msg) {
        if (ended) {
            msg.done().run(); // the tasks were aborted when the target was removed
            return Behaviors.stopped();
        }
        endOnly = false; // closing while an End drains: stop once it is done
        return close(msg.done());
    }

    private Behavior<Command> onEnd(End msg) {
        if (ended) {
            msg.done().run();
            return this;
        }
        if (closeDone == null) {
            endOnly = true;
        }
        return close(msg.done());
    }

    private Behavior<Command> close(Runnable done) {
        if (closeDone != null) {
            Runnable first = closeDone;
            closeDone = () -> { first.run(); done.run(); };
            return this;
        }
        closeDone = done;
        closeAwaiting = targetLuns.size();
        for (ActorRef<LunActor.Command> lun : targetLuns) {
            lun.tell(new LunActor.Abort(LunActor.Scope.NEXUS_LOSS, nexus, 0, abortedAdapter));
        }
        return closeAwaiting == 0 ? finishClose() : this;
    }

    private Behavior<Command> onAborted(WrappedAborted msg) {
        return --closeAwaiting == 0 ? finishClose() : this;
    }

    private Behavior<Command> finishClose() {
        try {
            closeDone.run();
        } catch (RuntimeException e) {
            getContext().getLog().warn("session close callback failed for {}", nexus.initiatorPortName(), e);
        }
        if (endOnly) {
            ended = true;
            closeDone = () -> { }; // non-null: commands are aborted, task management rejected
            return this;
        }
        return Behaviors.stopped();
    }
}
