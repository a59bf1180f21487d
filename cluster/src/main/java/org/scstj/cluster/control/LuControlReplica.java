package org.scstj.cluster.control;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.scstj.cluster.CborSerializable;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's side of every LU's control state (docs/design/cluster.md 4.4): it knows the local
 * LUN actors' {@link ControlReplica}s, subscribes each to its LU's {@link LuControl} entity, and
 * passes the entity's two phases on to them. Messages of an epoch lower than the highest seen for
 * the LU come from a superseded incarnation of the writer and are dropped (4.3).
 *
 * <p>An LU holds its commands from registration until its first commit: it is not served before
 * it knows its state. A subscription is sent again every second until a commit answers it, and
 * again when the entity it came from stops (its node left; sharding starts it elsewhere).
 */
public final class LuControlReplica extends AbstractBehavior<LuControlReplica.Command> {
    private static final Duration RESUBSCRIBE = Duration.ofSeconds(1);

    public sealed interface Command {
    }

    /** A local LUN actor's copy of LU {@code device} (this node only). */
    public record Register(String device, ControlReplica lun) implements Command {
    }

    /**
     * Phase 1 of {@code record}, the next version of {@code device}: hold, abort, acknowledge to
     * {@code entity}; the record is kept to be reported to a later incarnation (design 4.3).
     * Node {@code exceptNode} (null: none) aborted the tasks itself and only holds. {@code cleared}
     * (null: none) is the unit attention for each other nexus whose tasks the abort hit.
     */
    public record Prepare(String device, ControlRecord record, List<Wire.Selector> abort, Nexus exceptNexus,
                          long exceptTag, SenseReason cleared, String exceptNode, ActorRef<LuControl.Command> entity)
            implements Command, CborSerializable {
    }

    /**
     * Phase 2: {@code record} is in effect; {@code mode} the mode parameters to install (null: the
     * LU's stay as they are); {@code notices}' unit attentions for this node's nexuses, but on node
     * {@code exceptNode} (null: none), whose LUN actor established them itself.
     */
    public record Commit(String device, ControlRecord record, ModeParameters.Data mode, List<Wire.Notice> notices,
                         String exceptNode, ActorRef<LuControl.Command> entity) implements Command, CborSerializable {
    }

    private record EntityGone(String device, ActorRef<LuControl.Command> entity) implements Command {
    }

    private enum Resubscribe implements Command { INSTANCE }

    /** This node knows the cluster incarnation: subscriptions may go out. */
    private record IncarnationKnown(String incarnation) implements Command {
    }

