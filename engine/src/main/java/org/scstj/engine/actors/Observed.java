package org.scstj.engine.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.function.Function;

/**
 * Wraps an engine actor's behaviour so that its messages are counted and sampled for processing
 * time into its {@link ActorCounters}, and so that the admin plane can ask it to describe itself.
 * With {@code scstj.engine.actor-stats.enabled = off} the behaviour is returned as it is, at its
 * start: nothing stands in the message path.
 *
 * <p>Per message: one release store and a mask test; a sampled message also two
 * {@code System.nanoTime()} calls. No allocation, as long as the hot handlers return
 * {@code Behaviors.same()}: Pekko re-wraps an intercepted behaviour that returns a new behaviour
 * object (docs/dispatchers.md).
 */
public final class Observed {
    private Observed() {
    }

    /**
     * @param kind     what the admin view calls it: target, session, lun, tmf
     * @param type     the actor's message type
     * @param behavior the actor's behaviour
     * @param describe makes the actor's own describe message from the asker's reply address
     */
    public static <T> Behavior<T> actor(String kind, Class<T> type, Behavior<T> behavior,
                                        Function<ActorRef<ActorSummary>, T> describe) {
        return Behaviors.setup(ctx -> {
            ActorStats stats = ActorStats.of(ctx.getSystem());
            if (!stats.enabled()) {
                return behavior;
            }
            ActorCounters counters = stats.behaviourOf(Adapter.toClassic(ctx.getSelf()), kind);
            counters.describer(ctx.getSelf(), describe);
            return Behaviors.intercept(() -> new Counting<>(type, stats, counters), behavior);
        });
    }

    private static final class Counting<T> extends BehaviorInterceptor<T, T> {
        private final ActorStats stats;
        private final ActorCounters counters;

        Counting(Class<T> type, ActorStats stats, ActorCounters counters) {
            super(type);
            this.stats = stats;
            this.counters = counters;
        }

        @Override
        public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
            if (!counters.processing()) {
                return target.apply(ctx, msg);
            }
            long start = System.nanoTime();
            Behavior<T> next = target.apply(ctx, msg);
            counters.processed(System.nanoTime() - start);
            return next;
        }

        @Override
        public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
            if (signal instanceof PostStop) {
                stats.remove(counters);
            }
            return target.apply(ctx, signal);
        }
    }
}
