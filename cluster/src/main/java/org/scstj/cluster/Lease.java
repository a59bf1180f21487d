package org.scstj.cluster;

import org.scstj.engine.spi.NodeFence;

import java.util.function.LongSupplier;

/**
 * The self-fence lease: this node serves while the monotonic clock is before the deadline a
 * majority's answers set. The deadline is the send time of the ping round that won the majority
 * plus the lease length, never the time the answers arrived, so the lease is never longer than its
 * evidence. The monotonic clock keeps running while the process is stopped (SIGSTOP): a node that
 * resumes finds its lease expired.
 *
 * <p>Threading: {@link #renew} from the guard actor only; {@link #serving} from any thread (one
 * volatile read and one clock read).
 */
public final class Lease implements NodeFence {
    private final LongSupplier nanoClock;
    private volatile long deadline;
    private volatile boolean held;

    public Lease(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Moves the deadline to {@code deadlineNanos} if that is later (an older round never shortens it). */
    void renew(long deadlineNanos) {
        if (!held || deadlineNanos - deadline > 0) {
            deadline = deadlineNanos;
            held = true;
        }
    }

    @Override
    public boolean serving() {
        return held && nanoClock.getAsLong() - deadline < 0;
    }

    /** Nanoseconds of lease left, 0 when expired or never held. */
    public long remainingNanos() {
        if (!held) {
            return 0;
        }
        return Math.max(0, deadline - nanoClock.getAsLong());
    }
}
