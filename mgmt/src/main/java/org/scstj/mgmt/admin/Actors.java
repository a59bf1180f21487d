package org.scstj.mgmt.admin;

import org.scstj.engine.actors.ActorCounters;
import org.scstj.engine.actors.ActorStats;
import org.scstj.engine.actors.ActorSummary;
import org.scstj.engine.dispatch.DispatcherStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live view of the engine's actors and dispatchers as the admin API shows it (docs/admin.md,
 * "Actors and dispatchers"): the counters come from the engine's {@link ActorStats} at once; an
 * actor's state and summary are asked of the actor itself, with a timeout, so an actor that is
 * stuck or far behind shows as not answering rather than holding the request.
 */
final class Actors {
    /** How long the tree waits for the actors' states, all asked at once. */
    static final Duration TREE_TIMEOUT = Duration.ofSeconds(1);
    /** How long one actor's summary may take. */
    static final Duration ONE_TIMEOUT = Duration.ofSeconds(2);

    private final Live.Introspection view;

    Actors(Live.Introspection view) throws ApiException {
        if (view == null) {
            throw new ApiException(503, "no engine to look at");
        }
        this.view = view;
    }

    /** {@code GET /api/v1/actors}: every actor (parents before their children), the totals per kind, and with {@code state} each one's behaviour. */
    Map<String, Object> tree(boolean withState) {
        List<ActorCounters.Snapshot> all = view.actors().snapshot();
        Map<String, CompletableFuture<ActorSummary>> asked = new LinkedHashMap<>();
        if (withState) {
            for (ActorCounters c : view.actors().actors()) {
                asked.put(c.id(), c.describe(TREE_TIMEOUT, view.scheduler()).toCompletableFuture());
            }
        }
        List<Map<String, Object>> actors = new ArrayList<>();
        for (ActorCounters.Snapshot s : all) {
            Map<String, Object> a = counters(s);
            if (withState) {
                a.put("state", stateOf(asked.get(s.id())));
            }
            actors.add(a);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        view.actors().byKind().forEach((kind, t) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("actors", t.actors());
            m.put("mailbox-depth", t.mailboxDepth());
            m.put("max-mailbox-depth", t.maxMailboxDepth());
            m.put("processed", t.processed());
            totals.put(kind, m);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sample-interval", view.actors().sampleInterval());
        out.put("totals", totals);
        out.put("actors", actors);
        return out;
    }

    private static String stateOf(CompletableFuture<ActorSummary> f) {
        if (f == null) {
            return null;
        }
        try {
            return f.get(TREE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).state();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null; // not answering within the timeout: null, the mailbox depth says why
        }
    }

    /** {@code GET /api/v1/actors/{path}}: one actor's counters and its own summary. */
    Map<String, Object> one(String id) throws ApiException {
        ActorCounters c = view.actors().find(id);
        if (c == null) {
            throw ApiException.field(404, "path", "no actor " + id);
        }
        Map<String, Object> out = counters(c.snapshot());
        try {
            ActorSummary s = c.describe(ONE_TIMEOUT, view.scheduler()).toCompletableFuture()
                    .get(ONE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            out.put("state", s.state());
            out.put("summary", s.details());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            out.put("state", null);
            out.put("summary-error", cause instanceof java.util.concurrent.TimeoutException
                    || cause.getClass().getSimpleName().contains("Timeout")
                    ? "no answer within " + ONE_TIMEOUT.toSeconds() + " s (" + c.snapshot().mailboxDepth()
                    + " messages in its mailbox)" : String.valueOf(cause.getMessage()));
        }
        return out;
    }

    private static Map<String, Object> counters(ActorCounters.Snapshot s) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", s.id());
        int slash = s.id().lastIndexOf('/');
        a.put("parent", slash < 0 ? null : s.id().substring(0, slash));
        a.put("kind", s.kind());
        a.put("mailbox-depth", s.counted() ? s.mailboxDepth() : null);
        a.put("enqueued", s.counted() ? s.enqueued() : null);
        a.put("processed", s.counted() ? s.processed() : null);
        a.put("processing-ns-avg", s.counted() ? s.processingNanosAvg() : null);
        a.put("processing-ns-max", s.counted() ? s.processingNanosMax() : null);
        a.put("mailbox-ns-avg", s.counted() ? s.mailboxNanosAvg() : null);
        a.put("mailbox-ns-max", s.counted() ? s.mailboxNanosMax() : null);
        a.put("waiting-ns", s.counted() ? s.waitingNanos() : null);
        return a;
    }

    /** {@code GET /api/v1/dispatchers}. */
    List<Map<String, Object>> dispatchers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DispatcherStats.Stats d : view.dispatchers().get()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("executor", d.executor());
            m.put("throughput", d.throughput());
            m.put("settings", d.settings());
            m.put("actors", d.actors());
            m.put("live", d.live());
            out.add(m);
        }
        return out;
    }
}
