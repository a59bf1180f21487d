package org.scstj.handlers.blockio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of native buffers aligned for {@code O_DIRECT} (4096 bytes: a multiple of every
 * logical block size the SPI allows), one device's. Buffers are made on demand, up to
 * {@code max}; when all are in use {@link #take} waits for one: it runs on the blocking-I/O
 * executor, so waiting there only queues I/O behind I/O. The arena is shared: a buffer taken on one
 * pool thread may be given back on another. {@link #close} frees them all; the device calls it
 * after its last I/O.
 */
final class AlignedBuffers implements AutoCloseable {
    static final int ALIGNMENT = 4096;

    private final Arena arena = Arena.ofShared();
    private final int bufferBytes;
    private final int max;
    private final AtomicInteger made = new AtomicInteger();
    private final ArrayBlockingQueue<MemorySegment> free;

    AlignedBuffers(int bufferBytes, int max) {
        if (bufferBytes % ALIGNMENT != 0) {
            throw new IllegalArgumentException("buffer size " + bufferBytes + " is not a multiple of " + ALIGNMENT);
        }
        this.bufferBytes = bufferBytes;
        this.max = max;
        this.free = new ArrayBlockingQueue<>(max);
    }

    int bufferBytes() {
        return bufferBytes;
    }

    /** A buffer of {@link #bufferBytes}, aligned to {@link #ALIGNMENT}; waits while {@code max} are in use. */
    MemorySegment take() throws InterruptedException {
        MemorySegment b = free.poll();
        if (b != null) {
            return b;
        }
        if (made.getAndIncrement() < max) {
            synchronized (arena) {
                return arena.allocate(bufferBytes, ALIGNMENT);
            }
        }
        made.decrementAndGet();
        return free.take();
    }

    /** As {@link #take}, but null instead of waiting (the io_uring submitter must not block on it). */
    MemorySegment poll() {
        MemorySegment b = free.poll();
        if (b != null) {
            return b;
        }
        if (made.getAndIncrement() < max) {
            synchronized (arena) {
                return arena.allocate(bufferBytes, ALIGNMENT);
            }
        }
        made.decrementAndGet();
        return free.poll();
    }

    /** Gives a buffer from {@link #take} or {@link #poll} back. */
    void give(MemorySegment b) {
        free.offer(b);
    }

    /** Buffers made so far (for tests). */
    int made() {
        return Math.min(made.get(), max);
    }

    @Override
    public void close() {
        arena.close();
    }
}
