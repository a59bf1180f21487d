package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.util.ArrayList;
import java.util.List;

/**
 * ERL 2 (RFC 7143 7.2 connection recovery, 11.5.1 TASK REASSIGN): a command whose status went out
 * on a connection that then failed, before the initiator acknowledged it through ExpStatSN. The
 * session keeps it by ITT for Time2Retain (13.16); a TASK REASSIGN on another connection sends it
 * again there: for a read, the Data-In from the ExpDataSN of the request (0: from the data
 * acknowledgement reference, i.e. what DataACK released), segmented for the new connection and
 * numbered from that DataSN on, then the status as a SCSI Response with the new connection's StatSN.
 *
 * <p>Buffer ownership: {@code status} owns a retained duplicate of its data (sense), {@code data}
 * (null for a command without retained Data-In) owns the read's retained slices. {@link #release}
 * gives both back; {@link #sendOn} releases after it sent. Event-loop confined (the session's).
 */
final class ReassignableStatus {
    private final TargetPdu status;
    private final DataInRetention data;
    private final IscsiConnection from;
    private boolean released;

    /** @param status a {@link ScsiResponsePdu} or a {@link DataInPdu} with S, owning its data */
    ReassignableStatus(TargetPdu status, DataInRetention data, IscsiConnection from) {
        this.status = status;
        this.data = data;
        this.from = from;
    }

    static int ittOf(TargetPdu status) {
        return switch (status) {
            case ScsiResponsePdu p -> p.itt();
            case DataInPdu p -> p.itt();
            default -> throw new IllegalArgumentException("not a SCSI status: " + status);
        };
    }

    int itt() {
        return ittOf(status);
    }

    /** The connection it was sent on (Time2Retain runs from that connection's failure). */
    IscsiConnection from() {
        return from;
    }

    /**
     * RFC 7143 11.5.1: sends the Data-In from {@code expDataSn} on (0: from the acknowledgement
     * reference; a value past the last DataSN sends no data, "all data has been acknowledged"),
     * resegmented to {@code conn}'s MaxRecvDataSegmentLength (13.12) and numbered consecutively from
     * that DataSN, then the status with {@code conn}'s next StatSN; then releases everything.
     */
    void sendOn(IscsiConnection conn, int expDataSn) {
        try {
            if (!conn.target().fence().serving()) {
                conn.reset(); // the node lost its cluster lease: no status leaves it, also not a reassigned one
                return;
            }
            int nextDataSn = send(conn, expDataSn);
            ByteBuf sense = status instanceof ScsiResponsePdu p ? p.data().retainedDuplicate() : Unpooled.EMPTY_BUFFER;
            int st;
            int residualFlags;
            int residualCount;
            int statusExpDataSn;
            switch (status) {
                case ScsiResponsePdu p -> {
                    st = p.status();
                    residualFlags = p.residualFlags();
                    residualCount = p.residualCount();
                    statusExpDataSn = data != null ? nextDataSn : p.expDataSn(); // 11.4.6
                }
                case DataInPdu p -> {
                    st = p.status();
                    residualFlags = p.residualFlags();
                    residualCount = p.residualCount();
                    statusExpDataSn = nextDataSn;
                }
                default -> throw new IllegalStateException();
            }
            conn.send(new ScsiResponsePdu(itt(), st, residualFlags, conn.nextStatSn(), conn.expCmdSn(), conn.maxCmdSn(),
                    statusExpDataSn, residualCount, sense));
        } finally {
            release();
        }
    }

    /** The read's Data-In again (none for a write or a command without data); returns the next DataSN. */
    private int send(IscsiConnection conn, int expDataSn) {
        if (data == null) {
            return 0;
        }
        List<DataInPdu> left = data.unacknowledged();
        if (left.isEmpty()) {
            return expDataSn;
        }
        int first = left.getFirst().dataSn();
        int end = left.getLast().dataSn() + 1;
        int dataSn = expDataSn == 0 || SerialNumber.lessThan(expDataSn, first) ? first : expDataSn;
        if (!SerialNumber.lessThan(dataSn, end)) {
            return dataSn; // 11.5.1: every Data-In was acknowledged; only the status follows
        }
        List<DataInPdu> resend = new ArrayList<>(left.subList(dataSn - first, left.size()));
        int segment = conn.parameters().initiatorMaxRecvDataSegmentLength();
        long length = 0;
        for (DataInPdu p : resend) {
            length += p.data().readableBytes();
        }
        // the new connection keeps them in turn (ERL >= 1: Status / Data SNACK there), released with the status
        DataInRetention kept = conn.retainDataIn(itt(), (int) Math.min(length, Integer.MAX_VALUE));
        for (int i = 0; i < resend.size(); i++) {
            DataInPdu p = resend.get(i);
            ByteBuf bytes = p.data();
            int n = bytes.readableBytes();
            for (int at = 0; at < n; at += segment) {
                int k = Math.min(segment, n - at);
                boolean lastPiece = at + k == n;
                // F where the original had it (the end of a MaxBurstLength sequence, 11.7.2) and on the last
                boolean fin = lastPiece && (p.finalFlag() || i == resend.size() - 1);
                DataInPdu out = new DataInPdu(fin, false, 0, 0, p.lun(), p.itt(), 0, conn.expCmdSn(), conn.maxCmdSn(),
                        dataSn++, p.bufferOffset() + at, 0, bytes.retainedSlice(bytes.readerIndex() + at, k), null,
                        Opcode.RESERVED_TAG, false);
                if (kept != null) {
                    kept.add(out);
                }
                conn.send(out);
            }
        }
        return dataSn;
    }

    /** Gives back the status's data and the read's retention; idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        status.data().release();
        if (data != null) {
            data.release();
        }
    }
}
