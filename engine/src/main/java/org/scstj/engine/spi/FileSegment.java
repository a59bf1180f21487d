package org.scstj.engine.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Data-In that stays in a file until the transport sends it, so the transport can hand the range
 * to the kernel ({@code sendfile}) instead of copying it through a user-space buffer: the bytes
 * then move once, from the page cache to the socket. A device offers it through
 * {@link BlockDevice#fileSegment}; the core uses it only when the transport asks for it
 * ({@link TransportTask#zeroCopyMinLength}).
 *
 * <p>The range is read when the transport sends it, not when the command completed. The status
 * goes out with (after) the data, so an initiator never sees the command complete before its data
 * was read; a write that overlaps an outstanding read is unordered with it anyway (SAM-5 8.6).
 *
 * <p>The device owns the channel. {@link #release}, once the transport has sent the range (or
 * failed to), tells the device, which keeps its channel open and its file unshrunk until every
 * segment it gave out came back: a device removed or shrunk while a read's data is still queued
 * for the socket would otherwise make {@code sendfile} fail mid-PDU.
 */
public final class FileSegment implements DataBuffer {
    private final FileChannel channel;
    private final long position;
    private final int length;
    private Runnable released;

    public FileSegment(FileChannel channel, long position, int length) {
        this(channel, position, length, null);
    }

    /** @param released run once by {@link #release} (the device's count of segments out) */
    public FileSegment(FileChannel channel, long position, int length, Runnable released) {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("position " + position + ", length " + length);
        }
        this.channel = channel;
        this.position = position;
        this.length = length;
        this.released = released;
    }

    /** The device's file; never closed by the transport. */
    public FileChannel channel() {
        return channel;
    }

    /** Byte offset of the data in the file. */
    public long position() {
        return position;
    }

    @Override
    public int length() {
        return length;
    }

    /**
     * Reads the range into a new buffer, for a transport that must see the bytes after all; bytes
     * past the end of the file read as zeros.
     */
    @Override
    public ByteBuffer nio() {
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            long pos = position;
            while (b.hasRemaining()) {
                int n = channel.read(b, pos);
                if (n < 0) {
                    break; // the rest stays zero
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.clear();
    }

    @Override
    public void release() {
        Runnable r = released; // released once, by the one owner the contract allows
        if (r != null) {
            released = null;
            r.run();
        }
    }
}
