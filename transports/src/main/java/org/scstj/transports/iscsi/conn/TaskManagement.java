package org.scstj.transports.iscsi.conn;

import io.netty.util.collection.IntObjectHashMap;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.transports.iscsi.pdu.TaskMgmtRequest;
import org.scstj.transports.iscsi.pdu.TaskMgmtResponsePdu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * Task management requests of one connection (RFC 7143 11.5, answered by 11.6): the functions go
 * to the engine (SAM-5 7) and their answers come back as Task Management Function Responses;
 * what iSCSI decides itself is here:
 * <ul>
 * <li>ABORT TASK for a task still waiting for its CmdSN turn: it never reaches the core, Function
 *     Complete; for a task not received, 11.5.1 (b)/(c) by RefCmdSN;</li>
 * <li>TASK REASSIGN (ERL 2): a retained task, or the unacknowledged status of a failed
 *     connection, moves to this connection (7.2);</li>
 * <li>TARGET COLD RESET: after the response, every connection of the request's target closes;</li>
 * <li>resets are logged with the requester's name and address.</li>
 * </ul>
 * Event-loop confined; the engine's answers hop here.
 */
final class TaskManagement {
    private static final Logger log = LoggerFactory.getLogger(TaskManagement.class);

    private final IscsiConnection conn;
    private final IscsiSession session;
    private final CommandWindow window;
    private final IntObjectHashMap<IscsiTask> tasks;
    private final ScsiCommands commands;

    TaskManagement(IscsiConnection conn, IscsiSession session, ScsiCommands commands) {
        this.conn = conn;
        this.session = session;
        this.window = session.window;
        this.tasks = session.tasks;
        this.commands = commands;
    }

    /** A Task Management Function Request in its CmdSN turn (or immediate). */
    void onRequest(TaskMgmtRequest r) {
        TmfRequest.Function function = TmfCodes.function(r.function());
        if (r.function() == TaskMgmtRequest.TASK_REASSIGN) {
            onTaskReassign(r);
            return;
        }
        if (function == null) {
            respond(r.itt(), TmfCodes.NOT_SUPPORTED);
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
                    respond(r.itt(), TmfCodes.FUNCTION_COMPLETE);
                    if (moved) {
                        session.drainWindow();
                    }
                } else {
                    respond(r.itt(), TmfCodes.TASK_DOES_NOT_EXIST);
                }
                return;
            }
            if (referenced.waiting()) { // still waiting for its CmdSN turn: never reaches the core
                referenced.cancel();
                commands.forget(referenced);
                respond(r.itt(), TmfCodes.FUNCTION_COMPLETE);
                return;
            }
        }
        int itt = r.itt();
        if (function == TmfRequest.Function.LOGICAL_UNIT_RESET || function == TmfRequest.Function.TARGET_WARM_RESET
                || function == TmfRequest.Function.TARGET_COLD_RESET) {
            // resets disturb every initiator of the LU or target: the operator learns who asked
            log.warn("{} from {} on {}{}", function, conn.initiatorDescription(), conn.identity().targetName(),
                    function == TmfRequest.Function.LOGICAL_UNIT_RESET ? " LUN " + (r.lun() >>> 48 & 0x3FFF)
                            : function == TmfRequest.Function.TARGET_COLD_RESET ? ": its connections will be closed" : "");
        }
        session.handle().taskManagement(new TmfRequest(function, r.lun(), Integer.toUnsignedLong(r.referencedTaskTag())),
                response -> conn.execute(() -> {
                    int code = TmfCodes.code(response);
                    if (function == TmfRequest.Function.TARGET_COLD_RESET && code == TmfCodes.FUNCTION_COMPLETE) {
                        coldReset(itt);
                    } else {
                        respond(itt, code);
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
        if (conn.parameters().errorRecoveryLevel() < 2) {
            respond(r.itt(), TmfCodes.ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED);
            return;
        }
        IscsiTask t = tasks.get(r.referencedTaskTag());
        if (t == null || t.finished() || t.terminated()) {
            ReassignableStatus sent = t == null ? session.takeUnacknowledged(r.referencedTaskTag()) : null;
            if (sent == null) {
                respond(r.itt(), TmfCodes.TASK_DOES_NOT_EXIST);
                return;
            }
            // 11.5.1: its status went out on the failed connection unacknowledged: the response, then the
            // Data-In from the request's ExpDataSN and the status again, with this connection's StatSN
            respond(r.itt(), TmfCodes.FUNCTION_COMPLETE);
            sent.sendOn(conn, r.expDataSn());
            conn.flushIfIdle();
            return;
        }
        if (!t.retained()) {
            respond(r.itt(), TmfCodes.TASK_STILL_ALLEGIANT);
            return;
        }
        respond(r.itt(), TmfCodes.FUNCTION_COMPLETE);
        ScsiResponse held = t.reassign(conn);
        if (held != null) {
            commands.completed(t, held); // the core completed it meanwhile: its status goes out here
        }
        conn.flushIfIdle();
    }

    /**
     * RFC 7143 11.5.1 TARGET COLD RESET: once the response is sent the target closes all of its
     * TCP connections to all initiators; each session then closes as on connection loss. "Its": the
     * target the request arrived for, never the daemon's other targets (whose sessions the
     * requester may not even be allowed to open).
     */
    private void coldReset(int itt) {
        if (conn.phase() == IscsiConnection.Phase.CLOSED) {
            return;
        }
        String targetName = conn.identity().targetName();
        conn.sendLast(new TaskMgmtResponsePdu(TmfCodes.FUNCTION_COMPLETE, itt, conn.nextStatSn(), window.expCmdSn(),
                window.maxCmdSn())).addListener(f -> {
            for (IscsiConnection c : new ArrayList<>(conn.target().connections())) {
                c.closeIfServing(targetName);
            }
            conn.close();
        });
    }

    private void respond(int itt, int response) {
        if (conn.phase() == IscsiConnection.Phase.CLOSED) {
            return;
        }
        conn.send(new TaskMgmtResponsePdu(response, itt, conn.nextStatSn(), window.expCmdSn(), window.maxCmdSn()));
        conn.flushIfIdle();
    }
}
