package org.scstj.engine.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 *
 * <p>Counters ({@link #counts}): batches run inline, tasks run inline, tasks handed to the overflow
 * pool. Each thread counts in its own trampoline (plain release stores, no lock, no shared cache
 * line, no allocation); a read sums them.
 */
final class InlineExecutor extends AbstractExecutorService {
    /** The tasks this thread queued while running one (the trampoline), and whether it is running. */
    private static final class Trampoline {
        static final VarHandle BATCHES;
        static final VarHandle TASKS;
        static final VarHandle HANDOFFS;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                BATCHES = l.findVarHandle(Trampoline.class, "batches", long.class);
                TASKS = l.findVarHandle(Trampoline.class, "tasks", long.class);
                HANDOFFS = l.findVarHandle(Trampoline.class, "handoffs", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ArrayDeque<Runnable> queue = new ArrayDeque<>(16);
        final Thread thread = Thread.currentThread();
        boolean running;
        // written by this trampoline's thread only
        @SuppressWarnings("unused") long batches;
        @SuppressWarnings("unused") long tasks;
        @SuppressWarnings("unused") long handoffs;

        void count(int ran, int handedOff) {
            BATCHES.setRelease(this, (long) BATCHES.getOpaque(this) + 1);
            TASKS.setRelease(this, (long) TASKS.getOpaque(this) + ran);
            if (handedOff > 0) {
                HANDOFFS.setRelease(this, (long) HANDOFFS.getOpaque(this) + handedOff);
            }
        }
    }

    /**
     * The executor's counters since it started.
     *
     * @param batches   outermost submissions, each run inline with what it queued
     * @param tasks     tasks (mailbox runs) run inline
     * @param handoffs  tasks handed to the overflow pool (past {@code max-batch}, or after a task threw)
     */
    public record Counts(long batches, long tasks, long handoffs) {
    }

    private final ThreadLocal<Trampoline> trampolines = ThreadLocal.withInitial(this::newTrampoline);
    /** Every thread's trampoline, for reading the counters; a dead thread's is folded into {@link #retired}. */
    private final ConcurrentLinkedQueue<Trampoline> all = new ConcurrentLinkedQueue<>();
    private Counts retired = new Counts(0, 0, 0);
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
        int ran = 0;
        int handedOff = 0;
        try {
            task.run();
            ran = 1;
            Runnable next;
            while ((next = t.queue.pollFirst()) != null) {
                if (ran >= maxBatch) {
                    handedOff++;
                    overflow.execute(next);
                    break;
                }
                ran++;
                next.run();
            }
        } finally {
            t.running = false;
            // after max-batch, or when a task threw: what is queued here goes to the pool, never stranded
            Runnable r;
            while ((r = t.queue.pollFirst()) != null) {
                handedOff++;
                overflow.execute(r);
            }
            t.count(ran, handedOff);
        }
    }

    private Trampoline newTrampoline() {
        Trampoline t = new Trampoline();
        retire(); // a new thread is rare: fold the dead threads' counters now, so the list stays as long as the live threads
        all.add(t);
        return t;
    }

    private synchronized void retire() {
        for (java.util.Iterator<Trampoline> it = all.iterator(); it.hasNext(); ) {
            Trampoline t = it.next();
            if (!t.thread.isAlive()) {
                retired = new Counts(retired.batches() + (long) Trampoline.BATCHES.getAcquire(t),
                        retired.tasks() + (long) Trampoline.TASKS.getAcquire(t),
                        retired.handoffs() + (long) Trampoline.HANDOFFS.getAcquire(t));
                it.remove();
            }
        }
    }

    /** The counters summed over every thread that ran tasks here. */
    synchronized Counts counts() {
        retire();
        long b = retired.batches();
        long n = retired.tasks();
        long h = retired.handoffs();
        for (Trampoline t : all) {
            b += (long) Trampoline.BATCHES.getAcquire(t);
            n += (long) Trampoline.TASKS.getAcquire(t);
            h += (long) Trampoline.HANDOFFS.getAcquire(t);
        }
        return new Counts(b, n, h);
    }

    /** The overflow pool, for its thread count and queue length. */
    ExecutorService overflow() {
        return overflow;
    }

    int maxBatch() {
        return maxBatch;
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
