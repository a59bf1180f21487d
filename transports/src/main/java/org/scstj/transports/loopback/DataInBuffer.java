package org.scstj.transports.loopback;

import io.netty.buffer.ByteBuf;
import org.scstj.engine.spi.DataBuffer;

import java.nio.ByteBuffer;

/**
 * A pooled direct Netty buffer lent to the core for one command's Data-In ({@link DataBuffer}
 * ownership rules). Its bytes are {@code [0, length)}. Released exactly once: by the core when it
 * drops the data (an aborted or failed read), otherwise by the {@link LoopbackResult} that
 * received it.
 */
final class DataInBuffer implements DataBuffer {
    private final LoopbackTargetDriver driver;
    private final ByteBuf buf;
    private final int length;
    private boolean released;

    DataInBuffer(LoopbackTargetDriver driver, ByteBuf buf, int length) {
        this.driver = driver;
        this.buf = buf;
        this.length = length;
        buf.writerIndex(length);
    }

    @Override
    public ByteBuffer nio() {
        return buf.nioBuffer(0, length);
    }

    @Override
    public int length() {
        return length;
    }

    /**
     * Gives the buffer back to the pool. A second release is a bug (in the core or the initiator)
     * and throws rather than corrupting the pool. Not thread-safe: ownership moves between threads
     * through the core's messages, which order the accesses.
     */
    @Override
    public void release() {
        if (released) {
            throw new IllegalStateException("Data-In buffer released twice");
        }
        released = true;
        buf.release();
        driver.bufferReturned();
    }

    /** The underlying buffer, readable over the Data-In; its reference stays with this object. */
    ByteBuf byteBuf() {
        return buf;
    }
}
