package org.scstj.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The self-fence (one per node). Every {@link #PING_INTERVAL} it pings the guards of the other
 * configured voting nodes (found through the receptionist under {@link #KEY}); a guard answers a
 * ping only while its own node is Up and sees the pinger as an Up member. When the answers to one
 * round come from enough nodes that they and this node are a majority of the configured voters,
 * the {@link Lease} is renewed to that round's send time plus the lease length. Every
 * {@link #CHECK_INTERVAL} the lease is checked: when it expires the node is fenced ({@link
 * FenceActions#fence}, the portals close), when it is renewed again the node is unfenced.
 *
 * <p>Guards still unlisted by the receptionist count as not answering (conservative). Rounds older
 * than the lease are forgotten: their answers could not extend it.
 */
public final class ClusterGuard extends AbstractBehavior<ClusterGuard.Command> {
    /** Every guard registers under this key. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "scstj-cluster-guard");
    static final Duration PING_INTERVAL = Duration.ofMillis(250);
    static final Duration CHECK_INTERVAL = Duration.ofMillis(100);

    public sealed interface Command {
    }

    /** A round of pings from another node's guard. */
    public record Ping(long seq, ActorRef<Command> replyTo) implements Command, CborSerializable {
    }

    /** The answer to round {@code seq}, from node {@code node}. */
    public record Pong(long seq, String node) implements Command, CborSerializable {
    }

    private enum Tick implements Command { INSTANCE }

    private enum Check implements Command { INSTANCE }

    private record Listed(Receptionist.Listing listing) implements Command {
    }

    /** What the node does on a change of its lease: both called from the guard's thread, must not block. */
    public interface FenceActions {
        void fence();

        void unfence();
    }

    /** What the guard needs to know of the cluster to answer a ping. */
    public interface Membership {
        /** This node is Up (not joining, leaving, down). */
        boolean selfUp();

        /** This node sees the node of {@code pinger} as an Up member. */
        boolean isUpMember(ActorRef<?> pinger);
    }

    private record Round(long sentNanos, Set<String> answered) {
    }

    private final ActorContext<Command> context;
    private final ClusterSpec spec;
    private final Set<String> voters = new HashSet<>();
    private final Lease lease;
    private final LongSupplier nanoClock;
    private final long leaseNanos;
    private final Membership membership;
    private final FenceActions actions;
    private final Map<Long, Round> rounds = new LinkedHashMap<>();
    private final GuardState state;
    private Set<ActorRef<Command>> peers = Set.of();
    private long seq;
    private boolean fenced = true; // nothing is open before the first lease

    /**
     * @param lease     the lease this guard renews (read by the transports through {@link org.scstj.engine.spi.NodeFence})
     * @param state     what the admin view reads: fenced or not, how many times
     * @param nanoClock the monotonic clock (System::nanoTime)
     */
    public static Behavior<Command> create(ClusterSpec spec, Lease lease, GuardState state, LongSupplier nanoClock,
                                           Membership membership, FenceActions actions) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ClusterGuard(ctx, timers, spec, lease, state, nanoClock, membership, actions)));
    }

    private ClusterGuard(ActorContext<Command> context, TimerScheduler<Command> timers, ClusterSpec spec, Lease lease,
                         GuardState state, LongSupplier nanoClock, Membership membership, FenceActions actions) {
        super(context);
        this.context = context;
        this.spec = spec;
        spec.nodes().forEach(n -> voters.add(n.name()));
        this.lease = lease;
        this.state = state;
        this.nanoClock = nanoClock;
        this.leaseNanos = spec.lease().toNanos();
        this.membership = membership;
        this.actions = actions;
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, Listed::new);
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, PING_INTERVAL);
        timers.startTimerWithFixedDelay(Check.INSTANCE, CHECK_INTERVAL);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Ping.class, this::onPing)
                .onMessage(Pong.class, this::onPong)
                .onMessage(Listed.class, this::onListed)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Check.INSTANCE, this::onCheck)
                .build();
    }

    private Behavior<Command> onListed(Listed l) {
        Set<ActorRef<Command>> others = new HashSet<>(l.listing().getServiceInstances(KEY));
        others.remove(context.getSelf());
        peers = Set.copyOf(others);
        return this;
    }

    private Behavior<Command> onPing(Ping p) {
        if (membership.selfUp() && membership.isUpMember(p.replyTo())) {
            p.replyTo().tell(new Pong(p.seq(), spec.self()));
        }
        return this;
    }

    private Behavior<Command> onTick() {
        long now = nanoClock.getAsLong();
        for (Iterator<Round> it = rounds.values().iterator(); it.hasNext(); ) {
            if (now - it.next().sentNanos() >= leaseNanos) {
                it.remove(); // its answers could no longer extend the lease
            }
        }
        long round = ++seq;
        if (spec.majority() <= 1) {
            if (membership.selfUp()) {
                lease.renew(now + leaseNanos);
            }
        } else {
            rounds.put(round, new Round(now, new HashSet<>()));
            Ping ping = new Ping(round, context.getSelf());
            for (ActorRef<Command> peer : peers) {
                peer.tell(ping);
            }
        }
        return onCheck();
    }

    private Behavior<Command> onPong(Pong p) {
        Round r = rounds.get(p.seq());
        if (r == null || !voters.contains(p.node()) || p.node().equals(spec.self())) {
            return this;
        }
        r.answered().add(p.node());
        if (r.answered().size() + 1 >= spec.majority()) {
            lease.renew(r.sentNanos() + leaseNanos);
            rounds.keySet().removeIf(s -> s <= p.seq()); // an older round can only give an earlier deadline
            return onCheck();
        }
        return this;
    }

    private Behavior<Command> onCheck() {
        boolean serving = lease.serving();
        if (serving && fenced) {
            fenced = false;
            state.unfenced();
            context.getLog().info("cluster lease held: serving");
            actions.unfence();
        } else if (!serving && !fenced) {
            fenced = true;
            state.fenced();
            context.getLog().warn("cluster lease expired (no answer from a majority of {} voting nodes within {}): fenced",
                    spec.nodes().size(), spec.lease());
            actions.fence();
        }
        return this;
    }
}
