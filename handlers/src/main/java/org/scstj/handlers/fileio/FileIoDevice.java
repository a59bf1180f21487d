package org.scstj.handlers.fileio;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.FileSegment;
import org.scstj.handlers.common.DeviceIdentity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open {@code vdisk_fileio} device. Positional reads and writes on a shared
 * {@link FileChannel} copy straight between the page cache and the transport's buffer. They run
 * on the engine's blocking-I/O executor, or, for a file on a memory file system
 * ({@code inline-io}), on the calling thread: there they cannot wait for a disk, and two thread
 * switches per command cost more than the copy. Write-back: data is durable after {@link #flush} or a
 * write with FUA ({@code fdatasync}); write-through forces every write.
 *
 * <p>Management changes ({@link #resize}, {@link #setAttributes}) come from the core between
 * commands, with no I/O in the device: the fields they change are volatile, and a channel they
 * replace (a read-only device made writable) stays open until {@link #close}, for a transport may
 * still be sending a file segment of an earlier read from it.
 */
final class FileIoDevice implements BlockDevice {
    private final String name;
    private volatile FileChannel channel;
    private final int blockSize;
    private final int physicalBlockSize;
    private volatile long blocks;
    private volatile boolean writeBack;
    private volatile Capabilities capabilities;
    /** The channel (and {@link #holes}) is open for reading only: the device was read-only when opened. */
    private volatile boolean openedReadOnly;
    private final Executor io;
    private final boolean inline;
    /** The second descriptor for hole punching and SEEK_DATA/SEEK_HOLE; null unless thin-provisioned. */
    private volatile NativeFile holes;
    private final java.nio.file.Path file;
    /** Channels and descriptors replaced while running, closed with the device. */
    private final java.util.List<AutoCloseable> retired = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Other processes (the other nodes of a cluster) serve this file: {@link #lockShared} locks. */
    private final boolean shared;

    FileIoDevice(String name, FileChannel channel, FileIoSettings s, long blocks, Executor io, boolean inline,
                 NativeFile holes) {
        this(name, channel, s, blocks, io, inline, holes, false);
    }

    FileIoDevice(String name, FileChannel channel, FileIoSettings s, long blocks, Executor io, boolean inline,
                 NativeFile holes, boolean shared) {
        this.name = name;
        this.shared = shared;
        this.channel = channel;
        this.blockSize = s.blockSize();
        this.physicalBlockSize = s.physicalBlockSize();
        this.blocks = blocks;
        this.writeBack = s.writeBack();
        this.io = io;
        this.inline = inline;
        this.holes = holes;
        this.file = s.filename();
        this.openedReadOnly = s.readOnly();
        // thin-provisioned: UNMAP punches holes, GET LBA STATUS reports them (SBC-4 4.7.3)
        this.capabilities = new Capabilities(s.writeBack(), holes != null, s.readOnly(), s.removable(), 1,
                DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return FileIoHandler.TYPE; }
    @Override public int blockSize() { return blockSize; }
    @Override public int physicalBlockSize() { return physicalBlockSize; }
    @Override public long blockCount() { return blocks; }
    @Override public Capabilities capabilities() { return capabilities; }

    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        if (inline) {
            try {
                readNow(offset, dst);
            } catch (IOException | RuntimeException e) {
                fail(done, e);
                return;
            }
            done.completed();
        } else {
            submit(done, () -> readNow(offset, dst));
        }
    }

    private void readNow(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                // Past the end of a file that shrank underneath us: zeros, never stale memory.
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                break;
            }
            pos += n;
        }
    }

    /** One I/O for all the pieces: positional writes in turn, then one fdatasync if needed. */
    @Override
    public void write(long offset, ByteBuffer[] srcs, boolean fua, Completion done) {
        if (inline) {
            try {
                writeNow(offset, srcs, fua);
            } catch (IOException | RuntimeException e) {
                fail(done, e);
                return;
            }
            done.completed();
        } else {
            submit(done, () -> writeNow(offset, srcs, fua));
        }
    }

    private void writeNow(long offset, ByteBuffer[] srcs, boolean fua) throws IOException {
        long pos = offset;
        for (ByteBuffer src : srcs) {
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
        }
        if (fua || !writeBack) {
            channel.force(false); // SBC-4 5.44: FUA = durable before GOOD
        }
    }

    /** The file itself holds every block: a read may be sent straight from it (sendfile). */
    @Override
    public FileSegment fileSegment(long offset, int length) {
        try {
            // a file shrunk underneath us: the short tail must read as zeros, which sendfile cannot do
            if (offset + length > channel.size()) {
                return null;
            }
            segments.incrementAndGet();
            return new FileSegment(channel, offset, length, segmentReleased);
        } catch (IOException e) {
            return null; // the ordinary read reports the error
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        write(offset, new ByteBuffer[]{src}, fua, done);
    }

    /**
     * On a node of a cluster: an exclusive POSIX record lock ({@code fcntl F_SETLK}/{@code
     * F_SETLKW} through {@link FileChannel#lock(long, long, boolean)}) on the range, which every
     * process locking the same file honours, on tmpfs and local file systems as on GFS2 and OCFS2
     * (their lock managers carry it between machines). It is advisory: only the commands that ask
     * for it (COMPARE AND WRITE, ORWRITE, WRITE ATOMIC) are held back by it, plain reads and writes
     * never look. First tried without waiting on the calling thread; when another process holds an
     * overlapping range, waited for on the blocking-I/O executor.
     *
     * <p>Locks belong to the process, and the JDK refuses a second lock over bytes a channel of
     * this JVM already locked ({@link OverlappingFileLockException}) instead of letting the kernel
     * merge them. The LUN actor never has two commands holding overlapping ranges of one device in
     * here; two devices of one daemon configured on the same file could, and then the later one
     * waits (polling) until the earlier released. POSIX also drops every lock a process holds on a
     * file when it closes any descriptor of that file: this device opens and closes extra descriptors
     * only while resizing, between commands, when none of its locks is held.
     *
     * <p>A single node (no {@code scstj.cluster}) takes no lock: the LUN actor's serialization is
     * all there is to do.
     */
    @Override
    public void lockShared(long offset, long length, LockCompletion done) {
        if (!shared) {
            done.locked(null);
            return;
        }
        FileChannel ch = channel;
        FileLock now;
        try {
            now = ch.tryLock(offset, length, false);
        } catch (OverlappingFileLockException e) {
            now = null;
        } catch (IOException | RuntimeException e) {
            done.failed(failure(e), e);
            return;
        }
        if (now != null) {
            done.locked(new Held(now));
            return;
        }
        try {
            io.execute(() -> {
                FileLock waited;
                try {
                    waited = lockWaiting(ch, offset, length);
                } catch (IOException | RuntimeException e) {
                    done.failed(failure(e), e);
                    return;
                }
                done.locked(new Held(waited));
            });
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    /** How long a lock refused inside this JVM is waited for before the command fails. */
    private static final long OVERLAP_WAIT_NANOS = 30_000_000_000L;

    private static FileLock lockWaiting(FileChannel ch, long offset, long length) throws IOException {
        long deadline = System.nanoTime() + OVERLAP_WAIT_NANOS;
        while (true) {
            try {
                return ch.lock(offset, length, false); // F_SETLKW: waits for the other process
            } catch (OverlappingFileLockException e) {
                // held by this JVM (another device on the same file): it ends with that command
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("bytes " + offset + "+" + length + " stay locked by another device of this daemon", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** A lock {@link #lockShared} took; releasing it after the channel closed is a no-op (the close released it). */
    private record Held(FileLock lock) implements SharedLock {
        @Override
        public void release() {
            try {
                lock.release();
            } catch (ClosedChannelException e) {
                // the device closed: the kernel dropped the lock with the descriptor
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void flush(Completion done) {
        submit(done, () -> channel.force(false));
    }

    /**
     * SBC-4 4.7.3.4 deallocation: punches a hole (the range then reads as zeros, LBPRZ). A file
     * system without hole punching (EOPNOTSUPP) gets zeros written instead: same data, no space
     * given back.
     */
    @Override
    public void unmap(long offset, long length, Completion done) {
        submit(done, () -> unmapNow(offset, length));
    }

    private void unmapNow(long offset, long length) throws IOException {
        try {
            holes.punchHole(offset, length);
        } catch (NativeFile.NativeIoException e) {
            if (e.errno != NativeFile.EOPNOTSUPP) {
                throw e;
            }
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
            for (long at = offset; at < offset + length; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), offset + length - at));
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
            }
        }
        if (!writeBack) {
            channel.force(false);
        }
    }

    /**
     * SBC-4 6.4 Logical Block Provisioning log page: a thin device's blocks occupy what the file has
     * allocated (st_blocks); it may still take what its file system has free for an unprivileged
     * writer, shared with every other file there. A fully provisioned device: the SPI default.
     */
    @Override
    public Provisioning provisioning() {
        if (holes == null) {
            return BlockDevice.super.provisioning();
        }
        try {
            return new Provisioning(holes.allocatedBytes(), Files.getFileStore(file).getUsableSpace(), true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** SBC-4 5.8: mapped ranges are the file's data, deallocated ones its holes (lseek SEEK_DATA / SEEK_HOLE). */
    @Override
    public void lbaStatus(long offset, long length, int maxExtents, StatusCompletion done) {
        if (holes == null) {
            BlockDevice.super.lbaStatus(offset, length, maxExtents, done);
            return;
        }
        Runnable op = () -> {
            java.util.List<Extent> extents;
            try {
                extents = extents(offset, length, maxExtents);
            } catch (IOException | RuntimeException e) {
                done.failed(e instanceof NativeFile.NativeIoException n ? n.failure() : IoFailure.INTERNAL, e);
                return;
            }
            done.completed(extents);
        };
        if (inline) {
            op.run();
            return;
        }
        try {
            io.execute(op);
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    /**
     * Whole-block extents from {@code offset}: a block holding any data is mapped; a hole shorter
     * than a block (file-system blocks smaller than logical blocks) counts as mapped.
     */
    java.util.List<Extent> extents(long offset, long length, int maxExtents) throws IOException {
        java.util.List<Extent> out = new java.util.ArrayList<>();
        long end = offset + length;
        long at = offset;
        while (at < end && out.size() < maxExtents) {
            long data = holes.seek(at, NativeFile.SEEK_DATA);
            if (data < 0 || data > at) {
                long holeEnd = data < 0 ? end : Math.min(data, end);
                long len = (holeEnd - at) / blockSize * blockSize;
                if (len > 0) {
                    out.add(new Extent(at, len, false));
                    at += len;
                    continue;
                }
            }
            long hole = holes.seek(at, NativeFile.SEEK_HOLE);
            long mappedEnd = hole < 0 ? end : Math.min(roundUp(hole), end);
            if (mappedEnd <= at) {
                mappedEnd = Math.min(at + blockSize, end);
            }
            if (!out.isEmpty() && out.getLast().mapped()) {
                Extent last = out.removeLast();
                out.add(new Extent(last.offset(), mappedEnd - last.offset(), true));
            } else {
                out.add(new Extent(at, mappedEnd - at, true));
            }
            at = mappedEnd;
        }
        return out;
    }

    private long roundUp(long bytes) {
        return (bytes + blockSize - 1) / blockSize * blockSize;
    }

    // --- management changes (issue 14) ---------------------------------------------------

    /**
     * Grows or shrinks the file (ftruncate). Growing a thin device leaves a hole (reads as zeros);
     * growing a fully provisioned one writes the zeros, as creating it does. Shrinking without
     * {@code force} is refused when {@code lseek(SEEK_DATA)} finds data at or past the new end: on
     * a fully provisioned file every block is allocated, so only {@code force} shrinks it.
     */
    @Override
    public void resize(long newBlockCount, boolean force) throws IOException {
        if (openedReadOnly) {
            throw new IOException(name + " was opened read-only; make it writable before resizing it");
        }
        long oldSize = blocks * blockSize;
        long newSize = newBlockCount * blockSize;
        if (newSize < oldSize && !force) {
            long data = dataAtOrAfter(newSize);
            if (data >= 0 && data < oldSize) {
                throw new IOException(name + " holds data past " + newSize + " bytes (at byte " + data
                        + "); force to shrink");
            }
        }
        FileChannel ch = channel;
        if (newSize < oldSize) {
            awaitSegments(); // a read's range queued for the socket must not lose its tail
            ch.truncate(newSize);
        } else if (capabilities.thinProvisioned()) {
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(newSize); // ftruncate: the new blocks are a hole
            }
        } else {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long off = oldSize; off < newSize; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), newSize - off));
                off += ch.write(zeros, off);
            }
        }
        ch.force(true);
        blocks = newBlockCount;
    }

    /** {@code lseek(SEEK_DATA)} from {@code offset}: the first byte of data at or after it, -1 if none. */
    private long dataAtOrAfter(long offset) throws IOException {
        NativeFile h = holes;
        if (h != null) {
            return h.seek(offset, NativeFile.SEEK_DATA);
        }
        try (NativeFile probe = NativeFile.open(file, true)) {
            return probe.seek(offset, NativeFile.SEEK_DATA);
        }
    }

    /**
     * {@code read-only} and {@code write-back} ({@link FileIoHandler#LIVE}). A read-only device
     * opened so is reopened for writing when made writable. Turning write-back off first makes the
     * writes the cache holds durable (fdatasync): after the change every write is.
     */
    @Override
    public void setAttributes(com.typesafe.config.Config changed) throws IOException {
        Capabilities c = capabilities;
        boolean readOnly = changed.hasPath("read-only") ? changed.getBoolean("read-only") : c.readOnly();
        boolean wb = changed.hasPath("write-back") ? changed.getBoolean("write-back") : c.writeBackCache();
        if (!readOnly && openedReadOnly) {
            reopenWritable();
        }
        if (!wb && writeBack && !openedReadOnly) {
            channel.force(false);
        }
        writeBack = wb;
        capabilities = new Capabilities(wb, c.thinProvisioned(), readOnly, c.removable(), c.rotationRate(), c.serial(),
                c.naaId());
    }

    private void reopenWritable() throws IOException {
        FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE);
        NativeFile h = null;
        if (holes != null) {
            try {
                h = NativeFile.open(file, false);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            retired.add(holes);
            holes = h;
        }
        retired.add(channel);
        channel = ch;
        openedReadOnly = false;
    }

    /** File ranges given to transports and not yet sent ({@link #fileSegment}). */
    private final java.util.concurrent.atomic.AtomicInteger segments = new java.util.concurrent.atomic.AtomicInteger();
    private final Runnable segmentReleased = this::segmentReleased;
    private static final long SEGMENTS_MILLIS = 30_000;

    private void segmentReleased() {
        if (segments.decrementAndGet() == 0) {
            synchronized (segments) {
                segments.notifyAll();
            }
        }
    }

    /**
     * Waits (bounded) until every file range handed out was sent: only then may the file shrink or
     * the channel close under it. A transport releases a range once it left or its connection died.
     */
    private void awaitSegments() {
        long deadline = System.nanoTime() + SEGMENTS_MILLIS * 1_000_000;
        synchronized (segments) {
            while (segments.get() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    org.slf4j.LoggerFactory.getLogger(FileIoDevice.class).warn(
                            "{}: {} file range(s) still being sent after {} ms; going on", name, segments.get(),
                            SEGMENTS_MILLIS);
                    return;
                }
                try {
                    segments.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        awaitSegments();
        for (AutoCloseable old : retired) {
            try {
                old.close();
            } catch (Exception ignored) {
                // the current channel's close below reports a failure
            }
        }
        if (holes != null) {
            holes.close();
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    /** True when I/O runs on the calling thread (a memory-backed file, or {@code inline-io = always}). */
    boolean inline() {
        return inline;
    }

    private void submit(Completion done, Io op) {
        if (inline) {
            run(done, op);
            return;
        }
        try {
            io.execute(() -> run(done, op));
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    private static void run(Completion done, Io op) {
        try {
            op.run();
        } catch (IOException | RuntimeException e) {
            fail(done, e);
            return;
        }
        done.completed();
    }

    /** A closed channel (the LU is going away) is an internal failure; other I/O errors are classified. */
    private static void fail(Completion done, Exception e) {
        done.failed(failure(e), e);
    }

    private static IoFailure failure(Exception e) {
        if (e instanceof NativeFile.NativeIoException n) {
            return n.failure();
        } else if (e instanceof ClosedChannelException || !(e instanceof IOException io)) {
            return IoFailure.INTERNAL;
        } else {
            return classify(io);
        }
    }

    /** ENOSPC becomes SPACE ALLOCATION FAILED (SBC-4 4.7.3.6); other errors MEDIUM ERROR. */
    static IoFailure classify(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"))
                ? IoFailure.NO_SPACE : IoFailure.MEDIUM_ERROR;
    }
}
