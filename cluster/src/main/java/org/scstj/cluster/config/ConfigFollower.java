package org.scstj.cluster.config;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.scstj.cluster.CborSerializable;

import java.time.Duration;
import java.util.Optional;

/**
 * One per node: this node's side of the {@link ConfigAuthority}'s two phases, handed to the
 * management plane's {@link ConfigParticipant}. A node prepares one revision at a time; a prepare
 * that hears neither commit nor abort within {@link #ORPHAN_AFTER} (the authority's node died
 * between the phases) is settled by the record: committed if {@code cfg-document} holds that
 * revision, else aborted.
 */
public final class ConfigFollower {
    /** Every node's follower registers under this key; the authority asks every one. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "scstj-config-follower");
    static final Duration ORPHAN_AFTER = ConfigAuthority.PREPARE_TIMEOUT.plus(ConfigAuthority.COMMIT_TIMEOUT);

    private ConfigFollower() {
    }

    public sealed interface Command {
    }

    /** Phase 1 of revision {@code revision}: answered with {@link ConfigAuthority.Voted}. */
    public record Prepare(long revision, String text, boolean allowDisruptive, boolean force,
                          ActorRef<ConfigAuthority.Command> replyTo) implements Command, CborSerializable {
    }

    /** Phase 2, every node prepared and the record is written: answered with {@link ConfigAuthority.Committed}. */
    public record Commit(long revision, ActorRef<ConfigAuthority.Command> replyTo) implements Command, CborSerializable {
    }

    /** Phase 2, a node refused: undo. */
    public record Abort(long revision) implements Command, CborSerializable {
    }

    private record PrepareDone(long revision, ActorRef<ConfigAuthority.Command> replyTo, ConfigParticipant.Vote vote)
            implements Command {
    }

    private record Orphaned(long revision) implements Command {
    }

    private record Settled(long revision, Optional<ConfigRecord> record, Throwable failure) implements Command {
    }

    public static Behavior<Command> create(String node, ConfigParticipant participant) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return new Follower(node, participant, ctx, timers).behavior();
        }));
    }

    private static final class Follower {
        private final String node;
        private final ConfigParticipant participant;
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        /** The revision prepared (or being prepared) and not yet settled, 0 if none. */
        private long pending;

        Follower(String node, ConfigParticipant participant, ActorContext<Command> ctx, TimerScheduler<Command> timers) {
            this.node = node;
            this.participant = participant;
            this.ctx = ctx;
            this.timers = timers;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Prepare.class, this::prepare)
                    .onMessage(PrepareDone.class, d -> {
                        if (!d.vote().ok() && pending == d.revision()) {
                            pending = 0; // nothing is held after a refusal
                            timers.cancel("orphan");
                        }
                        d.replyTo().tell(new ConfigAuthority.Voted(d.revision(), node, d.vote().status(), d.vote().message()));
                        return Behaviors.same();
                    })
                    .onMessage(Commit.class, c -> {
                        if (c.revision() == pending) {
                            settle(c.revision(), true);
                            ActorRef<ConfigAuthority.Command> to = c.replyTo();
                            participant.commit(c.revision()).whenComplete((v, e) ->
                                    to.tell(new ConfigAuthority.Committed(c.revision(), node)));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Abort.class, a -> {
                        if (a.revision() == pending) {
                            settle(a.revision(), false);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Orphaned.class, o -> {
                        if (o.revision() == pending) {
                            ctx.getLog().warn("configuration: revision {} prepared, neither committed nor aborted: asking"
                                    + " the record", o.revision());
                            ctx.pipeToSelf(ConfigAuthority.read(ctx.getSystem(), ConfigAuthority.DDATA_TIMEOUT),
                                    (r, e) -> new Settled(o.revision(), r, e));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Settled.class, s -> {
                        if (s.revision() != pending) {
                            return Behaviors.same();
                        }
                        if (s.failure() != null) { // no majority to ask: ask again later, keep holding
                            timers.startSingleTimer("orphan", new Orphaned(s.revision()), Duration.ofSeconds(5));
                            return Behaviors.same();
                        }
                        boolean committed = s.record().map(r -> r.revision() >= s.revision()).orElse(false);
                        settle(s.revision(), committed);
                        if (committed) {
                            participant.commit(s.revision());
                        }
                        return Behaviors.same();
                    })
                    .build();
        }

        private Behavior<Command> prepare(Prepare p) {
            if (pending != 0) {
                p.replyTo().tell(new ConfigAuthority.Voted(p.revision(), node, 409,
                        "revision " + pending + " is still prepared here"));
                return Behaviors.same();
            }
            pending = p.revision();
            timers.startSingleTimer("orphan", new Orphaned(p.revision()), ORPHAN_AFTER);
            ctx.pipeToSelf(participant.prepare(p.revision(), p.text(), p.allowDisruptive(), p.force()),
                    (v, e) -> new PrepareDone(p.revision(), p.replyTo(),
                            e != null ? new ConfigParticipant.Vote(500, String.valueOf(e.getMessage())) : v));
            return Behaviors.same();
        }

        /** Ends the pending revision; an abort is handed on here, a commit by the caller (it answers it). */
        private void settle(long revision, boolean committed) {
            pending = 0;
            timers.cancel("orphan");
            if (!committed) {
                participant.abort(revision);
            }
        }
    }
}
