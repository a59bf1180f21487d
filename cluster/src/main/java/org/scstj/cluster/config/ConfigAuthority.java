package org.scstj.cluster.config;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.scstj.cluster.CborSerializable;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The single writer of the cluster-wide configuration (docs/design/cluster.md 5.3): a Cluster
 * Singleton on the {@code storage} role that takes one {@link Propose} at a time, in arrival order.
 * <ol>
 *   <li>It reads the current {@link ConfigRecord} ({@code ReadMajority}); a proposal whose base
 *       revision is not the current one is answered {@link Outcome.Kind#STALE} (the proposer
 *       re-applies its edit to the newer document, as a single node does for local concurrency).
 *       With no record yet (a new cluster) every base is current.</li>
 *   <li>Every Up member must have a {@link ConfigFollower}; each is sent {@link
 *       ConfigFollower.Prepare}: it validates, plans and runs its undoable device steps and holds its
 *       change lock.</li>
 *   <li>All said yes: the record is written with {@code WriteMajority} to {@code cfg-document},
 *       then {@link ConfigFollower.Commit} goes to each (engine brought to the document, file
 *       written); one said no, or did not answer in {@link #PREPARE_TIMEOUT}: {@link
 *       ConfigFollower.Abort} to each (steps undone) and the proposer is told which node refused.</li>
 * </ol>
 * A follower that was prepared but hears neither commit nor abort asks the record itself
 * (a lost commit is recognised by the record's revision).
 */
public final class ConfigAuthority {
    /** The Distributed Data key of the document (durable once {@code cfg-*} keys are). */
    public static final LWWRegisterKey<ConfigRecord> DOCUMENT = new LWWRegisterKey<>("cfg-document");
    static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DDATA_TIMEOUT = Duration.ofSeconds(5);
    static final LWWRegister.Clock<ConfigRecord> CLOCK = (current, record) -> record.revision();

    private ConfigAuthority() {
    }

    public sealed interface Command {
    }

    /**
     * Apply {@code text} as the cluster-wide document following revision {@code base}.
     *
     * @param origin the proposing node's name, for the log
     */
    public record Propose(long base, String text, boolean allowDisruptive, boolean force, String origin,
                          ActorRef<Outcome> replyTo) implements Command, CborSerializable {
    }

    /** A follower's answer to {@link ConfigFollower.Prepare}. */
    public record Voted(long revision, String node, int status, String message) implements Command, CborSerializable {
    }

    /** A follower applied {@link ConfigFollower.Commit}. */
    public record Committed(long revision, String node) implements Command, CborSerializable {
    }

    /**
     * What became of a proposal.
     *
     * @param revision the new revision (COMMITTED), the current one (STALE), or the one tried
     * @param node     the node that refused or did not answer (REFUSED), else empty
     * @param status   HTTP status for the proposer's client: 200, 409 (stale, or a node's conflict), 422, 503, 504
     */
    public record Outcome(Kind kind, long revision, String node, int status, String message) implements CborSerializable {
        public enum Kind { COMMITTED, STALE, REFUSED }
    }

    /** @param found whether a record exists; without one (a new cluster, or its replicas all lost) any base is current */
    private record Read(long revision, boolean found, Throwable failure) implements Command {
    }

    private record Listed(Receptionist.Listing listing) implements Command {
    }

    private record Written(long revision, boolean ok) implements Command {
    }

    private record Timeout(long revision, String phase) implements Command {
    }

    /** The singleton's behaviour (run it through {@link #init}). */
    public static Behavior<Command> create() {
        return Behaviors.setup(ctx -> Behaviors.withStash(1000, stash -> Behaviors.withTimers(timers -> {
            ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(ConfigFollower.KEY, listings));
            return new Authority(ctx, stash, timers).idle();
        })));
    }

    /** Starts (or joins) the singleton on the {@code storage} members; returns its proxy. */
    public static ActorRef<Command> init(ActorSystem<?> system) {
        return org.apache.pekko.cluster.typed.ClusterSingleton.get(system).init(
                org.apache.pekko.cluster.typed.SingletonActor.of(create(), "config-authority")
                        .withSettings(org.apache.pekko.cluster.typed.ClusterSingletonSettings.create(system)
                                .withRole("storage")));
    }

    /** The document as a majority of the replicas has it (empty: none written yet). */
    public static CompletionStage<Optional<ConfigRecord>> read(ActorSystem<?> system, Duration timeout) {
        CompletionStage<Replicator.GetResponse<LWWRegister<ConfigRecord>>> r = AskPattern.ask(
                DistributedData.get(system).replicator(),
                (ActorRef<Replicator.GetResponse<LWWRegister<ConfigRecord>>> replyTo) ->
                        new Replicator.Get<>(DOCUMENT, new Replicator.ReadMajority(timeout), replyTo),
                timeout.plusSeconds(1), system.scheduler());
        return r.thenApply(resp -> {
            if (resp instanceof Replicator.GetSuccess<LWWRegister<ConfigRecord>> ok) {
                return Optional.of(ok.get(DOCUMENT).getValue());
            } else if (resp instanceof Replicator.NotFound<LWWRegister<ConfigRecord>>) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot read " + DOCUMENT.id() + " from a majority: " + resp);
        });
    }

    private static final class Authority {
        private final ActorContext<Command> ctx;
        private final StashBuffer<Command> stash;
        private final TimerScheduler<Command> timers;
        private Set<ActorRef<ConfigFollower.Command>> followers = Set.of();

        Authority(ActorContext<Command> ctx, StashBuffer<Command> stash, TimerScheduler<Command> timers) {
            this.ctx = ctx;
            this.stash = stash;
            this.timers = timers;
        }

        Behavior<Command> idle() {
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, this::listed)
                    .onMessage(Propose.class, p -> {
                        ctx.pipeToSelf(read(ctx.getSystem(), DDATA_TIMEOUT),
                                (r, e) -> new Read(e == null ? r.map(ConfigRecord::revision).orElse(0L) : -1,
                                        e == null && r.isPresent(), e));
                        return reading(p);
                    })
                    .onAnyMessage(m -> Behaviors.same()) // late votes and acks of a finished proposal
                    .build();
        }

        private Behavior<Command> listed(Listed l) {
            followers = Set.copyOf(l.listing().getServiceInstances(ConfigFollower.KEY));
            return Behaviors.same();
        }

        private Behavior<Command> done(Propose p, Outcome o) {
            ctx.getLog().info("configuration: proposal from {} on revision {}: {} {} {}", p.origin(), p.base(),
                    o.kind(), o.node(), o.message());
            p.replyTo().tell(o);
            return stash.unstashAll(idle());
        }

        private Behavior<Command> reading(Propose p) {
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, this::listed)
                    .onMessage(Read.class, r -> {
                        if (r.failure() != null) {
                            return done(p, new Outcome(Outcome.Kind.REFUSED, p.base() + 1, "", 503,
                                    "the configuration record cannot be read from a majority: " + r.failure().getMessage()));
                        }
                        if (r.found() && r.revision() != p.base()) {
                            return done(p, new Outcome(Outcome.Kind.STALE, r.revision(), "", 409, "the cluster's"
                                    + " configuration is at revision " + r.revision() + ", not " + p.base()));
                        }
                        return prepare(p, p.base() + 1);
                    })
                    .onMessage(Propose.class, m -> stashed(m))
                    .onAnyMessage(m -> Behaviors.same())
                    .build();
        }

        private Behavior<Command> stashed(Command m) {
            stash.stash(m);
            return Behaviors.same();
        }

        /**
         * Every Up storage member's address that has no follower in the receptionist's listing (empty:
         * all have one). A witness serves nothing and follows no configuration (docs/cluster.md).
         */
        private List<String> withoutFollower() {
            Set<Address> have = new HashSet<>();
            Address self = Cluster.get(ctx.getSystem()).selfMember().address();
            for (ActorRef<ConfigFollower.Command> f : followers) {
                Address a = f.path().address();
                have.add(a.hasLocalScope() ? self : a);
            }
            java.util.ArrayList<String> missing = new java.util.ArrayList<>();
            for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
                if (m.status() == MemberStatus.up() && m.hasRole("storage") && !have.contains(m.address())) {
                    missing.add(m.address().hostPort());
                }
            }
            return missing;
        }

        private Behavior<Command> prepare(Propose p, long revision) {
            List<String> missing = withoutFollower();
            if (!missing.isEmpty() || followers.isEmpty()) {
                return done(p, new Outcome(Outcome.Kind.REFUSED, revision, String.join(", ", missing), 503,
                        "no configuration follower yet on " + (missing.isEmpty() ? "any node" : missing)
                                + " (starting): try again"));
            }
            Set<ActorRef<ConfigFollower.Command>> asked = followers;
            for (ActorRef<ConfigFollower.Command> f : asked) {
                f.tell(new ConfigFollower.Prepare(revision, p.text(), p.allowDisruptive(), p.force(), ctx.getSelf()));
            }
            timers.startSingleTimer("phase", new Timeout(revision, "prepare"), PREPARE_TIMEOUT);
            return preparing(p, revision, asked, new TreeMap<>());
        }

        private Behavior<Command> preparing(Propose p, long revision, Set<ActorRef<ConfigFollower.Command>> asked,
                                            Map<String, Voted> votes) {
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, this::listed)
                    .onMessage(Voted.class, v -> {
                        if (v.revision() != revision) {
                            return Behaviors.same();
                        }
                        votes.put(v.node(), v);
                        if (v.status() != 0) {
                            timers.cancel("phase");
                            abort(asked, revision);
                            return done(p, new Outcome(Outcome.Kind.REFUSED, revision, v.node(),
                                    v.status(), "node " + v.node() + " refused: " + v.message()));
                        }
                        if (votes.size() < asked.size()) {
                            return Behaviors.same();
                        }
                        timers.cancel("phase");
                        ConfigRecord record = new ConfigRecord(revision, p.text());
                        write(record);
                        return writing(p, record, asked);
                    })
                    .onMessage(Timeout.class, t -> {
                        if (t.revision() != revision) {
                            return Behaviors.same();
                        }
                        abort(asked, revision);
                        return done(p, new Outcome(Outcome.Kind.REFUSED, revision, "", 504,
                                votes.size() + " of " + asked.size() + " nodes prepared in " + PREPARE_TIMEOUT.toSeconds()
                                        + " s (" + votes.keySet() + "); the others did not answer: nothing was changed"));
                    })
                    .onMessage(Propose.class, this::stashed)
                    .onAnyMessage(m -> Behaviors.same())
                    .build();
        }

        private void write(ConfigRecord record) {
            SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
            CompletionStage<Replicator.UpdateResponse<LWWRegister<ConfigRecord>>> w = AskPattern.ask(
                    DistributedData.get(ctx.getSystem()).replicator(),
                    (ActorRef<Replicator.UpdateResponse<LWWRegister<ConfigRecord>>> replyTo) -> new Replicator.Update<>(
                            DOCUMENT, LWWRegister.create(self, record, CLOCK), new Replicator.WriteMajority(DDATA_TIMEOUT),
                            replyTo, reg -> reg.withValue(self, record, CLOCK)),
                    DDATA_TIMEOUT.plusSeconds(1), ctx.getSystem().scheduler());
            ctx.pipeToSelf(w, (r, e) -> new Written(record.revision(), e == null && r instanceof Replicator.UpdateSuccess));
        }

        private Behavior<Command> writing(Propose p, ConfigRecord record, Set<ActorRef<ConfigFollower.Command>> asked) {
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, this::listed)
                    .onMessage(Written.class, w -> {
                        if (!w.ok()) {
                            abort(asked, record.revision());
                            return done(p, new Outcome(Outcome.Kind.REFUSED, record.revision(), "", 503,
                                    "every node prepared, but the record could not be written to a majority: aborted"));
                        }
                        for (ActorRef<ConfigFollower.Command> f : asked) {
                            f.tell(new ConfigFollower.Commit(record.revision(), ctx.getSelf()));
                        }
                        timers.startSingleTimer("phase", new Timeout(record.revision(), "commit"), COMMIT_TIMEOUT);
                        return committing(p, record.revision(), asked.size(), new HashMap<>());
                    })
                    .onMessage(Propose.class, this::stashed)
                    .onAnyMessage(m -> Behaviors.same())
                    .build();
        }

        private Behavior<Command> committing(Propose p, long revision, int expected, Map<String, Committed> acks) {
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, this::listed)
                    .onMessage(Committed.class, c -> {
                        if (c.revision() != revision) {
                            return Behaviors.same();
                        }
                        acks.put(c.node(), c);
                        if (acks.size() < expected) {
                            return Behaviors.same();
                        }
                        timers.cancel("phase");
                        return done(p, new Outcome(Outcome.Kind.COMMITTED, revision, "", 200,
                                "applied on " + new java.util.TreeSet<>(acks.keySet())));
                    })
                    .onMessage(Timeout.class, t -> t.revision() != revision ? Behaviors.same()
                            : done(p, new Outcome(Outcome.Kind.COMMITTED, revision, "", 200, "committed; "
                            + acks.size() + " of " + expected + " nodes confirmed within " + COMMIT_TIMEOUT.toSeconds()
                            + " s (" + new java.util.TreeSet<>(acks.keySet()) + "), the others apply it from the record")))
                    .onMessage(Propose.class, this::stashed)
                    .onAnyMessage(m -> Behaviors.same())
                    .build();
        }

        private void abort(Set<ActorRef<ConfigFollower.Command>> asked, long revision) {
            for (ActorRef<ConfigFollower.Command> f : asked) {
                f.tell(new ConfigFollower.Abort(revision));
            }
        }
    }
}
