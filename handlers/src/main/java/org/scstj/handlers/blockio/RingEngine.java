package org.scstj.handlers.blockio;

import org.scstj.engine.spi.BlockDevice.Completion;
import org.scstj.engine.spi.BlockDevice.IoFailure;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code io-engine = io_uring}: one device's reads and writes through an io_uring of its own.
 *
 * <p>Callers (the core's threads) only queue a request and wake the <b>submitter</b> thread if it
 * sleeps. The submitter turns requests into operations, each one {@code IORING_OP_READ} /
 * {@code IORING_OP_WRITE} SQE on the {@code O_DIRECT} descriptor (the {@code O_DSYNC} one for FUA)
 * over an aligned pool buffer (the data copied in first, for a write) or over the transport's own
 * buffer when that is native, aligned and whole blocks; it puts every request queued meanwhile in
 * the ring and submits them with one {@code io_uring_enter}. The <b>reaper</b> thread waits for
 * completions, copies read data out, gives the buffers back and completes the requests, a failure
 * through the device's own mapping as with the thread pool ({@link Failures}). A short
 * read or write is submitted again for the rest; EINTR / EAGAIN again whole.
 *
 * <p>Bounded: at most {@code ring-depth} operations are in flight (each holds one of
 * {@code ring-depth} operation records), and bounce buffers come from the device's pool of
 * {@link BlockIoDevice#POOL_BUFFERS}; a request that finds neither waits in the queue.
 */
final class RingEngine implements AutoCloseable {
    private static final long STOP = -1L;

    private final IoUring ring;
    private final AlignedBuffers buffers;
    private final int blockSize;
    private final String path;
    private final ConcurrentLinkedQueue<Request> incoming = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Op> resubmit = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Op> freeOps = new ConcurrentLinkedQueue<>();
    private final Op[] ops;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Arena arena = Arena.ofShared();
    private final Thread submitter;
    private final Thread reaper;
    private volatile boolean sleeping;
    private volatile boolean closing;
    private boolean closed;
    /** The request the submitter is part-way through (its resources ran out); submitter only. */
    private Request current;

    /** How a failed request is reported: the device's own mapping (errno, and a device gone stays not ready). */
    interface Failures {
        void fail(Completion done, Exception e);
    }

    private final Failures failures;

    RingEngine(String device, String path, int depth, int blockSize, AlignedBuffers buffers, Failures failures)
            throws IOException {
        this.failures = failures;
        this.ring = IoUring.open(depth);
        this.buffers = buffers;
        this.blockSize = blockSize;
        this.path = path;
        int n = Math.min(depth, ring.entries());
        this.ops = new Op[n];
        for (int i = 0; i < n; i++) {
            ops[i] = new Op(i);
            freeOps.add(ops[i]);
        }
        submitter = Thread.ofPlatform().daemon().name("blockio-uring-submit-" + device).unstarted(this::submitLoop);
        reaper = Thread.ofPlatform().daemon().name("blockio-uring-reap-" + device).unstarted(this::reapLoop);
        submitter.start();
        reaper.start();
    }

    // --- requests ----------------------------------------------------------------------------

    /** One read or write as the core asked for it; done once every operation it became is done. */
    static final class Request {
        final boolean write;
        final NativeDisk disk;
        final long offset;
        final ByteBuffer dst;
        final ByteBuffer[] srcs;
        final Completion done;
        /** One for the submitter while it still makes operations, one per operation in flight. */
        final AtomicInteger pending = new AtomicInteger(1);
        volatile Exception failure;
        // the submitter's cursor
        int fd;
        MemorySegment dstSegment;
        long total;
        long made;
        int src;
        boolean direct;

        Request(boolean write, NativeDisk disk, long offset, ByteBuffer dst, ByteBuffer[] srcs, Completion done) {
            this.write = write;
            this.disk = disk;
            this.offset = offset;
            this.dst = dst;
            this.srcs = srcs;
            this.done = done;
        }
    }

    /** One SQE's worth: {@code length} bytes of {@code memory} at {@code offset}; its index is the user data. */
    static final class Op {
        final int index;
        Request request;
        int fd;
        long offset;
        MemorySegment memory;
        /** From the pool, given back when done; null when the transport's buffer is used directly. */
        MemorySegment pooled;
        int length;
        /** Bytes already transferred (a short transfer is submitted again for the rest). */
        int done;
        /** A read through a pool buffer: the bytes the request wants of it, and where they go. */
        int wanted;
        long dstIndex;

        Op(int index) {
            this.index = index;
        }
    }

    void read(NativeDisk disk, long offset, ByteBuffer dst, Completion done) {
        enqueue(new Request(false, disk, offset, dst, null, done));
    }

    void write(NativeDisk disk, long offset, ByteBuffer[] srcs, Completion done) {
        enqueue(new Request(true, disk, offset, null, srcs, done));
    }

    private void enqueue(Request r) {
        if (closing) {
            r.done.failed(IoFailure.INTERNAL, new ClosedChannelException());
            return;
        }
        incoming.add(r);
        if (sleeping) {
            LockSupport.unpark(submitter);
        }
    }

    // --- submitter -----------------------------------------------------------------------------

    private void submitLoop() {
        MemorySegment state = IoUring.callState(arena);
        try {
            while (true) {
                int queued = fill();
                if (queued > 0) {
                    ring.submit(state);
                    continue;
                }
                if (closing && current == null && incoming.isEmpty() && resubmit.isEmpty()) {
                    break;
                }
                sleeping = true;
                queued = fill();
                if (queued == 0) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                }
                sleeping = false;
                if (queued > 0) {
                    ring.submit(state);
                }
            }
            // wake the reaper for good: a NOP whose completion tells it to stop
            while (ring.sqSpace() == 0) {
                Thread.onSpinWait();
            }
            ring.prepare(IoUring.IORING_OP_NOP, -1, 0, 0, 0, STOP);
            ring.submit(state);
        } catch (IOException | RuntimeException e) {
            failAll(e);
        }
    }

    /** Puts in the ring what it can (resubmissions first, then new requests); returns how many SQEs. */
    private int fill() throws IOException {
        int queued = 0;
        while (ring.sqSpace() > 0) {
            Op op = resubmit.poll();
            if (op != null) {
                prepare(op);
                queued++;
                continue;
            }
            if (current == null) {
                current = incoming.poll();
                if (current == null) {
                    break;
                }
                if (!start(current)) {
                    current = null;
                    continue;
                }
            }
            op = next(current);
            if (op == null) {
                break; // no operation record or buffer free: the reaper wakes us when one is
            }
            inFlight.incrementAndGet();
            prepare(op);
            queued++;
        }
        return queued;
    }

    /** Sets a new request's cursor; false when it is already done (nothing to transfer). */
    private boolean start(Request r) {
        try {
            r.fd = r.disk.descriptor();
        } catch (IOException e) {
            fail(r, e); // closed: INTERNAL, as the pool reports it
            finish(r);
            return false;
        }
        if (r.write) {
            long total = 0;
            for (ByteBuffer b : r.srcs) {
                total += b.remaining();
            }
            r.total = total;
            if (r.srcs.length == 1) {
                MemorySegment in = MemorySegment.ofBuffer(r.srcs[0]);
                r.direct = directlyUsable(in);
            }
        } else {
            r.dstSegment = MemorySegment.ofBuffer(r.dst);
            r.total = r.dstSegment.byteSize();
            r.direct = directlyUsable(r.dstSegment);
        }
        if (r.total == 0) {
            finish(r);
            return false;
        }
        return true;
    }

    private boolean directlyUsable(MemorySegment s) {
        return s.isNative() && s.address() % AlignedBuffers.ALIGNMENT == 0 && s.byteSize() % blockSize == 0
                && s.byteSize() <= Integer.MAX_VALUE / 2;
    }

    /** The request's next operation, or null when resources are short (the request stays current). */
    private Op next(Request r) {
        Op op = freeOps.poll();
        if (op == null) {
            return null;
        }
        MemorySegment buf = null;
        if (!r.direct) {
            buf = buffers.poll();
            if (buf == null) {
                freeOps.add(op);
                return null;
            }
        }
        op.request = r;
        op.fd = r.fd;
        op.offset = r.offset + r.made;
        op.done = 0;
        op.pooled = buf;
        if (r.direct) {
            op.memory = r.write ? MemorySegment.ofBuffer(r.srcs[0]) : r.dstSegment;
            op.length = (int) r.total;
            op.wanted = op.length;
            op.dstIndex = 0;
            if (r.write) {
                r.srcs[0].position(r.srcs[0].limit());
            }
        } else if (r.write) {
            int fill = 0;
            while (fill < buf.byteSize() && r.src < r.srcs.length) {
                ByteBuffer s = r.srcs[r.src];
                int k = (int) Math.min(s.remaining(), buf.byteSize() - fill);
                MemorySegment.copy(MemorySegment.ofBuffer(s), 0, buf, fill, k);
                s.position(s.position() + k);
                fill += k;
                if (!s.hasRemaining()) {
                    r.src++;
                }
            }
            op.memory = buf;
            op.length = fill;
        } else {
            int n = (int) Math.min(r.total - r.made, buf.byteSize());
            // O_DIRECT reads whole blocks: a read cut short by the expected length reads its last
            // block whole into the bounce buffer, and only the part asked for is copied
            op.memory = buf;
            op.length = (n + blockSize - 1) / blockSize * blockSize;
            op.wanted = n;
            op.dstIndex = r.made;
        }
        r.made += r.write || r.direct ? op.length : op.wanted;
        r.pending.incrementAndGet();
        if (r.made >= r.total || r.failure != null) {
            current = null;
            release(r); // the submitter's own count
        }
        return op;
    }

    private void prepare(Op op) {
        Request r = op.request;
        ring.prepare(r.write ? IoUring.IORING_OP_WRITE : IoUring.IORING_OP_READ, op.fd, op.offset + op.done,
                op.memory.address() + op.done, op.length - op.done, op.index);
    }

    // --- reaper --------------------------------------------------------------------------------

    private void reapLoop() {
        MemorySegment state = IoUring.callState(arena);
        boolean[] stop = {false};
        IoUring.CompletionSink sink = (userData, res) -> {
            if (userData == STOP) {
                stop[0] = true;
            } else {
                completed(ops[(int) userData], res);
            }
        };
        try {
            while (!(stop[0] && inFlight.get() == 0)) {
                ring.await(state);
                if (ring.reap(sink) > 0 && sleeping) {
                    LockSupport.unpark(submitter);
                }
            }
        } catch (IOException | RuntimeException e) {
            failAll(e);
        }
    }

    private void completed(Op op, int res) {
        Request r = op.request;
        if (res < 0) {
            int errno = -res;
            if (errno == IoUring.EINTR || errno == IoUring.EAGAIN) {
                again(op);
                return;
            }
            fail(r, new NativeDisk.NativeIoException((r.write ? "io_uring write " : "io_uring read ") + path, errno));
        } else if (res < op.length - op.done) {
            if (res == 0) {
                if (r.write) {
                    fail(r, new NativeDisk.NativeIoException("io_uring write " + path + " wrote nothing", NativeDisk.ENOSPC));
                } else {
                    // past the end of a file that shrank: zeros, never stale memory
                    op.memory.asSlice(op.done, op.length - op.done).fill((byte) 0);
                }
            } else {
                op.done += res;
                again(op);
                return;
            }
        }
        if (!r.write && op.pooled != null && r.failure == null) {
            MemorySegment.copy(op.pooled, 0, r.dstSegment, op.dstIndex, op.wanted);
        }
        done(op);
        release(r);
    }

    private void again(Op op) {
        resubmit.add(op);
        if (sleeping) {
            LockSupport.unpark(submitter);
        }
    }

    private void done(Op op) {
        if (op.pooled != null) {
            buffers.give(op.pooled);
        }
        op.pooled = null;
        op.memory = null;
        op.request = null;
        freeOps.add(op);
        inFlight.decrementAndGet();
    }

    private static void fail(Request r, Exception e) {
        if (r.failure == null) {
            r.failure = e;
        }
    }

    private void release(Request r) {
        if (r.pending.decrementAndGet() == 0) {
            finish(r);
        }
    }

    private void finish(Request r) {
        Exception e = r.failure;
        if (e == null) {
            if (!r.write) {
                r.dst.position(r.dst.limit());
            }
            r.done.completed();
        } else {
            failures.fail(r.done, e);
        }
    }

    /** The ring itself failed (it should not): every request queued fails, INTERNAL. */
    private void failAll(Exception e) {
        closing = true;
        for (Request r; (r = incoming.poll()) != null; ) {
            r.done.failed(IoFailure.INTERNAL, e);
        }
    }

    // --- close ---------------------------------------------------------------------------------

    /** After the device's last I/O: the submitter drains and stops, the reaper follows, the ring goes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        LockSupport.unpark(submitter);
        try {
            submitter.join(TimeUnit.SECONDS.toMillis(10));
            reaper.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!submitter.isAlive() && !reaper.isAlive()) {
            ring.close();
            arena.close();
        }
    }
}