    /**
     * Makes the node's replica; LUs register with it as their LUN actors start. It subscribes none
     * before {@code incarnation} (this node's {@link ClusterIncarnation}) knows the cluster's
     * incarnation (design 4.8).
     */
    public static Behavior<Command> create(ActorRef<ClusterIncarnation.Command> incarnation) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new LuControlReplica(ctx, timers, incarnation)));
    }

    private static final class Lu {
        final ControlReplica lun;
        long epoch = -1;
        boolean committed;
        ActorRef<LuControl.Command> entity;
        /** The highest version this node was told, prepared or committed (null: none yet). */
        ControlRecord reported;

        Lu(ControlReplica lun) {
            this.lun = lun;
        }

        void report(ControlRecord r) {
            if (reported == null || r.version() > reported.version()) {
                reported = r;
            }
        }
    }

    private final ClusterSharding sharding;
    /** This node's address, as {@link Wire.ResetOp} names the asking node. */
    private final String node;
    private final Map<String, Lu> lus = new HashMap<>();
    private boolean incarnationKnown;

    private LuControlReplica(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                             ActorRef<ClusterIncarnation.Command> incarnation) {
        super(ctx);
        this.sharding = ClusterSharding.get(ctx.getSystem());
        this.node = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()).selfMember().address().toString();
        timers.startTimerWithFixedDelay(Resubscribe.INSTANCE, RESUBSCRIBE);
        incarnation.tell(new ClusterIncarnation.Get(ctx.messageAdapter(String.class, IncarnationKnown::new)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Register.class, this::onRegister)
                .onMessage(Prepare.class, this::onPrepare)
                .onMessage(Commit.class, this::onCommit)
                .onMessage(EntityGone.class, this::onEntityGone)
                .onMessage(Resubscribe.class, this::onResubscribe)
                .onMessage(IncarnationKnown.class, this::onIncarnationKnown)
                .build();
    }

    private Behavior<Command> onRegister(Register msg) {
        Lu lu = new Lu(msg.lun());
        lus.put(msg.device(), lu);
        lu.lun.prepare(List.of(), null, 0, null, () -> { }); // held until the first commit
        subscribe(msg.device());
        return this;
    }

    private Behavior<Command> onIncarnationKnown(IncarnationKnown msg) {
        incarnationKnown = true;
        return onResubscribe(Resubscribe.INSTANCE);
    }

    private void subscribe(String device) {
        if (!incarnationKnown) {
            return; // the resubscription timer or the incarnation's arrival sends it
        }
        if (leaving()) {
            // Its entities handed off as this node leaves: a subscription now would wait in the
            // region's buffer for a home no coordinator gives a leaving region, holding the
            // region's graceful stop (and the node's leave) until the shutdown phase times out
            return;
        }
        sharding.entityRefFor(LuControl.KEY, device)
                .tell(new LuControl.Subscribe(getContext().getSelf(), lus.get(device).reported));
    }

    private Behavior<Command> onPrepare(Prepare msg) {
        Lu lu = current(msg.device(), msg.record().epoch(), msg.entity());
        if (lu == null) {
            return this;
        }
        List<NexusSelector> abort = new ArrayList<>(msg.abort().size());
        if (!node.equals(msg.exceptNode())) {
            msg.abort().forEach(s -> abort.add(s.toSelector()));
        }
        ActorRef<LuControl.Command> entity = msg.entity();
        ActorRef<Command> self = getContext().getSelf();
        lu.lun.prepare(abort, msg.exceptNexus(), msg.exceptTag(), msg.cleared(),
                () -> entity.tell(new LuControl.Prepared(msg.record().epoch(), msg.record().seq(), self)));
        lu.report(msg.record());
        return this;
    }

    private Behavior<Command> onCommit(Commit msg) {
        Lu lu = current(msg.device(), msg.record().epoch(), msg.entity());
        if (lu == null) {
            return this;
        }
        List<Reservations.Notice> notices = new ArrayList<>(msg.notices().size());
        if (!node.equals(msg.exceptNode())) {
            msg.notices().forEach(n -> notices.add(n.toNotice()));
        }
        lu.lun.commit(msg.record().pr(), msg.mode(), notices);
        lu.committed = true;
        lu.report(msg.record());
        return this;
    }

    /** The LU's entry when {@code epoch} is not older than any seen for it (null: drop the message). */
    private Lu current(String device, long epoch, ActorRef<LuControl.Command> entity) {
        Lu lu = lus.get(device);
        if (lu == null || epoch < lu.epoch) {
            return null;
        }
        lu.epoch = epoch;
        if (!entity.equals(lu.entity)) {
            if (lu.entity != null) {
                getContext().unwatch(lu.entity);
            }
            lu.entity = entity;
            getContext().watchWith(entity, new EntityGone(device, entity));
        }
        return lu;
    }

    /**
     * This node leaves or is down, or its actor system is shutting down (its entities are handed
     * off, never to be subscribed again). Not "removed": that is also a node's status before it joins.
     */
    private boolean leaving() {
        MemberStatus status = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem()).selfMember().status();
        return status == MemberStatus.leaving() || status == MemberStatus.exiting() || status == MemberStatus.down()
                || org.apache.pekko.actor.CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent();
    }

    private Behavior<Command> onEntityGone(EntityGone msg) {
        Lu lu = lus.get(msg.device());
        if (lu != null && msg.entity().equals(lu.entity)) {
            lu.entity = null;
            lu.committed = false;
            subscribe(msg.device());
        }
        return this;
    }

    private Behavior<Command> onResubscribe(Resubscribe msg) {
        lus.forEach((device, lu) -> {
            if (!lu.committed) {
                subscribe(device);
            }
        });
        return this;
    }
}
