package org.scstj.transports.loopback;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.TargetDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target driver whose initiator is Java code in the same JVM (SCST's {@code scst_local}, LIO's
 * {@code tcm_loop}): {@link #login} opens an I_T nexus on the core and returns a
 * {@link LoopbackSession} that submits commands straight to the core, with no wire protocol.
 *
 * <p>Nexus identity (SAM-5 4.6.2), shaped like iSCSI's (RFC 7143 10.1) so access control, unit
 * attentions and reservations behave as for a network initiator: initiator port
 * {@code <initiatorName>,i,0x<ISID>} with a 48-bit ISID counted up per login (or given), target port
 * {@code <targetName>,t,0x<TPG>}.
 *
 * <p>Data-In buffers come from a pooled direct allocator ({@link #POOLED_DIRECT} unless another is
 * given); {@link #outstandingBuffers()} counts those not yet given back, so tests can check each
 * is released exactly once.
 *
 * <p>Threading: every method may be called from any thread and returns without blocking.
 */
public final class LoopbackTargetDriver implements TargetDriver {
    /** The driver's name. */
    public static final String NAME = "loopback";
    /**
     * Chunks of 16 MiB (8 KiB pages, order 11): a 1 MiB Data-In buffer (SBC-4 Block Limits VPD
     * OPTIMAL TRANSFER LENGTH, {@code BlockLimits.OPTIMAL_TRANSFER_BYTES}) then fills less than a
     * quarter of a chunk. With Netty's default 4 MiB chunk it fills a quarter, which moves the chunk
     * out of the arena's initial list at once, so freeing the buffer destroys the chunk and the next
     * READ allocates (and page-faults in) a new 4 MiB chunk.
     */
    private static final int MAX_ORDER = 11;

    /**
     * The default Data-In allocator: Netty's pooled direct allocator with the default arenas and
     * page size, {@link #MAX_ORDER 16 MiB chunks}, and thread-local caches for every thread. The core
     * allocates on its dispatcher's threads, which are not Netty threads, and Netty 4.2's
     * {@link PooledByteBufAllocator#DEFAULT} gives such threads no cache, so every buffer would take
     * the arena's lock.
     */
    public static final PooledByteBufAllocator POOLED_DIRECT = new PooledByteBufAllocator(true, 0,
            PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(),
            Math.max(PooledByteBufAllocator.defaultMaxOrder(), MAX_ORDER), PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(), true);
    /** ISIDs are 6 bytes (RFC 7143 10.12.5). */
    private static final long ISID_MASK = 0xFFFF_FFFF_FFFFL;

    private final LoopbackSettings settings;
    private final ByteBufAllocator allocator;
    private final Set<LoopbackSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<?>> loginsInFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextIsid = new AtomicLong(1);
    private final AtomicLong buffersOut = new AtomicLong();
    private ScsiCore core;
    private CompletableFuture<Void> stopped;

    /** A driver with {@link LoopbackSettings#DEFAULTS} and {@link #POOLED_DIRECT} buffers. */
    public LoopbackTargetDriver() {
        this(LoopbackSettings.DEFAULTS, POOLED_DIRECT);
    }

    /** @param allocator where Data-In buffers come from (a pooled allocator: one buffer per READ) */
    public LoopbackTargetDriver(LoopbackSettings settings, ByteBufAllocator allocator) {
        this.settings = settings;
        this.allocator = allocator;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Keeps the core; there is nothing to bind. Fails if the driver was started before. */
    @Override
    public synchronized CompletionStage<Void> start(ScsiCore core) {
        if (this.core != null || stopped != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("loopback driver already started"));
        }
        this.core = core;
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Refuses new logins, waits for logins under way, closes every session (aborting their
     * outstanding commands) and completes when the core closed them all. Idempotent.
     */
    @Override
    public CompletionStage<Void> stop() {
        List<CompletableFuture<?>> logins;
        synchronized (this) {
            if (stopped != null) {
                return stopped;
            }
            stopped = new CompletableFuture<>();
            logins = new ArrayList<>(loginsInFlight);
        }
        CompletableFuture<Void> result = stopped;
        CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new))
                .handle((v, e) -> null)
                .thenCompose(v -> {
                    List<CompletableFuture<Void>> closes = new ArrayList<>();
                    for (LoopbackSession s : List.copyOf(sessions)) {
                        closes.add(s.close().toCompletableFuture());
                    }
                    return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new));
                })
                .whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(null);
                    }
                });
        return result;
    }

    /** Opens a nexus with the next ISID of this driver. */
    public CompletionStage<LoopbackSession> login(String initiatorName, String targetName) {
        return login(initiatorName, nextIsid.getAndIncrement() & ISID_MASK, targetName);
    }

    /**
     * Opens a nexus with a given ISID: logging in again with the same ISID names the same initiator
     * port (the core then reports the unit attentions kept for it, e.g. 29/07 after a nexus loss).
     * Fails with {@link ScsiCore.LoginRefusedException} when the core refuses, or
     * {@link IllegalStateException} when the driver is not running.
     */
    public CompletionStage<LoopbackSession> login(String initiatorName, long isid, String targetName) {
        ScsiCore c;
        CompletableFuture<LoopbackSession> login = new CompletableFuture<>();
        synchronized (this) {
            c = core;
            if (c == null || stopped != null) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "loopback driver " + (stopped != null ? "stopped" : "not started")));
            }
            loginsInFlight.add(login);
        }
        int tpg = settings.targetPortGroup();
        Nexus nexus = new Nexus(initiatorName,
                initiatorName + ",i,0x" + String.format("%012x", isid & ISID_MASK),
                targetName,
                targetName + ",t,0x" + String.format("%04x", tpg),
                settings.relativeTargetPortId(), tpg);
        c.openSession(nexus).whenComplete((handle, error) -> {
            if (error != null) {
                loginsInFlight.remove(login);
                login.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
                return;
            }
            LoopbackSession session = new LoopbackSession(this, handle);
            sessions.add(session); // before leaving loginsInFlight: stop() sees it in one set or the other
            loginsInFlight.remove(login);
            login.complete(session);
        });
        return login;
    }

    /** The sessions open now. */
    public List<LoopbackSession> openSessions() {
        return List.copyOf(sessions);
    }

    /** Data-In buffers handed to the core and not given back yet (by the core or a closed result). */
    public long outstandingBuffers() {
        return buffersOut.get();
    }

    DataBuffer allocate(int length) {
        DataInBuffer b = new DataInBuffer(this, allocator.directBuffer(length, length), length);
        buffersOut.incrementAndGet();
        return b;
    }

    void bufferReturned() {
        buffersOut.decrementAndGet();
    }

    void sessionClosed(LoopbackSession session) {
        sessions.remove(session);
    }
}
