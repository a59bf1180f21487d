package org.scstj.transports.iscsi.conn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's normal sessions by (InitiatorName, ISID, TargetName) (RFC 7143 4.4.3): a leading
 * login with TSIH 0 for an existing key reinstates, closing the old session first (6.3.5). Also
 * hands out TSIHs (never 0).
 */
public final class SessionRegistry {
    private final ConcurrentMap<String, IscsiConnection> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger tsih = new AtomicInteger();

    static String key(String initiatorName, long isid, String targetName) {
        return initiatorName + ",i,0x" + String.format("%012x", isid) + "|" + targetName;
    }

    /** Closes the session registered under {@code key}, if any; completes once its SessionHandle closed. */
    CompletionStage<Void> displace(String key) {
        IscsiConnection old = sessions.remove(key);
        return old == null ? CompletableFuture.completedFuture(null) : old.shutdown();
    }

    void register(String key, IscsiConnection conn) {
        IscsiConnection previous = sessions.put(key, conn);
        if (previous != null && previous != conn) {
            previous.shutdown();
        }
    }

    void remove(String key, IscsiConnection conn) {
        sessions.remove(key, conn);
    }

    int nextTsih() {
        int t;
        do {
            t = tsih.incrementAndGet() & 0xffff;
        } while (t == 0);
        return t;
    }
}
