package org.scstj.engine.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One actor's counters: written on the fast path without a lock or an allocation, read at any
 * time from any thread (a read sees each counter's latest value, not one consistent instant).
 *
 * <ul>
 *   <li>Mailbox ({@link CountingMailbox}): {@code enqueued} by any sender (one atomic add),
 *       {@code dequeued} (the messages processed) by the one thread running the mailbox (a release
 *       store); the depth is their difference.</li>
 *   <li>Time in mailbox, sampled: every {@code sampleInterval}-th message sent stamps its enqueue
 *       time in the one sample slot (when free); the dequeue that reaches its sequence number
 *       records how long it waited. Under concurrent senders the sequence is approximate (two
 *       senders may swap places between the count and the queue), never off by more than the
 *       senders racing.</li>
 *   <li>Handling, sampled: every {@code sampleInterval}-th message taken is timed from its take to
 *       the mailbox run's next question to the queue (the next take, or "any left?" at the run's
 *       end), which is the actor's handling of it.</li>
 * </ul>
 */
public final class ActorCounters {
    private static final VarHandle ENQUEUED;
    private static final VarHandle DEQUEUED;
    private static final VarHandle SAMPLE_SEQ;
    private static final VarHandle SAMPLE_NANOS;
    private static final VarHandle WAIT_SAMPLES;
    private static final VarHandle WAIT_NANOS;
    private static final VarHandle WAIT_MAX;
    private static final VarHandle TIMED;
    private static final VarHandle BUSY_NANOS;
    private static final VarHandle BUSY_MAX;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENQUEUED = l.findVarHandle(ActorCounters.class, "enqueued", long.class);
            DEQUEUED = l.findVarHandle(ActorCounters.class, "dequeued", long.class);
            SAMPLE_SEQ = l.findVarHandle(ActorCounters.class, "sampleSeq", long.class);
            SAMPLE_NANOS = l.findVarHandle(ActorCounters.class, "sampleNanos", long.class);
            WAIT_SAMPLES = l.findVarHandle(ActorCounters.class, "waitSamples", long.class);
            WAIT_NANOS = l.findVarHandle(ActorCounters.class, "waitNanos", long.class);
            WAIT_MAX = l.findVarHandle(ActorCounters.class, "waitMaxNanos", long.class);
            TIMED = l.findVarHandle(ActorCounters.class, "timed", long.class);
            BUSY_NANOS = l.findVarHandle(ActorCounters.class, "busyNanos", long.class);
            BUSY_MAX = l.findVarHandle(ActorCounters.class, "busyMaxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final long sampleMask;
    private volatile String kind;
    private volatile boolean counted;
    private volatile Describer<?> describer;

    // written by senders
    @SuppressWarnings("unused") private long enqueued;
    @SuppressWarnings("unused") private long sampleSeq;
    @SuppressWarnings("unused") private long sampleNanos;
    // written by the thread running the mailbox, one at a time
    @SuppressWarnings("unused") private long dequeued;
    @SuppressWarnings("unused") private long waitSamples;
    @SuppressWarnings("unused") private long waitNanos;
    @SuppressWarnings("unused") private long waitMaxNanos;
    /** When the sampled message being handled was taken (0: none), and by which thread. */
    private long handlingStart;
    private Thread handlingThread;
    @SuppressWarnings("unused") private long timed;
    @SuppressWarnings("unused") private long busyNanos;
    @SuppressWarnings("unused") private long busyMaxNanos;

    ActorCounters(String id, String kind, int sampleInterval) {
        this.id = id;
        this.kind = kind;
        this.sampleMask = Integer.highestOneBit(Math.max(1, sampleInterval) * 2 - 1) - 1L;
    }

    /** The actor's path below {@code /system} (or {@code /user}), its names decoded: the admin API's id. */
    public String id() {
        return id;
    }

    /** target, session, lun, tmf; "actor" until the actor's behaviour said. */
    public String kind() {
        return kind;
    }

    void kind(String kind) {
        this.kind = kind;
    }

    /** True when the counting mailbox feeds the mailbox counters (else they stay 0). */
    public boolean counted() {
        return counted;
    }

    void counted(boolean counted) {
        this.counted = counted;
    }

    // --- the fast path ----------------------------------------------------------------------

    /** A sender enqueues one message (before it is in the queue). */
    void enqueued() {
        long seq = (long) ENQUEUED.getAndAdd(this, 1L) + 1;
        if ((seq & sampleMask) == 0 && (long) SAMPLE_SEQ.getOpaque(this) == 0) {
            SAMPLE_NANOS.setOpaque(this, System.nanoTime());
            SAMPLE_SEQ.setRelease(this, seq);
        }
    }

    /**
     * The thread running the mailbox asks for the next message ({@code got}: it got one). Pekko's
     * mailbox run takes a message, has the actor handle it, then asks again (or, at the end of the
     * run, whether messages remain: {@link #idle}), so the time between a sampled take and the
     * next question is that message's handling.
     */
    void dequeued(boolean got) {
        long now = closeHandling();
        if (!got) {
            return;
        }
        long d = (long) DEQUEUED.getOpaque(this) + 1;
        DEQUEUED.setRelease(this, d);
        long s = (long) SAMPLE_SEQ.getAcquire(this);
        if (s != 0 && d >= s) {
            now = now != 0 ? now : System.nanoTime();
            long waited = now - (long) SAMPLE_NANOS.getOpaque(this);
            SAMPLE_SEQ.setRelease(this, 0L);
            WAIT_SAMPLES.setRelease(this, (long) WAIT_SAMPLES.getOpaque(this) + 1);
            WAIT_NANOS.setRelease(this, (long) WAIT_NANOS.getOpaque(this) + waited);
            if (waited > (long) WAIT_MAX.getOpaque(this)) {
                WAIT_MAX.setRelease(this, waited);
            }
        }
        if ((d & sampleMask) == 0) {
            handlingStart = now != 0 ? now : System.nanoTime();
            handlingThread = Thread.currentThread();
        }
    }

    /** The mailbox is asked whether it holds messages (the end of a run): a sampled handling ends. */
    void idle() {
        closeHandling();
    }

    /** Ends the handling sample this thread opened, if any; returns the time it read, or 0. */
    private long closeHandling() {
        if (handlingStart == 0 || handlingThread != Thread.currentThread()) {
            return 0;
        }
        long now = System.nanoTime();
        long took = now - handlingStart;
        handlingStart = 0;
        handlingThread = null;
        TIMED.setRelease(this, (long) TIMED.getOpaque(this) + 1);
        BUSY_NANOS.setRelease(this, (long) BUSY_NANOS.getOpaque(this) + took);
        if (took > (long) BUSY_MAX.getOpaque(this)) {
            BUSY_MAX.setRelease(this, took);
        }
        return now;
    }

    // --- reading ------------------------------------------------------------------------------

    /** The counters now. */
    public Snapshot snapshot() {
        long enq = (long) ENQUEUED.getAcquire(this);
        long deq = (long) DEQUEUED.getAcquire(this);
        long samples = (long) WAIT_SAMPLES.getAcquire(this);
        long timedCount = (long) TIMED.getAcquire(this);
        long seq = (long) SAMPLE_SEQ.getAcquire(this);
        long oldestSampled = seq == 0 ? 0 : Math.max(0, System.nanoTime() - (long) SAMPLE_NANOS.getAcquire(this));
        return new Snapshot(id, kind, counted, Math.max(0, enq - deq), enq, deq,
                timedCount == 0 ? 0 : (long) BUSY_NANOS.getAcquire(this) / timedCount,
                (long) BUSY_MAX.getAcquire(this),
                samples == 0 ? 0 : (long) WAIT_NANOS.getAcquire(this) / samples,
                (long) WAIT_MAX.getAcquire(this), oldestSampled);
    }

    /**
     * One actor's counters at one moment.
     *
     * @param mailboxDepth        messages sent and not yet taken (0 without the counting mailbox)
     * @param enqueued            messages ever sent to it
     * @param processed           messages taken from the mailbox and handled
     * @param processingNanosAvg  mean handling time of the timed messages
     * @param processingNanosMax  longest timed handling
     * @param mailboxNanosAvg     mean time a sampled message waited in the mailbox
     * @param mailboxNanosMax     longest sampled wait
     * @param waitingNanos        how long the sampled message still in the mailbox has waited so far (0: none);
     *                            an actor that stopped taking messages shows it growing
     */
    public record Snapshot(String id, String kind, boolean counted, long mailboxDepth, long enqueued, long processed,
                           long processingNanosAvg, long processingNanosMax, long mailboxNanosAvg,
                           long mailboxNanosMax, long waitingNanos) {
    }

    // --- asking for the actor's own summary -------------------------------------------------

    <T> void describer(ActorRef<T> self, Function<ActorRef<ActorSummary>, T> message) {
        this.describer = new Describer<>(self, message);
    }

    /** Asks the actor for its {@link ActorSummary}; fails when it has no Describe message or does not answer in time. */
    public CompletionStage<ActorSummary> describe(Duration timeout, Scheduler scheduler) {
        Describer<?> d = describer;
        if (d == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(id + " has not started yet, or cannot describe itself"));
        }
        return d.ask(timeout, scheduler);
    }

    /** The actor has stopped (known only once it could be asked: its behaviour started). */
    boolean stopped() {
        Describer<?> d = describer;
        return d != null && org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(d.self())
                instanceof org.apache.pekko.actor.InternalActorRef r && r.isTerminated();
    }

    private record Describer<T>(ActorRef<T> self, Function<ActorRef<ActorSummary>, T> message) {
        CompletionStage<ActorSummary> ask(Duration timeout, Scheduler scheduler) {
            return AskPattern.ask(self, message::apply, timeout, scheduler);
        }
    }
}
