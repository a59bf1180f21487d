package org.scstj.bench.compare;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions (stop a target, delete the backing files), run last-registered first, exactly once:
 * at the end of a comparison, or from a shutdown hook when it fails or is interrupted (Ctrl-C,
 * SIGTERM).
 */
public final class Cleanup implements AutoCloseable {
    /** One undo action. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private record Named(String what, Action action) {
    }

    private final Deque<Named> actions = new ArrayDeque<>();
    private final PrintStream log;
    private final String prefix;
    private final Thread hook = new Thread(this::close, "scstj-bench-cleanup");
    private boolean hooked;
    private volatile boolean interrupted;

    public Cleanup(PrintStream log) {
        this(log, "compare");
    }

    /** Cleanup whose messages to {@code log} start with {@code prefix} (the command's name). */
    public Cleanup(PrintStream log, String prefix) {
        this.log = log;
        this.prefix = prefix;
    }

    /** Runs {@link #close()} on JVM shutdown too, until {@link #close()} has run. */
    public synchronized void installShutdownHook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
    }

    /** True once the shutdown hook has started: whatever fails after that failed because of it. */
    public boolean interrupted() {
        return interrupted;
    }

    /** Adds an action, run before every action added earlier. */
    public synchronized void add(String what, Action action) {
        actions.push(new Named(what, action));
    }

    /**
     * Runs every action not yet run, newest first; a failing action is reported and the rest still
     * run. One thread runs them all while the other (the shutdown hook, or the comparison ending at
     * the same moment) waits: the JVM must not halt halfway through.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == hook) {
            interrupted = true;
            log.println(prefix + ": interrupted: stopping the targets and removing the backing files");
        }
        runAll();
    }

    private synchronized void runAll() {
        for (Named next = actions.poll(); next != null; next = actions.poll()) {
            try {
                next.action().run();
            } catch (Exception e) {
                log.println(prefix + ": cleanup: " + next.what() + " failed: " + e);
            }
        }
        if (hooked && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it will find nothing left to do
            }
            hooked = false;
        }
    }
}
