package org.scstj.engine.tmf;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.scstj.engine.latency.TaskManagementEvent;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.actors.Observed;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.engine.spi.TmfRequest.Response;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One task-management function invocation (SAM-5 7). Asks the LU actors involved to abort the
 * affected tasks, waits until each has answered (its tasks are quiesced), then delivers the
 * service response exactly once and stops. The QUERY functions ask the addressed LU actor, which
 * answers from its task set at once (SAM-5 7.8 to 7.10: FUNCTION SUCCEEDED when the task, a task
 * of the nexus, or a unit attention is there; FUNCTION COMPLETE when not).
 */
public final class TmfActor extends AbstractBehavior<TmfActor.Command> {

    /** The TMF actor's protocol: only the answers of the LU actors it asked. */
    public sealed interface Command {
    }

    private record WrappedAborted(LunActor.Aborted aborted) implements Command {
    }

    private record WrappedQueried(LunActor.Queried queried) implements Command {
    }

    /** The admin view asks what the function waits for; answered at once. */
    public record Describe(ActorRef<ActorSummary> replyTo) implements Command {
    }

    /**
     * @param request        the function
     * @param nexus          the requesting I_T nexus
     * @param lun            the addressed LU's actor, or null when the LUN is not mapped for this nexus
     * @param accessibleLuns the LU actors this nexus may access (target resets reach only these)
     * @param targetLuns     every LU actor of the target (I_T NEXUS RESET: this nexus's tasks wherever they are)
     * @param done           receives the service response
     */
    public static Behavior<Command> create(TmfRequest request, Nexus nexus, ActorRef<LunActor.Command> lun,
                                           List<ActorRef<LunActor.Command>> accessibleLuns,
                                           List<ActorRef<LunActor.Command>> targetLuns,
                                           Consumer<Response> done) {
        return Observed.actor("tmf",
                Behaviors.setup(ctx -> new TmfActor(ctx, request, nexus, lun, accessibleLuns, targetLuns, done).start()),
                Describe::new);
    }

    private final TmfRequest request;
    private final Nexus nexus;
    private final ActorRef<LunActor.Command> lun;
    private final List<ActorRef<LunActor.Command>> accessibleLuns;
    private final List<ActorRef<LunActor.Command>> targetLuns;
    private final Consumer<Response> done;
    private int awaiting;
    private int aborted;
    /** The JFR event of this function (docs/latency.md), begun at the request; null when not recorded. */
    private final TaskManagementEvent event;
    /** The LU actors asked (names), for {@link Describe}. */
    private List<String> asked = List.of();

    private TmfActor(ActorContext<Command> ctx, TmfRequest request, Nexus nexus, ActorRef<LunActor.Command> lun,
                     List<ActorRef<LunActor.Command>> accessibleLuns, List<ActorRef<LunActor.Command>> targetLuns,
                     Consumer<Response> done) {
        super(ctx);
        this.request = request;
        this.nexus = nexus;
        this.lun = lun;
        this.accessibleLuns = accessibleLuns;
        this.targetLuns = targetLuns;
        this.done = done;
        TaskManagementEvent e = new TaskManagementEvent();
        if (e.isEnabled()) {
            e.begin();
            this.event = e;
        } else {
            this.event = null;
        }
    }

    private Behavior<Command> start() {
        return switch (request.function()) {
            case ABORT_TASK -> onLun(LunActor.Scope.TASK);
            case ABORT_TASK_SET -> onLun(LunActor.Scope.NEXUS_TASKS);
            case CLEAR_TASK_SET -> onLun(LunActor.Scope.ALL_TASKS);
            case LOGICAL_UNIT_RESET -> onLun(LunActor.Scope.RESET);
            // RFC 7143 11.5.1: warm and cold reset cancel the tasks of the target's LUs; but LUN masking
            // denies this initiator the LUs it does not see, and a reset it asks for must not change
            // them (their tasks, their reservations, their unit attentions): only the LUs it sees.
            case TARGET_WARM_RESET, TARGET_COLD_RESET -> ask(accessibleLuns, LunActor.Scope.RESET);
            // SAM-5 7.6: only this nexus's own tasks, wherever a past inventory left them
            case I_T_NEXUS_RESET -> ask(targetLuns, LunActor.Scope.NEXUS_RESET);
            // RFC 7143 11.5.1: TASK REASSIGN needs ErrorRecoveryLevel 2.
            case TASK_REASSIGN -> answer(Response.TASK_REASSIGN_NOT_SUPPORTED);
            // No ACA support (NACA is refused at decode), so there is never an ACA to clear (SAM-5 7.4).
            case CLEAR_ACA -> answer(Response.FUNCTION_COMPLETE);
            case QUERY_TASK -> query(LunActor.QueryKind.TASK);
            case QUERY_TASK_SET -> query(LunActor.QueryKind.TASK_SET);
            case QUERY_ASYNCHRONOUS_EVENT -> query(LunActor.QueryKind.ASYNCHRONOUS_EVENT);
        };
    }

