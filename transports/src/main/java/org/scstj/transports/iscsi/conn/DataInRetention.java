package org.scstj.transports.iscsi.conn;

import org.scstj.transports.iscsi.pdu.DataInPdu;
import io.netty.buffer.Unpooled;
import org.scstj.transports.iscsi.pdu.ResentPdu;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Data-In PDUs of one read kept at ErrorRecoveryLevel >= 1 until acknowledged (RFC 7143
 * 11.16, 7.1.4.1 within-command recovery): each sent PDU's header values with a retained slice of the read buffer (no copy).
 * A DataACK SNACK (11.16.1, after a Data-In with the A bit, 11.7.2) releases the PDUs below its
 * BegRun; the acknowledgement of the command's status (ExpStatSN, 4.2.2.2) releases all.
 *
 * <p>API: {@link #add} as each Data-In is sent; {@link #resend} for a Data SNACK;
 * {@link #acknowledge} for a DataACK; {@link #all} for an R-Data SNACK; {@link #release} at the
 * end. Event-loop confined.
 */
public final class DataInRetention {
    private final int itt;
    /** Sent PDUs by DataSN order (DataSN = index + first DataSN); acknowledged ones are nulled. */
    private final List<DataInPdu> sent = new ArrayList<>();
    private int firstDataSn;
    private int acknowledgedBelow;
    private long bytes;
    private boolean released;
    private ScsiResponsePdu status; // with a retained duplicate of its sense data
    private final int reservedBytes;
    private final Consumer<DataInRetention> onRelease;
    /** TTTs of the Data-In PDUs sent with the A bit (11.7.2): a DataACK names one of them. */
    private final Set<Integer> ackTags = new HashSet<>(2);

    /**
     * @param reservedBytes what the connection's cap counts for this read until {@link #release}
     * @param onRelease     runs once at {@link #release} (the connection's accounting)
     */
    DataInRetention(int itt, int reservedBytes, Consumer<DataInRetention> onRelease) {
        this.itt = itt;
        this.reservedBytes = reservedBytes;
        this.onRelease = onRelease;
    }

    int reservedBytes() {
        return reservedBytes;
    }

    boolean askedWith(int ttt) {
        return !released && ackTags.contains(ttt);
    }

    int itt() {
        return itt;
    }

    long bytes() {
        return bytes;
    }

    /** Keeps a retained duplicate of {@code pdu}'s data (call before the PDU is sent). */
    void add(DataInPdu pdu) {
        if (sent.isEmpty()) {
            firstDataSn = pdu.dataSn();
            acknowledgedBelow = firstDataSn;
        }
        sent.add(pdu.withData(pdu.data().retainedDuplicate()));
        if (pdu.ackRequested()) {
            ackTags.add(pdu.ttt());
        }
        bytes += pdu.data().readableBytes();
    }

    /**
     * Data SNACK (RFC 7143 11.16.1 type 0): sends again the Data-In PDUs with DataSN BegRun ..
     * BegRun+RunLength-1 (RunLength 0: to the last). False, nothing sent, when one was never
     * sent or is already acknowledged.
     */
    boolean resend(int begRun, int runLength, int expCmdSn, int maxCmdSn, Consumer<TargetPdu> out) {
        if (begRun == 0 && runLength == 0) {
            begRun = acknowledgedBelow; // 11.16: both 0 means every unacknowledged PDU
        }
        int from = begRun - firstDataSn;
        int count = runLength == 0 ? sent.size() - from : runLength;
        if (released || begRun - acknowledgedBelow < 0 || from < 0 || count <= 0 || from + count > sent.size()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            DataInPdu p = sent.get(i);
            out.accept(new ResentPdu(p, p.data().retainedDuplicate(), expCmdSn, maxCmdSn));
        }
        return true;
    }

    /** DataACK (11.16.1 type 2): every DataSN below {@code begRun} arrived. False when begRun is beyond what was sent. */
    boolean acknowledge(int begRun) {
        int upTo = begRun - firstDataSn;
        if (released || upTo < 0 || upTo > sent.size()) {
            return false;
        }
        for (int i = acknowledgedBelow - firstDataSn; i < upTo; i++) {
            DataInPdu p = sent.get(i);
            if (p != null) {
                bytes -= p.data().readableBytes();
                p.data().release();
                sent.set(i, null);
            }
        }
        if (begRun - acknowledgedBelow > 0) {
            acknowledgedBelow = begRun;
        }
        return true;
    }

    /** The read's status when it was sent in a SCSI Response of its own (not in the last Data-In). */
    void status(ScsiResponsePdu response) {
        if (!released) {
            if (status != null) {
                status.data().release();
            }
            status = response.withData(response.data().retainedDuplicate());
        }
    }

    /**
     * R-Data SNACK (RFC 7143 11.16.1 type 3, 11.16.3): sends again every unacknowledged Data-In,
     * resegmented to the current MaxRecvDataSegmentLength (which cannot change on this target's
     * connections, so the segments are the original ones) and without the status, then the status
     * as a SCSI Response carrying {@code snackTag}, with the original StatSN. False when the status
     * is unknown (nothing sent).
     */
    boolean resendAll(int snackTag, int expCmdSn, int maxCmdSn, Consumer<TargetPdu> out) {
        DataInPdu last = sent.isEmpty() ? null : sent.getLast();
        if (released || last == null || (!last.statusFlag() && status == null)) {
            return false;
        }
        for (int i = acknowledgedBelow - firstDataSn; i < sent.size(); i++) {
            DataInPdu p = sent.get(i);
            out.accept(new DataInPdu(p.finalFlag(), false, 0, 0, p.lun(), p.itt(), 0, expCmdSn, maxCmdSn,
                    p.dataSn(), p.bufferOffset(), 0, p.data().retainedDuplicate(), null, p.ttt(), p.ackRequested()));
        }
        int expDataSn = last.dataSn() + 1;
        if (status != null) {
            out.accept(new ScsiResponsePdu(itt, status.status(), status.residualFlags(), status.statSn(), expCmdSn,
                    maxCmdSn, status.expDataSn(), status.residualCount(), status.data().retainedDuplicate(), snackTag));
        } else {
            out.accept(new ScsiResponsePdu(itt, last.status(), last.residualFlags(), last.statSn(), expCmdSn, maxCmdSn,
                    expDataSn, last.residualCount(), Unpooled.EMPTY_BUFFER, snackTag));
        }
        return true;
    }

    /** The PDUs not acknowledged yet, in DataSN order (R-Data SNACK, 11.16.3), still owned by this retention. */
    List<DataInPdu> unacknowledged() {
        List<DataInPdu> out = new ArrayList<>();
        for (int i = acknowledgedBelow - firstDataSn; i < sent.size(); i++) {
            out.add(sent.get(i));
        }
        return out;
    }

    /** Releases every retained slice; idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        for (DataInPdu p : sent) {
            if (p != null) {
                p.data().release();
            }
        }
        sent.clear();
        if (status != null) {
            status.data().release();
            status = null;
        }
        bytes = 0;
        onRelease.accept(this);
    }
}
