package org.scstj.bench.micro;

import org.scstj.transports.loopback.CommandCallback;
import org.scstj.transports.loopback.LoopbackResult;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark initiator's side of the loopback round trip: one callback object for every command
 * (no future, no lambda per command) that counts the commands in flight and wakes the benchmark
 * thread when one completes. {@link #acquire(int)} keeps at most {@code depth} commands in flight,
 * like an initiator's queue depth; depth 1 is a synchronous round trip.
 *
 * <p>Waiting: a short spin (the completion may be microseconds away) then a park; a completion
 * unparks only a thread that announced it is about to park, so an initiator with work to do is
 * not woken for nothing. The park/unpark pair is the hand-off any transport pays to get a
 * completion from the engine's thread back to its own (iSCSI: the event loop).
 */
final class Outstanding implements CommandCallback {
    private static final int SPINS = 200;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private volatile Thread waiter;
    private volatile String firstFailure;

    /** Waits until fewer than {@code depth} commands are in flight, then counts one more. */
    void acquire(int depth) {
        awaitBelow(depth);
        inFlight.incrementAndGet();
    }

    /** Waits until fewer than {@code limit} commands are in flight (0 < limit). */
    void awaitBelow(int limit) {
        if (inFlight.get() < limit) {
            return;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (inFlight.get() < limit) {
                return;
            }
        }
        Thread me = Thread.currentThread();
        waiter = me;
        try {
            while (inFlight.get() >= limit) {
                LockSupport.park(this);
            }
        } finally {
            waiter = null;
        }
    }

    /** Waits until no command is in flight. */
    void drain() {
        awaitBelow(1);
    }

    /** Commands that did not end GOOD so far (a benchmark of failures measures nothing). */
    long failures() {
        return failures.get();
    }

    /** Throws if any command failed. */
    void check() {
        long n = failures.get();
        if (n != 0) {
            throw new IllegalStateException(n + " commands failed, the first: " + firstFailure);
        }
    }

    @Override
    public void completed(LoopbackResult result) {
        if (!result.good()) {
            fail(result.toString());
        }
        result.close();
        done();
    }

    @Override
    public void aborted(long tag) {
        fail("task 0x" + Long.toHexString(tag) + " aborted");
        done();
    }

    private void fail(String what) {
        if (failures.getAndIncrement() == 0) {
            firstFailure = what;
        }
    }

    private void done() {
        inFlight.decrementAndGet();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
