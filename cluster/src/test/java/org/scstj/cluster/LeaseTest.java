package org.scstj.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Lease lease = new Lease(now::get);

    @Test
    void lease_neverHeld_doesNotServe() {
        assertFalse(lease.serving());
        assertEquals(0, lease.remainingNanos());
    }

    @Test
    void lease_servesUntilTheDeadlineExclusive() {
        lease.renew(now.get() + 100);
        assertTrue(lease.serving());
        assertEquals(100, lease.remainingNanos());
        now.addAndGet(99);
        assertTrue(lease.serving());
        now.addAndGet(1);
        assertFalse(lease.serving());
        assertEquals(0, lease.remainingNanos());
    }

    @Test
    void renew_anEarlierDeadline_doesNotShortenTheLease() {
        lease.renew(now.get() + 500);
        lease.renew(now.get() + 200);
        now.addAndGet(300);
        assertTrue(lease.serving());
    }

    @Test
    void lease_acrossTheNanoTimeWrap_stillCompares() {
        now.set(Long.MAX_VALUE - 10);
        lease.renew(Long.MAX_VALUE - 10 + 100); // wraps negative
        assertTrue(lease.serving());
        now.addAndGet(200);
        assertFalse(lease.serving());
    }
}
