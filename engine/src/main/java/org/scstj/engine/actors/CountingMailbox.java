package org.scstj.engine.actors;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.NodeMessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;
import scala.Option;

/**
 * Pekko's {@code SingleConsumerOnlyUnboundedMailbox} (one lock-free queue node per message, one
 * consumer), counted: {@code mailbox-type = "org.scstj.engine.actors.CountingMailbox"} in a mailbox
 * block ({@code scstj.mailboxes.engine}, chosen by {@code scstj.engine.mailbox}). Each actor's queue
 * feeds its {@link ActorCounters}, registered in {@link ActorStats} by the actor's path from the
 * mailbox's creation until it is cleaned up at the actor's stop. Per message: one atomic add on
 * enqueue, one release store on dequeue, no lock, no allocation, and {@code System.nanoTime()} on
 * the sampled messages only (time in mailbox, time handling it: {@link ActorCounters}).
 */
public final class CountingMailbox implements MailboxType, ProducesMessageQueue<CountingMailbox.CountingQueue> {

    public CountingMailbox(ActorSystem.Settings settings, Config config) {
    }

    @Override
    public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
        if (owner.isEmpty() || system.isEmpty()) {
            return new CountingQueue(null, null);
        }
        ActorStats stats = ActorStats.of(system.get());
        return new CountingQueue(stats, stats.mailboxOf(owner.get()));
    }

    /** The counted queue of one actor. */
    public static final class CountingQueue implements MessageQueue, UnboundedMessageQueueSemantics {
        private final NodeMessageQueue queue = new NodeMessageQueue();
        private final ActorStats stats;
        private final ActorCounters counters;

        CountingQueue(ActorStats stats, ActorCounters counters) {
            this.stats = stats;
            this.counters = counters;
        }

        @Override
        public void enqueue(ActorRef receiver, Envelope handle) {
            if (counters != null) {
                counters.enqueued();
            }
            queue.enqueue(receiver, handle);
        }

        @Override
        public Envelope dequeue() {
            Envelope e = queue.dequeue();
            if (counters != null) {
                counters.dequeued(e != null);
            }
            return e;
        }

        @Override
        public int numberOfMessages() {
            return queue.numberOfMessages();
        }

        @Override
        public boolean hasMessages() {
            if (counters != null) {
                counters.idle();
            }
            return queue.hasMessages();
        }

        @Override
        public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
            queue.cleanUp(owner, deadLetters);
            if (counters != null) {
                stats.remove(counters);
            }
        }
    }
}
