package org.scstj.engine.dispatch;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InlineExecutorTest {
    private static final ActorTestKit kit = ActorTestKit.create("inline", ConfigFactory.parseString("""
            inline-test {
              type = Dispatcher
              executor = "org.scstj.engine.dispatch.InlineExecutorConfigurator"
              inline-executor { max-batch = 256, overflow-parallelism = 1 }
              throughput = 64
              mailbox-type = "org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox"
            }
            """).withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void runsOnTheSubmittingThread_andTrampolinesNestedSubmissions() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        InlineExecutor ex = new InlineExecutor(100, pool);
        List<String> order = new ArrayList<>();
        Thread caller = Thread.currentThread();
        ex.execute(() -> {
            order.add("outer start");
            ex.execute(() -> {
                order.add("nested");
                assertSame(caller, Thread.currentThread());
            });
            order.add("outer end"); // the nested task waits for the running one: no recursion
        });
        assertEquals(List.of("outer start", "outer end", "nested"), order);
        ex.shutdown();
    }

    @Test
    void counts_batchesTasksAndHandoffs_andKeepThoseOfThreadsThatEnded() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        InlineExecutor ex = new InlineExecutor(3, pool);
        CountDownLatch handedOff = new CountDownLatch(7);
        ex.execute(() -> {
            for (int i = 0; i < 9; i++) {
                ex.execute(handedOff::countDown); // 2 run inline (max-batch 3 with the outer one), 7 handed off
            }
        });
        assertEquals(new InlineExecutor.Counts(1, 3, 7), ex.counts());
        Thread other = new Thread(() -> {
            ex.execute(() -> { });
            ex.execute(() -> { });
        });
        other.start();
        other.join();
        assertEquals(new InlineExecutor.Counts(3, 5, 7), ex.counts(), "a thread that ended still counts");
        assertTrue(handedOff.await(5, TimeUnit.SECONDS));
        assertEquals(new InlineExecutor.Counts(3, 5, 7), ex.counts(), "the pool's runs are not inline ones");
        ex.shutdown();
    }

    @Test
    void pastMaxBatch_theRestRunsOnTheOverflowPool() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        InlineExecutor ex = new InlineExecutor(3, pool);
        Thread caller = Thread.currentThread();
        AtomicInteger inline = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(10);
        List<Thread> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        ex.execute(() -> {
            for (int i = 0; i < 9; i++) {
                ex.execute(() -> {
                    threads.add(Thread.currentThread());
                    all.countDown();
                });
            }
            inline.incrementAndGet();
            all.countDown();
        });
        assertTrue(all.await(5, TimeUnit.SECONDS));
        assertEquals(2, threads.stream().filter(t -> t == caller).count(), "the first task and two queued ones ran inline");
        assertTrue(threads.stream().filter(t -> t != caller).allMatch(t -> t != caller));
        assertEquals(7, threads.stream().filter(t -> t != caller).count());
        ex.shutdown();
    }

    @Test
    void aThrowingTask_doesNotStrandTheTasksQueuedBehindIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        InlineExecutor ex = new InlineExecutor(100, pool);
        CompletableFuture<Thread> queued = new CompletableFuture<>();
        assertThrows(IllegalStateException.class, () -> ex.execute(() -> {
            ex.execute(() -> queued.complete(Thread.currentThread()));
            throw new IllegalStateException("boom");
        }));
        assertNotSame(Thread.currentThread(), queued.get(5, TimeUnit.SECONDS));
        // the thread's trampoline is clean: the next task runs inline again
        AtomicInteger ran = new AtomicInteger();
        ex.execute(ran::incrementAndGet);
        assertEquals(1, ran.get());
        ex.shutdown();
        assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
    }

    /** A ping-pong between two actors on the inline dispatcher stays on the thread that started it. */
    @Test
    void actorsOnTheDispatcher_runTheirMessagesOnTheSendersThread() throws Exception {
        record Hop(int left, ActorRef<Hop> other, CompletableFuture<List<String>> done, List<String> threads) {
        }
        Behavior<Hop> bouncer = Behaviors.receiveMessage(h -> {
            h.threads().add(Thread.currentThread().getName());
            if (h.left() == 0) {
                h.done().complete(h.threads());
            } else {
                h.other().tell(new Hop(h.left() - 1, null, h.done(), h.threads()));
            }
            return Behaviors.same();
        });
        ActorRef<Hop> b = kit.spawn(bouncer, "b", DispatcherSelector.fromConfig("inline-test"));
        ActorRef<Hop> a = kit.spawn(Behaviors.receiveMessage(h -> {
            h.threads().add(Thread.currentThread().getName());
            b.tell(new Hop(h.left() - 1, null, h.done(), h.threads()));
            return Behaviors.same();
        }), "a", DispatcherSelector.fromConfig("inline-test"));
        // The actors start on whichever thread the test kit's spawn runs them; until their first
        // mailbox run has ended, a message may be picked up by that thread instead. On a pool the
        // test thread never runs actor code at all, so one round trip seen entirely on the test
        // thread proves the point; rounds are waited for, and bounded.
        String me = Thread.currentThread().getName();
        List<String> last = List.of();
        for (int round = 0; round < 50; round++) {
            CompletableFuture<List<String>> done = new CompletableFuture<>();
            a.tell(new Hop(1, null, done, java.util.Collections.synchronizedList(new ArrayList<>())));
            last = List.copyOf(done.get(5, TimeUnit.SECONDS));
            if (last.equals(List.of(me, me))) {
                return;
            }
        }
        throw new AssertionError("no round trip ran on the sending thread; the last ran on " + last);
    }
}
