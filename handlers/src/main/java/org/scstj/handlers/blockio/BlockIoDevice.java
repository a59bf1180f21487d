package org.scstj.handlers.blockio;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.handlers.common.DeviceIdentity;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open {@code vdisk_blockio} device: a block device (or a regular file) read and written with
 * {@code O_DIRECT}, past the page cache, on the engine's blocking-I/O executor ({@code io-engine =
 * threads}) or, reads and writes, through an io_uring of its own ({@code io_uring}, {@link RingEngine});
 * flushes and deallocation always run on the executor.
 *
 * <p><b>One copy.</b> {@code O_DIRECT} wants memory aligned to the logical block size, and the
 * transport's buffers are not. Each I/O copies its data once, between the transport's buffer and
 * an aligned native buffer from the device's bounded pool ({@link AlignedBuffers}, up to
 * {@value #POOL_BUFFERS} buffers of {@value #BUFFER_BYTES} bytes, an I/O larger than one buffer
 * going through it in chunks), and the kernel moves the data between that buffer and the device
 * by DMA: no second copy. A transport buffer that happens to be native, 4096-aligned and a whole
 * number of blocks is used as it is, without the copy.
 *
 * <p><b>Durability.</b> A write with FUA (SBC-4 5.44 WRITE(10..32), FUA bit), and every write when
 * {@code write-through}, goes through a second descriptor opened with {@code O_DSYNC}: the kernel
 * then makes just that write durable (a FUA write to a device that has one), where
 * {@code fdatasync} after it would flush the device's whole cache. SYNCHRONIZE CACHE (SBC-4 5.25)
 * is {@code fdatasync}. With {@code nv-cache} the device's cache is non-volatile: neither is
 * needed, and the Caching mode page reports no write-back cache.
 *
 * <p>Management changes ({@link #setAttributes}) come from the core between commands, with no I/O
 * in the device: the descriptors they replace stay open until {@link #close}.
 */
final class BlockIoDevice implements BlockDevice {
    static final int BUFFER_BYTES = 1 << 20;
    static final int POOL_BUFFERS = 64;

    private final String name;
    private final BlockIoSettings settings;
    private final int blockSize;
    private final long blocks;
    private final Executor io;
    private final AlignedBuffers buffers = new AlignedBuffers(BUFFER_BYTES, POOL_BUFFERS);
    /** Reads, writes without FUA, flushes, deallocation. */
    private volatile NativeDisk disk;
    /** Writes with FUA ({@code O_DSYNC}); null while read-only and when {@code nv-cache}. */
    private volatile NativeDisk dsync;
    private volatile boolean openedReadOnly;
    private volatile Capabilities capabilities;
    /** The block device went away under the LU (ENXIO, ENODEV): it stays not ready. */
    private volatile boolean gone;
    /** Descriptors replaced while running, closed with the device. */
    private final java.util.List<NativeDisk> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** {@code io-engine = io_uring}: reads and writes go through it; null with the thread pool. */
    private RingEngine ring;

    private BlockIoDevice(String name, BlockIoSettings s, Executor io) {
        this.name = name;
        this.settings = s;
        this.blockSize = s.blockSize();
        this.blocks = s.blockCount();
        this.io = io;
        this.openedReadOnly = s.readOnly();
        // Block Device Characteristics (SBC-4 6.6.2) MEDIUM ROTATION RATE: 1 = non-rotating,
        // 0 = not reported (the rate of a rotating medium is not known here)
        this.capabilities = new Capabilities(!s.writeThrough() && !s.nvCache(), s.thinProvisioned(), s.readOnly(),
                s.removable(), s.rotational() ? 0 : 1, DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    static BlockIoDevice open(String name, BlockIoSettings s, Executor io) throws IOException {
        BlockIoDevice d = new BlockIoDevice(name, s, io);
        d.openDescriptors(s.readOnly());
        if (s.ioEngine() == BlockIoSettings.IoEngine.IO_URING) {
            try {
                d.ring = new RingEngine(name, s.filename().toString(), s.ringDepth(), s.blockSize(), d.buffers, d::fail);
            } catch (IOException | RuntimeException e) {
                d.close();
                throw e;
            }
        }
        return d;
    }

    private void openDescriptors(boolean readOnly) throws IOException {
        NativeDisk main = NativeDisk.open(settings.filename(), readOnly, NativeDisk.O_DIRECT);
        NativeDisk sync = null;
        if (!readOnly && !settings.nvCache()) {
            try {
                sync = NativeDisk.open(settings.filename(), false, NativeDisk.O_DIRECT | NativeDisk.O_DSYNC);
            } catch (IOException | RuntimeException e) {
                main.close();
                throw e;
            }
        }
        disk = main;
        dsync = sync;
        openedReadOnly = readOnly;
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return BlockIoHandler.TYPE; }
    @Override public int blockSize() { return blockSize; }
    @Override public int physicalBlockSize() { return settings.physicalBlockSize(); }
    @Override public long blockCount() { return blocks; }
    @Override public Capabilities capabilities() { return capabilities; }

    // --- data path ------------------------------------------------------------------------

    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        if (ring != null) {
            ring.read(disk, offset, dst, done);
            return;
        }
        submit(done, () -> readNow(offset, dst));
    }

    private void readNow(long offset, ByteBuffer dst) throws IOException, InterruptedException {
        MemorySegment out = MemorySegment.ofBuffer(dst);
        if (directlyUsable(out)) {
            long got = disk.read(out, out.byteSize(), offset);
            out.asSlice(got).fill((byte) 0); // past the end of a file that shrank: zeros, never stale memory
            dst.position(dst.limit());
            return;
        }
        MemorySegment buf = buffers.take();
        try {
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = Math.min(dst.remaining(), buffers.bufferBytes());
                // O_DIRECT reads whole blocks: a read cut short by the initiator's expected length
                // (SAM-5 residual overflow: the core sends only what fits) reads its last block
                // whole into the bounce buffer and copies the part asked for
                int whole = (int) ((n + (long) blockSize() - 1) / blockSize() * blockSize());
                long got = disk.read(buf, whole, pos);
                if (got < n) {
                    buf.asSlice(got, n - got).fill((byte) 0);
                }
                MemorySegment.copy(buf, 0, MemorySegment.ofBuffer(dst), 0, n);
                dst.position(dst.position() + n);
                pos += n;
            }
        } finally {
            buffers.give(buf);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        write(offset, new ByteBuffer[]{src}, fua, done);
    }

    /** The pieces fill aligned buffers back to back; each full buffer is one {@code pwrite}. */
    @Override
    public void write(long offset, ByteBuffer[] srcs, boolean fua, Completion done) {
        if (ring != null) {
            ring.write(fua || settings.writeThrough() ? durable() : disk, offset, srcs, done);
            return;
        }
        submit(done, () -> writeNow(offset, srcs, fua));
    }

    private void writeNow(long offset, ByteBuffer[] srcs, boolean fua) throws IOException, InterruptedException {
        NativeDisk target = fua || settings.writeThrough() ? durable() : disk;
        if (srcs.length == 1) {
            MemorySegment in = MemorySegment.ofBuffer(srcs[0]);
            if (directlyUsable(in)) {
                target.write(in, in.byteSize(), offset);
                srcs[0].position(srcs[0].limit());
                return;
            }
        }
        MemorySegment buf = buffers.take();
        try {
            long pos = offset;
            int fill = 0;
            for (ByteBuffer src : srcs) {
                while (src.hasRemaining()) {
                    int k = Math.min(src.remaining(), buffers.bufferBytes() - fill);
                    MemorySegment.copy(MemorySegment.ofBuffer(src), 0, buf, fill, k);
                    src.position(src.position() + k);
                    fill += k;
                    if (fill == buffers.bufferBytes()) {
                        target.write(buf, fill, pos);
                        pos += fill;
                        fill = 0;
                    }
                }
            }
            if (fill > 0) {
                target.write(buf, fill, pos);
            }
        } finally {
            buffers.give(buf);
        }
    }

    /** The descriptor whose writes are durable on return: {@code O_DSYNC}, or any with a non-volatile cache. */
    private NativeDisk durable() {
        NativeDisk d = dsync;
        return d != null ? d : disk; // nv-cache, or read-only (the write fails with EBADF either way)
    }

    /** Native memory, aligned for O_DIRECT, a whole number of blocks: handed to the kernel as it is. */
    private boolean directlyUsable(MemorySegment s) {
        return s.isNative() && s.address() % AlignedBuffers.ALIGNMENT == 0 && s.byteSize() % blockSize == 0;
    }

    /** SBC-4 5.25 SYNCHRONIZE CACHE: {@code fdatasync}; nothing to do with a non-volatile cache. */
    @Override
    public void flush(Completion done) {
        if (settings.nvCache()) {
            done.completed();
            return;
        }
        submit(done, () -> disk.dataSync());
    }

    /**
     * SBC-4 4.7.3.4 deallocation (UNMAP, WRITE SAME with UNMAP), after which the range reads as
     * zeros (LBPRZ, as the SPI requires): {@code fallocate(PUNCH_HOLE | KEEP_SIZE)}. On a block
     * device the kernel makes that a zeroing discard; a plain {@code BLKDISCARD} would not promise
     * zeros. A device that cannot (EOPNOTSUPP) gets {@code BLKZEROOUT} (a regular file: zeros
     * written): the same data, no space given back.
     */
    @Override
    public void unmap(long offset, long length, Completion done) {
        submit(done, () -> unmapNow(offset, length));
    }

    private void unmapNow(long offset, long length) throws IOException, InterruptedException {
        try {
            disk.punchHole(offset, length);
        } catch (NativeDisk.NativeIoException e) {
            if (e.errno != NativeDisk.EOPNOTSUPP) {
                throw e;
            }
            if (settings.blockDevice()) {
                disk.zeroOut(offset, length);
            } else {
                writeZeros(offset, length);
            }
        }
        if (settings.writeThrough() && !settings.nvCache()) {
            disk.dataSync();
        }
    }

    private void writeZeros(long offset, long length) throws IOException, InterruptedException {
        MemorySegment buf = buffers.take();
        try {
            buf.fill((byte) 0);
            for (long at = offset; at < offset + length; ) {
                long n = Math.min(buf.byteSize(), offset + length - at);
                disk.write(buf, n, at);
                at += n;
            }
        } finally {
            buffers.give(buf);
        }
    }

    // --- management changes -----------------------------------------------------------------

    /**
     * {@code read-only} ({@link BlockIoHandler#LIVE}). A device opened read-only is opened again
     * for writing when made writable; making it read-only keeps the descriptors (the core refuses
     * writes with DATA PROTECT, SBC-4 4.11, from the capability).
     */
    @Override
    public void setAttributes(com.typesafe.config.Config changed) throws IOException {
        Capabilities c = capabilities;
        boolean readOnly = changed.hasPath("read-only") ? changed.getBoolean("read-only") : c.readOnly();
        if (!readOnly && openedReadOnly) {
            NativeDisk oldDisk = disk;
            NativeDisk oldSync = dsync;
            openDescriptors(false);
            retired.add(oldDisk);
            if (oldSync != null) {
                retired.add(oldSync);
            }
        }
        capabilities = new Capabilities(c.writeBackCache(), c.thinProvisioned(), readOnly, c.removable(),
                c.rotationRate(), c.serial(), c.naaId());
    }

    @Override
    public void close() {
        if (ring != null) {
            ring.close(); // first: its last completions still use the descriptors and the buffers
        }
        for (NativeDisk d : retired) {
            d.close();
        }
        NativeDisk s = dsync;
        if (s != null) {
            s.close();
        }
        disk.close();
        buffers.close();
    }

    /** What runs the reads and writes (for tests). */
    BlockIoSettings.IoEngine ioEngine() {
        return ring != null ? BlockIoSettings.IoEngine.IO_URING : BlockIoSettings.IoEngine.THREADS;
    }

    /** Aligned buffers made so far (for tests: the pool stays bounded). */
    int buffersMade() {
        return buffers.made();
    }

    /** False once an I/O found the device gone (ENXIO, ENODEV): the core ends medium access NOT READY 04/03. */
    @Override
    public boolean ready() {
        return !gone;
    }

    // --- dispatch -----------------------------------------------------------------------------

    private interface Io {
        void run() throws IOException, InterruptedException;
    }

    private void submit(Completion done, Io op) {
        try {
            io.execute(() -> run(done, op));
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    private void run(Completion done, Io op) {
        try {
            op.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.failed(IoFailure.INTERNAL, e);
            return;
        } catch (IOException | RuntimeException e) {
            fail(done, e);
            return;
        }
        done.completed();
    }

    /**
     * errno decides (see {@link NativeDisk.NativeIoException#failure}); a closed device is an
     * internal failure. A device found gone stays not ready ({@link #ready}).
     */
    private void fail(Completion done, Exception e) {
        if (e instanceof NativeDisk.NativeIoException n) {
            if (n.failure() == IoFailure.NOT_READY) {
                gone = true;
            }
            done.failed(n.failure(), e);
        } else if (e instanceof ClosedChannelException) {
            done.failed(IoFailure.INTERNAL, e);
        } else if (e instanceof IOException) {
            done.failed(IoFailure.MEDIUM_ERROR, e);
        } else {
            done.failed(IoFailure.INTERNAL, e);
        }
    }
}
