package org.scstj.engine.spi;

import java.nio.ByteBuffer;

/**
 * A data buffer owned by the transport (typically a pooled direct buffer), lent to the core for
 * the data of one command. The core never copies the payload on the read and write paths: a
 * device handler reads into {@link #nio()} or writes from {@link #nioBuffers()} directly.
 *
 * <p>Ownership: whoever holds the buffer last releases it exactly once. A buffer passed to
 * {@link TransportTask#complete} belongs to the transport again; a buffer delivered by
 * {@link TransportTask#receiveData} belongs to the core until it releases it.
 */
public interface DataBuffer {
    /** A view of the data: position 0, limit = the length of the buffer. Each call may return a new view. */
    ByteBuffer nio();

    /**
     * The data as one or more consecutive pieces, without copying: write data gathered from
     * several transport PDUs stays where it arrived. A device writes them in order
     * ({@link BlockDevice#write(long, ByteBuffer[], boolean, BlockDevice.Completion)}).
     */
    default ByteBuffer[] nioBuffers() {
        return new ByteBuffer[]{nio()};
    }

    /** The length in bytes. */
    int length();

    /** Gives the buffer back; further use is a bug. */
    void release();

    /**
     * Copies a parameter list (control data such as UNMAP's or MODE SELECT's, never payload) into
     * a new array and releases the buffer.
     */
    static byte[] takeBytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.length()];
            buffer.nio().get(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }

    /** A heap buffer for control data (INQUIRY, MODE SENSE, ...), with nothing to release. */
    static DataBuffer wrap(byte[] bytes, int length) {
        return new DataBuffer() {
            @Override public ByteBuffer nio() { return ByteBuffer.wrap(bytes, 0, length).slice(); }
            @Override public int length() { return length; }
            @Override public void release() { }
        };
    }
}
