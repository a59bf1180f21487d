package org.scstj.transports.loopback;

import org.scstj.engine.spi.DataBuffer;

import java.nio.ByteBuffer;

/**
 * The initiator's Data-Out, lent to the core without a copy (TransportTask.receiveData): each
 * {@link #nio()} is a fresh view of {@code length} bytes of the initiator's buffer, which is never
 * modified here. Releasing it tells the task the core no longer reads the initiator's memory; the
 * task waits for that before it runs the initiator's callback.
 */
final class DataOutBuffer implements DataBuffer {
    private final LoopbackTask task;
    private final ByteBuffer source;
    private final int offset;
    private final int length;

    /** @param offset absolute index in {@code source} of the first byte */
    DataOutBuffer(LoopbackTask task, ByteBuffer source, int offset, int length) {
        this.task = task;
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public ByteBuffer nio() {
        return source.slice(offset, length);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void release() {
        task.dataOutReleased();
    }
}
