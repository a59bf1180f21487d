package org.scstj.transports.iscsi.conn;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * NOP-In pings on a full feature connection (RFC 7143 11.19; docs/faults.md "vanished
 * initiator"): every {@code interval} the target sends a NOP-In with ITT 0xffffffff and a fresh
 * Target Transfer Tag, which asks for a NOP-Out answer carrying that TTT (11.18.3, 11.19.3). If no
 * answer came within {@code timeout} the connection is closed and its session ends as on any
 * connection loss (tasks aborted, 7.11). At most one ping is outstanding. Event-loop confined.
 */
final class Pinger {
    /** What the pinger needs from its connection. */
    interface Link {
        /**
         * Sends and flushes a NOP-In with {@code ttt} (StatSN not advanced, 11.19.1); false when
         * the connection is no longer in the full feature phase (nothing sent, nothing awaited).
         */
        boolean ping(int ttt);

        int nextTargetTransferTag();

        /** The initiator did not answer: close the connection. */
        void unanswered();
    }

    private final Link link;
    private final EventExecutor executor;
    private final long intervalNanos;
    private final long timeoutNanos;
    private ScheduledFuture<?> next;
    private ScheduledFuture<?> deadline;
    private int outstandingTtt;
    private boolean outstanding;
    private boolean stopped;

    Pinger(Link link, EventExecutor executor, Duration interval, Duration timeout) {
        this.link = link;
        this.executor = executor;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    void start() {
        schedule();
    }

    private void schedule() {
        if (!stopped) {
            next = executor.schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        if (!outstanding) {
            int ttt = link.nextTargetTransferTag();
            if (!link.ping(ttt)) {
                schedule();
                return;
            }
            outstandingTtt = ttt;
            outstanding = true;
            deadline = executor.schedule(() -> {
                if (outstanding && !stopped) {
                    stop();
                    link.unanswered();
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        schedule();
    }

    /** A NOP-Out with a TTT arrived; true when it answers the outstanding ping. */
    boolean answered(int ttt) {
        if (!outstanding || ttt != outstandingTtt) {
            return false;
        }
        outstanding = false;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        return true;
    }

    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
