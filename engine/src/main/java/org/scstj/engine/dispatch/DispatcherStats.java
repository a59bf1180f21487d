package org.scstj.engine.dispatch;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.MessageDispatcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The dispatchers the engine runs on, for the admin view: each one's settings from the
 * configuration, and what its executor can say live (a fork-join pool's threads and queued tasks, a
 * thread pool's threads and queue, the {@link InlineExecutor}'s batches and overflow hand-offs).
 * Looking a dispatcher up starts it, as its first actor would; read on the admin thread, never on
 * the fast path.
 */
public final class DispatcherStats {
    private DispatcherStats() {
    }

    /**
     * One dispatcher.
     *
     * @param id         its configuration path
     * @param executor   the executor setting: {@code inline}, {@code fork-join-executor}, {@code thread-pool-executor}, or a class
     * @param throughput messages one mailbox run takes before yielding
     * @param settings   the executor's own settings (parallelism, pool size, max-batch), as configured
     * @param actors     actors currently on it
     * @param live       what its executor reports now: threads, active, queued; for the inline
     *                   executor also batches, tasks-inline, overflow-handoffs and the overflow pool's
     *                   threads and queued tasks
     */
    public record Stats(String id, String executor, int throughput, Map<String, Object> settings, long actors,
                        Map<String, Object> live) {
    }

    /** The dispatchers under {@code scstj.dispatchers} and Pekko's default one, in that order. */
    public static List<Stats> all(ActorSystem<?> system) {
        Config config = system.settings().config();
        List<String> ids = new ArrayList<>();
        if (config.hasPath("scstj.dispatchers")) {
            config.getConfig("scstj.dispatchers").root().keySet().stream().sorted()
                    .forEach(k -> ids.add("scstj.dispatchers." + k));
        }
        ids.add("pekko.actor.default-dispatcher");
        List<Stats> out = new ArrayList<>();
        for (String id : ids) {
            try {
                out.add(of(system, id));
            } catch (RuntimeException e) { // a block that is not a dispatcher Pekko can build
                out.add(new Stats(id, "?", 0, Map.of(), 0, Map.of("error", String.valueOf(e.getMessage()))));
            }
        }
        return out;
    }

    /** One dispatcher by its configuration path. */
    public static Stats of(ActorSystem<?> system, String id) {
        var ec = id.equals("pekko.actor.default-dispatcher")
                ? system.dispatchers().lookup(DispatcherSelector.defaultDispatcher())
                : system.dispatchers().lookup(DispatcherSelector.fromConfig(id));
        Config c = system.settings().config().getConfig(id);
        String executorSetting = c.hasPath("executor") ? c.getString("executor") : "default-executor";
        String executor = executorSetting.equals(InlineExecutorConfigurator.class.getName()) ? "inline" : executorSetting;
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String block : List.of("inline-executor", "fork-join-executor", "thread-pool-executor")) {
            if (c.hasPath(block) && (executor.equals(block) || block.equals("inline-executor") && executor.equals("inline"))) {
                c.getConfig(block).root().unwrapped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> settings.put(e.getKey(), e.getValue()));
            }
        }
        int throughput = c.hasPath("throughput") ? c.getInt("throughput") : 0;
        long actors = 0;
        Map<String, Object> live = new LinkedHashMap<>();
        if (ec instanceof MessageDispatcher md) {
            actors = md.inhabitants();
            throughput = md.throughput();
            if (md instanceof Dispatcher d) {
                live(d.executorService().executor(), live);
            }
        }
        return new Stats(id, executor, throughput, settings, actors, live);
    }

    private static void live(ExecutorService e, Map<String, Object> live) {
        switch (e) {
            case InlineExecutor inline -> {
                InlineExecutor.Counts n = inline.counts();
                live.put("max-batch", inline.maxBatch());
                live.put("batches", n.batches());
                live.put("tasks-inline", n.tasks());
                live.put("overflow-handoffs", n.handoffs());
                if (inline.overflow() instanceof ForkJoinPool fj) {
                    live.put("overflow-threads", fj.getPoolSize());
                    live.put("overflow-queued", fj.getQueuedSubmissionCount() + fj.getQueuedTaskCount());
                }
            }
            case ForkJoinPool fj -> {
                live.put("threads", fj.getPoolSize());
                live.put("active", fj.getActiveThreadCount());
                live.put("queued", fj.getQueuedSubmissionCount() + fj.getQueuedTaskCount());
                live.put("steals", fj.getStealCount());
            }
            case ThreadPoolExecutor tp -> {
                live.put("threads", tp.getPoolSize());
                live.put("active", tp.getActiveCount());
                live.put("queued", tp.getQueue().size());
                live.put("completed", tp.getCompletedTaskCount());
            }
            default -> live.put("executor-class", e.getClass().getName());
        }
    }
}
