package org.scstj.transports.iscsi.conn;

import io.netty.util.collection.IntObjectHashMap;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;
import org.scstj.transports.iscsi.pdu.SnackRequest;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * ErrorRecoveryLevel >= 1 on one connection (RFC 7143 7.1.4.1 within-command and 7.1.4.2
 * within-connection recovery): the {@link StatusLog}, the {@link DataInRetention} of each read
 * whose status is not acknowledged yet, and the answers to SNACK Requests (11.16).
 *
 * <p>Memory: the retained Data-In bytes of the connection are capped
 * ({@code max-retained-data-in}); a read that would pass the cap is sent without retention and a
 * SNACK for its data is refused with Reject "SNACK Reject" (0x03: the initiator may retry the
 * command). Event-loop confined; created at the full feature phase only when ERL >= 1.
 */
final class SnackHandler {
    private static final int MAX_NOT_RETAINED = 64;

    private final IscsiConnection conn;
    private final long maxRetainedBytes;
    private final StatusLog statusLog = new StatusLog();
    private final IntObjectHashMap<DataInRetention> retained = new IntObjectHashMap<>();
    /** ITTs of recent reads sent without retention (over the cap): their SNACKs get SNACK Reject. */
    private final Set<Integer> notRetained = new LinkedHashSet<>();
    private long retainedBytes;
    private boolean answering; // sending what a SNACK asked for

    SnackHandler(IscsiConnection conn, long maxRetainedBytes) {
        this.conn = conn;
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /** Bytes of Data-In retained now (tests, metrics). */
    long retainedBytes() {
        return retainedBytes;
    }

    /**
     * A retention for a read of {@code length} bytes about to be sent, or null when it would pass
     * the connection's cap. Replaces (and releases) an older retention under the same ITT.
     */
    DataInRetention retain(int itt, int length) {
        DataInRetention old = retained.remove(itt);
        if (old != null) {
            old.release();
        }
        if (retainedBytes + length > maxRetainedBytes) {
            notRetained.remove(itt);
            notRetained.add(itt);
            if (notRetained.size() > MAX_NOT_RETAINED) {
                notRetained.remove(notRetained.iterator().next());
            }
            return null;
        }
        notRetained.remove(itt);
        retainedBytes += length;
        DataInRetention r = new DataInRetention(itt, length, this::released);
        retained.put(itt, r);
        return r;
    }

    private void released(DataInRetention r) {
        retainedBytes -= r.reservedBytes();
        if (retained.get(r.itt()) == r) {
            retained.remove(r.itt());
        }
    }

    /**
     * Called for each PDU just before it is written: a status goes to the log; a read's status
     * takes its retained Data-In with it, released once ExpStatSN acknowledges it (11.16).
     */
    void sending(TargetPdu pdu) {
        Integer statSn = StatusLog.statSnOf(pdu);
        if (statSn == null || (answering && pdu instanceof ScsiResponsePdu)) { // an R-Data status is logged already
            return;
        }
        int itt = switch (pdu) {
            case ScsiResponsePdu p -> p.itt();
            case DataInPdu p -> p.itt();
            default -> 0;
        };
        DataInRetention r = pdu instanceof ScsiResponsePdu || pdu instanceof DataInPdu ? retained.get(itt) : null;
        if (r != null && pdu instanceof ScsiResponsePdu response) {
            r.status(response); // an R-Data SNACK resends it with its SNACK Tag
        }
        statusLog.record(statSn, pdu, r == null ? null : r::release);
    }

    /** Each PDU's ExpStatSN (4.2.2.2). */
    void acknowledge(int expStatSn) {
        statusLog.acknowledge(expStatSn);
    }

    /** RFC 7143 11.16: answers a SNACK Request by resending or releasing, or rejects it. */
    void onSnack(SnackRequest s) {
        answering = true;
        try {
            answer(s);
        } finally {
            answering = false;
        }
    }

    private void answer(SnackRequest s) {
        switch (s.type()) {
            case SnackRequest.STATUS -> {
                if (!statusLog.resend(s.begRun(), s.runLength(), conn.expCmdSn(), conn.maxCmdSn(), conn::send)) {
                    conn.reject(RejectPdu.PROTOCOL_ERROR, s.bhs()); // never sent or already acknowledged
                }
            }
            case SnackRequest.DATA_R2T -> {
                DataInRetention r = retained.get(s.itt());
                IscsiTask task = conn.task(s.itt());
                boolean done;
                if (r != null) {
                    done = r.resend(s.begRun(), s.runLength(), conn.expCmdSn(), conn.maxCmdSn(), conn::send);
                } else if (task != null && !task.finished()) {
                    done = task.resendR2ts(s.begRun(), s.runLength()); // R2T SNACK: a write's R2Ts
                } else if (notRetained.contains(s.itt())) {
                    conn.reject(RejectPdu.SNACK_REJECT, s.bhs()); // sent, but not kept (over the cap)
                    return;
                } else {
                    done = false;
                }
                if (!done) {
                    conn.reject(RejectPdu.PROTOCOL_ERROR, s.bhs());
                }
            }
            case SnackRequest.DATA_ACK -> {
                DataInRetention r = null;
                for (DataInRetention candidate : retained.values()) {
                    if (candidate.askedWith(s.ttt())) {
                        r = candidate;
                        break;
                    }
                }
                if (r == null) {
                    conn.reject(RejectPdu.INVALID_DATA_ACK, s.bhs()); // 11.17.1: no Data-In asked with that TTT
                } else if (!r.acknowledge(s.begRun())) {
                    conn.reject(RejectPdu.PROTOCOL_ERROR, s.bhs()); // acknowledges Data-In never sent
                }
            }
            case SnackRequest.R_DATA -> {
                // 11.16.3: all unacknowledged data again, then the status with the SNACK Tag
                DataInRetention r = retained.get(s.itt());
                if (r == null || !r.resendAll(s.ttt(), conn.expCmdSn(), conn.maxCmdSn(), conn::send)) {
                    conn.reject(notRetained.contains(s.itt()) ? RejectPdu.SNACK_REJECT : RejectPdu.PROTOCOL_ERROR,
                            s.bhs());
                }
            }
            default -> conn.reject(RejectPdu.INVALID_PDU_FIELD, s.bhs()); // 11.16.1: types 4-15 are reserved
        }
    }

    /**
     * ERL 2 hook (RFC 7143 7.2, 11.5.1): the connection failed; each SCSI status it sent that the
     * initiator did not acknowledge goes to {@code taker} with the read's retained Data-In, for a
     * TASK REASSIGN on another connection. A read sent without retention (over the cap) cannot be
     * resent, so it is not handed over (its TASK REASSIGN answers "task does not exist").
     */
    void handOver(java.util.function.Consumer<ReassignableStatus> taker) {
        statusLog.takeTaskStatuses(pdu -> {
            int itt = ReassignableStatus.ittOf(pdu);
            DataInRetention r = retained.remove(itt);
            if (notRetained.contains(itt) && r == null) {
                pdu.data().release();
                return;
            }
            taker.accept(new ReassignableStatus(pdu, r, conn));
        });
    }

    /** Releases everything (connection gone). */
    void clear() {
        statusLog.clear();
        for (DataInRetention r : new ArrayList<>(retained.values())) {
            r.release();
        }
        retained.clear();
        notRetained.clear();
    }
}
