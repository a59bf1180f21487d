package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.DataOut;
import org.scstj.transports.iscsi.pdu.InboundPdu;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.LogoutRequest;
import org.scstj.transports.iscsi.pdu.NopInPdu;
import org.scstj.transports.iscsi.pdu.NopOut;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.OtherPdu;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.ScsiCommand;
import org.scstj.transports.iscsi.pdu.SnackRequest;
import org.scstj.transports.iscsi.pdu.TaskMgmtRequest;
import org.scstj.transports.iscsi.pdu.TextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full feature phase of one {@link IscsiConnection} (RFC 7143 3.2, 10), in the pipeline from
 * the end of login ({@link LoginHandler}'s hand-over, {@link LoginHandOver}) to the connection's
 * close. Every PDU comes here first: each one's ExpStatSN acknowledges statuses at ERL >= 1
 * (4.2.2.2); SCSI Commands and Data-Out go to the connection's {@link ScsiCommands}; NOP-Out,
 * Text ({@link TextExchange}), task management ({@link TaskManagement}) and Logout ({@link
 * Logout}) wait for their CmdSN turn (3.2.2.1); SNACK goes to the {@link SnackHandler} (ERL >= 1);
 * what is malformed or unknown gets its Reject (11.17, bad-inputs rows 10-17), with within-command
 * recovery of a data digest error at ERL >= 1 (7.8, 7.1.4.1). NOP-In pings ({@link Pinger}) watch
 * for a vanished initiator. When the channel closes, the session learns it lost the connection:
 * its tasks are retained (ERL 2), terminated (another connection goes on) or the session ends.
 *
 * <p>Buffer ownership: this handler owns every {@link InboundPdu} it reads and releases it in
 * {@code finally}; whatever is kept longer (immediate data, queued PDUs' data, ping data) is
 * retained explicitly by whoever keeps it. Outgoing PDUs own their data until the encoder passes
 * it to the channel.
 *
 * <p>Threading: event-loop confined, on the session's loop; a PDU whose turn comes from another
 * connection's read runs on that same loop and is flushed with {@link IscsiConnection#flushIfIdle}.
 */
final class FullFeatureHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FullFeatureHandler.class);

    /** Its name in the pipeline. */
    static final String NAME = "iscsi-full-feature";

    private final IscsiConnection conn;
    private final IscsiSession session;
    private final CommandWindow window;
    private final IntObjectHashMap<IscsiTask> tasks;
    private final boolean discovery;
    private final ScsiCommands commands;
    private final TaskManagement taskManagement;
    private final Logout logout;
    private final TextExchange text;
    private Pinger pinger; // NOP-In pings (docs/recovery.md): null when off

    FullFeatureHandler(IscsiConnection conn, LoginHandOver handOver) {
        this.conn = conn;
        this.session = handOver.session();
        this.window = session.window;
        this.tasks = session.tasks;
        this.discovery = handOver.identity().discovery();
        this.commands = conn.commands();
        this.taskManagement = new TaskManagement(conn, session, commands);
        this.logout = new Logout(conn, session);
        this.text = new TextExchange(conn);
    }

    // ---- channel life ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        conn.attach(ctx);
        startPings(ctx);
    }

    /** RFC 7143 11.19: pings on every normal session when configured (faults.md "vanished initiator"). */
    private void startPings(ChannelHandlerContext ctx) {
        var settings = conn.settings().recovery();
        if (discovery || settings.nopInInterval().isZero()) {
            return;
        }
        pinger = new Pinger(new Pinger.Link() {
            @Override
            public boolean ping(int ttt) {
                if (conn.phase() != IscsiConnection.Phase.FULL_FEATURE) {
                    return false; // logging out: the session ends anyway
                }
                // 11.19.1: an unsolicited NOP-In carries StatSN but does not advance it; LUN 0
                conn.send(new NopInPdu(0, Opcode.RESERVED_TAG, ttt, conn.statSn(), window.expCmdSn(), window.maxCmdSn(),
                        Unpooled.EMPTY_BUFFER));
                conn.flushIfIdle();
                return true;
            }

            @Override
            public int nextTargetTransferTag() {
                return conn.nextTargetTransferTag();
            }

            @Override
            public void unanswered() {
                conn.target().registry().stats().nopTimeout();
                conn.close(); // faults.md "vanished initiator": the session ends as on connection loss
            }
        }, ctx.executor(), settings.nopInInterval(), settings.nopInTimeout());
        pinger.start();
    }

    /**
     * The connection is gone. Still registered under its CID it was lost; otherwise a Logout or a
     * login with its CID removed it already (its tasks were terminated or retained then).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conn.closed();
        text.clear();
        commands.connectionClosed();
        IscsiSession s = session;
        boolean lost = s.remove(conn.cid(), conn);
        if (!lost) {
            conn.ended();
        } else if (!s.ending() && s.recovers()) {
            s.retainTasksOf(conn); // ERL 2: its tasks wait Time2Retain for TASK REASSIGN (RFC 7143 7.2, 13.16)
            conn.ended();
        } else if (s.connectionCount() > 0) {
            if (!s.ending()) {
                s.terminateTasksOf(conn); // one of several lost below ERL 2: its tasks go, the session stays (11.14.1)
            }
            conn.ended();
        } else {
            // the last connection: the session ends with it (below ERL 2 nothing is kept for recovery)
            s.discardAll();
            s.close().whenComplete((v, e) -> conn.ended());
        }
        // ERL 1 hook: retained Data-In and statuses released, pings stop (after retainTasksOf, which at
        // ERL 2 took the unacknowledged SCSI statuses over for TASK REASSIGN)
        SnackHandler recovery = conn.recovery();
        if (recovery != null) {
            recovery.clear();
        }
        if (pinger != null) {
            pinger.stop();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a write that failed (a sendfile whose file went away, a reset socket): the connection ends
        // as on loss; -v shows why
        log.debug("{}: closing after {}", ctx.channel(), cause.toString());
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
            if (phase == IscsiConnection.Phase.FULL_FEATURE) {
                onPdu(pdu);
            } else if (phase != IscsiConnection.Phase.CLOSED) {
                ctx.close(); // bad-inputs row 17: a PDU after Logout, or while the session ends
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

    private void onPdu(InboundPdu pdu) {
        SnackHandler recovery = conn.recovery();
        if (recovery != null && !(pdu instanceof BadPdu)) {
            recovery.acknowledge(pdu.bhs().i32(28)); // ERL 1 hook: ExpStatSN releases statuses (4.2.2.2)
        }
        switch (pdu) {
            case ScsiCommand cmd -> {
                if (discovery) {
                    conn.close(); // bad-inputs row 6
                } else {
                    commands.onCommand(cmd);
                }
            }
            case DataOut d -> {
                if (discovery) {
                    conn.close();
                } else {
                    commands.onDataOut(d);
                }
            }
            case NopOut nop -> {
                if (discovery) {
                    conn.close();
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
                    conn.close();
                } else {
                    ordered(tmf.cmdSn(), tmf.immediate(), tmf.data(), () -> taskManagement.onRequest(tmf));
                }
            }
            case LogoutRequest l -> ordered(l.cmdSn(), l.immediate(), l.data(), () -> logout.onRequest(l));
            case LoginRequest l -> conn.reject(RejectPdu.PROTOCOL_ERROR, l.bhs());
            // row 17. Nothing is counted: where an opcode we do not know carries a CmdSN, if it does, is unknown; the
            // Reject's ExpCmdSN says so, and the initiator fills the gap (e.g. ABORT TASK naming it, RFC 7143 11.5.1 b)
            case OtherPdu o -> conn.reject(RejectPdu.COMMAND_NOT_SUPPORTED, o.bhs());
            case BadPdu b -> onBadPdu(b);
            case SnackRequest snack -> {
                if (recovery == null) {
                    conn.reject(RejectPdu.COMMAND_NOT_SUPPORTED, snack.bhs()); // row 17: SNACK needs ERL >= 1
                } else {
                    recovery.onSnack(snack); // RFC 7143 11.16
                }
            }
        }
    }

    /**
     * Delivers a PDU that carries a CmdSN in order (3.2.2.1): immediate ones at once, others when
     * CmdSN reaches them, dropped when outside [ExpCmdSN, MaxCmdSN] (bad-inputs row 15). A queued
     * one keeps a retained slice of its data until it runs.
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
                session.drainWindow();
            }
            case QUEUE -> window.queue(cmdSn, new CommandWindow.Queued(data.retain(), () -> {
                try {
                    if (conn.phase() == IscsiConnection.Phase.FULL_FEATURE) {
                        action.run(); // its turn may come from another connection's PDU (3.2.2.1)
                        conn.flushIfIdle();
                    }
                } finally {
                    data.release();
                }
            }));
            case DROP -> { }
        }
    }

    private void onNop(NopOut nop) {
        if (nop.itt() != Opcode.RESERVED_TAG) { // 11.18.2: a ping that wants an answer, data echoed
            conn.send(new NopInPdu(nop.lun(), nop.itt(), Opcode.RESERVED_TAG, conn.nextStatSn(),
                    window.expCmdSn(), window.maxCmdSn(), nop.data().retainedSlice()));
        }
    }

    // ---- bad PDUs (bad-inputs rows 2, 10, 16) ----

    private void onBadPdu(BadPdu bad) {
        switch (bad.problem()) {
            case HEADER_DIGEST -> {
                conn.target().registry().stats().headerDigestError();
                conn.close(); // row 16: nothing in the header can be trusted
            }
            case DATA_SEGMENT_TOO_LONG, BAD_AHS -> conn.rejectCounted(RejectPdu.PROTOCOL_ERROR, bad.bhs()); // rows 2, 10
            case DATA_DIGEST -> {
                conn.target().registry().stats().dataDigestError();
                Bhs h = bad.bhs();
                if (conn.recovery() != null && recoverDataDigest(h)) {
                    return; // ERL 1 hook: within-command recovery (RFC 7143 7.8, 7.1.4.1), its Reject included
                }
                if (h.opcode() == Opcode.SCSI_COMMAND && !tasks.containsKey(h.itt())) {
                    // row 16: the command's immediate data is lost: it fails with ABORTED COMMAND 47/05 without
                    // reaching the core, so its LU's D_SENSE is unknown here: the engine's sense vocabulary
                    // writes fixed format (SPC-5 4.4.3). Answered, its CmdSN is used: counted before the
                    // Reject, whose ExpCmdSN then says so (11.17.3)
                    boolean moved = conn.countCarriedCmdSn(h);
                    conn.reject(RejectPdu.DATA_DIGEST_ERROR, h);
                    StatusSender.sendCheckCondition(conn, h.itt(),
                            SenseData.build(SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST, false));
                    if (moved) {
                        session.drainWindow();
                    }
                } else if (h.opcode() == Opcode.DATA_OUT) {
                    conn.reject(RejectPdu.DATA_DIGEST_ERROR, h); // row 16
                    IscsiTask t = tasks.get(h.itt());
                    if (t != null && !t.finished()) {
                        // RFC 7143 7.8 / 13.1 at ERL 0: the data is gone and not recovered; the core fails
                        // the command with CHECK CONDITION, ABORTED COMMAND 47/05
                        t.dataLost("Data-Out with a data digest error");
                    }
                } else {
                    // 7.8: any other PDU is discarded, its CmdSN not counted: 0x02 lets it be sent again (11.17.1)
                    conn.reject(RejectPdu.DATA_DIGEST_ERROR, h);
                }
            }
        }
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
            conn.reject(RejectPdu.DATA_DIGEST_ERROR, h);
            IscsiTask t = tasks.get(h.itt());
            if (t != null && !t.finished()) {
                t.lostDataOut(h.i32(20), h.i32(36));
            }
            return true;
        }
        if (h.opcode() != Opcode.SCSI_COMMAND || h.totalAhsLength() != 0 || tasks.containsKey(h.itt())
                || !(PduParser.parse(h, null, Unpooled.EMPTY_BUFFER) instanceof ScsiCommand cmd) || !cmd.write()
                || commands.validate(cmd) != 0) {
            return false;
        }
        commands.onCommand(cmd, true);
        IscsiTask t = tasks.get(cmd.itt());
        if (t != null) {
            t.loseUnsolicited();
        }
        conn.flushIfIdle();
        return true;
    }
}
