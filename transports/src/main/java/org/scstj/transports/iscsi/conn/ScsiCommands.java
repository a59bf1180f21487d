package org.scstj.transports.iscsi.conn;

import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.pdu.DataOut;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.ScsiCommand;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SCSI commands of one connection in the full feature phase (RFC 7143 10.3, 10.4, 10.7):
 * a command is checked (bad-inputs rows 10, 11), entered in the session's ITT table (unique per
 * session, 11.2.1.8) and given to the core in its CmdSN turn (3.2.2.1; immediate ones at once);
 * Data-Out goes to its task on the connection it has allegiance to (2.2); the core's answers come
 * back here ({@link #completed}, {@link #aborted}) to leave as Data-In and status, give the window
 * its credit back and forget the task.
 *
 * <p>The hot path: a command from {@link FullFeatureHandler#channelRead} to the core is one
 * {@link IscsiTask} and no other allocation when it arrives in order; its completion on the
 * connection's event loop sends without a hop.
 *
 * <p>Buffer ownership: the PDUs stay the handler's; an {@link IscsiTask} retains what it keeps.
 * A response's Data-In is the {@link StatusSender}'s to send or released here when nothing is sent.
 * Event-loop confined.
 */
final class ScsiCommands {
    private static final int MAX_LATE_UNSOLICITED = 16;

    private final IscsiConnection conn;
    private final IscsiSession session;
    private final CommandWindow window;
    private final IntObjectHashMap<IscsiTask> tasks;
    private final OperationalParameters params;
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

    ScsiCommands(IscsiConnection conn, IscsiSession session, OperationalParameters params) {
        this.conn = conn;
        this.session = session;
        this.window = session.window;
        this.tasks = session.tasks;
        this.params = params;
    }

    // ---- commands ----

    void onCommand(ScsiCommand cmd) {
        onCommand(cmd, false);
    }

    /**
     * @param digestError RFC 7143 7.8 at ERL 1: the command came with a data digest error and is taken
     *                    without its immediate data; its Reject (0x02) goes once the window has counted
     *                    the command, so the Reject's ExpCmdSN agrees (11.17.3), and before it runs
     */
    void onCommand(ScsiCommand cmd, boolean digestError) {
        boolean inTurn = false;
        if (!cmd.immediate()) {
            CommandWindow.Verdict v = window.classify(cmd.cmdSn());
            if (v == CommandWindow.Verdict.DROP) {
                if (digestError) {
                    conn.reject(RejectPdu.DATA_DIGEST_ERROR, cmd.bhs());
                }
                return;
            }
            inTurn = v == CommandWindow.Verdict.DELIVER;
        }
        int reason = validate(cmd);
        if (reason != 0) {
            conn.rejectCounted(reason, cmd.bhs());
            return;
        }
        IscsiTask task = new IscsiTask(conn, cmd, params);
        if (session.handle().measuresLatency()) {
            task.receivedNanos = System.nanoTime(); // the receive stage includes waiting for its CmdSN turn
        }
        tasks.put(cmd.itt(), task);
        session.countCommand(digestError ? 0 : cmd.data().readableBytes()); // RFC 7143 10.4 immediate data
        if (!lateUnsolicited.isEmpty()) {
            lateUnsolicited.remove(cmd.itt()); // the ITT is in use again
        }
        session.forgetUnacknowledged(cmd.itt()); // ERL 2: the initiator gave up the old task with this ITT
        if (inTurn) {
            window.advance();
        }
        if (digestError) {
            conn.reject(RejectPdu.DATA_DIGEST_ERROR, cmd.bhs());
        }
        if (cmd.immediate() || inTurn) {
            submit(task);
            if (inTurn) {
                session.drainWindow();
            }
        } else {
            window.queue(cmd.cmdSn(), new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> {
                submit(task);
                conn.flushIfIdle();
            }));
        }
    }

    /** bad-inputs rows 10 and 11 (RFC 7143 11.3, 13.11, 13.14); 0 when the command is acceptable. */
    int validate(ScsiCommand cmd) {
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

    /** Its CmdSN turn (or an immediate command): the task goes to the core, unless it was cancelled meanwhile. */
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

    // ---- Data-Out ----

    void onDataOut(DataOut d) {
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
            conn.reject(RejectPdu.INVALID_PDU_FIELD, d.bhs()); // row 11: unknown ITT
            return;
        }
        if (task.connection() != conn) {
            conn.reject(RejectPdu.PROTOCOL_ERROR, d.bhs()); // RFC 7143 2.2 connection allegiance: a task's Data-Out comes on its own connection
            return;
        }
        int bytes = d.data().readableBytes(); // read before the task takes the buffer
        switch (task.onDataOut(d)) {
            case ACCEPTED -> session.countDataOut(bytes);
            case REJECT -> conn.reject(RejectPdu.INVALID_PDU_FIELD, d.bhs());
            case BAD_DATA_SN -> {
                // row 13 at ERL 0 (RFC 7143 7.9, 11.7.5): Reject, then the command still gets a status,
                // CHECK CONDITION with ABORTED COMMAND 47/05 from the core (SAM has no sense of its own for row 13)
                conn.reject(RejectPdu.PROTOCOL_ERROR, d.bhs());
                task.dataLost("Data-Out with DataSN " + d.dataSn() + " out of sequence");
            }
            case CLOSE -> conn.close(); // row 12
        }
    }

    // ---- the core's answers (event loop) ----

    /** The core completed {@code task} (TransportTask.complete, hopped to the event loop). */
    void completed(IscsiTask task, ScsiResponse response) {
        if (task.state() == IscsiTask.State.RETAINED) {
            task.hold(response); // ERL 2: no connection to answer on until TASK REASSIGN (or Time2Retain ends)
            return;
        }
        if (task.state() == IscsiTask.State.RUNNING && conn.phase() != IscsiConnection.Phase.CLOSED) {
            finish(task, false);
            StatusSender.send(conn, task, response);
            conn.flushAfterTasks();
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

    /** The core aborted {@code task} (TransportTask.aborted, hopped to the event loop). */
    void aborted(IscsiTask task) {
        if (!task.finished()) {
            finish(task, true); // nothing is sent for an aborted task; a waiting receiver fails
        }
    }

    /**
     * The task is over: out of the ITT table, its window credit back (3.2.2.1), its late
     * unsolicited data expected, its buffers released. With {@code failReceiver} a receiver still
     * waiting for its data learns it will not come.
     */
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
    void forget(IscsiTask task) {
        if (tasks.get(task.itt()) == task) {
            tasks.remove(task.itt());
        }
    }

    /** The connection closed: late unsolicited data can no longer come. */
    void connectionClosed() {
        lateUnsolicited.clear();
    }
}
