package org.scstj.transports.iscsi.conn;

import io.netty.channel.ChannelFutureListener;
import org.scstj.transports.iscsi.pdu.LogoutRequest;
import org.scstj.transports.iscsi.pdu.LogoutResponsePdu;

/**
 * Logout Requests of one connection (RFC 7143 11.14, answered by 11.15):
 * <ul>
 * <li>reason 0, close the session: every connection stops taking PDUs, the engine quiesces the
 *     session, then the response and every connection closes;</li>
 * <li>reason 1, close the connection CID (this one or another; with one connection left, as
 *     reason 0): below ERL 2 its tasks are terminated through the engine first, the session goes
 *     on;</li>
 * <li>reason 2, remove the connection CID for recovery: at ERL 2 its tasks wait Time2Retain for
 *     TASK REASSIGN (7.2), below it "connection recovery is not supported".</li>
 * </ul>
 * The response carries Time2Wait and Time2Retain when the session can recover connections (ERL 2).
 * Event-loop confined; the engine's answers hop here.
 */
final class Logout {
    private final IscsiConnection conn;
    private final IscsiSession session;

    Logout(IscsiConnection conn, IscsiSession session) {
        this.conn = conn;
        this.session = session;
    }

    /** A Logout Request in its CmdSN turn (or immediate). */
    void onRequest(LogoutRequest r) {
        int itt = r.itt();
        IscsiSession s = session;
        if (r.reason() == LogoutRequest.REMOVE_FOR_RECOVERY) {
            if (!s.recovers()) {
                respond(itt, 2, false); // 11.15.1: connection recovery is not supported below ERL 2
                return;
            }
            IscsiConnection removed = s.connection(r.cid());
            if (removed == null) {
                respond(itt, 1, false); // CID not found
                return;
            }
            // 11.14.1 reason 2: the connection goes, its tasks wait Time2Retain for TASK REASSIGN (7.2)
            s.remove(r.cid(), removed);
            removed.endingSession();
            s.retainTasksOf(removed);
            if (removed == conn) {
                conn.loggingOut();
            } else {
                removed.closeChannel();
            }
            respond(itt, 0, removed == conn);
            return;
        }
        if (r.reason() == LogoutRequest.CLOSE_CONNECTION && s.connectionCount() > 1) {
            IscsiConnection closing = s.connection(r.cid());
            if (closing == null) {
                respond(itt, 1, false); // 11.15.1: CID not found
                return;
            }
            // 11.14.1 close the connection CID (this one or another): below ERL 2 its tasks are terminated
            // first; the session and its other connections go on
            s.remove(r.cid(), closing);
            closing.endingSession();
            if (closing == conn) {
                conn.loggingOut();
            }
            s.terminateTasksOf(closing).whenComplete((v, e) -> conn.execute(() -> {
                if (closing != conn) {
                    closing.closeChannel();
                }
                respond(itt, 0, closing == conn);
            }, () -> { }));
            return;
        }
        if (r.reason() == LogoutRequest.CLOSE_CONNECTION && r.cid() != conn.cid()) {
            respond(itt, 1, false); // CID not found
            return;
        }
        conn.loggingOut();
        // 11.14: close the session (or its last connection): the response follows the engine's quiescing;
        // the connection's end waits for it too (channelInactive); the other connections close with the session
        for (IscsiConnection other : s.connections()) {
            if (other != conn) {
                other.endingSession();
            }
        }
        s.close().whenComplete((v, e) -> conn.execute(() -> {
            for (IscsiConnection other : s.connections()) {
                if (other != conn) {
                    other.closeChannel();
                }
            }
            respond(itt, 0, true);
        }, () -> { }));
    }

    /** RFC 7143 11.15: the Logout Response; with {@code close} the connection closes once it left. */
    private void respond(int itt, int response, boolean close) {
        if (conn.phase() == IscsiConnection.Phase.CLOSED) {
            return; // the connection dropped while the engine quiesced the session
        }
        // 11.15.2 / 11.15.3: Time2Wait and Time2Retain matter when connection recovery (ERL 2) is possible
        boolean erl2 = session.recovers();
        var params = conn.parameters();
        var pdu = new LogoutResponsePdu(response, itt, conn.nextStatSn(), conn.expCmdSn(), conn.maxCmdSn(),
                erl2 ? params.defaultTime2Wait() : 0, erl2 ? params.defaultTime2Retain() : 0);
        if (close) {
            conn.sendLast(pdu).addListener(ChannelFutureListener.CLOSE);
        } else {
            conn.send(pdu);
            conn.flushIfIdle();
        }
    }
}
