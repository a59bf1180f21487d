package org.scstj.cluster.control;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * This node's knowledge of the cluster incarnation (docs/design/cluster.md 4.8): one random id per
 * life of the whole cluster, kept in the <em>non-durable</em> DData register
 * {@value #KEY_ID}. While any member stays up the value lives on (a restarted node reads it from the
 * others; gossip spreads it), and it is gone only when every member was stopped: a restart of the
 * whole cluster, which SPC-5 5.14.4 treats as a power loss of the logical unit. A recovering
 * {@link LuControl} compares it with the one its record was written in.
 *
 * <p>The value is created by one member only, the oldest Up storage member, and only when its
 * {@code ReadMajority} finds none: the oldest is a survivor whenever any member survived (a
 * restarted node joins younger), so a partial restart never makes a new one; one creator means no
 * two values to merge. Every other member reads until it finds it. Those who wait for it get it
 * with {@link Get}; {@link LuControlReplica} subscribes its LUs only once it is known, so no writer
 * recovers on behalf of a node that does not know it.
 */
public final class ClusterIncarnation extends AbstractBehavior<ClusterIncarnation.Command> {
    /** The register's key. */
    static final String KEY_ID = "cluster-incarnation";
    static final LWWRegisterKey<String> KEY = new LWWRegisterKey<>(KEY_ID);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(500);

    /** One value only is ever written per incarnation; a constant clock keeps any merge deterministic. */
    private static final LWWRegister.Clock<String> CLOCK = (current, value) -> 0L;

    public sealed interface Command {
    }

    /** Answered with the incarnation once this node knows it. */
    public record Get(ActorRef<String> replyTo) implements Command {
    }

    private record Read(Replicator.GetResponse<LWWRegister<String>> response) implements Command {
    }

    private record Created(Replicator.UpdateResponse<LWWRegister<String>> response) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** Makes this node's incarnation actor; it starts reading at once. */
    public static Behavior<Command> create() {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                DistributedData.<Command, LWWRegister<String>>withReplicatorMessageAdapter(replicator ->
                        new ClusterIncarnation(ctx, timers, replicator))));
    }

    private final TimerScheduler<Command> timers;
    private final ReplicatorMessageAdapter<Command, LWWRegister<String>> replicator;
    private final Cluster cluster;
    private final SelfUniqueAddress self;
    private final List<ActorRef<String>> waiting = new ArrayList<>();
    private String incarnation;

    private ClusterIncarnation(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                               ReplicatorMessageAdapter<Command, LWWRegister<String>> replicator) {
        super(ctx);
        this.timers = timers;
        this.replicator = replicator;
        this.cluster = Cluster.get(ctx.getSystem());
        this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        timers.startSingleTimer(Tick.INSTANCE, RETRY);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Get.class, this::onGet)
                .onMessage(Tick.class, this::onTick)
                .onMessage(Read.class, this::onRead)
                .onMessage(Created.class, this::onCreated)
                .build();
    }

    private Behavior<Command> onGet(Get msg) {
        if (incarnation != null) {
            msg.replyTo().tell(incarnation);
        } else {
            waiting.add(msg.replyTo());
        }
        return this;
    }

    private Behavior<Command> onTick(Tick msg) {
        if (cluster.selfMember().status() != MemberStatus.up()) {
            timers.startSingleTimer(Tick.INSTANCE, RETRY); // not a member that reads and writes yet
            return this;
        }
        replicator.askGet(replyTo -> new Replicator.Get<>(KEY, new Replicator.ReadMajority(READ_TIMEOUT), replyTo),
                Read::new);
        return this;
    }

    private Behavior<Command> onRead(Read msg) {
        if (msg.response() instanceof Replicator.GetSuccess<LWWRegister<String>> ok) {
            known(ok.get(KEY).getValue());
        } else if (msg.response() instanceof Replicator.NotFound<LWWRegister<String>> && oldestStorageMember()) {
            String created = UUID.randomUUID().toString();
            replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, created, CLOCK),
                    new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo, existing -> existing), Created::new);
        } else {
            timers.startSingleTimer(Tick.INSTANCE, RETRY);
        }
        return this;
    }

    private Behavior<Command> onCreated(Created msg) {
        // read back what a majority holds (the one written, or one that reached it meanwhile)
        timers.startSingleTimer(Tick.INSTANCE, msg.response() instanceof Replicator.UpdateSuccess ? Duration.ZERO : RETRY);
        return this;
    }

    private void known(String value) {
        if (incarnation == null) {
            incarnation = value;
            getContext().getLog().info("cluster incarnation {}", value);
            waiting.forEach(w -> w.tell(value));
            waiting.clear();
        }
    }

    /** True when this node is the oldest Up member with the storage role (the one that creates the value). */
    private boolean oldestStorageMember() {
        Member oldest = null;
        for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.hasRole(LuControl.STORAGE_ROLE)
                    && (oldest == null || m.isOlderThan(oldest))) {
                oldest = m;
            }
        }
        return oldest != null && oldest.uniqueAddress().equals(cluster.selfMember().uniqueAddress());
    }
}
