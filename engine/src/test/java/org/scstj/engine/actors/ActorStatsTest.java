package org.scstj.engine.actors;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counting mailbox and the observing interceptor, on a small actor of the test's own. */
class ActorStatsTest {
    private static final ActorTestKit kit = ActorTestKit.create("stats", ConfigFactory.parseString("""
            scstj.engine.actor-stats.sample-interval = 1
            inline-test {
              type = Dispatcher
              executor = "org.scstj.engine.dispatch.InlineExecutorConfigurator"
              inline-executor { max-batch = 256, overflow-parallelism = 1 }
              throughput = 64
            }
            """).withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    sealed interface Msg {
    }

    enum Tick implements Msg { INSTANCE }

    record Block(CountDownLatch entered, CountDownLatch release) implements Msg {
    }

    record Describe(ActorRef<ActorSummary> replyTo) implements Msg {
    }

    /** Counts ticks; a Block holds the actor's thread until released. */
    static Behavior<Msg> counter(int[] ticks) {
        return Behaviors.receive(Msg.class)
                .onMessage(Tick.class, t -> {
                    ticks[0]++;
                    return Behaviors.same();
                })
                .onMessage(Block.class, b -> {
                    b.entered().countDown();
                    b.release().await(10, TimeUnit.SECONDS);
                    return Behaviors.same();
                })
                .onMessage(Describe.class, d -> {
                    d.replyTo().tell(new ActorSummary("counting", Map.of("ticks", ticks[0])));
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Msg> observed(int[] ticks) {
        return Observed.actor("counter", counter(ticks), Describe::new);
    }

    private static final MailboxSelector COUNTING = MailboxSelector.fromConfig("scstj.mailboxes.engine");

    @Test
    void mailboxDepth_isTheMessagesSentAndNotYetTaken_andTheCountsMatchWhatWasSent() throws Exception {
        ActorRef<Msg> actor = kit.spawn(observed(new int[1]), "busy", COUNTING);
        ActorStats stats = ActorStats.of(kit.system());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        actor.tell(new Block(entered, release));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            actor.tell(Tick.INSTANCE);
        }
        ActorCounters.Snapshot stuck = snapshotOf(stats, "busy");
        assertEquals("counter", stuck.kind());
        assertEquals(100, stuck.mailboxDepth(), "100 ticks wait behind the blocked message");
        assertEquals(101, stuck.enqueued());
        assertTrue(stuck.waitingNanos() > 0, "a sampled message is waiting: " + stuck);
        Thread.sleep(20);
        release.countDown();
        awaitProcessed(stats, "busy", 101);
        ActorCounters.Snapshot after = snapshotOf(stats, "busy");
        assertEquals(0, after.mailboxDepth());
        assertEquals(101, after.enqueued());
        assertTrue(after.mailboxNanosMax() >= TimeUnit.MILLISECONDS.toNanos(20),
                "the ticks waited at least the 20 ms the actor was held: " + after);
        assertTrue(after.processingNanosMax() >= TimeUnit.MILLISECONDS.toNanos(20),
                "the blocked message took at least 20 ms to handle: " + after);
    }

    @Test
    void describe_asksTheActorItself_andAStoppedActorLeavesTheRegistry() throws Exception {
        int[] ticks = new int[1];
        ActorRef<Msg> actor = kit.spawn(observed(ticks), "asked", COUNTING);
        actor.tell(Tick.INSTANCE);
        actor.tell(Tick.INSTANCE);
        ActorStats stats = ActorStats.of(kit.system());
        awaitProcessed(stats, "asked", 2);
        ActorSummary s = stats.find("asked").describe(Duration.ofSeconds(5), kit.system().scheduler())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("counting", s.state());
        assertEquals(2, s.details().get("ticks"));
        kit.stop(actor);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.find("asked") != null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertNull(stats.find("asked"));
    }

    @Test
    void anActorOnAnotherMailbox_isListedUncounted_canDescribeItself_andIsDroppedOnceStopped() throws Exception {
        ActorRef<Msg> actor = kit.spawn(observed(new int[1]), "uncounted",
                MailboxSelector.fromConfig("scstj.mailboxes.plain"));
        actor.tell(Tick.INSTANCE);
        ActorStats stats = ActorStats.of(kit.system());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.find("uncounted") == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ActorSummary s = stats.find("uncounted").describe(Duration.ofSeconds(5), kit.system().scheduler())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(1, s.details().get("ticks"));
        ActorCounters.Snapshot snap = snapshotOf(stats, "uncounted");
        assertEquals(false, snap.counted());
        assertEquals(0, snap.processed(), "nothing counts its messages");
        kit.stop(actor);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.snapshot().stream().anyMatch(x -> x.id().equals("uncounted")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(stats.snapshot().stream().noneMatch(x -> x.id().equals("uncounted")), "dropped after its stop");
    }

    @Test
    void byKind_sumsTheActorsOfEachKind() throws Exception {
        TestProbe<Object> probe = kit.createTestProbe();
        ActorRef<Msg> a = kit.spawn(Observed.actor("pair", counter(new int[1]), Describe::new), "pair-a", COUNTING);
        ActorRef<Msg> b = kit.spawn(Observed.actor("pair", counter(new int[1]), Describe::new), "pair-b", COUNTING);
        for (int i = 0; i < 3; i++) {
            a.tell(Tick.INSTANCE);
            b.tell(Tick.INSTANCE);
        }
        b.tell(Tick.INSTANCE);
        ActorStats stats = ActorStats.of(kit.system());
        awaitProcessed(stats, "pair-a", 3);
        awaitProcessed(stats, "pair-b", 4);
        ActorStats.KindTotals pair = stats.byKind().get("pair");
        assertNotNull(pair);
        assertEquals(2, pair.actors());
        assertEquals(7, pair.processed());
        assertEquals(0, pair.mailboxDepth());
        probe.expectNoMessage(Duration.ZERO);
    }

    /**
     * Counting allocates nothing per message: the same messages through an observed actor on the
     * counting mailbox and through a bare actor on the plain mailbox allocate the same bytes on the
     * sending thread (the inline dispatcher runs both actors there), within a byte per message; with
     * every message timed (this kit's sample-interval 1) and with the default interval of 16.
     */
    @Test
    void counting_allocatesNothingPerMessage() throws Exception {
        perMessage(kit, "sample-interval 1");
        ActorTestKit kit16 = ActorTestKit.create("stats16", ConfigFactory.parseString(
                "scstj.engine.actor-stats.sample-interval = 16").withFallback(kit.system().settings().config()));
        try {
            perMessage(kit16, "sample-interval 16");
        } finally {
            kit16.shutdownTestKit();
        }
    }

    private static void perMessage(ActorTestKit kit, String what) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DispatcherSelector inline = DispatcherSelector.fromConfig("inline-test");
        ActorRef<Msg> bare = kit.spawn(counter(new int[1]), "bare",
                inline.withMailboxFromConfig("scstj.mailboxes.plain"));
        ActorRef<Msg> counted = kit.spawn(observed(new int[1]), "counted",
                inline.withMailboxFromConfig("scstj.mailboxes.engine"));
        long tid = Thread.currentThread().threadId();
        int n = 200_000;
        double bareBytes = 0;
        double countedBytes = 0;
        long bareCpu = Long.MAX_VALUE;
        long countedCpu = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // the first rounds warm the JIT up; the last one counts
            long c0 = mx.getCurrentThreadCpuTime();
            long b0 = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < n; i++) {
                bare.tell(Tick.INSTANCE);
            }
            long b1 = mx.getThreadAllocatedBytes(tid);
            long c1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                counted.tell(Tick.INSTANCE);
            }
            long b2 = mx.getThreadAllocatedBytes(tid);
            long c2 = mx.getCurrentThreadCpuTime();
            bareBytes = (b1 - b0) / (double) n;
            countedBytes = (b2 - b1) / (double) n;
            bareCpu = Math.min(bareCpu, c1 - c0);
            countedCpu = Math.min(countedCpu, c2 - c1);
        }
        // the CPU time is for the record only (the machine is shared; the best of five rounds)
        System.out.printf("%s, per message: bare %.2f B, %.0f ns CPU; observed and counted %.2f B, %.0f ns CPU%n",
                what, bareBytes, bareCpu / (double) n, countedBytes, countedCpu / (double) n);
        ActorCounters.Snapshot s = snapshotOf(ActorStats.of(kit.system()), "counted");
        assertEquals(5L * n, s.processed(), "every message ran on this thread, counted");
        assertTrue(s.counted());
        assertEquals(5L * n, s.enqueued(), "the counting mailbox was the actor's");
        System.out.printf("%s: handling a tick: %d ns on average (sampled), in the mailbox %d ns%n", what,
                s.processingNanosAvg(), s.mailboxNanosAvg());
        assertTrue(s.processingNanosAvg() < TimeUnit.MILLISECONDS.toNanos(1),
                "a tick's handling is measured from its take to the next question to the queue: " + s);
        assertTrue(countedBytes - bareBytes < 1.0,
                what + ": counting adds no allocation per message: bare " + bareBytes + " B, counted " + countedBytes + " B");
    }

    private static ActorCounters.Snapshot snapshotOf(ActorStats stats, String id) {
        return stats.snapshot().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no actor " + id + " in " + stats.snapshot()));
    }

    private static void awaitProcessed(ActorStats stats, String id, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (snapshotOf(stats, id).processed() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, snapshotOf(stats, id).processed());
    }
}
