package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import org.scstj.engine.spi.DataBuffer;

import java.nio.ByteBuffer;

/**
 * A pooled direct Netty buffer lent to the core (DataBuffer ownership rules). Its bytes are
 * {@code [0, length)}; the Data-In path slices it without copying. Write data may be a composite
 * of the slices it arrived in: {@link #nioBuffers()} gives them without copying.
 */
final class PooledDataBuffer implements DataBuffer {
    private final ByteBuf buf;
    private final int length;

    PooledDataBuffer(ByteBuf buf, int length) {
        this.buf = buf;
        this.length = length;
        buf.writerIndex(length);
    }

    @Override
    public ByteBuffer nio() {
        return buf.nioBuffer(0, length);
    }

    /** The pieces of a gathered buffer (a composite of the Data-Out PDUs' slices), without copying. */
    @Override
    public ByteBuffer[] nioBuffers() {
        return buf.nioBuffers(0, length);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void release() {
        buf.release();
    }

    /** The underlying buffer; its reference stays with this DataBuffer. */
    ByteBuf byteBuf() {
        return buf;
    }
}
