package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import org.scstj.transports.iscsi.pdu.AsyncMessagePdu;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.LogoutResponsePdu;
import org.scstj.transports.iscsi.pdu.NopInPdu;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.ResentPdu;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;
import org.scstj.transports.iscsi.pdu.TargetPdu;
import org.scstj.transports.iscsi.pdu.TaskMgmtResponsePdu;
import org.scstj.transports.iscsi.pdu.TextResponsePdu;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A connection's responses that carry a StatSN and that the initiator has not acknowledged yet
 * (RFC 7143 4.2.2.2: ExpStatSN acknowledges every StatSN below it), kept at ErrorRecoveryLevel
 * >= 1 so that a Status SNACK (11.16) can have them again, unchanged but for ExpCmdSN/MaxCmdSN.
 *
 * <p>API: {@link #record} each such PDU just before it is sent, {@link #acknowledge} with each
 * ExpStatSN received, {@link #resend} for a Status SNACK, {@link #clear} when the connection ends
 * (or, at ERL 2, when its statuses move to another connection). An entry may carry an action run
 * once it is acknowledged (a read's retained Data-In is released when its status is).
 *
 * <p>Buffer ownership: each entry holds a retained duplicate of the PDU's data segment, released
 * on acknowledgement, on {@link #clear} or when the log is full (the oldest entry gives way; a
 * SNACK for it is then refused). Event-loop confined.
 */
public final class StatusLog {
    /** Entries kept at most; a correct initiator acknowledges long before (each PDU carries ExpStatSN). */
    static final int MAX_ENTRIES = 1024;

    private record Entry(int statSn, TargetPdu pdu, ByteBuf data, Runnable acknowledged) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    /**
     * The StatSN a target PDU carries as a status (RFC 7143 11.*: responses, Reject, Async
     * Message, a NOP-In answering a ping, a Data-In with S), or null when it carries none that
     * advances StatSN (R2T, Data-In without S, an unsolicited NOP-In, Login Responses).
     */
    static Integer statSnOf(TargetPdu pdu) {
        return switch (pdu) {
            case ScsiResponsePdu p -> p.statSn();
            case DataInPdu p -> p.statusFlag() ? p.statSn() : null;
            case NopInPdu p -> p.itt() != Opcode.RESERVED_TAG ? p.statSn() : null;
            case TaskMgmtResponsePdu p -> p.statSn();
            case TextResponsePdu p -> p.statSn();
            case LogoutResponsePdu p -> p.statSn();
            case RejectPdu p -> p.statSn();
            case AsyncMessagePdu p -> p.statSn();
            default -> null;
        };
    }

    /**
     * Keeps {@code pdu} (not yet sent: its data is still readable) for resending; {@code
     * acknowledged}, if not null, runs once ExpStatSN passes its StatSN or the log lets it go.
     */
    public void record(int statSn, TargetPdu pdu, Runnable acknowledged) {
        if (entries.size() >= MAX_ENTRIES) {
            drop(entries.pollFirst());
        }
        entries.addLast(new Entry(statSn, pdu, pdu.data().retainedDuplicate(), acknowledged));
    }

    /** RFC 7143 4.2.2.2: every StatSN below {@code expStatSn} is acknowledged. */
    public void acknowledge(int expStatSn) {
        Entry e;
        while ((e = entries.peekFirst()) != null && SerialNumber.lessThan(e.statSn, expStatSn)) {
            drop(entries.pollFirst());
        }
    }

    /**
     * Status SNACK (RFC 7143 11.16.1): sends again the statuses BegRun .. BegRun+RunLength-1
     * (RunLength 0: all from BegRun on; both 0: every unacknowledged one), with the current
     * ExpCmdSN and MaxCmdSN. False, and nothing sent, when one of them is not held (never sent,
     * already acknowledged): the SNACK is then rejected with "Protocol Error" (11.16).
     */
    public boolean resend(int begRun, int runLength, int expCmdSn, int maxCmdSn, Consumer<TargetPdu> out) {
        Entry first = entries.peekFirst();
        Entry last = entries.peekLast();
        int count;
        if (begRun == 0 && runLength == 0) {
            if (first == null) {
                return true;
            }
            begRun = first.statSn;
            count = last.statSn - first.statSn + 1;
        } else {
            if (first == null || SerialNumber.lessThan(begRun, first.statSn)
                    || SerialNumber.greaterThan(begRun, last.statSn)) {
                return false;
            }
            count = runLength == 0 ? last.statSn - begRun + 1 : runLength;
            if (count <= 0 || SerialNumber.greaterThan(begRun + count - 1, last.statSn)) {
                return false;
            }
        }
        for (Entry e : entries) {
            int d = e.statSn - begRun;
            if (d >= 0 && d < count) {
                out.accept(new ResentPdu(e.pdu, e.data.retainedDuplicate(), expCmdSn, maxCmdSn));
            }
        }
        return true;
    }

    /**
     * ERL 2 hook (RFC 7143 7.2, 11.5.1): removes the unacknowledged SCSI statuses (SCSI Responses
     * and Data-In with S) and hands them to {@code taker} as PDUs owning a retained duplicate of
     * their data; their acknowledgement actions do not run (the taker now owns what they released).
     * The other statuses stay (they are not tasks: nothing can reassign them).
     */
    void takeTaskStatuses(Consumer<TargetPdu> taker) {
        for (var it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            TargetPdu owned = switch (e.pdu) {
                case ScsiResponsePdu p -> p.withData(e.data);
                case DataInPdu p -> p.withData(e.data);
                default -> null;
            };
            if (owned != null) {
                it.remove();
                taker.accept(owned);
            }
        }
    }

    /** Releases everything (connection gone). */
    public void clear() {
        Entry e;
        while ((e = entries.pollFirst()) != null) {
            drop(e);
        }
    }

    private static void drop(Entry e) {
        e.data.release();
        if (e.acknowledged != null) {
            e.acknowledged.run();
        }
    }
}
