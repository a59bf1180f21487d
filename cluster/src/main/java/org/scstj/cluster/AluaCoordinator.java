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
import org.apache.pekko.Done;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * One per node: brings this node's ALUA states to what the membership gives (docs/design/cluster.md
 * 5.4, 5.5). Every node derives the owner of each device group with {@link AluaOwnership} from its
 * own view of the membership; a node never installs its own target port groups as active/optimized
 * on that alone. It first <em>claims</em> the group and asks every other member that is not down
 * (Up, Leaving, Exiting) whether it holds or claims it ({@link Query}); only when one full round
 * answered after the claim began says no does it install itself as owner. A node answers
 * "holding" while it derives itself as owner or while its installed (or installing) states make
 * it the owner, so of two claimants each sees the other's claim and neither promotes until their
 * views agree; the old owner answers "not holding" only once its demotion is installed. A member
 * that cannot answer (unreachable, not yet listed) blocks the promotion until the cluster downs it,
 * which happens only after its lease ran out and its portals closed (cluster.md 3.3).
 *
 * <p>Planned leave ({@link HandOver}): the node tells the others ({@link HandingOver}), which leave
 * it out of the owner choice at once; it stops deriving itself as owner, installs the demotion, and
 * answers once it is in force. The next owner's round finds it not holding only then, so the
 * promotion follows the demotion without waiting for the Leaving status to spread.
 */
public final class AluaCoordinator extends AbstractBehavior<AluaCoordinator.Command> {
    /** Every node's coordinator registers under this key. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "scstj-alua-coordinator");
    static final Duration TICK = Duration.ofMillis(100);
    /** A round not answered in full is asked again after this long. */
    static final Duration REQUERY = Duration.ofMillis(200);
    /** How long a fresh claim holds back other changes of this node's states. */
    static final Duration CLAIM_GRACE = Duration.ofMillis(500);

    public sealed interface Command {
    }

    /** Does {@code node}'s coordinator hold or claim any of these groups? Round {@code seq}. */
    public record Query(long seq, String node, ActorRef<Command> replyTo) implements Command, CborSerializable {
    }

    /** The answer to round {@code seq}: the groups {@code node} holds or claims. */
    public record Answer(long seq, String node, Set<String> holding) implements Command, CborSerializable {
        public Answer {
            holding = Set.copyOf(holding);
        }
    }

    /**
     * {@code node} is handing its groups over (planned leave): the others leave it out of the
     * owner choice from now on, while it is still a member (forgotten once it is no longer one).
     */
    public record HandingOver(String node) implements Command, CborSerializable {
    }

    /** Give every group away (planned leave): answered once the demotion is installed. */
    public record HandOver(ActorRef<Done> replyTo) implements Command {
    }

    /**
     * The device groups changed (a configuration reload): derive from these from now on. Nodes
     * whose files differ for a while derive different owners; the claim round keeps them from both
     * promoting until they agree.
     */
    public record SetGroups(List<AluaOwnership.OwnedGroup> groups) implements Command {
        public SetGroups {
            groups = List.copyOf(groups);
        }
    }

    /** What this node derives and has installed, for the admin view. */
    public record GetView(ActorRef<View> replyTo) implements Command {
    }

    /**
     * @param owners    the owner installed for each owned device group (absent: none)
     * @param up        the Up nodes the installed states were derived from
     * @param claiming  the groups this node derives itself owner of but has not installed yet
     */
    public record View(Map<String, String> owners, Set<String> up, Set<String> claiming) {
    }

    private enum Tick implements Command { INSTANCE }

    private record Listed(Receptionist.Listing listing) implements Command {
    }

    private record Installed(Map<String, String> owners, Set<String> up, Set<String> waiting, Throwable failure)
            implements Command {
    }

    /** The membership as this node sees it. */
    public interface Members {
        /** The configured names of the Up members, oldest first. */
        List<String> upOldestFirst();

        /** The configured names of the other members that are neither joining, down nor removed. */
        Set<String> others();

        /**
         * The configured names of the members this node's failure detector marks unreachable
         * now (they may still be Up: the cluster has not downed them yet).
         */
        default Set<String> unreachable() {
            return Set.of();
        }
    }

    /** Installs states on this node's LUs; completes once they are in force (TRANSITIONING over). */
    public interface Installer {
        /**
         * @param owners  the owner of each owned device group (absent: none)
         * @param up      the Up nodes
         * @param waiting the owners this node sees unreachable but the cluster has not removed
         *                (docs/design/cluster.md 5.4 step 1): their groups' standby ports report
         *                TRANSITIONING here until the owner is reachable again or removed
         */
        CompletionStage<Void> install(Map<String, String> owners, Set<String> up, Set<String> waiting);
    }

