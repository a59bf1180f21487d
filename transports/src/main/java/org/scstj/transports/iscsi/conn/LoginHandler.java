package org.scstj.transports.iscsi.conn;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.ChapNegotiation;
import org.scstj.transports.iscsi.login.LoginIdentity;
import org.scstj.transports.iscsi.login.LoginStateMachine;
import org.scstj.transports.iscsi.login.LoginStatus;
import org.scstj.transports.iscsi.login.LoginStep;
import org.scstj.transports.iscsi.login.PortalAccess;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.InboundPdu;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.LoginResponsePdu;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The login phase of one {@link IscsiConnection} (RFC 7143 6.3), the first handler after the
 * codec: Login Requests through the {@link LoginStateMachine}, the absolute login deadline
 * (bad-inputs row 18), the CHAP back-off's held answers (row 9), then the session: a leading login
 * (TSIH 0) opens one, reinstating the session of the same nexus first (6.3.5); a login with a live
 * session's TSIH joins it (6.3.3, MC/S), moving the channel onto the session's event loop and
 * reinstating the connection with the same CID (6.3.4). Anything but a Login Request before the
 * full feature phase closes the connection.
 *
 * <p>The hand-over ({@link #handOver}): with the final Login Response written (T=1, NSG=3), the
 * connection enters the full feature phase ({@link IscsiConnection#enterFullFeature}) and this
 * handler replaces itself in the pipeline with a {@link FullFeatureHandler}, on the event loop
 * and while the Login Request is being read, so the next PDU (even from the same socket read)
 * reaches the full feature phase's handler. What moves across is written down on {@link
 * LoginHandOver}; what stays here (the state machine, CHAP, the deadline, the login's ITT and, for
 * a connection that joined, its own command window) ends with this handler.
 *
 * <p>Buffer ownership: this handler owns every {@link InboundPdu} it reads and releases it in
 * {@code finally}; nothing is kept. Login Responses own their text (wrapped arrays).
 *
 * <p>Threading: event-loop confined; the engine's answer to opening a session hops here.
 */
final class LoginHandler extends ChannelInboundHandlerAdapter {
    private final IscsiConnection conn;
    private ChannelHandlerContext ctx;
    private LoginStateMachine login;
    private IscsiSettings.PortalGroup portalGroup;
    private ScheduledFuture<?> loginTimer;
    /** A login answer held back by the CHAP back-off (bad-inputs row 9): nothing more is read until it went. */
    private boolean answerHeld;
    private int loginItt;
    /** The command numbering from the leading Login Request (6.3); a connection that joins uses the session's. */
    private CommandWindow window;
    /** The session a login with a nonzero TSIH adds this connection to (RFC 7143 6.3.3). */
    private IscsiSession joining;

    LoginHandler(IscsiConnection conn) {
        this.conn = conn;
    }

    // ---- channel life ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        conn.attach(ctx);
        TargetContext target = conn.target();
        IscsiSettings s = conn.settings();
        IscsiSettings.PortalGroup arrivedOn = ctx.channel().attr(IscsiConnection.PORTAL_GROUP).get();
        this.portalGroup = arrivedOn != null ? current(s, arrivedOn) : s.portalGroups().getFirst();
        InetAddress source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        this.login = new LoginStateMachine(s, new ChapNegotiation(s.chap(), target.chapBackoff(), source), portalGroup.tag(),
                (initiator, name) ->
                PortalAccess.check(s, portalGroup, name, target.core().targetsVisibleTo(initiator).contains(name)));
    }

    /**
     * The group the portal belongs to in the settings this connection read: a reconfiguration may
     * have changed the group's redirect (RFC 7143 11.13.5) since its listener was bound (never its
     * tag, which needs a restart). A group no longer configured (its portals being unbound) stays
     * as it was.
     */
    private static IscsiSettings.PortalGroup current(IscsiSettings s, IscsiSettings.PortalGroup arrivedOn) {
        for (IscsiSettings.PortalGroup g : s.portalGroups()) {
            if (g.name().equals(arrivedOn.name()) && g.tag() == arrivedOn.tag()) {
                return g;
            }
        }
        return arrivedOn;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        conn.opened();
        io.netty.channel.Channel portal = ctx.channel().parent();
        if (portal != null && !portal.isOpen()) {
            ctx.close(); // its portal was removed by a reconfiguration while it was being accepted
            ctx.fireChannelActive();
            return;
        }
        long timeout = conn.settings().loginTimeout().toNanos();
        loginTimer = ctx.executor().schedule(() -> {
            if (conn.phase() == IscsiConnection.Phase.LOGIN || conn.phase() == IscsiConnection.Phase.OPENING) {
                ctx.close(); // bad-inputs row 18: absolute login deadline
            }
        }, timeout, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conn.closed();
        if (loginTimer != null) {
            loginTimer.cancel(false);
        }
        if (window != null) {
            window.clear();
        }
        conn.ended(); // no session yet: nothing to close (a leading login's session is closed when it opens)
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundPdu pdu)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        conn.reading();
        try {
            IscsiConnection.Phase phase = conn.phase();
            if (phase == IscsiConnection.Phase.CLOSED) {
                return;
            }
            if (pdu instanceof BadPdu bad) {
                onBadPdu(bad);
            } else if (phase == IscsiConnection.Phase.LOGIN) {
                if (answerHeld) {
                    ctx.close(); // RFC 7143 6.3: the initiator waits for the answer to its Login Request
                } else if (pdu instanceof LoginRequest r) {
                    onLogin(r);
                } else {
                    ctx.close(); // only Login PDUs before the full feature phase (RFC 7143 6.3)
                }
            } else {
                ctx.close(); // bad-inputs row 17: a PDU while the session opens, or after a refusal
            }
        } finally {
            pdu.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        conn.readComplete();
        ctx.fireChannelReadComplete();
    }

    private void onBadPdu(BadPdu bad) {
        switch (bad.problem()) {
            case HEADER_DIGEST, DATA_DIGEST -> ctx.close(); // row 16; no digest is negotiated yet
            case DATA_SEGMENT_TOO_LONG, BAD_AHS -> refuseLogin(LoginStatus.INITIATOR_ERROR); // row 1: never buffered, then close
        }
    }

    // ---- login ----

    private void onLogin(LoginRequest r) {
        if (window == null) {
            // 6.3 / 11.13.4: the leading login fixes the first StatSN and CmdSN
            conn.identify(r.isid(), r.cid(), r.expStatSn());
            window = new CommandWindow(r.cmdSn(), conn.settings().maxCmdWindow());
            loginItt = r.itt();
            if (r.tsih() != 0) {
                // 6.3.3 / 11.12.6: a nonzero TSIH adds a connection to that live session
                IscsiSession s = conn.target().registry().byTsih(r.tsih());
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
                if (conn.phase() == IscsiConnection.Phase.LOGIN) {
                    answerLogin(step);
                    conn.flushNow();
                }
            }, held, TimeUnit.NANOSECONDS);
            return;
        }
        answerLogin(step);
    }

    private void answerLogin(LoginStep step) {
        switch (step) {
            case LoginStep.Reply reply -> conn.send(new LoginResponsePdu(reply.transit(), false, reply.csg(), reply.nsg(),
                    conn.isid(), joiningTsih(), loginItt, conn.nextStatSn(), window.expCmdSn(),
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

    private int joiningTsih() {
        return joining == null ? 0 : joining.tsih();
    }

    private void refuseLogin(int status) {
        refuseLogin(status, new byte[0]);
    }

    /** RFC 7143 11.13.5: a Login Response with a failure status, then the connection closes. */
    private void refuseLogin(int status, byte[] text) {
        conn.target().registry().stats().login(status);
        conn.loggingOut();
        conn.sendLast(new LoginResponsePdu(false, false, 0, 0, conn.isid(), joiningTsih(), loginItt, conn.statSn(),
                        window == null ? 0 : window.expCmdSn(), window == null ? 0 : window.maxCmdSn(), status,
                        Unpooled.wrappedBuffer(text)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    // ---- the session: opened (leading login) ----

    private void openSession(LoginStep.Complete complete) {
        LoginIdentity identity = complete.identity();
        conn.opening(identity);
        TargetContext target = conn.target();
        if (identity.discovery()) {
            // 11.13.3: every session gets a TSIH; a discovery session is never registered (nothing joins it)
            IscsiSession session = new IscsiSession(target, ctx.channel().eventLoop(), identity, complete.parameters(),
                    null, null, target.registry().nextTsih(), window, portalGroup.tag());
            handOver(new LoginHandOver(session, identity, complete.parameters()), complete);
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
                .whenComplete((handle, error) -> conn.execute(() -> opened(complete, key, handle, error), () -> {
                    if (handle != null) {
                        handle.close(() -> { });
                    }
                }));
    }

    private void opened(LoginStep.Complete complete, String key, SessionHandle handle, Throwable error) {
        if (conn.phase() != IscsiConnection.Phase.OPENING) {
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
            conn.flushNow();
            return;
        }
        TargetContext target = conn.target();
        LoginIdentity identity = complete.identity();
        IscsiSession session = new IscsiSession(target, ctx.channel().eventLoop(), identity, complete.parameters(), handle,
                key, target.registry().nextTsih(), window, portalGroup.tag());
        // RFC 7143 11.9.1 AsyncEvent 0: the engine's asynchronous events (3F/0E after a reload) as Async
        // Messages, on one connection of the session (any: 11.9.1 lets the target choose)
        handle.asyncEvents((lun, sense) -> session.execute(() -> {
            IscsiConnection c = session.anyConnection();
            if (c != null) {
                c.sendScsiAsyncEvent(lun, sense);
            }
        }, () -> { }));
        target.registry().register(session);
        handOver(new LoginHandOver(session, identity, complete.parameters()), complete);
        conn.flushNow();
    }

    // ---- the session: joined (RFC 7143 6.3.3, MC/S) ----

    /**
     * A login with the TSIH of a live session completed (RFC 7143 6.3.3): the connection moves to
     * the session's event loop (so the session stays single-threaded, see {@link IscsiSession}),
     * then joins there.
     */
    private void joinSession(IscsiSession s, LoginStep.Complete complete) {
        conn.opening(null); // the session's identity applies once joined
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
        if (conn.phase() != IscsiConnection.Phase.OPENING) {
            return;
        }
        if (s.ending()) {
            refuseLogin(LoginStatus.SESSION_DOES_NOT_EXIST);
            conn.flushNow();
            return;
        }
        IscsiConnection old = s.connection(conn.cid());
        if (old != null) {
            // 6.3.4 connection reinstatement: the same CID logs in again; the old connection is closed
            // and (below ERL 2) its tasks terminated
            s.remove(conn.cid(), old);
            old.endingSession();
            if (s.recovers()) {
                s.retainTasksOf(old); // ERL 2: TASK REASSIGN moves them to this connection (11.5.1)
            } else {
                s.terminateTasksOf(old);
            }
            old.closeChannel();
        } else if (s.connectionCount() >= s.parameters().maxConnections()) {
            refuseLogin(LoginStatus.TOO_MANY_CONNECTIONS);
            conn.flushNow();
            return;
        }
        // the session's leading-only values, the connection's own digests and receive limits (13)
        handOver(new LoginHandOver(s, s.identity(), s.forConnection(complete.parameters())), complete);
        conn.flushNow();
    }

    // ---- the hand-over ----

    /**
     * Ends the login phase (RFC 7143 6.3 → 3.2): the final Login Response (T=1, NSG=3) goes out
     * still without digests, the connection enters the full feature phase with what {@code to}
     * carries, and the {@link FullFeatureHandler} takes this handler's place in the pipeline.
     * The caller flushes (or the read burst does).
     */
    private void handOver(LoginHandOver to, LoginStep.Complete complete) {
        IscsiSession s = to.session();
        loginTimer.cancel(false);
        conn.target().registry().stats().login(LoginStatus.SUCCESS);
        conn.send(new LoginResponsePdu(true, false, complete.csg(), LoginStateMachine.FULL_FEATURE, conn.isid(), s.tsih(),
                loginItt, conn.nextStatSn(), s.window.expCmdSn(), s.window.maxCmdSn(), LoginStatus.SUCCESS,
                Unpooled.wrappedBuffer(complete.text())));
        conn.enterFullFeature(to);
        if (window != s.window) {
            window.clear(); // a joining login's own numbering gives way to the session's (3.2.2.1)
        }
        window = null;
        ctx.pipeline().replace(this, FullFeatureHandler.NAME, new FullFeatureHandler(conn, to));
    }
}
