package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DataOutFailure;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.pdu.DataOut;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.ScsiCommand;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One SCSI command of a connection (RFC 7143 11.3) and its write-data state: immediate data,
 * unsolicited Data-Out (up to FirstBurstLength, 13.14) and solicited Data-Out answering R2Ts
 * (11.8, at most MaxOutstandingR2T at a time, each at most MaxBurstLength).
 *
 * <p>Threading: the core may call any {@link TransportTask} method from any thread; each hops to
 * the connection's event loop. Everything else runs on the event loop.
 *
 * <p>Buffer ownership: early data (immediate and unsolicited, received before the core asks) is
 * kept as retained slices, bounded by FirstBurstLength. The gather buffer holds the length the
 * core asks for in {@link #receiveData} and passes to the core when full. While the data arrives
 * in order it is a composite of the PDUs' own slices (no copy; the device writes the pieces); data
 * out of order (several R2Ts answered interleaved), or pieces that would pin much more memory than
 * they carry, switch it to one flat buffer the data is copied into. Both are released by
 * {@link #dispose} otherwise.
 */
final class IscsiTask implements TransportTask {
    /** What a Data-Out PDU means for this task (bad-inputs rows 11, 12, 13). */
    enum DataOutcome { ACCEPTED, REJECT, BAD_DATA_SN, CLOSE }

    /** One outstanding R2T: the range asked for, what arrived, and the next DataSN (11.7.5: from 0 per R2T). */
    private static final class R2tWindow {
        final int offset;
        final int length;
        int received;
        int nextDataSn;
        int r2tSn; // for an R2T SNACK (RFC 7143 11.16.1)

        R2tWindow(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    private IscsiConnection conn; // allegiance (RFC 7143 2.2); TASK REASSIGN moves it at ERL 2 (11.5.1)
    private final long lun;
    private final byte[] cdb;
    private final int itt;
    private final TaskAttribute attribute;
    private final int edtl;
    private final boolean read;
    private final boolean write;
    private final boolean immediate;
    private final int cmdSn;
    private final OperationalParameters params;

    // write data (event loop)
    private List<ByteBuf> early; // created with the first early data: reads never need it
    private final int unsolicitedEnd;
    private int earlyReceived;
    private int unsolicitedDataSn;
    private boolean unsolicitedDone;
    private ByteBuf gather;
    private boolean flat; // gather is one buffer written by offset, not a composite of arrived slices
    private long pinned;  // capacity of the buffers the composite's slices keep alive
    private int wanted = -1;
    private int filled;
    private DataReceiver receiver;
    /**
     * Why the transport cannot deliver this task's Data-Out, or null. Given to the core's receiver
     * as soon as there is one ({@link #startReceive}); the core then ends the command with the
     * reason's sense in the LU's format.
     */
    private DataOutFailure failure;
    private Map<Integer, R2tWindow> r2ts; // created with the first R2T
    private int nextR2tOffset = -1;
    private int sequenceNumber; // DataSN and R2TSN share the numbering (RFC 7143 11.7.5, 11.8.4)
    /** Set as the SCSI Command PDU is taken in, while the core measures latency (docs/latency.md); else 0. */
    long receivedNanos;
    // ERL >= 1 within-command recovery (RFC 7143 7.1.4.1): lost write data is asked for again
    private final boolean recoverable;
    private boolean unsolicitedLost; // the rest of the unsolicited data is dropped; R2Ts cover it
    private Set<Integer> retiredTtts; // R2Ts replaced by a recovery R2T: their late data is dropped

    /**
     * Where a task is in its life on the transport's side (event loop). Every change goes through
     * one of the transition methods below ({@link #submitted}, {@link #cancel}, {@link #terminate},
     * {@link #retain}, {@link #hold}, {@link #reassign}, {@link #retentionExpired}, {@link #finish},
     * {@link #discard}), each of which refuses a change this table does not allow:
     *
     * <table>
     * <tr><th>from</th><th>event</th><th>to</th></tr>
     * <tr><td>WAITING</td><td>its CmdSN turn (RFC 7143 3.2.2.1), or an immediate command</td><td>RUNNING</td></tr>
     * <tr><td>WAITING, WAITING_RETAINED</td><td>ABORT TASK before its turn (11.5.1), its connection closed
     *     below ERL 2 (11.14.1), the session ending at its turn</td><td>CANCELLED</td></tr>
     * <tr><td>WAITING</td><td>its connection failed at ERL 2 (7.2)</td><td>WAITING_RETAINED</td></tr>
     * <tr><td>WAITING_RETAINED</td><td>its CmdSN turn</td><td>RETAINED</td></tr>
     * <tr><td>WAITING_RETAINED</td><td>TASK REASSIGN (11.5.1), Time2Retain passed (13.16)</td><td>WAITING</td></tr>
     * <tr><td>RUNNING</td><td>its connection closed below ERL 2 (11.14.1): aborted through the engine</td><td>TERMINATED</td></tr>
     * <tr><td>RUNNING</td><td>its connection failed at ERL 2 (7.2)</td><td>RETAINED</td></tr>
     * <tr><td>RETAINED</td><td>the core completed it</td><td>HELD</td></tr>
     * <tr><td>RETAINED, HELD</td><td>TASK REASSIGN, Time2Retain passed; a held response is then delivered or
     *     dropped</td><td>RUNNING</td></tr>
     * <tr><td>RUNNING, RETAINED, TERMINATED</td><td>the core completed or aborted it</td><td>FINISHED</td></tr>
     * <tr><td>any but CANCELLED, FINISHED</td><td>the session has no connection left</td><td>FINISHED</td></tr>
     * </table>
     */
    enum State {
        /** Received, waiting for its CmdSN turn: the core has not seen it. */
        WAITING,
        /** WAITING, and its connection failed at ERL 2: it waits for TASK REASSIGN too. */
        WAITING_RETAINED,
        /** In the core (submitted); the core will complete or abort it. */
        RUNNING,
        /** In the core; its connection failed at ERL 2: kept for Time2Retain awaiting TASK REASSIGN. */
        RETAINED,
        /** RETAINED, and the core completed it: the response waits for TASK REASSIGN. */
        HELD,
        /** In the core; its connection closed below ERL 2: aborted through the engine, it ends without a status. */
        TERMINATED,
        /** Never reaches the core. Out of the ITT table. */
        CANCELLED,
        /** Over: answered, aborted or discarded. Out of the ITT table. */
        FINISHED
    }

    private State state = State.WAITING;
    /** The core's response while HELD. */
    private ScsiResponse held;

    IscsiTask(IscsiConnection conn, ScsiCommand cmd, OperationalParameters params) {
        this.conn = conn;
        this.lun = cmd.lun();
        this.cdb = cmd.cdb();
        this.itt = cmd.itt();
        this.attribute = cmd.attribute();
        this.edtl = cmd.expectedDataTransferLength();
        this.read = cmd.read();
        this.write = cmd.write();
        this.immediate = cmd.immediate();
        this.cmdSn = cmd.cmdSn();
        this.params = params;
        this.recoverable = params.errorRecoveryLevel() >= 1;
        int dsl = cmd.data().readableBytes();
        if (dsl > 0) {
            early = new ArrayList<>(2);
            early.add(cmd.data().retainedSlice());
        }
        earlyReceived = dsl;
        // 13.10 / 11.3.4: with InitialR2T=No and F=0, unsolicited Data-Out follows up to FirstBurstLength
        unsolicitedEnd = write && !params.initialR2T() && !cmd.finalFlag()
                ? (int) Math.min(Integer.toUnsignedLong(edtl), params.firstBurstLength()) : dsl;
        unsolicitedDone = earlyReceived >= unsolicitedEnd;
    }

    int itt() {
        return itt;
    }

    /** The connection it has allegiance to (RFC 7143 2.2): its R2Ts, Data-Out, Data-In and status go there. */
    IscsiConnection connection() {
        return conn;
    }

    /**
     * TASK REASSIGN at ERL 2 (RFC 7143 11.5.1; 7.2 connection recovery): the task answers on
     * {@code to} from now on. A write still waiting for data is solicited again there: every R2T
     * not fully answered on the old connection gets a recovery R2T for the bytes it did not bring
     * (DataPDUInOrder: what arrived is a prefix of each R2T), and unsolicited data that stopped
     * short is solicited too. Returns the response the core gave while it was HELD, to be sent
     * on {@code to} now, or null.
     */
    ScsiResponse reassign(IscsiConnection to) {
        ScsiResponse r = unretain("be reassigned");
        conn = to;
        if (gather == null || receiver == null) {
            return r; // not receiving: a running task simply answers on the new connection
        }
        unsolicitedDone = true; // the rest of an unsolicited burst is asked for with R2Ts
        List<R2tWindow> open = r2ts == null ? List.of() : new ArrayList<>(r2ts.values());
        r2ts = new HashMap<>(4);
        for (R2tWindow w : open) {
            int from = w.offset + w.received;
            int length = w.length - w.received;
            int ttt = conn.nextTargetTransferTag();
            R2tWindow again = new R2tWindow(from, length);
            again.r2tSn = sequenceNumber; // sendR2t takes it
            r2ts.put(ttt, again);
            conn.sendR2t(this, ttt, from, length);
        }
        startSolicited();
        conn.flushIfIdle();
        return r;
    }

    int cmdSn() {
        return cmdSn;
    }

    boolean immediate() {
        return immediate;
    }

    int nextSequenceNumber() {
        return sequenceNumber++;
    }

    /** Unsolicited bytes (RFC 7143 13.10, 13.14) the initiator may still send for this task. */
    int unsolicitedOutstanding() {
        return unsolicitedDone ? 0 : Math.max(0, unsolicitedEnd - earlyReceived);
    }

    /** R2Ts and Data-Ins sent so far (RFC 7143 11.4.6 ExpDataSN). */
    int sequenceCount() {
        return sequenceNumber;
    }

    // ---- life (event loop): the only code that changes State ----

    State state() {
        return state;
    }

    /** WAITING or WAITING_RETAINED: not given to the core yet. */
    boolean waiting() {
        return state == State.WAITING || state == State.WAITING_RETAINED;
    }

    boolean finished() {
        return state == State.FINISHED;
    }

    boolean terminated() {
        return state == State.TERMINATED;
    }

    /** Its connection failed at ERL 2 and no TASK REASSIGN took it over yet (RFC 7143 7.2). */
    boolean retained() {
        return state == State.WAITING_RETAINED || state == State.RETAINED || state == State.HELD;
    }

    /** Its CmdSN turn came (RFC 7143 3.2.2.1): it goes to the core now. */
    void submitted() {
        state = switch (state) {
            case WAITING -> State.RUNNING;
            case WAITING_RETAINED -> State.RETAINED;
            default -> throw illegal("be submitted");
        };
    }

    /**
     * It never reaches the core: ABORT TASK before its turn (RFC 7143 11.5.1), its connection or
     * session ending. Its early data is released now: the caller drops it from the ITT table, and its
     * turn in the window may never come (the connection can close first, and the window's entry for
     * it holds no buffer).
     */
    void cancel() {
        if (!waiting()) {
            throw illegal("be cancelled");
        }
        state = State.CANCELLED;
        dispose(false);
    }

    /** Its connection closed below ERL 2 (RFC 7143 11.14.1): the caller aborts it through the engine. */
    void terminate() {
        if (state != State.RUNNING && state != State.TERMINATED) {
            throw illegal("be terminated");
        }
        state = State.TERMINATED;
    }

    /** Its connection failed at ERL 2 (RFC 7143 7.2): it waits Time2Retain for TASK REASSIGN. */
    void retain() {
        state = switch (state) {
            case WAITING -> State.WAITING_RETAINED;
            case RUNNING -> State.RETAINED;
            default -> throw illegal("be retained");
        };
    }

    /** The core completed it while it had no connection (ERL 2): the response waits. */
    void hold(ScsiResponse response) {
        if (state != State.RETAINED) {
            throw illegal("hold a response");
        }
        held = response;
        state = State.HELD;
    }

    /**
     * Time2Retain passed (RFC 7143 13.16) without TASK REASSIGN: the task is allegiant to its dead
     * connection again, to be terminated there. Returns the held response (the caller drops it and
     * finishes the task), or null.
     */
    ScsiResponse retentionExpired() {
        return unretain("outlive its retention");
    }

    private ScsiResponse unretain(String what) {
        ScsiResponse r = held;
        held = null;
        state = switch (state) {
            case WAITING_RETAINED -> State.WAITING;
            case RETAINED, HELD -> State.RUNNING;
            default -> throw illegal(what);
        };
        return r;
    }

    /**
     * The core completed or aborted it (or, HELD, its held response was dealt with): it is over.
     * True when it counted in the CmdSN window's commands in flight (non-immediate), which the
     * caller then gives back (RFC 7143 3.2.2.1 MaxCmdSN).
     */
    boolean finish() {
        if (state != State.RUNNING && state != State.RETAINED && state != State.TERMINATED) {
            throw illegal("finish");
        }
        state = State.FINISHED;
        return !immediate;
    }

    /**
     * The session lost its last connection: the task is forgotten whatever it was doing. Returns
     * the held response for the caller to release, or null.
     */
    ScsiResponse discard() {
        if (state == State.CANCELLED || state == State.FINISHED) {
            throw illegal("be discarded");
        }
        ScsiResponse r = held;
        held = null;
        state = State.FINISHED;
        return r;
    }

    private IllegalStateException illegal(String what) {
        return new IllegalStateException("task 0x" + Integer.toHexString(itt) + " is " + state + ": it cannot " + what);
    }

    // ---- TransportTask (any thread) ----

    @Override
    public long lun() {
        return lun;
    }

    @Override
    public byte[] cdb() {
        return cdb;
    }

    @Override
    public long tag() {
        return Integer.toUnsignedLong(itt);
    }

    @Override
    public long receivedNanos() {
        return receivedNanos;
    }

    @Override
    public TaskAttribute attribute() {
        return attribute;
    }

    @Override
    public int expectedDataTransferLength() {
        return edtl;
    }

    @Override
    public boolean readExpected() {
        return read;
    }

    @Override
    public boolean writeExpected() {
        return write;
    }

    @Override
    public int zeroCopyMinLength() {
        // ERL >= 1: Data-In is retained for SNACK as slices of a buffer, so no sendfile (docs/recovery.md)
        return params.dataDigest() || params.errorRecoveryLevel() >= 1 ? Integer.MAX_VALUE
                : conn.settings().zeroCopyMinLength();
    }

    @Override
    public DataBuffer allocate(int length) {
        return new PooledDataBuffer(conn.alloc().directBuffer(length, length), length);
    }

    @Override
    public void receiveData(int length, DataReceiver receiver) {
        if (conn.inEventLoop()) {
            startReceive(length, receiver);
        } else {
            conn.execute(() -> startReceive(length, receiver), () -> receiver.failed(new ClosedChannelException()));
        }
    }

    @Override
    public void complete(ScsiResponse response) {
        if (conn.inEventLoop()) {
            conn.commands().completed(this, response);
        } else {
            conn.execute(() -> conn.commands().completed(this, response), () -> {
                if (response.dataIn() != null) {
                    response.dataIn().release();
                }
            });
        }
    }

    @Override
    public void aborted() {
        if (conn.inEventLoop()) {
            conn.commands().aborted(this);
        } else {
            conn.execute(() -> conn.commands().aborted(this), () -> { });
        }
    }

    // ---- write data (event loop) ----

    private void startReceive(int length, DataReceiver r) {
        if (state == State.FINISHED || receiver != null || wanted >= 0 || length < 0
                || Integer.toUnsignedLong(length) > Integer.toUnsignedLong(edtl)) {
            r.failed(new IllegalStateException("write data for task 0x" + Integer.toHexString(itt) + " unavailable"));
            return;
        }
        if (failure != null) {
            // the Data-Out was lost or refused before the core asked for it: it learns why now
            r.failed(failure);
            return;
        }
        if (!write && length > 0) {
            // RFC 7143 11.3.1: without the W bit the initiator sends no Data-Out; never solicit it (no R2T),
            // the core fails the command instead of waiting for data that cannot come
            r.failed(new IOException("write data for task 0x" + Integer.toHexString(itt)
                    + " but the initiator did not set W (RFC 7143 11.3.1)"));
            return;
        }
        wanted = length;
        receiver = r;
        gather = conn.alloc().compositeDirectBuffer(MAX_PIECES);
        flat = false;
        pinned = 0;
        filled = 0;
        for (ByteBuf slice : early == null ? List.<ByteBuf>of() : early) {
            copyIn(filled, slice, slice.readableBytes());
            slice.release();
        }
        early = null;
        if (unsolicitedDone || earlyReceived >= length) {
            startSolicited();
        }
        deliverIfComplete();
        conn.flushIfIdle();
    }

    /** Sends R2Ts for what unsolicited data does not cover (RFC 7143 10.8). */
    private void startSolicited() {
        if (nextR2tOffset < 0) {
            nextR2tOffset = Math.min(earlyReceived, wanted);
        }
        if (r2ts == null) {
            r2ts = new HashMap<>(4);
        }
        while (r2ts.size() < params.maxOutstandingR2T() && nextR2tOffset < wanted) {
            int length = Math.min(params.maxBurstLength(), wanted - nextR2tOffset);
            int ttt = conn.nextTargetTransferTag();
            R2tWindow w = new R2tWindow(nextR2tOffset, length);
            w.r2tSn = sequenceNumber; // sendR2t takes it
            r2ts.put(ttt, w);
            conn.sendR2t(this, ttt, nextR2tOffset, length);
            nextR2tOffset += length;
        }
    }

    DataOutcome onDataOut(DataOut d) {
        ByteBuf data = d.data();
        int len = data.readableBytes();
        long offset = Integer.toUnsignedLong(d.bufferOffset());
        if (offset + len > Integer.toUnsignedLong(edtl) || !write) {
            return DataOutcome.REJECT; // bad-inputs row 11: past EDTL
        }
        if (failure != null) {
            return DataOutcome.ACCEPTED; // the transport already failed the command: the rest of its data is dropped
        }
        if (d.ttt() == Opcode.RESERVED_TAG) {
            if (unsolicitedLost) {
                return DataOutcome.ACCEPTED; // after a loss the rest of the burst is dropped; R2Ts ask for it
            }
            if (params.initialR2T()) {
                // bad-inputs row 14 (RFC 7143 13.10): unsolicited data while InitialR2T=Yes fails the command
                failWith(DataOutFailure.Reason.UNEXPECTED_UNSOLICITED_DATA, "unsolicited Data-Out while InitialR2T=Yes");
                return DataOutcome.ACCEPTED;
            }
            if (unsolicitedDone) {
                return DataOutcome.REJECT; // F=1 on the command, or the unsolicited burst already ended
            }
            if (d.dataSn() != unsolicitedDataSn) {
                if (recoverable) {
                    // RFC 7143 7.9 at ERL >= 1: a repeat is dropped; a gap means data was lost
                    if (d.dataSn() - unsolicitedDataSn > 0) {
                        loseUnsolicited();
                    }
                    return DataOutcome.ACCEPTED;
                }
                return DataOutcome.BAD_DATA_SN;
            }
            if (offset != earlyReceived || offset + len > unsolicitedEnd) {
                return DataOutcome.CLOSE; // DataPDUInOrder=Yes (13.19) / beyond FirstBurstLength
            }
            unsolicitedDataSn++;
            if (gather != null) {
                copyIn((int) offset, data, len);
            } else if (len > 0) {
                if (early == null) {
                    early = new ArrayList<>(4);
                }
                early.add(data.retainedSlice());
            }
            earlyReceived += len;
            if (d.finalFlag() && earlyReceived < unsolicitedEnd) {
                // 13.10/13.14: the burst must reach min(EDTL, FirstBurstLength); bad-inputs row 14
                unsolicitedDone = true;
                failWith(DataOutFailure.Reason.NOT_ENOUGH_UNSOLICITED_DATA, "unsolicited Data-Out ended short of "
                        + unsolicitedEnd + " bytes");
                return DataOutcome.ACCEPTED;
            }
            if (d.finalFlag() || earlyReceived >= unsolicitedEnd) {
                unsolicitedDone = true;
                if (gather != null) {
                    startSolicited();
                }
            }
        } else {
            R2tWindow w = r2ts == null ? null : r2ts.get(d.ttt());
            if (w == null && retiredTtts != null && retiredTtts.contains(d.ttt())) {
                return DataOutcome.ACCEPTED; // the rest of a burst a recovery R2T replaced
            }
            if (w == null || gather == null) {
                return DataOutcome.REJECT; // unknown TTT
            }
            if (d.dataSn() != w.nextDataSn) {
                if (recoverable) {
                    // RFC 7143 7.9 / 7.1.4.1 at ERL >= 1: a repeat (also after an R2T SNACK) is dropped;
                    // a gap means data was lost: a recovery R2T asks for the burst from the loss on
                    if (d.dataSn() - w.nextDataSn > 0) {
                        recoveryR2t(d.ttt(), w);
                    }
                    return DataOutcome.ACCEPTED;
                }
                return DataOutcome.BAD_DATA_SN; // bad-inputs row 13: repeated, skipped or reversed
            }
            if (offset != w.offset + w.received || w.received + len > w.length) {
                return DataOutcome.CLOSE; // bad-inputs row 12
            }
            w.nextDataSn++;
            copyIn((int) offset, data, len);
            w.received += len;
            if (w.received == w.length) {
                r2ts.remove(d.ttt());
                startSolicited();
            }
        }
        deliverIfComplete();
        return DataOutcome.ACCEPTED;
    }

    /** Composite pieces before the gather buffer turns flat (each piece is one Data-Out PDU or less). */
    private static final int MAX_PIECES = 256;

    /**
     * Adds {@code len} bytes of {@code data} (not consumed, not released) at {@code offset}: as a
     * retained slice while the data arrives in order and pins at most about twice what it carries,
     * copied otherwise.
     */
    private void copyIn(int offset, ByteBuf data, int len) {
        int n = Math.min(len, wanted - offset);
        if (n <= 0) {
            return;
        }
        if (!flat) {
            CompositeByteBuf pieces = (CompositeByteBuf) gather;
            ByteBuf parent = data.unwrap() != null ? data.unwrap() : data;
            long pinnedAfter = pinned + parent.capacity();
            if (offset == filled && pieces.numComponents() < MAX_PIECES
                    && pinnedAfter <= 2L * wanted + PINNED_SLACK) {
                pieces.addComponent(true, data.retainedSlice(data.readerIndex(), n));
                pinned = pinnedAfter;
                filled += n;
                return;
            }
            flatten();
        }
        gather.setBytes(offset, data, data.readerIndex(), n);
        filled += n;
    }

    /** Slack for {@link #copyIn}'s pinning rule: small commands may pin a receive buffer or two. */
    private static final int PINNED_SLACK = 256 * 1024;

    /** Copies what arrived so far into one buffer of the wanted length; later data is copied in by offset. */
    private void flatten() {
        ByteBuf pieces = gather;
        ByteBuf one = conn.alloc().directBuffer(Math.max(wanted, 1), Math.max(wanted, 1));
        one.setBytes(0, pieces, 0, pieces.writerIndex());
        pieces.release();
        gather = one;
        flat = true;
    }

    /** Gathered write data up to this size is made one buffer if it arrived in several: a copy is cheaper than a write per piece. */
    private static final int SMALL_WRITE = 16 * 1024;

    private void deliverIfComplete() {
        if (gather != null && filled >= wanted) {
            if (!flat && wanted <= SMALL_WRITE && gather.nioBufferCount() > 1) {
                flatten();
            }
            ByteBuf g = gather;
            gather = null;
            DataReceiver r = receiver;
            receiver = null;
            r2ts = null;
            r.received(new PooledDataBuffer(g, wanted));
        }
    }

    /**
     * A Data-Out of this task was discarded for a data digest error (RFC 7143 7.8) at ERL >= 1:
     * the header is good, so the lost range is known and a recovery R2T asks for it again
     * (7.1.4.1). {@code ttt}, {@code dataSn}: the discarded PDU's.
     */
    void lostDataOut(int ttt, int dataSn) {
        if (failure != null) {
            return;
        }
        if (ttt == Opcode.RESERVED_TAG) {
            if (!unsolicitedLost && !unsolicitedDone && dataSn - unsolicitedDataSn >= 0) {
                loseUnsolicited();
            }
            return;
        }
        R2tWindow w = r2ts == null ? null : r2ts.get(ttt);
        if (w != null && dataSn - w.nextDataSn >= 0) {
            recoveryR2t(ttt, w);
        }
    }

    /**
     * The command's immediate data, or its unsolicited Data-Out from the first lost PDU on, never
     * arrived intact (7.8, 7.9) at ERL >= 1: the rest of the unsolicited data is dropped and the
     * R2Ts start where the intact data ends (7.1.4.1; for immediate data, at offset 0).
     */
    void loseUnsolicited() {
        unsolicitedLost = true;
        unsolicitedDone = true;
        if (gather != null) {
            startSolicited();
            deliverIfComplete();
        }
    }

    /** Replaces R2T {@code ttt} by a recovery R2T (new TTT, next R2TSN) for what of it did not arrive in order. */
    private void recoveryR2t(int ttt, R2tWindow w) {
        r2ts.remove(ttt);
        if (retiredTtts == null) {
            retiredTtts = new HashSet<>(4);
        }
        retiredTtts.add(ttt);
        int newTtt = conn.nextTargetTransferTag();
        R2tWindow again = new R2tWindow(w.offset + w.received, w.length - w.received);
        again.r2tSn = sequenceNumber;
        r2ts.put(newTtt, again);
        conn.sendR2t(this, newTtt, again.offset, again.length);
    }

    /**
     * R2T SNACK (RFC 7143 11.16.1 type 0 for a write): sends again the outstanding R2Ts with
     * R2TSN BegRun .. BegRun+RunLength-1 (RunLength 0: all from BegRun; both 0: all outstanding),
     * unchanged. False when one of them is not outstanding (never sent, or its data all arrived).
     * Data the initiator then sends again for a burst partly received is dropped up to where the
     * burst stopped (duplicate DataSNs, {@link #onDataOut}).
     */
    boolean resendR2ts(int begRun, int runLength) {
        if (r2ts == null || r2ts.isEmpty()) {
            return false;
        }
        List<Map.Entry<Integer, R2tWindow>> chosen = new ArrayList<>();
        boolean all = begRun == 0 && runLength == 0;
        for (Map.Entry<Integer, R2tWindow> e : r2ts.entrySet()) {
            int d = e.getValue().r2tSn - begRun;
            if (all || (d >= 0 && (runLength == 0 || d < runLength))) {
                chosen.add(e);
            }
        }
        boolean startFound = all || chosen.stream().anyMatch(e -> e.getValue().r2tSn == begRun);
        if (!startFound || (runLength > 0 && chosen.size() != runLength)) {
            return false;
        }
        chosen.sort((a, b) -> Integer.compare(a.getValue().r2tSn - begRun, b.getValue().r2tSn - begRun));
        for (Map.Entry<Integer, R2tWindow> e : chosen) {
            R2tWindow w = e.getValue();
            conn.resendR2t(this, e.getKey(), w.offset, w.length, w.r2tSn);
        }
        return true;
    }

    /**
     * The transport cannot deliver this task's Data-Out (RFC 7143 7.8, 7.9, 13.10): the core's
     * receiver fails with a {@link DataOutFailure}, now or when the core asks ({@link
     * #startReceive}), and the core ends the command CHECK CONDITION with the reason's sense in the
     * LU's format (D_SENSE). A command whose core never asks for its data (refused before, e.g.
     * LBA out of range) keeps the core's own answer. The rest of the task's Data-Out is dropped.
     */
    private void failWith(DataOutFailure.Reason reason, String message) {
        if (failure == null) {
            failure = new DataOutFailure(reason, message + " (task 0x" + Integer.toHexString(itt) + ")");
            failReceiver(failure);
        }
    }

    /**
     * The transport lost some of this task's write data and, at ERL 0, does not recover it: a data
     * digest error (RFC 7143 7.8) or a DataSN error (7.9, 11.7.5, bad-inputs row 13). Both end the
     * command as a lost Data-Out does, ABORTED COMMAND 47/05 from the core.
     */
    void dataLost(String what) {
        failWith(DataOutFailure.Reason.DATA_DIGEST, what);
    }

    private void failReceiver(Throwable cause) {
        DataReceiver r = receiver;
        receiver = null;
        if (gather != null) {
            gather.release();
            gather = null;
        }
        if (r != null) {
            r.failed(cause);
        }
    }

    /**
     * Releases what the task holds. With {@code notify} (connection lost) a waiting receiver learns
     * the data will not come; without (the core completed or aborted the task) it is dropped.
     */
    void dispose(boolean notify) {
        if (early != null) {
            for (ByteBuf b : early) {
                b.release();
            }
            early = null;
        }
        r2ts = null;
        if (notify) {
            failReceiver(new ClosedChannelException());
        } else {
            receiver = null;
            if (gather != null) {
                gather.release();
                gather = null;
            }
        }
    }
}
