package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.transports.iscsi.IscsiSettings;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.login.LoginIdentity;
import org.scstj.transports.iscsi.login.LoginStateMachine;
import org.scstj.transports.iscsi.login.LoginStatus;
import org.scstj.transports.iscsi.login.LoginStep;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.login.PortalAccess;
import org.scstj.transports.iscsi.login.ChapNegotiation;
import org.scstj.transports.iscsi.pdu.AsyncMessagePdu;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.DataOut;
import org.scstj.transports.iscsi.pdu.InboundPdu;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.LoginResponsePdu;
import org.scstj.transports.iscsi.pdu.LogoutRequest;
import org.scstj.transports.iscsi.pdu.LogoutResponsePdu;
import org.scstj.transports.iscsi.pdu.NopInPdu;
import org.scstj.transports.iscsi.pdu.NopOut;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.OtherPdu;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.pdu.R2tPdu;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.ScsiCommand;
import org.scstj.transports.iscsi.pdu.SnackRequest;
import org.scstj.transports.iscsi.pdu.TargetPdu;
import org.scstj.transports.iscsi.pdu.TaskMgmtRequest;
import org.scstj.transports.iscsi.pdu.TaskMgmtResponsePdu;
import org.scstj.transports.iscsi.pdu.TextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One iSCSI connection of an {@link IscsiSession}: the login phase (RFC 7143 6.3), leading (TSIH
 * 0, opens a session) or adding a connection to a session (its TSIH, 4.3), then the full feature
 * phase: SCSI commands in the session's CmdSN order (3.2.2.1), write data, NOP, Text, task
 * management, Logout, and Rejects for bad input (docs/bad-inputs.md rows 10-17). The connection
 * keeps what is per connection: StatSN (3.2.2.2), digests, MaxRecvDataSegmentLength, its CID and
 * socket; the tasks it received answer on it (2.2 connection allegiance).
 *
 * <p>Buffer ownership: this handler owns every {@link InboundPdu} it reads and releases it in
 * {@code finally}; whatever it keeps longer (immediate data, queued PDUs, ping data) it retains
 * explicitly. Outgoing PDUs own their data until the encoder passes it to the channel.
 *
 * <p>Threading: all state is event-loop confined, and every connection of a session is on the
 * session's loop (see {@link IscsiSession}); {@link IscsiTask} and engine callbacks hop here
 * first. Writes made while reading are flushed once in {@link #channelReadComplete}; writes a
 * read of another connection causes are flushed by {@link #flushIfIdle}.
 */
public final class IscsiConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IscsiConnection.class);

    private enum Phase { LOGIN, OPENING, FULL_FEATURE, LOGGING_OUT, CLOSED }

    private final TargetContext target;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    // the session's ITT table (IscsiSession), aliased here once joined
    private IntObjectHashMap<IscsiTask> tasks;
    private final TextExchange text = new TextExchange(this);
    /**
     * ITTs of recently ended commands whose unsolicited Data-Out (InitialR2T=No) was still arriving,
     * with the bytes still expected: that late data is dropped silently instead of each PDU costing
     * a Reject and a StatSN. Bounded: the oldest entries give way.
     */
    private final Map<Integer, Integer> lateUnsolicited = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
            return size() > MAX_LATE_UNSOLICITED;
        }
    };
    private static final int MAX_LATE_UNSOLICITED = 16;

    private ChannelHandlerContext ctx;
    private PduDecoder decoder;
    private PduEncoder encoder;
    private Phase phase = Phase.LOGIN;
    private LoginStateMachine login;
    private IscsiSettings.PortalGroup portalGroup;
    private ScheduledFuture<?> loginTimer;
    /** A login answer held back by the CHAP back-off (bad-inputs row 9): nothing more is read until it went. */
    private boolean answerHeld;
    private int loginItt;
    private long isid;
    private int cid;
    private int statSn;
    private CommandWindow window; // the session's once joined; during a login that adds a connection, its own
    private OperationalParameters params;
    private LoginIdentity identity;
    private IscsiSession session;
    /** The session a login with a nonzero TSIH adds this connection to (RFC 7143 6.3.3). */
    private IscsiSession joining;
    private int nextTtt;
    private boolean reading;
    private boolean flushPending;
    // ERL >= 1 and pings (docs/recovery.md): null when off; both set up in enterFullFeature
    private SnackHandler recovery;
    private Pinger pinger;

    public IscsiConnection(TargetContext target) {
        this.target = target;
    }

    // ---- channel life ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.decoder = ctx.pipeline().get(PduDecoder.class);
        this.encoder = ctx.pipeline().get(PduEncoder.class);
        IscsiSettings s = target.settings();
        IscsiSettings.PortalGroup arrivedOn = ctx.channel().attr(IscsiTargetDriver.PORTAL_GROUP).get();
        this.portalGroup = arrivedOn != null ? arrivedOn : s.portalGroups().getFirst();
        InetAddress source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        this.login = new LoginStateMachine(s, new ChapNegotiation(s.chap(), target.chapBackoff(), source), portalGroup.tag(),
                (initiator, name) ->
                PortalAccess.check(s, portalGroup, name, target.core().targetsVisibleTo(initiator).contains(name)));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        target.connections().add(this);
        long timeout = target.settings().loginTimeout().toNanos();
        loginTimer = ctx.executor().schedule(() -> {
            if (phase == Phase.LOGIN || phase == Phase.OPENING) {
                ctx.close(); // bad-inputs row 18: absolute login deadline
            }
        }, timeout, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        if (loginTimer != null) {
            loginTimer.cancel(false);
        }
        text.clear();
        lateUnsolicited.clear();
        target.connections().remove(this);
        IscsiSession s = session;
        // still registered under its CID: a loss; otherwise a logout or a login with its CID removed it already
        boolean lost = s != null && s.remove(cid, this);
        if (s != null && !lost) {
            gone.complete(null); // its tasks were terminated or retained when it was removed
        } else if (lost && !s.ending() && s.recovers()) {
            s.retainTasksOf(this); // ERL 2: its tasks wait Time2Retain for TASK REASSIGN (RFC 7143 7.2, 13.16)
            gone.complete(null);
        } else if (lost && s.connectionCount() > 0) {
            if (!s.ending()) {
                s.terminateTasksOf(this); // one of several lost below ERL 2: its tasks go, the session stays (11.14.1)
            }
            gone.complete(null);
        } else {
            // the last connection: the session ends with it (below ERL 2 nothing is kept for recovery)
            if (s != null) {
                s.discardAll();
            } else if (window != null) {
                window.clear();
            }
            closeSession().whenComplete((v, e) -> gone.complete(null));
        }
        // ERL 1 hook: retained Data-In and statuses released, pings stop (after retainTasksOf, which at
        // ERL 2 took the unacknowledged SCSI statuses over for TASK REASSIGN)
        stopRecovery();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Ends the session and the connection; completes when the SessionHandle is closed. */
    public CompletionStage<Void> shutdown() {
        execute(() -> {
            if (phase != Phase.CLOSED) {
                phase = Phase.LOGGING_OUT;
                // a close already under way (logout) is joined, not restarted; channelInactive completes gone;
                // the session's other connections close with it
                CompletableFuture<Void> closing = session != null ? session.shutdown() : closeSession();
                closing.whenComplete((v, e) -> execute(ctx::close, () -> gone.complete(null)));
            }
        }, () -> {
            IscsiSession s = session;
            if (s == null) {
                gone.complete(null);
            } else {
                s.shutdown().whenComplete((v, e) -> gone.complete(null));
            }
        });
        return gone;
    }

    /**
     * Closes the session once (all its connections share it): the first call hands the
     * SessionHandle to the engine, every call returns the future of that first close, complete
     * when the engine's {@code close(done)} ran.
     */
    private CompletableFuture<Void> closeSession() {
        IscsiSession s = session;
        return s == null ? CompletableFuture.completedFuture(null) : s.close();
    }

    /** The session is closing (reinstatement, shutdown): this connection takes no more PDUs. */
    void endingSession() {
        if (phase == Phase.FULL_FEATURE) {
            phase = Phase.LOGGING_OUT;
        }
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundPdu pdu)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        reading = true;
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            if (pdu instanceof BadPdu bad) {
                onBadPdu(bad);
            } else if (phase == Phase.LOGIN) {
                if (answerHeld) {
                    ctx.close(); // RFC 7143 6.3: the initiator waits for the answer to its Login Request
                } else if (pdu instanceof LoginRequest r) {
                    onLogin(r);
                } else {
                    ctx.close(); // only Login PDUs before the full feature phase (RFC 7143 6.3)
                }
            } else if (phase != Phase.FULL_FEATURE) {
                ctx.close(); // bad-inputs row 17: a PDU after Logout (or during session opening)
            } else {
                onFullFeature(pdu);
            }
        } finally {
            pdu.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    // ---- login phase ----

    private void onLogin(LoginRequest r) {
        if (window == null) {
            // 6.3 / 11.13.4: the leading login fixes the first StatSN and CmdSN
            statSn = r.expStatSn();
            window = new CommandWindow(r.cmdSn(), target.settings().maxCmdWindow());
            loginItt = r.itt();
            isid = r.isid();
            cid = r.cid();
            if (r.tsih() != 0) {
                // 6.3.3 / 11.12.6: a nonzero TSIH adds a connection to that live session
                IscsiSession s = target.registry().byTsih(r.tsih());
                if (s == null || s.isid() != r.isid() || s.ending()) {
                    refuseLogin(LoginStatus.SESSION_DOES_NOT_EXIST);
                    return;
                }
                joining = s;
            }
        }
        LoginStep step = login.step(r);
        long held = login.takeDelay().toNanos();
        if (held > 0) {
            // bad-inputs row 9: recent wrong CHAP responses from this address or for this account; the
            // verdict, right or wrong, goes out later, and the socket is not read meanwhile
            answerHeld = true;
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                answerHeld = false;
                ctx.channel().config().setAutoRead(true);
                if (phase == Phase.LOGIN) {
                    answerLogin(step);
                    flushNow();
                }
            }, held, TimeUnit.NANOSECONDS);
            return;
        }
        answerLogin(step);
    }

    private void answerLogin(LoginStep step) {
        switch (step) {
            case LoginStep.Reply reply -> send(new LoginResponsePdu(reply.transit(), false, reply.csg(), reply.nsg(),
                    isid, joining == null ? 0 : joining.tsih(), loginItt, statSn++, window.expCmdSn(),
                    window.maxCmdSn(), LoginStatus.SUCCESS, Unpooled.wrappedBuffer(reply.text())));
            case LoginStep.Refuse refuse -> refuseLogin(refuse.status());
            case LoginStep.Redirect redirect -> refuseLogin(redirect.status(), redirect.text());
            case LoginStep.Complete complete -> {
                if (joining != null) {
                    joinSession(joining, complete);
                } else {
                    openSession(complete);
                }
            }
        }
    }

    private void refuseLogin(int status) {
        refuseLogin(status, new byte[0]);
    }

    private void refuseLogin(int status, byte[] text) {
        phase = Phase.LOGGING_OUT;
        ctx.writeAndFlush(new LoginResponsePdu(false, false, 0, 0, isid, joining == null ? 0 : joining.tsih(), loginItt, statSn,
                        window == null ? 0 : window.expCmdSn(), window == null ? 0 : window.maxCmdSn(), status,
                        Unpooled.wrappedBuffer(text)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void openSession(LoginStep.Complete complete) {
        phase = Phase.OPENING;
        identity = complete.identity();
        params = complete.parameters();
        if (identity.discovery()) {
            // 11.13.3: every session gets a TSIH; a discovery session is never registered (nothing joins it)
            session = new IscsiSession(target, ctx.channel().eventLoop(), identity, params, null, null,
                    target.registry().nextTsih(), window, portalGroup.tag());
            bindSession(session);
            enterFullFeature(complete, session.tsih());
            return;
        }
        int tpgt = portalGroup.tag(); // RFC 7143 13.9: the tag of the portal the login arrived on
        Nexus nexus = new Nexus(identity.initiatorName(),
                identity.initiatorName() + ",i,0x" + String.format("%012x", identity.isid()),
                identity.targetName(),
                identity.targetName() + ",t,0x" + String.format("%04x", tpgt), tpgt, tpgt);
        String key = SessionRegistry.key(identity.initiatorName(), identity.isid(), identity.targetName());
        ScsiCore core = target.core();
        // 6.3.5 session reinstatement: the old session is closed before the new one opens
        target.registry().displace(key)
                .thenCompose(v -> core.openSession(nexus))
                .whenComplete((handle, error) -> execute(() -> opened(complete, key, handle, error), () -> {
                    if (handle != null) {
                        handle.close(() -> { });
                    }
                }));
    }

    private void opened(LoginStep.Complete complete, String key, SessionHandle handle, Throwable error) {
        if (phase != Phase.OPENING) {
            if (handle != null) {
                handle.close(() -> { });
            }
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            int status = LoginStatus.TARGET_ERROR;
            if (cause instanceof ScsiCore.LoginRefusedException refused) {
                status = switch (refused.reason()) {
                    case TARGET_NOT_FOUND -> LoginStatus.NOT_FOUND;
                    case NOT_AUTHORIZED -> LoginStatus.AUTHORIZATION_FAILURE;
                };
            }
            refuseLogin(status);
            flushNow();
            return;
        }
        session = new IscsiSession(target, ctx.channel().eventLoop(), identity, params, handle, key,
                target.registry().nextTsih(), window, portalGroup.tag());
        bindSession(session);
        // RFC 7143 11.9.1 AsyncEvent 0: the engine's asynchronous events (3F/0E after a reload) as Async
        // Messages, on one connection of the session (any: 11.9.1 lets the target choose)
        IscsiSession opened = session;
        handle.asyncEvents((lun, sense) -> opened.execute(() -> {
            IscsiConnection c = opened.anyConnection();
            if (c != null) {
                c.sendScsiAsyncEvent(lun, sense);
            }
        }, () -> { }));
        target.registry().register(session);
        enterFullFeature(complete, session.tsih());
        flushNow();
    }

    /** This connection becomes one of {@code s}'s (under its CID) and uses the session-wide state. */
    private void bindSession(IscsiSession s) {
        session = s;
        window = s.window;
        tasks = s.tasks;
        s.add(cid, this);
    }

    /**
     * A login with the TSIH of a live session completed (RFC 7143 6.3.3): the connection moves to
     * the session's event loop (so the session stays single-threaded, see {@link IscsiSession}),
     * then joins there.
     */
    private void joinSession(IscsiSession s, LoginStep.Complete complete) {
        phase = Phase.OPENING;
        LoginIdentity who = complete.identity();
        if (who.discovery() || !who.initiatorName().equals(s.identity().initiatorName())
                || !who.targetName().equals(s.identity().targetName())) {
            refuseLogin(LoginStatus.SESSION_DOES_NOT_EXIST); // the TSIH names another nexus's session
            return;
        }
        if (portalGroup.tag() != s.portalGroupTag()) {
            // RFC 7143 4.4.1: a session's connections all use portals of one portal group
            refuseLogin(LoginStatus.SESSION_DOES_NOT_EXIST);
            return;
        }
        if (ctx.channel().eventLoop() == s.loop() || s.loop().inEventLoop()) {
            joined(s, complete);
            return;
        }
        loginTimer.cancel(false); // scheduled on the old loop; the join ends the login either way
        var channel = ctx.channel();
        channel.deregister().addListener(off -> {
            if (!off.isSuccess()) {
                channel.close();
                return;
            }
            try {
                s.loop().register(channel).addListener(on -> {
                    if (on.isSuccess()) {
                        joined(s, complete);
                    } else {
                        channel.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                channel.close(); // the session's loop is shutting down
            }
        });
    }

    /** On the session's loop: the connection count (MaxConnections, 13.2) and connection reinstatement (6.3.4). */
    private void joined(IscsiSession s, LoginStep.Complete complete) {
        if (phase != Phase.OPENING) {
            return;
        }
        if (s.ending()) {
            refuseLogin(LoginStatus.SESSION_DOES_NOT_EXIST);
            flushNow();
            return;
        }
        IscsiConnection old = s.connection(cid);
        if (old != null) {
            // 6.3.4 connection reinstatement: the same CID logs in again; the old connection is closed
            // and (below ERL 2) its tasks terminated
            s.remove(cid, old);
            old.endingSession();
            if (s.recovers()) {
                s.retainTasksOf(old); // ERL 2: TASK REASSIGN moves them to this connection (11.5.1)
            } else {
                s.terminateTasksOf(old);
            }
            old.closeChannel();
        } else if (s.connectionCount() >= s.parameters().maxConnections()) {
            refuseLogin(LoginStatus.TOO_MANY_CONNECTIONS);
            flushNow();
            return;
        }
        identity = s.identity();
        params = s.forConnection(complete.parameters());
        CommandWindow own = window;
        bindSession(s);
        own.clear();
        enterFullFeature(complete, s.tsih());
        flushNow();
    }

    private void enterFullFeature(LoginStep.Complete complete, int tsih) {
        send(new LoginResponsePdu(true, false, complete.csg(), LoginStateMachine.FULL_FEATURE, isid, tsih, loginItt,
                statSn++, window.expCmdSn(), window.maxCmdSn(), LoginStatus.SUCCESS,
                Unpooled.wrappedBuffer(complete.text())));
        // 13.1 / 13.12: digests and the declared receive limit apply after the final Login Response
        decoder.maxDataSegmentLength(params.targetMaxRecvDataSegmentLength());
        decoder.digests(params.headerDigest(), params.dataDigest());
        encoder.digests(params.headerDigest(), params.dataDigest());
        loginTimer.cancel(false);
        phase = Phase.FULL_FEATURE;
        startRecovery(); // ERL 1 hook
    }

    // ---- ERL 1, NOP-In pings, Async Messages (docs/recovery.md) ----

    /** RFC 7143 13.20 / 11.19: SNACK support at ERL >= 1; pings on every normal session when configured. */
    private void startRecovery() {
        if (identity.discovery()) {
            return;
        }
        var settings = target.settings().recovery();
        if (params.errorRecoveryLevel() >= 1) {
            recovery = new SnackHandler(this, settings.maxRetainedBytes());
        }
        if (!settings.nopInInterval().isZero()) {
            pinger = new Pinger(new Pinger.Link() {
                @Override
                public boolean ping(int ttt) {
                    if (phase != Phase.FULL_FEATURE) {
                        return false; // logging out: the session ends anyway
                    }
                    // 11.19.1: an unsolicited NOP-In carries StatSN but does not advance it; LUN 0
                    send(new NopInPdu(0, Opcode.RESERVED_TAG, ttt, statSn, window.expCmdSn(), window.maxCmdSn(),
                            Unpooled.EMPTY_BUFFER));
                    flushIfIdle();
                    return true;
                }

                @Override
                public int nextTargetTransferTag() {
                    return IscsiConnection.this.nextTargetTransferTag();
                }

                @Override
                public void unanswered() {
                    ctx.close(); // faults.md "vanished initiator": the session ends as on connection loss
                }
            }, ctx.executor(), settings.nopInInterval(), settings.nopInTimeout());
            pinger.start();
        }
    }

    private void stopRecovery() {
        if (recovery != null) {
            recovery.clear();
        }
        if (pinger != null) {
            pinger.stop();
        }
    }

    /**
     * RFC 7143 11.9.1 AsyncEvent 1: asks the initiator to log out within {@code seconds}
     * (Parameter3); the returned stage completes when this connection is gone. Connections not in
     * the full feature phase of a normal session complete at once.
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

    /**
     * RFC 7143 7.8 at ERL >= 1: the Reject (0x02), then a Data-Out's lost data is asked for again
     * with a recovery R2T; a SCSI Command whose immediate data was lost is accepted without it (its
     * header is good; its Reject goes once the window counted it) and R2Ts ask for that data
     * (7.1.4.1). False, nothing sent, when the ERL 0 handling applies (other PDUs, a command with an
     * AHS, or one that is not acceptable anyway).
     */
    private boolean recoverDataDigest(Bhs h) {
        if (h.opcode() == Opcode.DATA_OUT) {
            reject(RejectPdu.DATA_DIGEST_ERROR, h);
            IscsiTask t = tasks.get(h.itt());
            if (t != null && !t.finished()) {
                t.lostDataOut(h.i32(20), h.i32(36));
            }
            return true;
        }
        if (h.opcode() != Opcode.SCSI_COMMAND || h.totalAhsLength() != 0 || tasks.containsKey(h.itt())
                || !(PduParser.parse(h, null, Unpooled.EMPTY_BUFFER) instanceof ScsiCommand cmd) || !cmd.write()
                || validate(cmd) != 0) {
            return false;
        }
        onCommand(cmd, true);
        IscsiTask t = tasks.get(cmd.itt());
        if (t != null) {
            t.loseUnsolicited();
        }
        flushIfIdle();
        return true;
    }

    /** RFC 7143 11.9.1 AsyncEvent 0 with sense data (11.9.4: SenseLength, then the sense bytes). */
    private void sendScsiAsyncEvent(long lun, byte[] sense) {
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

    /** The connection's retention for a read about to be sent, or null (ERL 0, over the cap). */
    DataInRetention retainDataIn(int itt, int length) {
        return recovery == null ? null : recovery.retain(itt, length);
    }

    /** The outstanding task with this ITT, or null. */
    IscsiTask task(int itt) {
        return tasks.get(itt);
    }

    /** The recovery state (tests), null at ERL 0. */
    SnackHandler recovery() {
        return recovery;
    }

    /** The pinger (tests), null when pings are off. */
    Pinger pinger() {
        return pinger;
    }

    // ---- full feature phase ----

    private void onFullFeature(InboundPdu pdu) {
        boolean discovery = identity.discovery();
        if (recovery != null && !(pdu instanceof BadPdu)) {
            recovery.acknowledge(pdu.bhs().i32(28)); // ERL 1 hook: ExpStatSN releases statuses (4.2.2.2)
        }
        switch (pdu) {
            case ScsiCommand cmd -> {
                if (discovery) {
                    ctx.close(); // bad-inputs row 6
                } else {
                    onCommand(cmd);
                }
            }
            case DataOut d -> {
                if (discovery) {
                    ctx.close();
                } else {
                    onDataOut(d);
                }
            }
            case NopOut nop -> {
                if (discovery) {
                    ctx.close();
                } else {
                    if (pinger != null && nop.ttt() != Opcode.RESERVED_TAG) {
                        pinger.answered(nop.ttt()); // 11.18.3: the answer to a target's ping
                    }
                    ordered(nop.cmdSn(), nop.immediate(), nop.data(), () -> onNop(nop));
                }
            }
            case TextRequest t -> ordered(t.cmdSn(), t.immediate(), t.data(), () -> text.onText(t));
            case TaskMgmtRequest tmf -> {
                if (discovery) {
                    ctx.close();
                } else {
                    ordered(tmf.cmdSn(), tmf.immediate(), tmf.data(), () -> onTaskManagement(tmf));
                }
            }
            case LogoutRequest l -> ordered(l.cmdSn(), l.immediate(), l.data(), () -> onLogout(l));
            case LoginRequest l -> reject(RejectPdu.PROTOCOL_ERROR, l.bhs());
            // row 17. Nothing is counted: where an opcode we do not know carries a CmdSN, if it does, is unknown; the
            // Reject's ExpCmdSN says so, and the initiator fills the gap (e.g. ABORT TASK naming it, RFC 7143 11.5.1 b)
            case OtherPdu o -> reject(RejectPdu.COMMAND_NOT_SUPPORTED, o.bhs());
            case BadPdu b -> onBadPdu(b);
            case SnackRequest snack -> {
                if (recovery == null) {
                    reject(RejectPdu.COMMAND_NOT_SUPPORTED, snack.bhs()); // row 17: SNACK needs ERL >= 1
                } else {
                    recovery.onSnack(snack); // RFC 7143 11.16
                }
            }
        }
    }

    /**
     * Delivers a PDU that carries a CmdSN in order (3.2.2.1): immediate ones at once, others when
     * CmdSN reaches them, dropped when outside [ExpCmdSN, MaxCmdSN] (bad-inputs row 15).
     */
    private void ordered(int cmdSn, boolean immediate, ByteBuf data, Runnable action) {
        if (immediate) {
            action.run();
            return;
        }
        switch (window.classify(cmdSn)) {
            case DELIVER -> {
                window.advance();
                action.run();
                drainWindow();
            }
            case QUEUE -> window.queue(cmdSn, new CommandWindow.Queued(data.retain(), () -> {
                try {
                    if (phase == Phase.FULL_FEATURE) {
                        action.run(); // its turn may come from another connection's PDU (3.2.2.1)
                        flushIfIdle();
                    }
                } finally {
                    data.release();
                }
            }));
            case DROP -> { }
        }
    }

    private void drainWindow() {
        CommandWindow.Queued q;
        while (!session.ending() && (q = window.next()) != null) {
            q.action().run();
        }
    }

    private void onCommand(ScsiCommand cmd) {
        onCommand(cmd, false);
    }

    /**
     * @param digestError RFC 7143 7.8 at ERL 1: the command came with a data digest error and is taken
     *                    without its immediate data; its Reject (0x02) goes once the window has counted
     *                    the command, so the Reject's ExpCmdSN agrees (11.17.3), and before it runs
     */
    private void onCommand(ScsiCommand cmd, boolean digestError) {
        boolean inTurn = false;
        if (!cmd.immediate()) {
            CommandWindow.Verdict v = window.classify(cmd.cmdSn());
            if (v == CommandWindow.Verdict.DROP) {
                if (digestError) {
                    reject(RejectPdu.DATA_DIGEST_ERROR, cmd.bhs());
                }
                return;
            }
            inTurn = v == CommandWindow.Verdict.DELIVER;
        }
        int reason = validate(cmd);
        if (reason != 0) {
            rejectCounted(reason, cmd.bhs());
            return;
        }
        IscsiTask task = new IscsiTask(this, cmd, params);
        tasks.put(cmd.itt(), task);
        if (!lateUnsolicited.isEmpty()) {
            lateUnsolicited.remove(cmd.itt()); // the ITT is in use again
        }
        if (session != null) {
            session.forgetUnacknowledged(cmd.itt()); // ERL 2: the initiator gave up the old task with this ITT
        }
        if (inTurn) {
            window.advance();
        }
        if (digestError) {
            reject(RejectPdu.DATA_DIGEST_ERROR, cmd.bhs());
        }
        if (cmd.immediate() || inTurn) {
            submit(task);
            if (inTurn) {
                drainWindow();
            }
        } else {
            window.queue(cmd.cmdSn(), new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> {
                submit(task);
                flushIfIdle();
            }));
        }
    }

    /** bad-inputs rows 10 and 11 (RFC 7143 11.3, 13.11, 13.14); 0 when the command is acceptable. */
    private int validate(ScsiCommand cmd) {
        long edtl = Integer.toUnsignedLong(cmd.expectedDataTransferLength());
        int dsl = cmd.data().readableBytes();
        if (edtl > 0 && !cmd.read() && !cmd.write()) {
            return RejectPdu.INVALID_PDU_FIELD;
        }
        if (tasks.containsKey(cmd.itt()) || cmd.itt() == Opcode.RESERVED_TAG) {
            return RejectPdu.INVALID_PDU_FIELD; // the ITT must be unique among outstanding tasks
        }
        if (dsl > 0) {
            if (!params.immediateData() || dsl > edtl) {
                return RejectPdu.PROTOCOL_ERROR;
            }
            if (dsl > params.firstBurstLength() || !cmd.write()) {
                return RejectPdu.INVALID_PDU_FIELD;
            }
        }
        return 0;
    }

    private void submit(IscsiTask task) {
        if (session.ending() && task.waiting()) {
            task.cancel(); // the session closes before its turn: it never reaches the core
        }
        if (!task.waiting()) { // cancelled (ABORT TASK, its connection closed) or discarded with its session
            forget(task);
            task.dispose(false);
            return;
        }
        task.submitted();
        if (!task.immediate()) {
            window.started(); // in flight until finish(): MaxCmdSN (3.2.2.1)
        }
        session.handle().submit(task);
    }

    private void onDataOut(DataOut d) {
        IscsiTask task = tasks.get(d.itt());
        if (task == null && d.ttt() == Opcode.RESERVED_TAG && lateUnsolicited.containsKey(d.itt())) {
            // the rest of an unsolicited burst (13.10) for a command already answered: dropped silently
            int left = lateUnsolicited.get(d.itt()) - d.data().readableBytes();
            if (left <= 0 || d.finalFlag()) {
                lateUnsolicited.remove(d.itt());
            } else {
                lateUnsolicited.put(d.itt(), left);
            }
            return;
        }
        if (task == null || task.finished()) {
            reject(RejectPdu.INVALID_PDU_FIELD, d.bhs()); // row 11: unknown ITT
            return;
        }
        if (task.connection() != this) {
            reject(RejectPdu.PROTOCOL_ERROR, d.bhs()); // RFC 7143 2.2 connection allegiance: a task's Data-Out comes on its own connection
            return;
        }
        switch (task.onDataOut(d)) {
            case ACCEPTED -> { }
            case REJECT -> reject(RejectPdu.INVALID_PDU_FIELD, d.bhs());
            case BAD_DATA_SN -> {
                // row 13 at ERL 0 (RFC 7143 7.9, 11.7.5): Reject, then the command still gets a status,
                // CHECK CONDITION with ABORTED COMMAND 47/05 from the core (SAM has no sense of its own for row 13)
                reject(RejectPdu.PROTOCOL_ERROR, d.bhs());
                task.dataLost("Data-Out with DataSN " + d.dataSn() + " out of sequence");
            }
            case CLOSE -> ctx.close(); // row 12
        }
    }

    private void onNop(NopOut nop) {
        if (nop.itt() != Opcode.RESERVED_TAG) { // 11.18.2: a ping that wants an answer, data echoed
            send(new NopInPdu(nop.lun(), nop.itt(), Opcode.RESERVED_TAG, statSn++,
                    window.expCmdSn(), window.maxCmdSn(), nop.data().retainedSlice()));
        }
    }

    private void onTaskManagement(TaskMgmtRequest r) {
        TmfRequest.Function function = TmfCodes.function(r.function());
        if (r.function() == TaskMgmtRequest.TASK_REASSIGN) {
            onTaskReassign(r);
            return;
        }
        if (function == null) {
            sendTmfResponse(r.itt(), TmfCodes.NOT_SUPPORTED);
            return;
        }
        if (function == TmfRequest.Function.ABORT_TASK) {
            IscsiTask referenced = tasks.get(r.referencedTaskTag());
            if (referenced == null) {
                // 11.5.1 b: a RefCmdSN inside the window AND below the TMF's own CmdSN counts as received
                // (and aborted): the window consumes it, so what waited behind it runs and a PDU that brings it
                // later is a duplicate (4.2.2.1); Function Complete. Otherwise (c) Task Does Not Exist
                if (SerialNumber.inRange(r.refCmdSn(), window.expCmdSn(), window.maxCmdSn())
                        && SerialNumber.lessThan(r.refCmdSn(), r.cmdSn())) {
                    boolean moved = window.consume(r.refCmdSn());
                    sendTmfResponse(r.itt(), TmfCodes.FUNCTION_COMPLETE);
                    if (moved) {
                        drainWindow();
                    }
                } else {
                    sendTmfResponse(r.itt(), TmfCodes.TASK_DOES_NOT_EXIST);
                }
                return;
            }
            if (referenced.waiting()) { // still waiting for its CmdSN turn: never reaches the core
                referenced.cancel();
                forget(referenced);
                sendTmfResponse(r.itt(), TmfCodes.FUNCTION_COMPLETE);
                return;
            }
        }
        int itt = r.itt();
        if (function == TmfRequest.Function.LOGICAL_UNIT_RESET || function == TmfRequest.Function.TARGET_WARM_RESET
                || function == TmfRequest.Function.TARGET_COLD_RESET) {
            // resets disturb every initiator of the LU or target: the operator learns who asked
            log.warn("{} from {} on {}{}", function, initiatorDescription(), identity.targetName(),
                    function == TmfRequest.Function.LOGICAL_UNIT_RESET ? " LUN " + (r.lun() >>> 48 & 0x3FFF)
                            : function == TmfRequest.Function.TARGET_COLD_RESET ? ": its connections will be closed" : "");
        }
        session.handle().taskManagement(new TmfRequest(function, r.lun(), Integer.toUnsignedLong(r.referencedTaskTag())),
                response -> execute(() -> {
                    int code = TmfCodes.code(response);
                    if (function == TmfRequest.Function.TARGET_COLD_RESET && code == TmfCodes.FUNCTION_COMPLETE) {
                        coldReset(itt);
                    } else {
                        sendTmfResponse(itt, code);
                    }
                }, () -> { }));
    }

    /**
     * RFC 7143 11.5.1 TASK REASSIGN: below ERL 2 "allegiance reassignment not supported"; at ERL 2
     * a task retained from a failed connection (7.2) moves to this one: the response first, then a
     * write resumes with recovery R2Ts for the data not received, a completed task sends its status
     * here, a running one answers here when done. A task whose connection is alive is "still
     * allegiant" (11.6.1 response 3).
     */
    private void onTaskReassign(TaskMgmtRequest r) {
        if (params.errorRecoveryLevel() < 2) {
            sendTmfResponse(r.itt(), TmfCodes.ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED);
            return;
        }
        IscsiTask t = tasks.get(r.referencedTaskTag());
        if (t == null || t.finished() || t.terminated()) {
            ReassignableStatus sent = t == null ? session.takeUnacknowledged(r.referencedTaskTag()) : null;
            if (sent == null) {
                sendTmfResponse(r.itt(), TmfCodes.TASK_DOES_NOT_EXIST);
                return;
            }
            // 11.5.1: its status went out on the failed connection unacknowledged: the response, then the
            // Data-In from the request's ExpDataSN and the status again, with this connection's StatSN
            sendTmfResponse(r.itt(), TmfCodes.FUNCTION_COMPLETE);
            sent.sendOn(this, r.expDataSn());
            flushIfIdle();
            return;
        }
        if (!t.retained()) {
            sendTmfResponse(r.itt(), TmfCodes.TASK_STILL_ALLEGIANT);
            return;
        }
        sendTmfResponse(r.itt(), TmfCodes.FUNCTION_COMPLETE);
        ScsiResponse held = t.reassign(this);
        if (held != null) {
            completeTask(t, held); // the core completed it meanwhile: its status goes out here
        }
        flushIfIdle();
    }

    /**
     * RFC 7143 11.5.1 TARGET COLD RESET: once the response is sent the target closes all of its
     * TCP connections to all initiators; each session then closes as on connection loss. "Its": the
     * target the request arrived for, never the daemon's other targets (whose sessions the
     * requester may not even be allowed to open).
     */
    private void coldReset(int itt) {
        if (phase == Phase.CLOSED) {
            return;
        }
        flushPending = false;
        String targetName = identity.targetName();
        ctx.writeAndFlush(new TaskMgmtResponsePdu(TmfCodes.FUNCTION_COMPLETE, itt, statSn++, window.expCmdSn(),
                window.maxCmdSn())).addListener(f -> {
            for (IscsiConnection c : new ArrayList<>(target.connections())) {
                c.closeIfServing(targetName);
            }
            ctx.close();
        });
    }

    /** Closes this connection's channel from any thread. */
    void closeChannel() {
        execute(ctx::close, () -> { });
    }

    /** Closes this connection (from any thread) if it belongs to a normal session of {@code targetName}. */
    private void closeIfServing(String targetName) {
        execute(() -> {
            if (identity != null && !identity.discovery() && identity.targetName().equals(targetName)) {
                ctx.close();
            }
        }, () -> { });
    }

    /** The initiator for log lines: its name and the address it connects from. */
    String initiatorDescription() {
        String name = identity != null ? identity.initiatorName() : "an initiator still logging in";
        return name + " at " + ctx.channel().remoteAddress();
    }

    private void sendTmfResponse(int itt, int response) {
        if (phase == Phase.CLOSED) {
            return;
        }
        send(new TaskMgmtResponsePdu(response, itt, statSn++, window.expCmdSn(),
                window.maxCmdSn()));
        flushIfIdle();
    }

    private void onLogout(LogoutRequest r) {
        int itt = r.itt();
        IscsiSession s = session;
        if (r.reason() == LogoutRequest.REMOVE_FOR_RECOVERY) {
            if (!s.recovers()) {
                sendLogoutResponse(itt, 2, false); // 11.15.1: connection recovery is not supported below ERL 2
                return;
            }
            IscsiConnection removed = s.connection(r.cid());
            if (removed == null) {
                sendLogoutResponse(itt, 1, false); // CID not found
                return;
            }
            // 11.14.1 reason 2: the connection goes, its tasks wait Time2Retain for TASK REASSIGN (7.2)
            s.remove(r.cid(), removed);
            removed.endingSession();
            s.retainTasksOf(removed);
            if (removed == this) {
                phase = Phase.LOGGING_OUT;
            } else {
                removed.closeChannel();
            }
            sendLogoutResponse(itt, 0, removed == this);
            return;
        }
        if (r.reason() == LogoutRequest.CLOSE_CONNECTION && s.connectionCount() > 1) {
            IscsiConnection closing = s.connection(r.cid());
            if (closing == null) {
                sendLogoutResponse(itt, 1, false); // 11.15.1: CID not found
                return;
            }
            // 11.14.1 close the connection CID (this one or another): below ERL 2 its tasks are terminated
            // first; the session and its other connections go on
            s.remove(r.cid(), closing);
            closing.endingSession();
            if (closing == this) {
                phase = Phase.LOGGING_OUT;
            }
            s.terminateTasksOf(closing).whenComplete((v, e) -> execute(() -> {
                if (closing != this) {
                    closing.closeChannel();
                }
                sendLogoutResponse(itt, 0, closing == this);
            }, () -> { }));
            return;
        }
        if (r.reason() == LogoutRequest.CLOSE_CONNECTION && r.cid() != cid) {
            sendLogoutResponse(itt, 1, false); // CID not found
            return;
        }
        phase = Phase.LOGGING_OUT;
        // 11.14: close the session (or its last connection): the response follows the engine's quiescing;
        // gone waits for it too (channelInactive); the other connections close with the session
        for (IscsiConnection other : s.connections()) {
            if (other != this) {
                other.endingSession();
            }
        }
        closeSession().whenComplete((v, e) -> execute(() -> {
            for (IscsiConnection other : s.connections()) {
                if (other != this) {
                    other.closeChannel();
                }
            }
            sendLogoutResponse(itt, 0, true);
        }, () -> { }));
    }

    private void sendLogoutResponse(int itt, int response, boolean close) {
        if (phase == Phase.CLOSED) {
            return; // the connection dropped while the engine quiesced the session
        }
        // 11.15.2 / 11.15.3: Time2Wait and Time2Retain matter when connection recovery (ERL 2) is possible
        boolean erl2 = session != null && session.recovers();
        var pdu = new LogoutResponsePdu(response, itt, statSn++, window.expCmdSn(), window.maxCmdSn(),
                erl2 ? params.defaultTime2Wait() : 0, erl2 ? params.defaultTime2Retain() : 0);
        if (close) {
            ctx.writeAndFlush(pdu).addListener(ChannelFutureListener.CLOSE);
        } else {
            send(pdu);
            flushIfIdle();
        }
    }

    private void onBadPdu(BadPdu bad) {
        switch (bad.problem()) {
            case HEADER_DIGEST -> ctx.close(); // row 16: nothing in the header can be trusted
            case DATA_SEGMENT_TOO_LONG, BAD_AHS -> {
                if (phase != Phase.FULL_FEATURE) {
                    refuseLogin(LoginStatus.INITIATOR_ERROR); // row 1: never buffered, then close
                } else {
                    rejectCounted(RejectPdu.PROTOCOL_ERROR, bad.bhs()); // rows 2, 10
                }
            }
            case DATA_DIGEST -> {
                if (phase != Phase.FULL_FEATURE) {
                    ctx.close();
                    return;
                }
                Bhs h = bad.bhs();
                if (recovery != null && recoverDataDigest(h)) {
                    return; // ERL 1 hook: within-command recovery (RFC 7143 7.8, 7.1.4.1), its Reject included
                }
                if (h.opcode() == Opcode.SCSI_COMMAND && !tasks.containsKey(h.itt())) {
                    // row 16: the command's immediate data is lost: it fails with ABORTED COMMAND 47/05 without
                    // reaching the core, so its LU's D_SENSE is unknown here: the engine's sense vocabulary
                    // writes fixed format (SPC-5 4.4.3). Answered, its CmdSN is used: counted before the
                    // Reject, whose ExpCmdSN then says so (11.17.3)
                    boolean moved = countCarriedCmdSn(h);
                    reject(RejectPdu.DATA_DIGEST_ERROR, h);
                    StatusSender.sendCheckCondition(this, h.itt(),
                            SenseData.build(SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST, false));
                    if (moved) {
                        drainWindow();
                    }
                } else if (h.opcode() == Opcode.DATA_OUT) {
                    reject(RejectPdu.DATA_DIGEST_ERROR, h); // row 16
                    IscsiTask t = tasks.get(h.itt());
                    if (t != null && !t.finished()) {
                        // RFC 7143 7.8 / 13.1 at ERL 0: the data is gone and not recovered; the core fails
                        // the command with CHECK CONDITION, ABORTED COMMAND 47/05
                        t.dataLost("Data-Out with a data digest error");
                    }
                } else {
                    // 7.8: any other PDU is discarded, its CmdSN not counted: 0x02 lets it be sent again (11.17.1)
                    reject(RejectPdu.DATA_DIGEST_ERROR, h);
                }
            }
        }
    }

    /**
     * Rejects a PDU that may not be sent again (RFC 7143 11.17.1: 0x04 Protocol Error, 0x09 Invalid
     * PDU Field): a non-immediate one that carries a CmdSN has used it, so the window counts it
     * first and the Reject's ExpCmdSN (11.17.3: its usual value) already says so, agreeing with
     * every PDU after it; an initiator never reuses that CmdSN only to be dropped as a duplicate
     * (4.2.2.1). What waited behind it runs after the Reject.
     */
    private void rejectCounted(int reason, Bhs h) {
        boolean moved = countCarriedCmdSn(h);
        reject(reason, h);
        if (moved) {
            drainWindow();
        }
    }

    /** A rejected non-immediate PDU that carries a CmdSN uses it; true when ExpCmdSN moved (then drain). */
    private boolean countCarriedCmdSn(Bhs h) {
        int op = h.opcode();
        boolean carries = op == Opcode.SCSI_COMMAND || op == Opcode.NOP_OUT || op == Opcode.TEXT_REQUEST
                || op == Opcode.TASK_MGMT_REQUEST || op == Opcode.LOGOUT_REQUEST;
        return carries && !h.immediate() && window != null && window.consume(h.i32(24));
    }

    // ---- task callbacks (event loop) ----

    void completeTask(IscsiTask task, ScsiResponse response) {
        if (task.state() == IscsiTask.State.RETAINED) {
            task.hold(response); // ERL 2: no connection to answer on until TASK REASSIGN (or Time2Retain ends)
            return;
        }
        if (task.state() == IscsiTask.State.RUNNING && phase != Phase.CLOSED) {
            finish(task);
            StatusSender.send(this, task, response);
            flushIfIdle();
            return;
        }
        // discarded with its session, terminated with its connection (11.14.1), or its connection is gone
        if (response.dataIn() != null) {
            response.dataIn().release();
        }
        if (!task.finished() && !session.ending()) {
            finish(task, true); // the session forgets it silently
        }
    }

    void abortedTask(IscsiTask task) {
        if (!task.finished()) {
            finish(task, true); // ERL 0: nothing is sent for an aborted task; a waiting receiver fails
        }
    }

    private void finish(IscsiTask task) {
        finish(task, false);
    }

    void finish(IscsiTask task, boolean failReceiver) {
        boolean counted = task.finish();
        forget(task);
        int outstanding = task.unsolicitedOutstanding();
        if (outstanding > 0) {
            lateUnsolicited.put(task.itt(), outstanding);
        }
        if (counted) {
            window.finished();
        }
        task.dispose(failReceiver);
    }

    /** Drops the task from the ITT table if it is still the one registered there. */
    private void forget(IscsiTask task) {
        if (tasks.get(task.itt()) == task) {
            tasks.remove(task.itt());
        }
    }

    // ---- sending ----

    /** Writes without flushing: the read burst ({@link #channelReadComplete}) or {@link #flushIfIdle} flushes. */
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

    /** Flushes unless a read burst is in progress (it flushes at its end). */
    void flushIfIdle() {
        if (!reading && flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    private void flushNow() {
        flushPending = false;
        ctx.flush();
    }

    void reject(int reason, Bhs rejected) {
        send(new RejectPdu(reason, statSn++, window == null ? 0 : window.expCmdSn(),
                window == null ? 0 : window.maxCmdSn(), Unpooled.wrappedBuffer(rejected.bytes())));
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

    int nextStatSn() {
        return statSn++;
    }

    int expCmdSn() {
        return window.expCmdSn();
    }

    int maxCmdSn() {
        return window.maxCmdSn();
    }

    OperationalParameters parameters() {
        return params;
    }

    LoginIdentity identity() {
        return identity;
    }

    TargetContext target() {
        return target;
    }

    /** The address the initiator reached (loopback when the channel is not a socket, e.g. in tests). */
    InetSocketAddress localAddress() {
        return ctx.channel().localAddress() instanceof InetSocketAddress a ? a
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 3260);
    }

    int nextTargetTransferTag() {
        int t = nextTtt++;
        if (t == Opcode.RESERVED_TAG) {
            t = nextTtt++;
        }
        return t;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    /** Runs {@code action} on the event loop, or {@code orElse} when the loop is gone. */
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
}
