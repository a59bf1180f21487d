package org.scstj.engine.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.function.Function;

/**
 * Makes an engine actor known to the live view when it starts: its kind, and how to ask it to
 * describe itself. Nothing stands in its message path: its mailbox ({@link CountingMailbox}) does
 * the counting, so the behaviour runs as it is (an interceptor would cost a call layer per message).
 */
public final class Observed {
    private Observed() {
    }

    /**
     * @param kind     what the admin view calls it: target, session, lun, tmf
     * @param behavior the actor's behaviour
     * @param describe makes the actor's own describe message from the asker's reply address
     */
    public static <T> Behavior<T> actor(String kind, Behavior<T> behavior, Function<ActorRef<ActorSummary>, T> describe) {
        return Behaviors.setup(ctx -> {
            ActorStats.of(ctx.getSystem()).behaviourOf(Adapter.toClassic(ctx.getSelf()), kind)
                    .describer(ctx.getSelf(), describe);
            return behavior;
        });
    }
}