    private final ActorContext<Command> context;
    private final String self;
    private List<AluaOwnership.OwnedGroup> groups;
    private final Members members;
    private final Installer installer;
    private Set<ActorRef<Command>> peers = Set.of();
    /** Installed (last completed) and installing owners; null: nothing installed yet. */
    private Map<String, String> installed;
    private Set<String> installedUp;
    private Set<String> installedWaiting = Set.of();
    private Map<String, String> installing;
    private Set<String> installingUp;
    /** Per claimed group: the first round that counts for it. */
    private final Map<String, Long> claimedFrom = new HashMap<>();
    /** Per claimed group: when the claim began (nanoTime). */
    private final Map<String, Long> claimedAt = new HashMap<>();
    /** Round seq -> node -> groups it holds. */
    private final TreeMap<Long, Map<String, Set<String>>> answers = new TreeMap<>();
    private long seq;
    private long lastQueryNanos;
    private boolean leaving;
    /** Other members that announced a planned leave. */
    private final Set<String> handingOver = new HashSet<>();
    private final List<ActorRef<Done>> handOvers = new ArrayList<>();

    public static Behavior<Command> create(String self, List<AluaOwnership.OwnedGroup> groups, Members members,
                                           Installer installer) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new AluaCoordinator(ctx, timers, self, groups, members, installer)));
    }

    private AluaCoordinator(ActorContext<Command> context, TimerScheduler<Command> timers, String self,
                            List<AluaOwnership.OwnedGroup> groups, Members members, Installer installer) {
        super(context);
        this.context = context;
        this.self = self;
        this.groups = List.copyOf(groups);
        this.members = members;
        this.installer = installer;
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, Listed::new);
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, t -> step())
                .onMessage(Listed.class, this::onListed)
                .onMessage(Query.class, this::onQuery)
                .onMessage(Answer.class, this::onAnswer)
                .onMessage(Installed.class, this::onInstalled)
                .onMessage(HandOver.class, this::onHandOver)
                .onMessage(HandingOver.class, this::onHandingOver)
                .onMessage(GetView.class, this::onGetView)
                .onMessage(SetGroups.class, g -> {
                    groups = g.groups();
                    return step();
                })
                .build();
    }

    private Behavior<Command> onListed(Listed l) {
        peers = l.listing().getServiceInstances(KEY);
        return this;
    }

    private Behavior<Command> onQuery(Query q) {
        q.replyTo().tell(new Answer(q.seq(), self, holding()));
        return this;
    }

    private Behavior<Command> onAnswer(Answer a) {
        Map<String, Set<String>> round = answers.get(a.seq());
        if (round != null) {
            round.put(a.node(), a.holding());
            return step();
        }
        return this;
    }

    private Behavior<Command> onInstalled(Installed i) {
        if (i.failure() == null) {
            installed = i.owners();
            installedUp = i.up();
            installedWaiting = i.waiting();
        } else if (leaving) { // the engine may be stopping under a node that handed over
            context.getLog().info("ALUA: installing owners {} while leaving: {}", i.owners(), i.failure().toString());
        } else {
            context.getLog().error("ALUA: installing owners {} failed: {}", i.owners(), i.failure().toString());
        }
        installing = null;
        installingUp = null;
        return step();
    }

    private Behavior<Command> onHandOver(HandOver h) {
        leaving = true;
        handOvers.add(h.replyTo());
        for (ActorRef<Command> p : peers) {
            if (!p.equals(context.getSelf())) {
                p.tell(new HandingOver(self));
            }
        }
        return step();
    }

    private Behavior<Command> onHandingOver(HandingOver h) {
        handingOver.add(h.node());
        return step();
    }

    private Behavior<Command> onGetView(GetView g) {
        Set<String> claiming = new TreeSet<>(claimedFrom.keySet());
        g.replyTo().tell(new View(installed == null ? Map.of() : installed,
                installedUp == null ? Set.of() : installedUp, claiming));
        return this;
    }

    /** The groups this node derives itself owner of, or has installed (or is installing) as its own. */
    private Set<String> holding() {
        Set<String> out = new HashSet<>(claimedFrom.keySet());
        addOwn(out, installed);
        addOwn(out, installing);
        return out;
    }

    private void addOwn(Set<String> out, Map<String, String> owners) {
        if (owners != null) {
            owners.forEach((g, n) -> {
                if (self.equals(n)) {
                    out.add(g);
                }
            });
        }
    }

    private Behavior<Command> step() {
        List<String> up = members.upOldestFirst();
        Set<String> others = members.others();
        Set<String> upSet = new TreeSet<>(up);
        handingOver.removeIf(n -> !others.contains(n) && !upSet.contains(n)); // gone: a new incarnation may come
        List<String> candidates = up.stream()
                .filter(n -> !(leaving && n.equals(self)) && !handingOver.contains(n)).toList();
        Map<String, String> wanted = new TreeMap<>();
        boolean roundNeeded = false;
        for (AluaOwnership.OwnedGroup g : groups) {
            String owner = AluaOwnership.owner(g, candidates);
            if (owner == null) {
                claimedFrom.remove(g.name());
                continue;
            }
            if (!owner.equals(self)) {
                claimedFrom.remove(g.name());
                wanted.put(g.name(), owner);
                continue;
            }
            if (isOwn(installed, g.name()) || isOwn(installing, g.name())) {
                wanted.put(g.name(), self);
                continue;
            }
            Long from = claimedFrom.get(g.name());
            if (from != null && released(g.name(), from, others)) {
                claimedFrom.remove(g.name());
                claimedAt.remove(g.name());
                wanted.put(g.name(), self);
                continue;
            }
            if (from == null) {
                claimedFrom.put(g.name(), seq + 1);
                claimedAt.put(g.name(), System.nanoTime());
            }
            roundNeeded = true;
            // until the round allows it, the group keeps the owner installed here (never this node):
            // no change, no transition that the promotion would follow with a second one
            if (installed != null && installed.get(g.name()) != null) {
                wanted.put(g.name(), installed.get(g.name()));
            }
        }
        claimedAt.keySet().retainAll(claimedFrom.keySet());
        // a fresh claim is usually answered within milliseconds: wait for it (bounded) so that the
        // states change once, to the promotion, rather than twice
        long now = System.nanoTime();
        boolean deferring = installed != null
                && claimedAt.values().stream().anyMatch(t -> now - t < CLAIM_GRACE.toNanos());
        if (roundNeeded && (claimedFrom.values().stream().anyMatch(f -> f > seq)
                || System.nanoTime() - lastQueryNanos >= REQUERY.toNanos())) {
            query();
        }
        // SPC-5 5.16.2.5 / design 5.4 step 1: an owner this node has lost contact with may be dead or
        // cut off; until the cluster decides, the standby paths of its groups say TRANSITIONING, so an
        // initiator keeps retrying them (within the implicit transition time) instead of failing them
        Set<String> unreachable = members.unreachable();
        Set<String> waiting = new TreeSet<>();
        for (String owner : wanted.values()) {
            if (!owner.equals(self) && unreachable.contains(owner)) {
                waiting.add(owner);
            }
        }
        if (installing == null && !deferring && (installed == null || !installed.equals(wanted)
                || !upSet.equals(installedUp) || !waiting.equals(installedWaiting))) {
            Map<String, String> owners = Map.copyOf(wanted);
            Set<String> upNow = Set.copyOf(upSet);
            Set<String> waitingNow = Set.copyOf(waiting);
            installing = owners;
            installingUp = upNow;
            context.pipeToSelf(installer.install(owners, upNow, waitingNow),
                    (v, e) -> new Installed(owners, upNow, waitingNow, e));
        }
        if (installing == null && leaving && !handOvers.isEmpty() && !holdsAny()) {
            handOvers.forEach(r -> r.tell(Done.getInstance()));
            handOvers.clear();
        }
        return this;
    }

    private boolean holdsAny() {
        return installed != null && installed.containsValue(self);
    }

    private boolean isOwn(Map<String, String> owners, String group) {
        return owners != null && self.equals(owners.get(group));
    }

    /** One round in which every other live member answered (a round sent at or after {@code from}) without {@code group}. */
    private boolean released(String group, long from, Set<String> others) {
        for (Map.Entry<Long, Map<String, Set<String>>> round : answers.tailMap(from, true).entrySet()) {
            Map<String, Set<String>> got = round.getValue();
            if (got.keySet().containsAll(others)
                    && others.stream().noneMatch(n -> got.get(n).contains(group))) {
                return true;
            }
        }
        return false;
    }

    private void query() {
        lastQueryNanos = System.nanoTime();
        seq++;
        answers.put(seq, new HashMap<>());
        while (answers.size() > 20) {
            answers.pollFirstEntry();
        }
        for (ActorRef<Command> p : peers) {
            if (!p.equals(context.getSelf())) {
                p.tell(new Query(seq, self, context.getSelf()));
            }
        }
    }
}
