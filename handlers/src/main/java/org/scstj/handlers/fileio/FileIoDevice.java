package org.scstj.handlers.fileio;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.FileSegment;
import org.scstj.handlers.common.DeviceIdentity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open {@code vdisk_fileio} device. Positional reads and writes on a shared
 * {@link FileChannel} copy straight between the page cache and the transport's buffer. They run
 * on the engine's blocking-I/O executor, or, for a file on a memory file system
 * ({@code inline-io}), on the calling thread: there they cannot wait for a disk, and two thread
 * switches per command cost more than the copy. Write-back: data is durable after {@link #flush} or a
 * write with FUA ({@code fdatasync}); write-through forces every write.
 */
final class FileIoDevice implements BlockDevice {
    private final String name;
    private final FileChannel channel;
    private final int blockSize;
    private final long blocks;
    private final boolean writeBack;
    private final Capabilities capabilities;
    private final Executor io;
    private final boolean inline;

    FileIoDevice(String name, FileChannel channel, FileIoSettings s, long blocks, Executor io, boolean inline) {
        this.name = name;
        this.channel = channel;
        this.blockSize = s.blockSize();
        this.blocks = blocks;
        this.writeBack = s.writeBack();
        this.io = io;
        this.inline = inline;
        // Thin provisioning (UNMAP, GET LBA STATUS) is not offered yet: the file is only created sparse.
        this.capabilities = new Capabilities(s.writeBack(), false, s.readOnly(), false, 1,
                DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return FileIoHandler.TYPE; }
    @Override public int blockSize() { return blockSize; }
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
            return offset + length <= channel.size() ? new FileSegment(channel, offset, length) : null;
        } catch (IOException e) {
            return null; // the ordinary read reports the error
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        write(offset, new ByteBuffer[]{src}, fua, done);
    }

    @Override
    public void flush(Completion done) {
        submit(done, () -> channel.force(false));
    }

    @Override
    public void close() {
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
        if (e instanceof ClosedChannelException || !(e instanceof IOException io)) {
            done.failed(IoFailure.INTERNAL, e);
        } else {
            done.failed(classify(io), e);
        }
    }

    /** ENOSPC becomes SPACE ALLOCATION FAILED (SBC-4 4.7.3.6); other errors MEDIUM ERROR. */
    static IoFailure classify(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"))
                ? IoFailure.NO_SPACE : IoFailure.MEDIUM_ERROR;
    }
}
