package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.AttributeKey;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.LoginIdentity;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.pdu.AsyncMessagePdu;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.R2tPdu;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One iSCSI connection (RFC 7143 4.3): what is per connection, shared by the handlers of its two
 * phases. The login phase's {@link LoginHandler} is first in the channel's pipeline; a successful
 * login hands over ({@link LoginHandOver}) to the full feature phase's {@link FullFeatureHandler},
 * which takes its place there. Both work through this object:
 * <ul>
 * <li>the channel, through the context of whichever of the two handlers is in the pipeline;</li>
 * <li>the {@linkplain Phase phase}, StatSN (3.2.2.2), the CID and ISID, target transfer tags;</li>
 * <li>the digests and the receive limit, switched on at the hand-over (13.1, 13.12);</li>
 * <li>sending and flushing, Rejects (11.17), R2Ts (11.8), Async Messages (11.9);</li>
 * <li>its end: {@link #shutdown}, {@link #closeChannel}, the future of its end.</li>
 * </ul>
 * From the hand-over on it also holds its session (with the session's CmdSN window and ITT
 * table), the login's identity, the connection's operational parameters, its {@link ScsiCommands}
 * and, at ERL >= 1, its {@link SnackHandler}. The tasks it received answer on it (2.2 connection
 * allegiance).
 *
 * <p>Buffer ownership: outgoing PDUs own their data until the encoder passes it to the channel;
 * the handlers document what they own of incoming PDUs.
 *
 * <p>Threading: event-loop confined, and every connection of a session is on the session's loop
 * (see {@link IscsiSession}); methods that say so may be called from any thread and hop there.
 * Writes made while reading are flushed once when the read burst ends ({@link #readComplete});
 * writes a read of another connection causes are flushed by {@link #flushIfIdle}.
 */
public final class IscsiConnection {
    /** The portal group of the portal a connection was accepted on (RFC 7143 4.4.1), set by the driver. */
    public static final AttributeKey<IscsiSettings.PortalGroup> PORTAL_GROUP = AttributeKey.valueOf("scstj.iscsi.portal-group");

    /**
     * The connection's phase (RFC 7143 3.2, 6.3). LOGIN and OPENING belong to the {@link
     * LoginHandler}, FULL_FEATURE and LOGGING_OUT to the {@link FullFeatureHandler}:
     * LOGIN → OPENING (the login completed, the session is opened or joined) → FULL_FEATURE (the
     * hand-over) → LOGGING_OUT (Logout, the session ending); a refused login goes from LOGIN or
     * OPENING to LOGGING_OUT; any phase → CLOSED when the channel closes.
     */
    enum Phase { LOGIN, OPENING, FULL_FEATURE, LOGGING_OUT, CLOSED }

    private final TargetContext target;
    /** The driver's settings when this connection was accepted: a reconfiguration applies to later ones. */
    private final IscsiSettings settings;
    private final LoginHandler login;
    /** Completes when the connection is gone and, if it ended its session, the session is closed. */
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private ChannelHandlerContext ctx; // the current phase's handler's
    private PduDecoder decoder;
    private PduEncoder encoder;
    private Phase phase = Phase.LOGIN;
    private long isid;
    private int cid;
    private int statSn;
    private int nextTtt;
    private boolean reading;
    private boolean flushPending;
    /** A flush waits for the end of the event loop's iteration ({@link #flushAfterTasks}). */
    private boolean flushQueued;
    private final Runnable queuedFlush = () -> {
        flushQueued = false;
        flushIfIdle();
    };
    /** Set while OPENING a leading login, otherwise at the hand-over: the nexus it serves. */
    private LoginIdentity identity;
    // from the hand-over (LoginHandOver) on
    private IscsiSession session;
    private CommandWindow window;
    private OperationalParameters params;
    private ScsiCommands commands;
    private SnackHandler recovery; // ERL >= 1 (docs/recovery.md), null otherwise

    public IscsiConnection(TargetContext target) {
        this.target = target;
        this.settings = target.settings();
        this.login = new LoginHandler(this);
    }

    /**
     * The handler to add last to a new channel's pipeline, after {@link PduDecoder} and {@link
     * PduEncoder}: the login phase's. It replaces itself with the full feature phase's at the
     * end of a successful login.
     */
    public ChannelHandler loginHandler() {
        return login;
    }

    // ---- the handlers' side ----

    /** The handler of the current phase was added to the pipeline: this connection writes through it. */
    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.decoder = ctx.pipeline().get(PduDecoder.class);
        this.encoder = ctx.pipeline().get(PduEncoder.class);
    }

    /** The channel is active: the driver can end it from now on (shutdown, cold reset). */
    void opened() {
        target.connections().add(this);
    }

    /** The channel closed: nothing more is read or sent. */
    void closed() {
        phase = Phase.CLOSED;
        target.connections().remove(this);
    }

    /** The connection is gone (and its session closed, if it ended it). */
    void ended() {
        gone.complete(null);
    }

    Phase phase() {
        return phase;
    }

    /** LOGIN → OPENING; {@code who} is the nexus a leading login opens, null for a login that joins a session. */
    void opening(LoginIdentity who) {
        phase = Phase.OPENING;
        identity = who;
    }

    /** The connection takes no more PDUs: Logout, a refused login, the session ending (any phase before CLOSED). */
    void loggingOut() {
        if (phase != Phase.CLOSED) {
            phase = Phase.LOGGING_OUT;
        }
    }

    /** The first Login Request (RFC 7143 11.12): the connection's ISID, CID and first StatSN. */
    void identify(long isid, int cid, int firstStatSn) {
        this.isid = isid;
        this.cid = cid;
        this.statSn = firstStatSn;
    }

    /**
     * The receiving side of the hand-over (RFC 7143 6.3 → 3.2), right after the final Login
     * Response was written: the connection joins its session under its CID and works with the
     * session's CmdSN window and ITT table, the identity and the parameters the login settled;
     * the digests and the declared receive limit apply from the next PDU on (13.1, 13.12);
     * ERL >= 1 recovery starts on a normal session (13.20).
     */
    void enterFullFeature(LoginHandOver handOver) {
        session = handOver.session();
        window = session.window;
        identity = handOver.identity();
        params = handOver.parameters();
        session.add(cid, this);
        decoder.maxDataSegmentLength(params.targetMaxRecvDataSegmentLength());
        decoder.digests(params.headerDigest(), params.dataDigest());
        encoder.digests(params.headerDigest(), params.dataDigest());
        phase = Phase.FULL_FEATURE;
        commands = new ScsiCommands(this, session, params);
        if (!identity.discovery() && params.errorRecoveryLevel() >= 1) {
            recovery = new SnackHandler(this, settings.recovery().maxRetainedBytes()); // ERL 1 hook
        }
    }

    /** The session is closing (reinstatement, shutdown): this connection takes no more PDUs. */
    void endingSession() {
        if (phase == Phase.FULL_FEATURE) {
            phase = Phase.LOGGING_OUT;
        }
    }

    // ---- life (any thread) ----

    /** Ends the session and the connection; completes when the SessionHandle is closed. */
    public CompletionStage<Void> shutdown() {
        execute(() -> {
            if (phase != Phase.CLOSED) {
                phase = Phase.LOGGING_OUT;
                // a close already under way (logout) is joined, not restarted; the handler's channelInactive
                // completes gone; the session's other connections close with it
                CompletableFuture<Void> closing = session != null ? session.shutdown() : CompletableFuture.completedFuture(null);
                closing.whenComplete((v, e) -> execute(this::close, this::ended));
            }
        }, () -> {
            IscsiSession s = session;
            if (s == null) {
                ended();
            } else {
                s.shutdown().whenComplete((v, e) -> ended());
            }
        });
        return gone;
    }

    /**
     * RFC 7143 11.9.1 AsyncEvent 1: asks the initiator to log out within {@code seconds}
     * (Parameter3); the returned stage completes when this connection is gone. Connections not in
     * the full feature phase of a normal session complete at once. Any thread.
     */
    public CompletionStage<Void> requestLogout(int seconds) {
        CompletableFuture<Void> asked = new CompletableFuture<>();
        execute(() -> {
            if (phase != Phase.FULL_FEATURE || identity.discovery()) {
                asked.complete(null);
                return;
            }
            send(new AsyncMessagePdu(statSn++, window.expCmdSn(), window.maxCmdSn(),
                    AsyncMessagePdu.LOGOUT_REQUEST, 0, 0, seconds));
            flushIfIdle();
            gone.whenComplete((v, e) -> asked.complete(null));
        }, () -> asked.complete(null));
        return asked;
    }

    /** RFC 7143 11.9.1 AsyncEvent 0 with sense data (11.9.4: SenseLength, then the sense bytes). */
    void sendScsiAsyncEvent(long lun, byte[] sense) {
        if (phase != Phase.FULL_FEATURE) {
            return;
        }
        ByteBuf data = ctx.alloc().buffer(2 + sense.length);
        data.writeShort(sense.length);
        data.writeBytes(sense);
        send(new AsyncMessagePdu(lun, statSn++, window.expCmdSn(), window.maxCmdSn(),
                AsyncMessagePdu.SCSI_ASYNC_EVENT, 0, 0, 0, data));
        flushIfIdle();
    }

    /** Closes the channel (event loop). */
    void close() {
        ctx.close();
    }

    /**
     * Ends this connection at once with a TCP reset (SO_LINGER 0): nothing queued is flushed, the
     * initiator sees no Logout. Its tasks end as on any connection loss. Any thread.
     */
    public void reset() {
        execute(() -> {
            io.netty.channel.Channel ch = ctx.channel();
            try {
                ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // a transport without SO_LINGER closes with FIN: still nothing more is sent
            }
            ch.close();
        }, () -> { });
    }

    /** Closes this connection's channel from any thread. */
    void closeChannel() {
        execute(this::close, () -> { });
    }

    /** Closes this connection (from any thread) if it belongs to a normal session of {@code targetName}. */
    void closeIfServing(String targetName) {
        execute(() -> {
            if (identity != null && !identity.discovery() && identity.targetName().equals(targetName)) {
                close();
            }
        }, () -> { });
    }

    /** Runs {@code action} on the event loop, or {@code orElse} when the loop is gone. Any thread. */
    void execute(Runnable action, Runnable orElse) {
        if (ctx == null) {
            orElse.run();
            return;
        }
        try {
            if (ctx.executor().inEventLoop()) {
                action.run();
            } else {
                ctx.executor().execute(action);
            }
        } catch (RejectedExecutionException e) {
            orElse.run();
        }
    }

    boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    // ---- reading ----

    /** A PDU is being read: what it makes the connection send waits for {@link #readComplete}. */
    void reading() {
        reading = true;
    }

    /** The read burst ended: what it made the connection send is flushed once. */
    void readComplete() {
        reading = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    // ---- sending ----

    /** Writes without flushing: the read burst ({@link #readComplete}) or {@link #flushIfIdle} flushes. */
    void send(TargetPdu pdu) {
        if (recovery != null) {
            recovery.sending(pdu); // ERL 1 hook: statuses kept for a Status SNACK
        }
        ctx.write(pdu, ctx.voidPromise());
        flushPending = true;
    }

    /** Writes and runs {@code written} once the PDU left (or failed to). */
    void send(TargetPdu pdu, Runnable written) {
        if (recovery != null) {
            recovery.sending(pdu);
        }
        ctx.write(pdu).addListener(f -> written.run());
        flushPending = true;
    }

    /**
     * Writes and flushes the last PDU before the connection closes (a refused login, a Logout or
     * TARGET COLD RESET response): nothing is kept for a SNACK, the caller closes when it left.
     */
    ChannelFuture sendLast(TargetPdu pdu) {
        flushPending = false;
        return ctx.writeAndFlush(pdu);
    }

    /** Flushes unless a read burst is in progress (it flushes at its end). */
    void flushIfIdle() {
        if (!reading && flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    /**
     * Flushes what the tasks of this event-loop iteration wrote, once, after the last of them:
     * completions that device threads hand to the loop (a user-space handler's ring thread, a
     * blocking-I/O pool) arrive as one task each, and one writev for all of them costs a fraction
     * of one per status. In a read burst, {@link #readComplete} flushes instead.
     */
    void flushAfterTasks() {
        if (reading || !flushPending || flushQueued) {
            return;
        }
        if (ctx.executor() instanceof SingleThreadEventLoop loop) {
            flushQueued = true;
            loop.executeAfterEventLoopIteration(queuedFlush);
        } else {
            flushIfIdle();
        }
    }

    void flushNow() {
        flushPending = false;
        ctx.flush();
    }

    void reject(int reason, Bhs rejected) {
        send(new RejectPdu(reason, statSn++, window == null ? 0 : window.expCmdSn(),
                window == null ? 0 : window.maxCmdSn(), Unpooled.wrappedBuffer(rejected.bytes())));
    }

    /**
     * Rejects a PDU that may not be sent again (RFC 7143 11.17.1: 0x04 Protocol Error, 0x09 Invalid
     * PDU Field): a non-immediate one that carries a CmdSN has used it, so the window counts it
     * first and the Reject's ExpCmdSN (11.17.3: its usual value) already says so, agreeing with
     * every PDU after it; an initiator never reuses that CmdSN only to be dropped as a duplicate
     * (4.2.2.1). What waited behind it runs after the Reject.
     */
    void rejectCounted(int reason, Bhs h) {
        boolean moved = countCarriedCmdSn(h);
        reject(reason, h);
        if (moved) {
            session.drainWindow();
        }
    }

    /** A rejected non-immediate PDU that carries a CmdSN uses it; true when ExpCmdSN moved (then drain). */
    boolean countCarriedCmdSn(Bhs h) {
        int op = h.opcode();
        boolean carries = op == Opcode.SCSI_COMMAND || op == Opcode.NOP_OUT || op == Opcode.TEXT_REQUEST
                || op == Opcode.TASK_MGMT_REQUEST || op == Opcode.LOGOUT_REQUEST;
        return carries && !h.immediate() && window != null && window.consume(h.i32(24));
    }

    void sendR2t(IscsiTask task, int ttt, int offset, int length) {
        send(new R2tPdu(task.lun(), task.itt(), ttt, statSn, window.expCmdSn(), window.maxCmdSn(),
                task.nextSequenceNumber(), offset, length));
    }

    /** An R2T again, unchanged but for ExpCmdSN/MaxCmdSN (R2T SNACK, RFC 7143 11.16.1). */
    void resendR2t(IscsiTask task, int ttt, int offset, int length, int r2tSn) {
        send(new R2tPdu(task.lun(), task.itt(), ttt, statSn, window.expCmdSn(), window.maxCmdSn(),
                r2tSn, offset, length));
    }

    // ---- connection state ----

    /** The StatSN the next status takes, advancing it (RFC 7143 3.2.2.2). */
    int nextStatSn() {
        return statSn++;
    }

    /** The StatSN the next status will take, not advancing it (an unsolicited NOP-In, an R2T: 11.19.1, 11.8.3). */
    int statSn() {
        return statSn;
    }

    int expCmdSn() {
        return window.expCmdSn();
    }

    int maxCmdSn() {
        return window.maxCmdSn();
    }

    long isid() {
        return isid;
    }

    int cid() {
        return cid;
    }

    /** The next Target Transfer Tag (never 0xffffffff, RFC 7143 11.7.4). */
    int nextTargetTransferTag() {
        int t = nextTtt++;
        if (t == Opcode.RESERVED_TAG) {
            t = nextTtt++;
        }
        return t;
    }

    OperationalParameters parameters() {
        return params;
    }

    LoginIdentity identity() {
        return identity;
    }

    IscsiSession session() {
        return session;
    }

    TargetContext target() {
        return target;
    }

    /** The driver's settings as they were when this connection was accepted. */
    IscsiSettings settings() {
        return settings;
    }

    /** The SCSI tasks of this connection (full feature phase). */
    ScsiCommands commands() {
        return commands;
    }

    /** The ERL >= 1 state: the status log, retained Data-In, SNACK answers; null at ERL 0. */
    SnackHandler recovery() {
        return recovery;
    }

    /** The connection's retention for a read about to be sent, or null (ERL 0, over the cap). */
    DataInRetention retainDataIn(int itt, int length) {
        return recovery == null ? null : recovery.retain(itt, length);
    }

    /** The session's outstanding task with this ITT, or null. */
    IscsiTask task(int itt) {
        return session.tasks.get(itt);
    }

    /** The initiator for log lines: its name and the address it connects from. */
    String initiatorDescription() {
        String name = identity != null ? identity.initiatorName() : "an initiator still logging in";
        return name + " at " + ctx.channel().remoteAddress();
    }

    /** The address the initiator reached (loopback when the channel is not a socket, e.g. in tests). */
    InetSocketAddress localAddress() {
        return ctx.channel().localAddress() instanceof InetSocketAddress a ? a
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 3260);
    }

    /**
     * The listening channel (portal) this connection was accepted on, or null (a test's channel).
     * Any thread.
     */
    public io.netty.channel.Channel acceptedOn() {
        ChannelHandlerContext c = ctx;
        return c == null ? null : c.channel().parent();
    }

    /** The initiator's address, or null when the channel is not a socket. */
    InetSocketAddress peerAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }
}