    private Behavior<Command> onLun(LunActor.Scope scope) {
        if (lun == null) {
            return answer(Response.LUN_DOES_NOT_EXIST);
        }
        return ask(List.of(lun), scope);
    }

    private Behavior<Command> query(LunActor.QueryKind kind) {
        if (lun == null) {
            return answer(Response.LUN_DOES_NOT_EXIST);
        }
        ActorRef<LunActor.Queried> adapter = getContext().messageAdapter(LunActor.Queried.class, WrappedQueried::new);
        lun.tell(new LunActor.Query(kind, nexus, request.referencedTag(), adapter));
        awaiting = 1;
        asked = List.of(lun.path().name());
        return this;
    }

    private Behavior<Command> ask(List<ActorRef<LunActor.Command>> luns, LunActor.Scope scope) {
        if (luns.isEmpty()) {
            return answer(Response.FUNCTION_COMPLETE);
        }
        ActorRef<LunActor.Aborted> adapter = getContext().messageAdapter(LunActor.Aborted.class, WrappedAborted::new);
        awaiting = luns.size();
        asked = luns.stream().map(l -> l.path().name()).toList();
        for (ActorRef<LunActor.Command> l : luns) {
            l.tell(new LunActor.Abort(scope, nexus, request.referencedTag(), adapter));
        }
        return this;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(WrappedAborted.class, this::onAborted)
                .onMessage(WrappedQueried.class, this::onQueried)
                .onMessage(Describe.class, this::onDescribe)
                .build();
    }

    private Behavior<Command> onAborted(WrappedAborted msg) {
        aborted += msg.aborted().tasksAborted();
        if (--awaiting > 0) {
            return this;
        }
        if (request.function() == TmfRequest.Function.ABORT_TASK && aborted == 0) {
            // RFC 7143 11.6.1: the transport turns this into Function Complete when RefCmdSN says
            // the task was already answered.
            return answer(Response.TASK_DOES_NOT_EXIST);
        }
        return answer(Response.FUNCTION_COMPLETE);
    }

    private Behavior<Command> onDescribe(Describe msg) {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("function", request.function().name());
        d.put("lun", request.lun());
        d.put("referenced-tag", request.referencedTag());
        d.put("initiator-port", nexus.initiatorPortName());
        d.put("asked", asked);
        d.put("awaiting-answers", awaiting);
        d.put("tasks-aborted-so-far", aborted);
        msg.replyTo().tell(new ActorSummary("waiting", d));
        return this;
    }

    private Behavior<Command> onQueried(WrappedQueried msg) {
        return answer(msg.queried().found() ? Response.FUNCTION_SUCCEEDED : Response.FUNCTION_COMPLETE);
    }

    private Behavior<Command> answer(Response response) {
        if (event != null && event.shouldCommit()) {
            event.end();
            event.function = request.function().name();
            event.initiator = nexus.initiatorPortName();
            event.target = nexus.targetName();
            event.lun = org.scstj.engine.spi.LunFormat.decode(request.lun());
            event.referencedTag = request.referencedTag();
            event.response = response.name();
            event.commit();
        }
        try {
            done.accept(response);
        } catch (RuntimeException e) {
            getContext().getLog().warn("TMF response callback failed", e);
        }
        return Behaviors.stopped();
    }
}
