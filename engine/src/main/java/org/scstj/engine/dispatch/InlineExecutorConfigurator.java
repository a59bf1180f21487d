package org.scstj.engine.dispatch;

import com.typesafe.config.Config;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;

/**
 * A Pekko executor ({@code executor = "org.scstj.engine.dispatch.InlineExecutorConfigurator"} in
 * a dispatcher block) that runs mailboxes on the sending thread; see {@link InlineExecutor}.
 * Settings, under the dispatcher's {@code inline-executor} block:
 * <ul>
 *   <li>{@code max-batch}: tasks one outermost submission may run on the sending thread before
 *       the rest go to the overflow pool;</li>
 *   <li>{@code overflow-parallelism}: threads of that pool (created lazily by the fork-join pool).</li>
 * </ul>
 */
public final class InlineExecutorConfigurator extends ExecutorServiceConfigurator {
    private final int maxBatch;
    private final int overflowParallelism;

    public InlineExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        Config c = config.getConfig("inline-executor");
        this.maxBatch = c.getInt("max-batch");
        this.overflowParallelism = c.getInt("overflow-parallelism");
        if (maxBatch < 1 || overflowParallelism < 1) {
            throw new IllegalArgumentException("inline-executor: max-batch and overflow-parallelism must be at least 1");
        }
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> new InlineExecutor(maxBatch, overflowPool(threadFactory));
    }

    private ForkJoinPool overflowPool(ThreadFactory threadFactory) {
        ForkJoinPool.ForkJoinWorkerThreadFactory fj = threadFactory instanceof ForkJoinPool.ForkJoinWorkerThreadFactory f
                ? f : ForkJoinPool.defaultForkJoinWorkerThreadFactory;
        return new ForkJoinPool(overflowParallelism, fj, null, true);
    }
}
