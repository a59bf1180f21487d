package org.scstj.engine.dispatch;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the thread that submits it, trampolined: a task submitted while this thread
 * is already running one of this executor's tasks is queued on the thread and runs when the
 * current one returns, so an actor that sends to another actor never nests mailbox runs or grows
 * the stack. A mailbox is still run by one thread at a time: Pekko's mailbox schedules itself at
 * most once, and a message sent to a mailbox another thread is running is simply enqueued there.
 *
 * <p>Fairness: one outermost submission drains at most {@code maxBatch} queued tasks on the
 * submitting thread; the rest go to the {@code overflow} pool, so a transport event loop that
 * keeps feeding a busy logical unit never starves its own connections.
 */
final class InlineExecutor extends AbstractExecutorService {
    /** The tasks this thread queued while running one (the trampoline), and whether it is running. */
    private static final class Trampoline {
        final ArrayDeque<Runnable> queue = new ArrayDeque<>(16);
        boolean running;
    }

    private final ThreadLocal<Trampoline> trampolines = ThreadLocal.withInitial(Trampoline::new);
    private final int maxBatch;
    private final ExecutorService overflow;
    private volatile boolean shutdown;

    InlineExecutor(int maxBatch, ExecutorService overflow) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max-batch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.overflow = overflow;
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("inline executor shut down");
        }
        Trampoline t = trampolines.get();
        if (t.running) {
            t.queue.addLast(task);
            return;
        }
        t.running = true;
        try {
            task.run();
            int ran = 1;
            Runnable next;
            while ((next = t.queue.pollFirst()) != null) {
                if (ran++ >= maxBatch) {
                    overflow.execute(next);
                    break;
                }
                next.run();
            }
        } finally {
            t.running = false;
            // after max-batch, or when a task threw: what is queued here goes to the pool, never stranded
            Runnable r;
            while ((r = t.queue.pollFirst()) != null) {
                overflow.execute(r);
            }
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        overflow.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return overflow.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && overflow.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return overflow.awaitTermination(timeout, unit);
    }
}
