package org.scstj.handlers.vcdrom;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.handlers.common.DeviceIdentity;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One virtual CD/DVD drive: the image file in it (opened read-only) or none. Reads are positional
 * reads of the image on the blocking-I/O executor, through the page cache (an image is read far
 * more often than it changes). The disc changes only through {@link #changeMedium}, which the core
 * calls with no I/O in the device; the old image is closed after the new one opened, so a failed
 * swap leaves the old disc in.
 */
final class VcdromDevice implements BlockDevice {
    /** A disc: its image and its size in blocks. */
    private record Disc(String image, FileChannel channel, long blocks) {
    }

    private final String name;
    private final Executor executor;
    private final Capabilities capabilities;
    private volatile Disc disc;

    private VcdromDevice(String name, Disc disc, Executor executor) {
        this.name = name;
        this.disc = disc;
        this.executor = executor;
        // read-only and removable by nature; no write cache; rotation rate 0 (not reported)
        this.capabilities = new Capabilities(false, false, true, true, 0,
                DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    static VcdromDevice open(String name, String image, Executor executor) throws IOException {
        return new VcdromDevice(name, image == null ? null : insert(image), executor);
    }

    private static Disc insert(String image) throws IOException {
        String problem = VcdromHandler.imageProblem(image);
        if (problem != null) {
            throw new IOException(problem);
        }
        FileChannel channel = FileChannel.open(Path.of(image), StandardOpenOption.READ);
        long size = channel.size();
        if (size == 0 || size % VcdromHandler.BLOCK_SIZE != 0) { // changed since the check
            channel.close();
            throw new IOException(image + " is " + size + " bytes, not a positive multiple of " + VcdromHandler.BLOCK_SIZE);
        }
        return new Disc(image, channel, size / VcdromHandler.BLOCK_SIZE);
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return VcdromHandler.TYPE; }
    @Override public int peripheralDeviceType() { return CD_DVD; }
    @Override public int blockSize() { return VcdromHandler.BLOCK_SIZE; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public boolean mediumLoaded() { return disc != null; }

    @Override
    public long blockCount() {
        Disc d = disc;
        return d == null ? 0 : d.blocks();
    }

    /** The image in the drive, or null when it is empty (for the management view). */
    String image() {
        Disc d = disc;
        return d == null ? null : d.image();
    }

    @Override
    public void changeMedium(String medium) throws IOException {
        Disc next = medium == null ? null : insert(medium);
        Disc old = disc;
        disc = next;
        if (old != null) {
            old.channel().close();
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        Disc d = disc;
        if (d == null) { // the core reads only with a disc present
            done.failed(IoFailure.INTERNAL, new IllegalStateException(name + " has no disc"));
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    long at = offset;
                    while (dst.hasRemaining()) {
                        int n = d.channel().read(dst, at);
                        if (n < 0) { // the image shrank under the drive
                            throw new EOFException(d.image() + " ends before byte " + (at + dst.remaining()));
                        }
                        at += n;
                    }
                } catch (IOException e) {
                    done.failed(IoFailure.MEDIUM_ERROR, e);
                    return;
                } catch (RuntimeException e) {
                    done.failed(IoFailure.INTERNAL, e);
                    return;
                }
                done.completed();
            });
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    /** Never called: the medium is write-protected, so the core ends every write DATA PROTECT first. */
    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        done.failed(IoFailure.INTERNAL, new UnsupportedOperationException(name + " is a read-only disc"));
    }

    /** Nothing is ever written: nothing to flush. */
    @Override
    public void flush(Completion done) {
        done.completed();
    }

    @Override
    public void close() {
        Disc d = disc;
        disc = null;
        if (d != null) {
            try {
                d.channel().close();
            } catch (IOException ignored) {
                // closing a read-only file loses nothing
            }
        }
    }
}
