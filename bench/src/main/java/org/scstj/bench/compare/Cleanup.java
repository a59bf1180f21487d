package org.scstj.bench.compare;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions (stop a target, delete the backing files), run last-registered first, exactly once:
 * at the end of a comparison, or from a shutdown hook when it fails or is interrupted (Ctrl-C,
 * SIGTERM).
 */
final class Cleanup implements AutoCloseable {
    /** One undo action. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private record Named(String what, Action action) {
    }

    private final Deque<Named> actions = new ArrayDeque<>();
    private final PrintStream log;
    private final Thread hook = new Thread(this::close, "scstj-bench-cleanup");
    private boolean hooked;

    Cleanup(PrintStream log) {
        this.log = log;
    }

    /** Runs {@link #close()} on JVM shutdown too, until {@link #close()} has run. */
    synchronized void installShutdownHook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
    }

    /** Adds an action, run before every action added earlier. */
    synchronized void add(String what, Action action) {
        actions.push(new Named(what, action));
    }

    /** Runs every action not yet run, newest first; a failing action is reported and the rest still run. */
    @Override
    public void close() {
        while (true) {
            Named next;
            synchronized (this) {
                next = actions.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.action().run();
            } catch (Exception e) {
                log.println("compare: cleanup: " + next.what() + " failed: " + e);
            }
        }
        synchronized (this) {
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
}
