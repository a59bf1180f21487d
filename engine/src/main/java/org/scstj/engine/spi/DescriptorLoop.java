package org.scstj.engine.spi;

import java.util.concurrent.CompletionStage;

/**
 * A transport's event-loop thread that can also watch a device's file descriptor, so that a device
 * whose completions arrive through a descriptor (a user-space handler's completion doorbell,
 * docs/user-handlers.md "Doorbells and spinning") takes them on the thread that sends their
 * responses: no thread of the device's own wakes, and no hand-off to the loop follows.
 *
 * <p>A transport binds each of its loop threads once ({@link #bind}); a device asks {@link
 * #current} on the thread that submits to it and, where there is a loop, {@link #watch}es its
 * descriptor there. Where there is none (another transport, a blocking pool, a Netty loop on NIO)
 * the device keeps its own thread.
 */
public interface DescriptorLoop {
    /** The loop the calling thread runs, or null. */
    static DescriptorLoop current() {
        return Bound.CURRENT.get();
    }

    /** Marks the calling thread as {@code loop}'s (the transport, on each loop thread, once). */
    static void bind(DescriptorLoop loop) {
        Bound.CURRENT.set(loop);
    }

    /**
     * Watches {@code descriptor} for input, level-triggered: {@code onReadable} runs on this loop's
     * thread while there is some, until the watch is cancelled; it must consume what woke it (read
     * an eventfd) and must not block. The caller keeps the descriptor and closes it only after the
     * cancel completed. Any thread.
     */
    CompletionStage<Watch> watch(int descriptor, Runnable onReadable);

    /** Runs {@code task} on this loop's thread, after what it is running now. Any thread. */
    void execute(Runnable task);

    /** A watched descriptor. */
    interface Watch {
        /** Stops the watch; completes once the loop no longer watches the descriptor. Any thread. */
        CompletionStage<Void> cancel();
    }

    /** The binding per thread. */
    final class Bound {
        private static final ThreadLocal<DescriptorLoop> CURRENT = new ThreadLocal<>();

        private Bound() {
        }
    }
}
