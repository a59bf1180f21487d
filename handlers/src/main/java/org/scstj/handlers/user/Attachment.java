package org.scstj.handlers.user;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.BlockDevice.IoFailure;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DescriptorLoop;
import org.scstj.engine.spi.ScsiPassThrough;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One handler attached to a {@link UserDevice}: one epoch (docs/user-handlers.md). Requests of the
 * engine are cut into pieces of at most one buffer, each a submission with its own id; a piece
 * waits in the core until a buffer and a ring slot are free (credits: a full ring is backpressure).
 * The attachment's ring thread takes the completions, checks each against its piece, finishes the
 * requests, sends ABORT for a piece past its deadline and ends the attachment when the handler goes
 * or breaks the protocol ({@link #end}): then every request still here fails at once, the memory is
 * unmapped, and the next handler gets a new epoch and new memory, so nothing is sent twice.
 *
 * <p>Threads: {@link #submit} on any thread; everything else on the ring thread. The pieces, the
 * free buffers and the ids are guarded by this object's lock.
 */
final class Attachment {
    /** The longest sleep in poll(2) between deadline checks. */
    private static final int POLL_MILLIS = 100;

    /**
     * An engine call: {@code data} is the destination of a READ (one buffer) or the sources of a
     * WRITE (as the transport received them: their lengths need not be whole blocks; the request
     * is cut into block-aligned pieces across them), each from its position to its limit; null for
     * FLUSH and UNMAP.
     */
    record Request(int op, long offset, long length, ByteBuffer[] data, boolean fua, BlockDevice.Completion done,
                   BlockDevice.LentCompletion lent, CdbCall cdb, StatusCall status) {
        Request(int op, long offset, long length, ByteBuffer[] data, boolean fua, BlockDevice.Completion done) {
            this(op, offset, length, data, fua, done, null, null, null);
        }

        /** A READ of one piece whose data stays in the shared buffer it arrived in ({@link BlockDevice#readLent}). */
        static Request lentRead(long offset, int length, BlockDevice.LentCompletion lent) {
            return new Request(Rings.OP_READ, offset, length, null, false, null, lent, null, null);
        }

        void failed(IoFailure failure, Throwable cause) {
            if (lent != null) {
                lent.failed(failure, cause);
            } else if (status != null) {
                status.done().failed(failure, cause);
            } else if (cdb != null) {
                cdb.done().failed(failure, cause);
            } else {
                done.failed(failure, cause);
            }
        }
    }

    /**
     * A CDB operation ({@link ScsiPassThrough#execute}): its data, at most one buffer, is the
     * parameter list ({@code out}) or room for what the handler returns ({@code in}); the core's
     * buffers, copied to and from the shared one.
     */
    record CdbCall(byte[] cdb, DataBuffer out, DataBuffer in, ScsiPassThrough.CommandCompletion done) {
        int dataLength() {
            return out != null ? out.length() : in != null ? in.length() : 0;
        }
    }

    /** An LBA_STATUS operation: {@code room} bytes for the extents the handler returns. */
    record StatusCall(int room, BlockDevice.StatusCompletion done) {
    }

    /** The state of one request across its pieces. */
    private static final class Progress {
        final Request request;
        int pieces;
        /** A lent read's data, handed over with its completion. */
        Lent lentData;
        /** An LBA_STATUS answer's extents, read from the shared buffer and checked. */
        List<BlockDevice.Extent> extents;
        IoFailure failure;
        Throwable cause;

        Progress(Request request, int pieces) {
            this.request = request;
            this.pieces = pieces;
        }
    }

    /** One submission of a request: {@code at} bytes into the request's data. */
    private static final class Piece {
        final Progress progress;
        final long offset;
        final int length;
        final int at;
        long id;
        int buffer = Rings.NO_BUFFER;
        long deadline;
        boolean abortSent;

        Piece(Progress progress, long offset, int length, int at) {
            this.progress = progress;
            this.offset = offset;
            this.length = length;
            this.at = at;
        }

        int op() {
            return progress.request.op();
        }
    }

    private final UserDevice device;
    private final long epoch;
    private final UnixSeqPacket peer;
    private final Kernel.MemFd memfd;
    private final Kernel.EventFd sqBell;
    private final Kernel.EventFd cqBell;
    private final Rings rings;
    private final int features;
    private final long deadlineNanos;
    /** At most this long the ring thread spins on an empty completion ring before it sleeps. */
    private final long spinNanos;
    /** The most bytes of one submission: the buffer size, or the handler's largest transfer if smaller. */
    private final int pieceSize;
    private final Thread ringThread;
    /** The opcodes the handler executes as CDBs (HELLO's bitmap, with the CDB feature agreed; else none). */
    private final byte[] cdbOpcodes;
    /** The VPD pages the handler answers (HELLO's VPD bitmap, with the VPD feature agreed; else none). */
    private final java.util.Set<Integer> vpdPages;
    private final long peerPid;
    /** The handler's process (SO_PEERCRED's pid), watched for its exit; null where pidfds are missing. */
    private final Kernel.PidFd process;
    /** Set when the handler's process had exited before it could be watched. */
    private final String goneAtStart;

    /**
     * The transport's event loop that takes the completions ({@link #adoptLoop}), once a submission
     * came from one; null while the ring thread takes them. Set once per attachment; cleared only if
     * the loop ended.
     */
    private volatile DescriptorLoop loop;
    private volatile DescriptorLoop.Watch loopWatch;
    private final java.util.concurrent.atomic.AtomicBoolean loopAsked = new java.util.concurrent.atomic.AtomicBoolean();

    /** Held by the one thread that takes completions from the CQ (single consumer): see {@link #reapHere}. */
    private final java.util.concurrent.atomic.AtomicBoolean reaping = new java.util.concurrent.atomic.AtomicBoolean();

    // guarded by this
    private final Map<Long, Piece> inFlight = new HashMap<>();
    private final ArrayDeque<Piece> waiting = new ArrayDeque<>();
    private final ArrayDeque<Long> order = new ArrayDeque<>();
    private final int[] freeBuffers;
    private int freeCount;
    private long nextId;
    /** Shared buffers lent to the transport and not given back yet: the memory stays mapped while any is out. */
    private int lentOut;
    /** The memory was unmapped (once: by the ring thread's finish, or by the last lent buffer to come back). */
    private boolean unmapped;
    private boolean ended;
    private String endReason;

    Attachment(UserDevice device, long epoch, UnixSeqPacket peer, Kernel.MemFd memfd, Kernel.EventFd sqBell,
               Kernel.EventFd cqBell, Rings rings, int features, Duration deadline, int pieceSize, Duration spin,
               byte[] cdbOpcodes, java.util.Set<Integer> vpdPages) {
        this.device = device;
        this.epoch = epoch;
        this.peer = peer;
        this.memfd = memfd;
        this.sqBell = sqBell;
        this.cqBell = cqBell;
        this.rings = rings;
        this.features = features;
        this.deadlineNanos = deadline.toNanos();
        this.spinNanos = spin.toNanos();
        this.pieceSize = pieceSize;
        this.cdbOpcodes = cdbOpcodes;
        this.vpdPages = vpdPages;
        this.freeBuffers = new int[rings.layout().buffers()];
        for (int i = 0; i < freeBuffers.length; i++) {
            freeBuffers[i] = freeBuffers.length - 1 - i;
        }
        this.freeCount = freeBuffers.length;
        this.peerPid = peer.peerPid();
        Kernel.PidFd watched = null;
        String gone = null;
        if (peerPid > 0) {
            try {
                watched = Kernel.PidFd.open(peerPid);
            } catch (IOException e) {
                gone = e.getMessage().startsWith("ESRCH") ? "the handler's process " + peerPid + " exited" : null;
            }
        }
        this.process = watched;
        this.goneAtStart = gone;
        this.ringThread = Thread.ofPlatform().daemon().name("user-" + device.name() + "-ring-" + epoch)
                .unstarted(this::ringLoop);
    }

    long epoch() {
        return epoch;
    }

    /** The handler's process id as the kernel saw it connect (SO_PEERCRED), or -1. */
    long peerPid() {
        return peerPid;
    }

    void start() {
        ringThread.start();
    }

    java.util.Set<Integer> vpdPages() {
        return vpdPages;
    }

    /** The most bytes one submission carries. */
    int pieceSize() {
        return pieceSize;
    }

    /** The opcodes the handler named (HELLO's bitmap, with the CDB feature agreed), ascending. */
    java.util.Set<Integer> opcodes() {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (int op = 0; op < 256; op++) {
            if ((cdbOpcodes[op >>> 3] & (1 << (op & 7))) != 0) {
                out.add(op);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** Whether the handler named {@code cdb}'s opcode, or for INQUIRY with EVPD its page (feature VPD). */
    boolean takes(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        boolean vpd = opcode == 0x12 && cdb.length >= 3 && (cdb[1] & 1) != 0 && vpdPages.contains(cdb[2] & 0xFF);
        return vpd || (cdbOpcodes[opcode >>> 3] & (1 << (opcode & 7))) != 0;
    }

    /** SPC-5 4.2.5.1 / 4.4: CHECK CONDITION, ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE, fixed format. */
    private static final byte[] INVALID_OPCODE = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0};

    /**
     * A CDB operation (docs/user-handlers.md "CDB operations"): one submission with the CDB and its
     * data in one buffer, to a handler that named the opcode; any other ends INVALID COMMAND OPERATION
     * CODE here. The data fits one buffer: the core refused a longer one ({@link UserDevice#maxTransferBytes}).
     */
    void submitCdb(byte[] cdb, ScsiPassThrough.Direction direction, DataBuffer out, DataBuffer in,
                   ScsiPassThrough.CommandCompletion done) {
        if (!takes(cdb)) { // the core asks takes() first; this is for a handler that went and came back between
            done.completed(new ScsiPassThrough.Result(0x02, INVALID_OPCODE.clone(), in == null ? 0 : in.length()));
            return;
        }
        CdbCall call = new CdbCall(cdb.clone(), direction == ScsiPassThrough.Direction.TO_DEVICE ? out : null,
                direction == ScsiPassThrough.Direction.FROM_DEVICE ? in : null, done);
        if (call.dataLength() > pieceSize) {
            done.failed(IoFailure.INTERNAL, new IOException("a CDB's data of " + call.dataLength()
                    + " bytes is more than one buffer of " + pieceSize));
            return;
        }
        submit(new Request(Rings.OP_CDB, 0, call.dataLength(), null, false, null, null, call, null));
    }

    /** Whether the handler reports the provisioning state of its blocks (feature LBA_STATUS agreed). */
    boolean reportsLbaStatus() {
        return (features & Message.F_LBA_STATUS) != 0;
    }

    /**
     * An LBA_STATUS operation (SBC-4 5.8 GET LBA STATUS, docs/user-handlers.md "LBA_STATUS"): the
     * range from {@code offset} to the medium's end; room for at most {@code maxExtents} extents,
     * and no more than one buffer holds.
     */
    void submitLbaStatus(long offset, long length, int maxExtents, BlockDevice.StatusCompletion done) {
        int room = Math.max(1, Math.min(maxExtents, pieceSize / Rings.EXTENT)) * Rings.EXTENT;
        submit(new Request(Rings.OP_LBA_STATUS, offset, length, null, false, null, null, null,
                new StatusCall(room, done)));
    }

    // --- submissions (any thread) -------------------------------------------------------------

    void submit(Request r) {
        DescriptorLoop current = loop;
        if (current == null) {
            adoptLoop();
        } else {
            followSubmitter(current);
        }
        int size = pieceSize;
        boolean data = r.op() == Rings.OP_READ || r.op() == Rings.OP_WRITE;
        // WRITE_SAME is one piece: the block in a buffer, the whole range on the medium
        int pieces = data ? (int) Math.max(1, (r.length() + size - 1) / size) : 1;
        Progress p = new Progress(r, pieces);
        long deadline = System.nanoTime() + deadlineNanos; // from arrival: waiting in the core counts
        boolean ring;
        synchronized (this) {
            if (ended) {
                fail(p, IoFailure.NOT_READY, new IOException("the handler detached: " + endReason));
                return;
            }
            if (r.op() == Rings.OP_FLUSH && (features & Message.F_FLUSH) == 0) {
                ring = false; // no volatile cache to flush (the handler did not ask for FLUSH)
            } else {
                for (int i = 0; i < pieces; i++) {
                    long at = (long) i * size;
                    int length = data ? (int) Math.min(size, r.length() - at)
                            : r.op() == Rings.OP_WRITE_SAME ? r.data()[0].remaining()
                            : r.op() == Rings.OP_CDB ? r.cdb().dataLength()
                            : r.op() == Rings.OP_LBA_STATUS ? r.status().room() : 0;
                    Piece piece = new Piece(p, r.offset() + at, length, (int) at);
                    piece.deadline = deadline;
                    waiting.add(piece);
                }
                ring = pump();
            }
        }
        if (r.op() == Rings.OP_FLUSH && (features & Message.F_FLUSH) == 0) {
            r.done().completed();
            return;
        }
        if (ring) {
            doorbell();
        }
        reapHere();
    }

    /**
     * Takes the completions already in the ring on the submitter's thread (a transport's event loop),
     * if no other thread is taking them: a command submitted in a burst of commands brings the
     * statuses of earlier ones back with it, so they go out with the burst's flush instead of
     * waking the ring thread and, from it, the transport's thread. The ring thread takes the rest.
     */
    private void reapHere() {
        if (Thread.currentThread() == ringThread || !reaping.compareAndSet(false, true)) {
            return;
        }
        try {
            drain();
        } catch (Rings.Garbage g) {
            endLater("protocol error: " + g.getMessage());
        } finally {
            reaping.set(false);
        }
    }

    /**
     * The first submission from a transport's event loop ({@link DescriptorLoop#current}) puts the
     * completion doorbell into that loop's epoll set: from then on the handler's doorbell wakes the
     * thread that sends the responses, and the ring thread keeps only the deadlines, the control
     * socket and the process (docs/user-handlers.md "Doorbells and spinning", the core's side).
     */
    private void adoptLoop() {
        DescriptorLoop here = DescriptorLoop.current();
        if (here == null || !loopAsked.compareAndSet(false, true)) {
            return;
        }
        watchFrom(here, null);
    }

    /** Submissions in a row from one other loop, none from the watching one, before the watch moves there. */
    private static final int FOLLOW_AFTER = 256;
    /** Submissions in a row from loops other than the watching one (a heuristic: racy updates only delay a move). */
    private int foreignRun;
    /** The move of the watch to another loop under way (one at a time), or null. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> move =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Moves the watch to the loop that submits, once {@link #FOLLOW_AFTER} submissions in a row came
     * from other loops and none from the watching one: an initiator's new connection may land on
     * another event loop than the one that first submitted, and every completion would then cross
     * from the watching loop to the connection's. Connections on several loops at once keep it where
     * it is (the count starts again with each submission from the watching loop).
     */
    private void followSubmitter(DescriptorLoop current) {
        DescriptorLoop here = DescriptorLoop.current();
        if (here == null) {
            return;
        }
        if (here == current) {
            foreignRun = 0;
        } else if (++foreignRun >= FOLLOW_AFTER) {
            java.util.concurrent.CompletableFuture<Void> moved = new java.util.concurrent.CompletableFuture<>();
            if (move.compareAndSet(null, moved)) {
                foreignRun = 0;
                watchFrom(here, loopWatch).whenComplete((v, e) -> {
                    move.set(null);
                    moved.complete(null);
                });
            }
        }
    }

    /**
     * Puts the doorbell into {@code here}'s epoll set, then takes {@code before}'s watch (null: none)
     * out of its loop's: for a moment both watch, and whichever wakes takes the completions.
     */
    private java.util.concurrent.CompletionStage<DescriptorLoop.Watch> watchFrom(DescriptorLoop here,
                                                                                DescriptorLoop.Watch before) {
        int fd;
        try {
            fd = cqBell.descriptor();
        } catch (IOException closed) {
            return java.util.concurrent.CompletableFuture.completedFuture(null); // ended meanwhile
        }
        return here.watch(fd, this::onDoorbell).whenComplete((w, e) -> {
            if (e != null) {
                return; // the ring thread (or the loop watching now) keeps the doorbell
            }
            boolean keep;
            synchronized (this) {
                keep = !ended && endReason == null;
                if (keep) {
                    loopWatch = w;
                    loop = here;
                }
            }
            if (!keep) {
                w.cancel();
                return;
            }
            if (before != null) {
                before.cancel();
            }
            here.execute(this::reapOnLoop); // what came before the handler could ring the loop
        });
    }

    /** The completion doorbell rang (the loop's thread): take what the handler completed. */
    private void onDoorbell() {
        try {
            cqBell.drain();
        } catch (IOException e) {
            return; // closed: the attachment ended
        }
        reapOnLoop();
    }

    /**
     * Takes the completions on the loop's thread, then sets the core's waiting word again before a
     * last look (a full fence between), so the handler rings for anything completed after it.
     */
    private void reapOnLoop() {
        DescriptorLoop l = loop;
        if (l == null || ended()) {
            return;
        }
        if (!reaping.compareAndSet(false, true)) {
            l.execute(this::reapOnLoop); // a submitter is taking them: look again after it
            return;
        }
        try {
            drain();
            rings.coreWaiting(true);
            drain();
        } catch (Rings.Garbage g) {
            endLater("protocol error: " + g.getMessage());
        } catch (IllegalStateException unmapped) {
            // the attachment ended and its memory went while this ran: its commands failed already
        } finally {
            reaping.set(false);
        }
    }

    /**
     * Asks the loop to look at the CQ (the ring thread, every {@link #POLL_MILLIS}: a safety net, and
     * the check that the loop still runs); false when it ended (the transport stopped): the ring
     * thread takes the completions again.
     */
    private boolean kick(DescriptorLoop l) {
        try {
            l.execute(this::reapOnLoop);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException gone) {
            loop = null;
            loopWatch = null;
            loopAsked.set(false); // a loop of the next transport may take them over
            return false;
        }
    }

    private synchronized boolean ended() {
        return ended;
    }

    /**
     * Moves waiting pieces into the ring while buffers and slots last (holding the lock); true when
     * the handler sleeps and must be woken.
     */
    private boolean pump() {
        boolean added = false;
        try {
            while (!waiting.isEmpty()) {
                Piece piece = waiting.peek();
                CdbCall cdb = piece.progress.request.cdb();
                boolean needsBuffer = piece.op() == Rings.OP_READ || piece.op() == Rings.OP_WRITE
                        || piece.op() == Rings.OP_WRITE_SAME || piece.op() == Rings.OP_LBA_STATUS
                        || (cdb != null && piece.length > 0);
                if (needsBuffer && freeCount == 0) {
                    break;
                }
                if (rings.submitted() == rings.layout().sqEntries()) {
                    break;
                }
                waiting.poll();
                piece.id = ++nextId;
                int flags = 0;
                if (needsBuffer) {
                    piece.buffer = freeBuffers[--freeCount];
                    if (cdb != null && cdb.out() != null) {
                        MemorySegment.copy(MemorySegment.ofBuffer(cdb.out().nio()), 0, rings.buffer(piece.buffer), 0,
                                piece.length);
                        flags |= Rings.FLAG_DATA_OUT;
                    } else if (piece.op() == Rings.OP_WRITE || piece.op() == Rings.OP_WRITE_SAME) {
                        gather(piece.progress.request.data(), piece.at, rings.buffer(piece.buffer), piece.length);
                        flags |= Rings.FLAG_DATA_OUT;
                    } else {
                        flags |= Rings.FLAG_DATA_IN;
                    }
                }
                if (piece.progress.request.fua()) {
                    flags |= Rings.FLAG_FUA;
                }
                if (piece.op() == Rings.OP_LBA_STATUS) {
                    // the range to the medium's end; the data length is the room for extents
                    rings.submit(new Rings.Submission(piece.id, Rings.OP_LBA_STATUS, flags, piece.buffer, piece.offset,
                            piece.progress.request.length(), piece.length, null));
                } else if (cdb != null) {
                    // CDB: no medium range; the data length is the parameter list's or the allocation's
                    rings.submit(new Rings.Submission(piece.id, Rings.OP_CDB, flags, piece.buffer, 0, 0, piece.length,
                            cdb.cdb()));
                } else {
                    boolean range = piece.op() == Rings.OP_WRITE_SAME || !needsBuffer; // the length is the range's
                    long length = range ? piece.progress.request.length() : piece.length;
                    boolean dataOut = piece.op() == Rings.OP_WRITE || piece.op() == Rings.OP_WRITE_SAME;
                    rings.submit(new Rings.Submission(piece.id, piece.op(), flags, piece.buffer, piece.offset, length,
                            dataOut ? piece.length : 0, null));
                }
                inFlight.put(piece.id, piece);
                if ((features & Message.F_OUT_OF_ORDER) == 0) {
                    order.add(piece.id);
                }
                added = true;
            }
        } catch (Rings.Garbage g) {
            endLater("protocol error: " + g.getMessage());
            return false;
        }
        return added && rings.claimHandlerWakeup();
    }

    /** Copies {@code length} bytes from {@code at} bytes into the sources, as one stream, to {@code dst}. */
    private static void gather(ByteBuffer[] srcs, long at, MemorySegment dst, int length) {
        long skip = at;
        int done = 0;
        for (ByteBuffer src : srcs) {
            int n = src.remaining();
            if (skip >= n) {
                skip -= n;
                continue;
            }
            int take = (int) Math.min(n - skip, length - done);
            MemorySegment.copy(MemorySegment.ofBuffer(src), skip, dst, done, take);
            done += take;
            skip = 0;
            if (done == length) {
                return;
            }
        }
        throw new IllegalStateException("the sources hold less than the request's length");
    }

    private void doorbell() {
        try {
            sqBell.ring();
        } catch (IOException e) {
            endLater("the submission doorbell failed: " + e.getMessage());
        }
    }

    /** Asks the ring thread to end the attachment (a submitter found garbage; it must not block). */
    private void endLater(String why) {
        synchronized (this) {
            if (endReason == null) {
                endReason = why;
            }
        }
        peer.shutdownInput(); // the ring thread's poll wakes and ends it; a REFUSE can still say why
    }

    /**
     * A shared buffer lent to the transport with a READ's data (docs/user-handlers.md "Buffers and
     * credits"): it goes back to the pool, or with the last one out the memory is unmapped after the
     * attachment ended, only when the transport released it, so the transport never sends from memory
     * that was reused or unmapped. The handler could still write into it meanwhile; that changes only
     * the data of its own LU's read, never the core's state.
     */
    private final class Lent implements org.scstj.engine.spi.DataBuffer {
        private final int buffer;
        private final int length;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Lent(int buffer, int length) {
            this.buffer = buffer;
            this.length = length;
        }

        @Override
        public ByteBuffer nio() {
            return rings.buffer(buffer).asSlice(0, length).asByteBuffer();
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                giveBack(buffer);
            }
        }
    }

    /** A lent buffer came back: to the pool (and waiting pieces may go), or, the attachment ended, toward the unmap. */
    private void giveBack(int buffer) {
        boolean ring = false;
        boolean unmap = false;
        synchronized (this) {
            lentOut--;
            if (!ended) {
                freeBuffers[freeCount++] = buffer;
                ring = pump();
            } else if (lentOut == 0 && !unmapped) {
                unmap = unmapped = true;
            }
        }
        if (ring) {
            doorbell();
        }
        if (unmap) {
            memfd.close();
        }
    }

    /** Whether the handler writes WRITE SAME ranges itself (feature WRITE_SAME agreed). */
    boolean writesSame() {
        return (features & Message.F_WRITE_SAME) != 0;
    }

    /** Whether a READ of {@code length} bytes fits one shared buffer, so that it can be lent. */
    boolean lendable(long length) {
        return length > 0 && length <= pieceSize;
    }

    // --- the ring thread ----------------------------------------------------------------------

    private void ringLoop() {
        String why = goneAtStart;
        try {
            int[] watch = process == null ? new int[] {cqBell.descriptor(), peer.descriptor()}
                    : new int[] {cqBell.descriptor(), peer.descriptor(), process.descriptor()};
            int[] socketAndProcess = java.util.Arrays.copyOfRange(watch, 1, watch.length); // a loop watches the doorbell
            long idleSince = System.nanoTime();
            long checked = idleSince;
            boolean loopMode = false;
            while (why == null) {
                if (System.nanoTime() - checked >= POLL_MILLIS * 1_000_000L) {
                    checked = System.nanoTime(); // under a steady stream of completions too
                    why = deadlines();
                    if (why != null) {
                        break;
                    }
                }
                synchronized (this) {
                    if (ended || endReason != null) {
                        why = endReason;
                        break;
                    }
                }
                DescriptorLoop l = loop;
                if (l != null) {
                    // the transport's loop takes the completions: watch the socket and the process only
                    if (!loopMode) { // this thread may have cleared the waiting word after the loop set it
                        loopMode = true;
                        rings.coreWaiting(true);
                        if (!kick(l)) {
                            loopMode = false;
                            continue;
                        }
                    }
                    why = afterPoll(Kernel.poll(socketAndProcess, POLL_MILLIS), 0);
                    if (!kick(l)) { // also a check that the loop still runs
                        loopMode = false;
                    }
                    checked = System.nanoTime();
                    continue;
                }
                int n = drainOnRingThread();
                if (n > 0) {
                    idleSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - idleSince < spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                rings.coreWaiting(true);
                if (drainOnRingThread() > 0) {
                    rings.coreWaiting(false);
                    idleSince = System.nanoTime();
                    continue;
                }
                short[] ev = Kernel.poll(watch, POLL_MILLIS);
                rings.coreWaiting(false);
                if ((ev[0] & Kernel.POLLIN) != 0) {
                    cqBell.drain();
                }
                why = afterPoll(ev, 1);
                idleSince = System.nanoTime();
            }
        } catch (Rings.Garbage g) {
            why = "protocol error: " + g.getMessage();
        } catch (IOException | RuntimeException e) {
            why = "the core's side failed: " + e;
        }
        finish(why, why != null && why.startsWith("protocol error"));
    }

    /**
     * The ring thread after its poll: {@code ev[socket]} the control socket's events, {@code
     * ev[socket + 1]} the process's (when watched); then the deadlines. Why the attachment ends, or null.
     */
    private String afterPoll(short[] ev, int socket) throws IOException {
        String why = null;
        if (ev[socket] != 0) {
            why = control();
        }
        if (why == null && ev.length > socket + 1 && ev[socket + 1] != 0) {
            // it exited, though its socket may live on in a child that inherited it
            why = "the handler's process " + peerPid + " exited";
        }
        return why != null ? why : deadlines();
    }

    /** The ring thread's drain: waits while a submitter takes completions ({@link #reapHere}). */
    private int drainOnRingThread() throws Rings.Garbage {
        while (!reaping.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        try {
            return drain();
        } finally {
            reaping.set(false);
        }
    }

    /** Takes every completion in the ring; how many. The caller holds {@link #reaping}. */
    private int drain() throws Rings.Garbage {
        int n = 0;
        Rings.Completion c;
        while ((c = rings.nextCompletion()) != null) {
            n++;
            Piece piece;
            boolean ring;
            synchronized (this) {
                piece = inFlight.remove(c.id());
                if (piece == null) {
                    throw new Rings.Garbage("completion of id " + c.id() + ", which is not in flight"
                            + (c.id() > 0 && c.id() <= nextId ? " (completed already)" : ""));
                }
                try {
                    if ((features & Message.F_OUT_OF_ORDER) == 0) {
                        Long expected = order.poll();
                        if (expected == null || expected != c.id()) {
                            throw new Rings.Garbage("completion of id " + c.id() + " before id " + expected
                                    + " without the OUT_OF_ORDER feature");
                        }
                    }
                    CdbCall cdb = piece.progress.request.cdb();
                    if (piece.op() == Rings.OP_LBA_STATUS) {
                        piece.progress.extents = c.status() == 0 ? extents(piece, c) : null;
                        if (c.status() != 0 && c.dataLength() != 0) {
                            throw new Rings.Garbage("completion of id " + c.id() + " returns " + c.dataLength()
                                    + " bytes of data with status " + c.status());
                        }
                    } else if (cdb != null) {
                        // a CDB's Data-In: up to its allocation, whatever the status (a tape READ with ILI)
                        int most = cdb.in() != null ? piece.length : 0;
                        if (c.dataLength() < 0 || c.dataLength() > most) {
                            throw new Rings.Garbage("completion of id " + c.id() + " returns " + c.dataLength()
                                    + " bytes of data, at most " + most + " expected");
                        }
                        if (c.dataLength() > 0) {
                            MemorySegment.copy(rings.buffer(piece.buffer), 0, MemorySegment.ofBuffer(cdb.in().nio()), 0,
                                    c.dataLength());
                        }
                    } else {
                        int expectedData = piece.op() == Rings.OP_READ && c.status() == 0 ? piece.length : 0;
                        if (c.dataLength() != expectedData) {
                            throw new Rings.Garbage("completion of id " + c.id() + " returns " + c.dataLength()
                                    + " bytes of data, expected " + expectedData);
                        }
                    }
                } catch (Rings.Garbage g) {
                    inFlight.put(c.id(), piece); // its request fails NOT READY with the epoch, never forgotten
                    throw g;
                }
                boolean lend = piece.progress.request.lent() != null && c.status() == 0;
                if (lend) {
                    // no copy: the transport sends from the shared buffer and gives it back (Lent.release)
                    piece.progress.lentData = new Lent(piece.buffer, piece.length);
                    lentOut++;
                } else if (piece.op() == Rings.OP_READ && c.status() == 0) {
                    ByteBuffer dst = piece.progress.request.data()[0];
                    MemorySegment.copy(rings.buffer(piece.buffer), 0, MemorySegment.ofBuffer(dst), piece.at,
                            piece.length);
                }
                if (piece.buffer != Rings.NO_BUFFER && !lend) {
                    freeBuffers[freeCount++] = piece.buffer; // the completion is the handler's acknowledgement
                }
                ring = pump();
            }
            if (ring) {
                doorbell();
            }
            pieceDone(piece.progress, c);
        }
        return n;
    }

    /**
     * An LBA_STATUS answer, copied out of the shared buffer once and checked (the core never trusts
     * handler memory): whole extents, at least one and at most the room; the first at the
     * operation's offset, each where the last ended, of whole blocks, none past the range's end;
     * states 0 (mapped) or 1 (deallocated). Anything else is a protocol error.
     */
    private List<BlockDevice.Extent> extents(Piece piece, Rings.Completion c) throws Rings.Garbage {
        int n = c.dataLength();
        if (n < Rings.EXTENT || n > piece.length || n % Rings.EXTENT != 0) {
            throw new Rings.Garbage("LBA_STATUS completion of id " + c.id() + " returns " + n + " bytes: whole "
                    + Rings.EXTENT + "-byte extents, 1 to " + piece.length / Rings.EXTENT + " of them");
        }
        ByteBuffer b = ByteBuffer.wrap(rings.buffer(piece.buffer).asSlice(0, n).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long end = piece.offset + piece.progress.request.length();
        long at = piece.offset;
        int block = device.blockSize();
        List<BlockDevice.Extent> list = new ArrayList<>(n / Rings.EXTENT);
        for (int i = 0; i < n; i += Rings.EXTENT) {
            long offset = b.getLong(i);
            long length = b.getLong(i + 8);
            int state = b.getInt(i + 16);
            if (offset != at || length <= 0 || length % block != 0 || length > end - at || (state != 0 && state != 1)) {
                throw new Rings.Garbage(String.format("LBA_STATUS completion of id %d: extent %d (offset %d, length %d,"
                        + " state %d) is not the next of the range %d..%d in whole blocks of %d, state 0 or 1",
                        c.id(), i / Rings.EXTENT, offset, length, state, piece.offset, end, block));
            }
            list.add(new BlockDevice.Extent(offset, length, state == 0));
            at += length;
        }
        return List.copyOf(list);
    }

    /**
     * A piece that waited past its deadline: the request fails BECOMING READY (04/01, which
     * initiators retry: the handler is busy, not broken) once its other pieces ended.
     */
    private void pieceExpired(Progress p) {
        if (p.failure == null) {
            p.failure = IoFailure.BECOMING_READY;
            p.cause = new IOException("waited past its deadline for room at the handler");
        }
        if (--p.pieces == 0) {
            p.request.failed(p.failure, p.cause);
        }
    }

    /** One piece ended with {@code c}: the request finishes with its last piece. */
    private void pieceDone(Progress p, Rings.Completion c) {
        if (p.request.status() != null) {
            if (c.status() == 0) {
                p.request.status().done().completed(p.extents);
            } else {
                p.request.status().done().failed(failureOf(c), new IOException(String.format("handler status 0x%02x%s",
                        c.status(), senseText(c.sense()))));
            }
            return;
        }
        CdbCall cdb = p.request.cdb();
        if (cdb != null) {
            // the handler's answer is the command's: status, sense as it wrote it, the residual
            int residual = cdb.in() != null ? cdb.in().length() - c.dataLength() : 0;
            cdb.done().completed(new ScsiPassThrough.Result(c.status(), c.sense().length == 0 ? null : c.sense(),
                    residual));
            return;
        }
        if (c.status() != 0 && p.failure == null) {
            p.failure = failureOf(c);
            p.cause = new IOException(String.format("handler status 0x%02x%s", c.status(), senseText(c.sense())));
        }
        if (--p.pieces > 0) {
            return;
        }
        Request r = p.request;
        if (p.failure != null) {
            r.failed(p.failure, p.cause);
            return;
        }
        if (r.lent() != null) {
            r.lent().completed(p.lentData);
            return;
        }
        if (r.data() != null) {
            for (ByteBuffer b : r.data()) {
                b.position(b.limit());
            }
        }
        r.done().completed();
    }

    /**
     * The engine's failure for a handler's status: its sense key says which (SPC-5 4.4): NOT READY
     * and BUSY / TASK SET FULL retryable (04/01), MEDIUM ERROR, a thin device's DATA PROTECT 27/07;
     * anything else (and an aborted piece) HARDWARE ERROR.
     */
    private static IoFailure failureOf(Rings.Completion c) {
        if (c.status() == 0x08 || c.status() == 0x28) {
            return IoFailure.BECOMING_READY;
        }
        if (c.status() != 0x02) {
            return IoFailure.INTERNAL;
        }
        byte[] s = c.sense();
        boolean descriptor = (s[0] & 0x7F) >= 0x72;
        int key = (descriptor ? s[1] : s[2]) & 0x0F;
        int asc = descriptor ? s[2] & 0xFF : (s.length > 12 ? s[12] & 0xFF : 0);
        int ascq = descriptor ? s[3] & 0xFF : (s.length > 13 ? s[13] & 0xFF : 0);
        return switch (key) {
            case 0x02 -> IoFailure.BECOMING_READY;
            case 0x03 -> IoFailure.MEDIUM_ERROR;
            case 0x07 -> asc == 0x27 && ascq == 0x07 ? IoFailure.NO_SPACE : IoFailure.INTERNAL;
            default -> IoFailure.INTERNAL;
        };
    }

    private static String senseText(byte[] s) {
        if (s.length == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder(", sense");
        for (byte x : s) {
            b.append(String.format(" %02x", x));
        }
        return b.toString();
    }

    /** A message on the control socket; the reason to end, or null. */
    private String control() throws IOException {
        UnixSeqPacket.Received r = peer.receive(Message.MAX);
        for (int fd : r.fds()) {
            UnixSeqPacket.closeDescriptor(fd);
        }
        synchronized (this) {
            if (endReason != null) {
                return endReason;
            }
        }
        if (r.eof()) {
            return "the handler closed its socket";
        }
        if (r.truncated() || r.fds().length > 0) {
            return "protocol error: a message over " + Message.MAX + " bytes or with descriptors";
        }
        try {
            return switch (Message.decode(r.bytes(), r.length())) {
                case Message.Goodbye g -> "the handler said GOODBYE";
                case Message.Event e -> (features & Message.F_EVENTS) == 0
                        ? "protocol error: EVENT without the EVENTS feature" : device.event(e);
                case Message.MediumDone d -> (features & Message.F_MEDIUM) == 0
                        ? "protocol error: MEDIUM_DONE without the MEDIUM feature" : device.mediumDone(this, d);
                case Message m -> "protocol error: " + m.getClass().getSimpleName().toUpperCase()
                        + " is not a handler's message after READY";
            };
        } catch (Message.Malformed m) {
            return "protocol error: " + m.getMessage();
        }
    }

    /**
     * docs/user-handlers.md "Deadlines, aborts": a piece past its deadline gets an ABORT and a second
     * deadline; past that too, the handler is hung. The reason to end, or null.
     */
    private String deadlines() throws IOException {
        long now = System.nanoTime();
        List<Long> abort = new ArrayList<>();
        List<Progress> expired = new ArrayList<>();
        synchronized (this) {
            // a piece past its deadline while it waits in the core never reaches the handler
            for (java.util.Iterator<Piece> it = waiting.iterator(); it.hasNext(); ) {
                Piece p = it.next();
                if (now - p.deadline >= 0) {
                    it.remove();
                    expired.add(p.progress);
                }
            }
            for (Piece p : inFlight.values()) {
                if (now - p.deadline < 0) {
                    continue;
                }
                if (p.abortSent) {
                    return "hung: command " + p.id + " not completed within its deadline after ABORT";
                }
                p.abortSent = true;
                p.deadline = now + deadlineNanos;
                abort.add(p.id);
            }
        }
        for (long id : abort) {
            try {
                peer.sendNow(Message.encode(new Message.Abort(id)));
                controlSent();
            } catch (IOException e) {
                return "the handler does not read its control socket (ABORT " + id + ": " + e.getMessage() + ")";
            }
        }
        for (Progress p : expired) {
            pieceExpired(p);
        }
        return null;
    }

    /**
     * Tells the handler of task management function {@code function} (feature TMF; a notification:
     * the commands it aborts are the core's to abort). A send that fails ends the attachment.
     */
    void taskManagement(int function) {
        if ((features & Message.F_TMF) == 0) {
            return;
        }
        try {
            peer.sendNow(Message.encode(new Message.Tmf(function)));
            controlSent();
        } catch (IOException e) {
            endLater("the TMF notification could not be sent: " + e.getMessage());
        }
    }

    /**
     * Asks the handler to swap its disc (feature MEDIUM; docs/user-handlers.md "MEDIUM"): its
     * MEDIUM_DONE comes back through {@link UserDevice#mediumDone}. A send that fails ends the
     * attachment, and is thrown.
     */
    void changeMedium(int request, String name) throws IOException {
        try {
            peer.sendNow(Message.encode(new Message.Medium(request, name)));
            controlSent();
        } catch (IOException e) {
            endLater("MEDIUM could not be sent: " + e.getMessage());
            throw e;
        }
    }

    /** The features agreed in the WELCOME. */
    int features() {
        return features;
    }

    /** Counts a control message in the header, unless the attachment ended (its memory may be unmapped). */
    private void controlSent() {
        synchronized (this) {
            if (!ended) {
                rings.controlSent();
            }
        }
    }

    /**
     * Ends the attachment from outside the ring thread ({@code goodbye}: the device is removed, the
     * handler is told GOODBYE); the ring thread finishes it.
     */
    void end(String why, boolean goodbye) {
        if (goodbye) {
            try {
                peer.send(Message.encode(new Message.Goodbye()));
                controlSent();
            } catch (IOException e) {
                // gone already
            }
        }
        endLater(why);
    }

    /** The ring thread's last act: everything still here fails NOT READY, the memory goes. */
    private void finish(String why, boolean refuse) {
        List<Progress> failed = new ArrayList<>();
        synchronized (this) {
            ended = true;
            if (endReason == null) {
                endReason = why;
            }
            for (Piece p : inFlight.values()) {
                if (!failed.contains(p.progress)) {
                    failed.add(p.progress);
                }
            }
            for (Piece p : waiting) {
                if (!failed.contains(p.progress)) {
                    failed.add(p.progress);
                }
            }
            inFlight.clear();
            waiting.clear();
        }
        if (refuse) {
            try {
                peer.send(Message.encode(new Message.Refuse(Message.R_PROTOCOL, endReason)));
            } catch (IOException e) {
                // gone already
            }
        }
        peer.close();
        if (process != null) {
            process.close();
        }
        sqBell.close();
        try {
            java.util.concurrent.CompletableFuture<Void> moving = move.get();
            if (moving != null) { // a move of the watch ends first
                moving.get(1, java.util.concurrent.TimeUnit.SECONDS);
            }
            DescriptorLoop.Watch w = loopWatch;
            if (w != null) { // out of the loop's epoll set before the descriptor closes (its number may be reused)
                w.cancel().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the loop is gone or stuck: its epoll set drops the descriptor as it closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cqBell.close();
        boolean unmap;
        synchronized (this) {
            unmap = lentOut == 0 && !unmapped; // else the last lent buffer to come back unmaps it (giveBack)
            unmapped |= unmap;
        }
        if (unmap) {
            memfd.close(); // unmapped: this epoch's memory is never read or reused
        }
        device.detached(this, endReason);
        for (Progress p : failed) {
            fail(p, IoFailure.NOT_READY, new IOException("the handler detached: " + endReason));
        }
    }

    private static void fail(Progress p, IoFailure f, Throwable cause) {
        p.request.failed(f, cause);
    }
}
