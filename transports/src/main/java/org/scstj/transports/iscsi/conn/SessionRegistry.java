package org.scstj.transports.iscsi.conn;

import org.scstj.engine.spi.Names;
import org.scstj.engine.spi.SessionInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's normal sessions by (InitiatorName, ISID, TargetName) (RFC 7143 4.4.3) and by TSIH:
 * a leading login with TSIH 0 for an existing key reinstates, closing the old session first
 * (6.3.5); a login with a TSIH adds a connection to that session (6.3.3, 4.3). Also hands out
 * TSIHs (never 0, never one in use). Thread-safe: logins of any event loop look sessions up.
 */
public final class SessionRegistry {
    private final ConcurrentMap<String, IscsiSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, IscsiSession> byTsih = new ConcurrentHashMap<>();
    private final AtomicInteger tsih = new AtomicInteger();
    private final IscsiStats stats;

    public SessionRegistry() {
        this(new IscsiStats());
    }

    /** A registry whose connections count into {@code stats} (the driver's, kept across restarts). */
    public SessionRegistry(IscsiStats stats) {
        this.stats = stats;
    }

    public IscsiStats stats() {
        return stats;
    }

    /** Sessions registered now (normal sessions: a discovery session never is). */
    public int size() {
        return sessions.size();
    }

    static String key(String initiatorName, long isid, String targetName) {
        return initiatorName + ",i,0x" + String.format("%012x", isid) + "|" + targetName;
    }

    /** Closes the session registered under {@code key}, if any; completes once its SessionHandle closed. */
    CompletionStage<Void> displace(String key) {
        IscsiSession old = sessions.remove(key);
        return old == null ? CompletableFuture.completedFuture(null) : old.shutdown();
    }

    void register(IscsiSession session) {
        byTsih.put(session.tsih(), session);
        IscsiSession previous = sessions.put(session.key(), session);
        if (previous != null && previous != session) {
            previous.shutdown();
        }
    }

    void remove(IscsiSession session) {
        sessions.remove(session.key(), session);
        byTsih.remove(session.tsih(), session);
    }

    /**
     * Ends every registered session (driver stop): those with connections close with them, and an
     * ERL 2 session waiting Time2Retain with none left (RFC 7143 7.2) is closed here through the
     * engine. Completes when every SessionHandle is closed.
     */
    public CompletableFuture<Void> shutdownAll() {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (IscsiSession s : List.copyOf(sessions.values())) {
            waits.add(s.shutdown());
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    // ---- the management plane's calls (any thread; each session's own work runs on its loop) ----

    /** A snapshot of every registered session, each made on its session's loop; sessions gone meanwhile are left out. */
    public CompletableFuture<List<SessionInfo>> snapshots() {
        List<CompletableFuture<SessionInfo>> each = new ArrayList<>();
        for (IscsiSession s : List.copyOf(byTsih.values())) {
            each.add(s.snapshot());
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }

    /**
     * Ends the session {@code id} as on reinstatement (RFC 7143 6.3.5): closed through the engine,
     * which aborts its tasks, then every connection; nothing is retained. False when there is none.
     */
    public boolean close(String id) {
        IscsiSession s = byId(id);
        if (s == null) {
            return false;
        }
        s.shutdown();
        return true;
    }

    /** Asks the session {@code id} to log out within {@code grace} (RFC 7143 11.9.1), then closes it; false when there is none. */
    public boolean requestLogout(String id, Duration grace) {
        IscsiSession s = byId(id);
        if (s == null) {
            return false;
        }
        s.requestLogout(grace);
        return true;
    }

    /** Ends every session of {@code targetName}; completes when their SessionHandles are closed. */
    public CompletableFuture<Void> closeTarget(String targetName) {
        String wanted = Names.canonical(targetName);
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (IscsiSession s : List.copyOf(byTsih.values())) {
            if (Names.canonical(s.identity().targetName()).equals(wanted)) {
                waits.add(s.shutdown());
            }
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private IscsiSession byId(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            IscsiSession s = byTsih.get(Integer.parseInt(id.substring(0, dash)));
            return s != null && s.id().equals(id) ? s : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The live session with this TSIH, or null (RFC 7143 11.12.6). */
    IscsiSession byTsih(int tsih) {
        return byTsih.get(tsih);
    }

    int nextTsih() {
        for (int tries = 0; tries <= 0xffff; tries++) {
            int t = tsih.incrementAndGet() & 0xffff;
            if (t != 0 && !byTsih.containsKey(t)) {
                return t;
            }
        }
        throw new IllegalStateException("all 65535 TSIHs are in use");
    }
}
