package org.scstj.handlers.user;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DescriptorLoop;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transport's event loop takes a user device's completions ({@link DescriptorLoop}): once a
 * submission came from the loop, the handler's doorbell wakes the loop and the completions run on
 * its thread; the watch goes as the attachment ends; a loop that ends hands the completions back
 * to the ring thread.
 */
class DescriptorLoopTest {
    @TempDir
    Path dir;

    /** A loop like the iSCSI driver's: one thread, its tasks, and poll(2) over the watched descriptors. */
    private static final class PollLoop implements DescriptorLoop, AutoCloseable {
        final Map<Integer, Runnable> watched = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean stopped;
        final Thread thread = Thread.ofPlatform().daemon().name("test-loop").start(this::run);

        private void run() {
            DescriptorLoop.bind(this);
            while (!stopped) {
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                List<Integer> fds = new ArrayList<>(watched.keySet());
                try {
                    if (fds.isEmpty()) {
                        Thread.sleep(1);
                        continue;
                    }
                    short[] ev = Kernel.poll(fds.stream().mapToInt(Integer::intValue).toArray(), 1);
                    for (int i = 0; i < ev.length; i++) {
                        Runnable r = watched.get(fds.get(i));
                        if (ev[i] != 0 && r != null) {
                            r.run();
                        }
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }

        @Override
        public CompletionStage<Watch> watch(int descriptor, Runnable onReadable) {
            CompletableFuture<Watch> out = new CompletableFuture<>();
            execute(() -> {
                watched.put(descriptor, onReadable);
                out.complete(() -> {
                    CompletableFuture<Void> gone = new CompletableFuture<>();
                    execute(() -> {
                        watched.remove(descriptor);
                        gone.complete(null);
                    });
                    return gone;
                });
            });
            return out;
        }

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("loop stopped");
            }
            tasks.add(task);
        }

        <T> T call(java.util.concurrent.Callable<T> c) throws Exception {
            CompletableFuture<T> f = new CompletableFuture<>();
            execute(() -> {
                try {
                    f.complete(c.call());
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
            return f.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join(5000);
        }
    }

    /** A read's completion, with the thread it ran on. */
    private static final class Read implements BlockDevice.Completion {
        final CompletableFuture<Thread> on = new CompletableFuture<>();

        @Override
        public void completed() {
            on.complete(Thread.currentThread());
        }

        @Override
        public void failed(BlockDevice.IoFailure failure, Throwable cause) {
            on.completeExceptionally(cause);
        }
    }

    private static List<Read> submit(BlockDevice d, int n) {
        List<Read> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Read r = new Read();
            d.read((long) (i % 64) * 4096, ByteBuffer.allocateDirect(4096), r);
            reads.add(r);
        }
        return reads;
    }

    private BlockDevice open() throws Exception {
        return new UserHandler().open("u0", ConfigFactory.parseMap(Map.of("socket", dir.resolve("u0.sock").toString(),
                "size", "1M", "queue-depth", 8)), new DeviceHandlerFactory.Context(Runnable::run, dir));
    }

    /** Waits for the handler's READY, then submits one read from {@code loop}, which puts the doorbell into its set. */
    private static void firstFromTheLoop(BlockDevice d, PollLoop loop) throws Exception {
        for (int i = 0; i < 500 && !((UserDevice) d).ready(); i++) {
            Thread.sleep(10);
        }
        loop.call(() -> submit(d, 1)).getFirst().on.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 500 && loop.watched.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(1, loop.watched.size(), "the completion doorbell is watched by the loop");
    }

    @Test
    void completions_runOnTheSubmittingLoop_andGoBackToTheRingThreadWhenTheLoopEnds() throws Exception {
        BlockDevice d = open();
        PollLoop loop = new PollLoop();
        try (JavaHandler h = JavaHandler.attach(dir.resolve("u0.sock"), 512, 2048, Message.F_OUT_OF_ORDER)) {
            firstFromTheLoop(d, loop);
            // more than the queue depth at once: most wait in the core, and every one completes on the loop
            List<Read> reads = loop.call(() -> submit(d, 200));
            for (Read r : reads) {
                assertEquals(loop.thread, r.on.get(10, TimeUnit.SECONDS), "completed on the loop's thread");
            }
            // the loop ends: the ring thread notices (within its 100 ms poll) and takes the completions again
            loop.close();
            for (Read r : submit(d, 20)) {
                Thread on = r.on.get(10, TimeUnit.SECONDS);
                assertNotEquals(loop.thread, on);
                assertTrue(on.getName().startsWith("user-u0-ring-") || on == Thread.currentThread(), on.getName());
            }
        } finally {
            loop.close();
            d.close();
        }
    }

    @Test
    void theWatch_followsTheLoopThatSubmits_whenOnlyAnotherLoopSubmitsForAWhile() throws Exception {
        BlockDevice d = open();
        try (PollLoop first = new PollLoop(); PollLoop second = new PollLoop();
             JavaHandler h = JavaHandler.attach(dir.resolve("u0.sock"), 512, 2048, Message.F_OUT_OF_ORDER)) {
            firstFromTheLoop(d, first);
            // a new connection on the other loop: its submissions alone, more than the move's threshold
            for (int round = 0; round < 20 && second.watched.isEmpty(); round++) {
                for (Read r : second.call(() -> submit(d, 32))) {
                    r.on.get(10, TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < 500 && !first.watched.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertEquals(1, second.watched.size(), "the doorbell moved to the submitting loop");
            assertTrue(first.watched.isEmpty(), "and left the first loop's set");
            for (Read r : second.call(() -> submit(d, 64))) {
                assertEquals(second.thread, r.on.get(10, TimeUnit.SECONDS), "completed on the submitting loop");
            }
        } finally {
            d.close();
        }
    }

    @Test
    void theWatch_isCancelledAsTheAttachmentEnds() throws Exception {
        BlockDevice d = open();
        try (PollLoop loop = new PollLoop()) {
            try (JavaHandler h = JavaHandler.attach(dir.resolve("u0.sock"), 512, 2048, Message.F_OUT_OF_ORDER)) {
                firstFromTheLoop(d, loop);
            } // the handler goes: the epoch ends
            for (int i = 0; i < 500 && !loop.watched.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertTrue(loop.watched.isEmpty(), "the doorbell left the loop's set before it closed");
        } finally {
            d.close();
        }
    }
}
