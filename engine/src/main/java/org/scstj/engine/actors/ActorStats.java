package org.scstj.engine.actors;

import com.typesafe.config.Config;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of every observed actor of one actor system, by path (a Pekko extension: one per
 * system). An actor is here from its mailbox's creation ({@link CountingMailbox}) or its
 * behaviour's start ({@link Observed}), whichever comes first, until it stopped (its mailbox cleaned
 * up; an actor on another mailbox is dropped at the first read after its stop). Setting:
 * {@code scstj.engine.actor-stats.sample-interval}.
 *
 * <p>Read API for the admin plane and the metrics: {@link #snapshot()} (every actor),
 * {@link #byKind()} (totals per actor kind), {@link #find(String)} (one actor, to ask it for its
 * {@link ActorSummary}).
 */
public final class ActorStats implements Extension {
    private static final Id ID = new Id();

    private static final class Id extends AbstractExtensionId<ActorStats> {
        @Override
        public ActorStats createExtension(ExtendedActorSystem system) {
            return new ActorStats(system.settings().config());
        }
    }

    private final ConcurrentHashMap<ActorPath, ActorCounters> byPath = new ConcurrentHashMap<>();
    private final int sampleInterval;

    private ActorStats(Config config) {
        String key = "scstj.engine.actor-stats";
        Config c = config.hasPath(key) ? config.getConfig(key) : com.typesafe.config.ConfigFactory.empty();
        int interval = c.hasPath("sample-interval") ? c.getInt("sample-interval") : 16;
        if (interval < 1 || interval > 1 << 20) {
            throw new IllegalArgumentException("scstj.engine.actor-stats.sample-interval must be 1 to 1048576, not " + interval);
        }
        this.sampleInterval = interval;
    }

    /** The registry of a classic actor system. */
    public static ActorStats of(ActorSystem system) {
        return ID.get(system);
    }

    /** The registry of a typed actor system. */
    public static ActorStats of(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return ID.get(Adapter.toClassic(system));
    }

    /** {@code scstj.engine.actor-stats.sample-interval}: one message in this many is timed (rounded up to a power of two). */
    public int sampleInterval() {
        return sampleInterval;
    }

    ActorCounters mailboxOf(ActorRef owner) {
        ActorCounters c = byPath.computeIfAbsent(owner.path(), p -> new ActorCounters(id(p), "actor", sampleInterval));
        c.counted(true);
        return c;
    }

    ActorCounters behaviourOf(ActorRef self, String kind) {
        ActorCounters c = byPath.computeIfAbsent(self.path(), p -> new ActorCounters(id(p), kind, sampleInterval));
        c.kind(kind);
        return c;
    }

    void remove(ActorCounters counters) {
        byPath.values().remove(counters);
    }

    /** The admin API's id of an actor: its path below the guardian ({@code /system}, {@code /user}), names decoded. */
    static String id(ActorPath path) {
        List<String> names = new ArrayList<>();
        scala.collection.Iterator<String> it = path.elements().iterator();
        while (it.hasNext()) {
            names.add(URLDecoder.decode(it.next(), StandardCharsets.UTF_8));
        }
        if (names.size() > 1 && (names.getFirst().equals("system") || names.getFirst().equals("user"))) {
            names.removeFirst();
        }
        return String.join("/", names);
    }

    /** Every observed actor's counters now, by id. */
    public List<ActorCounters.Snapshot> snapshot() {
        List<ActorCounters.Snapshot> out = new ArrayList<>(byPath.size());
        for (ActorCounters c : byPath.values()) {
            if (!c.counted() && c.stopped()) {
                remove(c); // no mailbox of ours to say it stopped
            } else {
                out.add(c.snapshot());
            }
        }
        out.sort(Comparator.comparing(ActorCounters.Snapshot::id));
        return out;
    }

    /** Every observed actor's counter object (to read, and to ask each to describe itself). */
    public List<ActorCounters> actors() {
        return List.copyOf(byPath.values());
    }

    /** One actor by its id ({@link ActorCounters#id}), or null. */
    public ActorCounters find(String id) {
        for (ActorCounters c : byPath.values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Totals per actor kind (for metrics such as {@code scstj_actor_mailbox_size{actor_class}}).
     *
     * @param actors          how many actors of the kind run
     * @param mailboxDepth    messages waiting in their mailboxes together
     * @param maxMailboxDepth the deepest of their mailboxes
     * @param processed       messages they handled
     */
    public record KindTotals(int actors, long mailboxDepth, long maxMailboxDepth, long processed) {
    }

    /** {@link KindTotals} by kind (target, session, lun, tmf), sorted by kind. */
    public Map<String, KindTotals> byKind() {
        Map<String, KindTotals> out = new TreeMap<>();
        for (ActorCounters c : byPath.values()) {
            ActorCounters.Snapshot s = c.snapshot();
            out.merge(s.kind(), new KindTotals(1, s.mailboxDepth(), s.mailboxDepth(), s.processed()),
                    (a, b) -> new KindTotals(a.actors() + b.actors(), a.mailboxDepth() + b.mailboxDepth(),
                            Math.max(a.maxMailboxDepth(), b.maxMailboxDepth()), a.processed() + b.processed()));
        }
        return out;
    }
}
