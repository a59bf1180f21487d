package org.scstj.transports.iscsi.conn;

import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.transports.iscsi.login.LoginIdentity;
import org.scstj.transports.iscsi.login.OperationalParameters;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One iSCSI session (RFC 7143 4.3, 4.4.3): what is session-wide, shared by its connections.
 * The engine's {@link SessionHandle}, the TSIH, the CmdSN window (3.2.2.1: one numbering across
 * all connections), the ITT table (ITTs are unique per session, 11.2.1.8), the leading
 * connection's negotiated parameters (MaxConnections, ErrorRecoveryLevel, InitialR2T,
 * ImmediateData, bursts, ... are LO keys, 13) and the connections by CID. Each connection keeps its StatSN (3.2.2.2), digests,
 * MaxRecvDataSegmentLength and socket.
 *
 * <p>Threading: everything is confined to {@link #loop}, the leading connection's event loop.
 * A connection added later is moved onto this loop at login (its channel is deregistered from
 * its own loop and registered here, before the final Login Response), so every connection of a
 * session runs on one thread and the single-connection fast path has no hop and no lock.
 */
final class IscsiSession {
    private final TargetContext target;
    private final EventLoop loop;
    private final LoginIdentity identity;
    private final OperationalParameters params;
    private final SessionHandle handle;
    private final String key;
    private final int tsih;
    /** RFC 7143 4.4.1 / 13.9: every connection of a session uses portals of this one portal group. */
    private final int portalGroupTag;
    final CommandWindow window;
    final IntObjectHashMap<IscsiTask> tasks = new IntObjectHashMap<>(); // primitive ITT keys: no boxing per command
    private final TreeMap<Integer, IscsiConnection> connections = new TreeMap<>();
    /** ERL 2: statuses sent on failed connections and never acknowledged, by ITT, until TASK REASSIGN or Time2Retain. */
    private final IntObjectHashMap<ReassignableStatus> unacknowledged = new IntObjectHashMap<>();
    /** Completes once the engine's {@code SessionHandle.close} ran: all tasks quiesced (6.3.5, faults.md). */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private boolean closing;
    private final Instant loggedInAt = Instant.now();
    // what the management plane reads ({@link #snapshot}): plain fields, written and read on the loop only
    private long commands;
    private long bytesRead;
    private long bytesWritten;

    IscsiSession(TargetContext target, EventLoop loop, LoginIdentity identity, OperationalParameters params,
                 SessionHandle handle, String key, int tsih, CommandWindow window, int portalGroupTag) {
        this.target = target;
        this.portalGroupTag = portalGroupTag;
        this.loop = loop;
        this.identity = identity;
        this.params = params;
        this.handle = handle;
        this.key = key;
        this.tsih = tsih;
        this.window = window;
    }

    EventLoop loop() {
        return loop;
    }

    LoginIdentity identity() {
        return identity;
    }

    OperationalParameters parameters() {
        return params;
    }

    SessionHandle handle() {
        return handle;
    }

    String key() {
        return key;
    }

    int portalGroupTag() {
        return portalGroupTag;
    }

    int tsih() {
        return tsih;
    }

    long isid() {
        return identity.isid();
    }

    /** Closing or closed: no connection may join, no command runs. */
    boolean ending() {
        return closing;
    }

    // ---- connections (loop) ----

    IscsiConnection connection(int cid) {
        return connections.get(cid);
    }

    /** One connection of the session (the lowest CID), or null while it has none. */
    IscsiConnection anyConnection() {
        return connections.isEmpty() ? null : connections.firstEntry().getValue();
    }

    int connectionCount() {
        return connections.size();
    }

    List<IscsiConnection> connections() {
        return new ArrayList<>(connections.values());
    }

    void add(int cid, IscsiConnection conn) {
        connections.put(cid, conn);
    }

    /** Removes {@code conn} if it is still the one under {@code cid}; true when it was. */
    boolean remove(int cid, IscsiConnection conn) {
        return connections.remove(cid, conn);
    }

    /**
     * The parameters a connection added to this session works with (RFC 7143 13): the session's
     * leading-only values, with the connection's own digests and MaxRecvDataSegmentLengths.
     */
    OperationalParameters forConnection(OperationalParameters own) {
        OperationalParameters s = params;
        return new OperationalParameters(own.initiatorMaxRecvDataSegmentLength(), own.targetMaxRecvDataSegmentLength(),
                s.maxBurstLength(), s.firstBurstLength(), s.initialR2T(), s.immediateData(), s.maxOutstandingR2T(),
                s.dataPduInOrder(), s.dataSequenceInOrder(), own.headerDigest(), own.dataDigest(),
                s.defaultTime2Wait(), s.defaultTime2Retain(), s.errorRecoveryLevel(), s.maxConnections());
    }

    // ---- commands and tasks (loop) ----

    /**
     * Runs, in CmdSN order, what waited in the window for the ExpCmdSN it has now reached (RFC 7143
     * 3.2.2.1: one numbering across every connection, so a PDU of one connection may let another's
     * run), unless the session is ending.
     */
    void drainWindow() {
        CommandWindow.Queued q;
        while (!closing && (q = window.next()) != null) {
            q.action().run();
        }
    }

    /**
     * Terminates the tasks with allegiance to {@code conn} (RFC 7143 11.14.1: at
     * ErrorRecoveryLevel below 2 a connection that is closed or lost takes its tasks with it):
     * those still waiting for their CmdSN never reach the core, the others are aborted through
     * the engine (ABORT TASK by tag) and end silently. Completes when the engine answered every
     * abort.
     */
    CompletableFuture<Void> terminateTasksOf(IscsiConnection conn) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (IscsiTask t : new ArrayList<>(tasks.values())) {
            if (t.connection() != conn || t.finished()) {
                continue;
            }
            if (t.waiting()) {
                t.cancel(); // its turn in the window still comes; submit() drops it then
                if (tasks.get(t.itt()) == t) {
                    tasks.remove(t.itt());
                }
                continue;
            }
            t.terminate();
            t.dispose(true); // a write waiting for data learns it will not come
            if (handle != null) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                handle.taskManagement(new TmfRequest(TmfRequest.Function.ABORT_TASK, t.lun(), t.tag()),
                        response -> done.complete(null));
                waits.add(done);
            }
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    // ---- ERL 2 connection recovery (RFC 7143 7.2, 11.5.1, 13.16) ----

    /** ErrorRecoveryLevel 2 with a nonzero DefaultTime2Retain: a failed connection's tasks wait for TASK REASSIGN. */
    boolean recovers() {
        return params.errorRecoveryLevel() >= 2 && params.defaultTime2Retain() > 0;
    }

    /**
     * The connection {@code conn} failed or was removed for recovery (11.14.1 reason 2) at ERL 2:
     * its tasks stay in the session, retained, for Time2Wait + Time2Retain seconds (13.16: Time2Retain
     * counts after the initial Time2Wait the initiator must let pass first). A TASK REASSIGN on
     * another (or a new) connection takes one over; when the time is up the rest are aborted
     * through the engine and forgotten, and a session left without connections ends.
     */
    void retainTasksOf(IscsiConnection conn) {
        SnackHandler recovery = conn.recovery();
        if (recovery != null) { // statuses it sent that were not acknowledged: TASK REASSIGN sends them again
            recovery.handOver(u -> {
                ReassignableStatus older = unacknowledged.put(u.itt(), u);
                if (older != null) {
                    older.release();
                }
            });
        }
        for (IscsiTask t : tasks.values()) {
            if (t.connection() == conn && !t.finished()) {
                t.retain();
            }
        }
        loop.schedule(() -> expire(conn), params.defaultTime2Wait() + params.defaultTime2Retain(), TimeUnit.SECONDS);
    }

    /** ERL 2: the unacknowledged status of the command {@code itt} of a failed connection, taken over, or null. */
    ReassignableStatus takeUnacknowledged(int itt) {
        return unacknowledged.remove(itt);
    }

    /**
     * ERL 2: a new command uses {@code itt}, so the initiator is done with the old task that had it
     * (11.2.1.8: ITTs are unique among outstanding tasks); its kept status is released.
     */
    void forgetUnacknowledged(int itt) {
        if (!unacknowledged.isEmpty()) {
            ReassignableStatus old = unacknowledged.remove(itt);
            if (old != null) {
                old.release();
            }
        }
    }

    private void releaseUnacknowledged(IscsiConnection of) {
        for (ReassignableStatus u : new ArrayList<>(unacknowledged.values())) {
            if (of == null || u.from() == of) {
                unacknowledged.remove(u.itt());
                u.release();
            }
        }
    }

    private void expire(IscsiConnection conn) {
        if (closing) {
            return;
        }
        releaseUnacknowledged(conn); // 13.16: Time2Retain passed, the statuses are forgotten
        for (IscsiTask t : new ArrayList<>(tasks.values())) {
            if (t.connection() == conn && t.retained()) {
                ScsiResponse held = t.retentionExpired();
                if (held != null) { // completed meanwhile: forgotten with its status
                    if (held.dataIn() != null) {
                        held.dataIn().release();
                    }
                    conn.commands().finish(t, true);
                }
            }
        }
        terminateTasksOf(conn);
        if (connections.isEmpty()) {
            discardAll();
            close();
        }
    }

    /** The session has no connection left: queued PDUs and every task are dropped (their buffers released). */
    void discardAll() {
        releaseUnacknowledged(null);
        window.clear();
        for (IscsiTask t : new ArrayList<>(tasks.values())) {
            ScsiResponse held = t.discard();
            if (held != null && held.dataIn() != null) {
                held.dataIn().release();
            }
            t.dispose(true);
        }
        tasks.clear();
    }

    // ---- life ----

    /**
     * Closes the session once (from the loop): it leaves the registry and the SessionHandle goes
     * to the engine; every call returns the future of that first close, complete when the
     * engine's {@code close(done)} ran. The connections are not closed here.
     */
    CompletableFuture<Void> close() {
        if (!closing) {
            closing = true;
            releaseUnacknowledged(null);
            if (key != null) {
                target.registry().remove(this);
            }
            if (handle != null) {
                handle.close(() -> closed.complete(null));
            } else {
                closed.complete(null);
            }
        }
        return closed;
    }

    /**
     * Ends the session from any thread (reinstatement 6.3.5, driver stop): closes it, then every
     * connection. Completes when the SessionHandle is closed (the old tasks quiesced).
     */
    CompletableFuture<Void> shutdown() {
        execute(() -> {
            if (connections.isEmpty() && !closing) {
                discardAll(); // an ERL 2 session waiting for its connections to come back (retention)
            }
            for (IscsiConnection c : connections()) {
                c.endingSession();
            }
            close().whenComplete((v, e) -> execute(() -> {
                for (IscsiConnection c : connections()) {
                    c.closeChannel();
                }
            }, () -> { }));
        }, () -> {
            if (handle != null && !closed.isDone()) {
                handle.close(() -> closed.complete(null));
            } else {
                closed.complete(null);
            }
        });
        return closed;
    }

    // ---- what the management plane sees and does ----

    /**
     * RFC 7143 11.9.1 AsyncEvent 1 on every connection, Parameter3 = {@code grace} in seconds (at
     * least 1); a session still open when the grace is over is shut down. Any thread.
     */
    void requestLogout(java.time.Duration grace) {
        long millis = grace.toMillis();
        int seconds = (int) Math.min(3600, Math.max(1, (millis + 999) / 1000));
        execute(() -> {
            for (IscsiConnection c : connections()) {
                c.requestLogout(seconds);
            }
            loop.schedule(() -> {
                if (!closing) {
                    shutdown(); // no Logout in time (11.9.1: the target may then drop the connections)
                }
            }, millis, TimeUnit.MILLISECONDS);
        }, () -> { });
    }

    /** A SCSI command was taken (loop); {@code immediateBytes} of immediate data came with it (RFC 7143 10.3). */
    void countCommand(int immediateBytes) {
        commands++;
        bytesWritten += immediateBytes;
    }

    /** Data-Out payload taken for a command (loop; RFC 7143 11.7). */
    void countDataOut(int bytes) {
        bytesWritten += bytes;
    }

    /** Data-In payload sent for a command (loop; RFC 7143 11.7); sent again for recovery does not count. */
    void countDataIn(int bytes) {
        bytesRead += bytes;
    }

    /** The management plane's name for the session: TSIH and ISID (RFC 7143 4.4.3), unique while it lives. */
    String id() {
        return tsih + "-" + String.format("%012x", identity.isid());
    }

    /**
     * A snapshot for the management plane, made on the session's loop (the counters are plain
     * fields of that thread); completes with null when the loop is gone. Any thread.
     */
    CompletableFuture<SessionInfo> snapshot() {
        CompletableFuture<SessionInfo> out = new CompletableFuture<>();
        execute(() -> out.complete(info()), () -> out.complete(null));
        return out;
    }

    private SessionInfo info() {
        String isid = String.format("%012x", identity.isid());
        String state = closing ? "CLOSING" : connections.isEmpty() ? "FAILED_WAITING" : "LOGGED_IN";
        List<SessionInfo.ConnectionInfo> conns = new ArrayList<>();
        for (IscsiConnection c : connections.values()) {
            OperationalParameters p = c.parameters();
            Map<String, String> own = new LinkedHashMap<>(); // RFC 7143 13.12 both ways, 13.1 per connection
            own.put("InitiatorMaxRecvDataSegmentLength", Integer.toString(p.initiatorMaxRecvDataSegmentLength()));
            own.put("TargetMaxRecvDataSegmentLength", Integer.toString(p.targetMaxRecvDataSegmentLength()));
            own.put("HeaderDigest", digest(p.headerDigest()));
            own.put("DataDigest", digest(p.dataDigest()));
            conns.add(new SessionInfo.ConnectionInfo(c.cid(), address(c.localAddress()), address(c.peerAddress()),
                    c.phase().name(), own));
        }
        Map<String, String> keys = new LinkedHashMap<>(); // RFC 7143 13: the leading login's session-wide values
        keys.put("MaxConnections", Integer.toString(params.maxConnections()));
        keys.put("InitialR2T", yesNo(params.initialR2T()));
        keys.put("ImmediateData", yesNo(params.immediateData()));
        keys.put("MaxBurstLength", Integer.toString(params.maxBurstLength()));
        keys.put("FirstBurstLength", Integer.toString(params.firstBurstLength()));
        keys.put("DefaultTime2Wait", Integer.toString(params.defaultTime2Wait()));
        keys.put("DefaultTime2Retain", Integer.toString(params.defaultTime2Retain()));
        keys.put("MaxOutstandingR2T", Integer.toString(params.maxOutstandingR2T()));
        keys.put("DataPDUInOrder", yesNo(params.dataPduInOrder()));
        keys.put("DataSequenceInOrder", yesNo(params.dataSequenceInOrder()));
        keys.put("ErrorRecoveryLevel", Integer.toString(params.errorRecoveryLevel()));
        keys.put("HeaderDigest", digest(params.headerDigest()));
        keys.put("DataDigest", digest(params.dataDigest()));
        Map<Long, Integer> inFlight = new TreeMap<>();
        for (IscsiTask t : tasks.values()) {
            if (!t.finished()) {
                int lun = LunFormat.decode(t.lun());
                inFlight.merge(lun >= 0 ? lun : t.lun(), 1, Integer::sum);
            }
        }
        return new SessionInfo(id(), identity.initiatorName(), identity.initiatorName() + ",i,0x" + isid, isid, tsih,
                identity.targetName(), portalGroupTag, state, loggedInAt, keys, conns, commands, bytesRead,
                bytesWritten, inFlight);
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }

    private static String digest(boolean crc) {
        return crc ? "CRC32C" : "None";
    }

    /** {@code host:port}, an IPv6 host in brackets; null stays null. */
    static String address(InetSocketAddress a) {
        if (a == null) {
            return null;
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Runs {@code action} on the session's loop, or {@code orElse} when the loop is gone. */
    void execute(Runnable action, Runnable orElse) {
        try {
            if (loop.inEventLoop()) {
                action.run();
            } else {
                loop.execute(action);
            }
        } catch (RejectedExecutionException e) {
            orElse.run();
        }
    }
}
