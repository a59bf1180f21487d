package org.scstj.engine.lun;

import java.nio.ByteBuffer;

import org.scstj.engine.spi.BlockDevice;

/** A one-block device the fake command set never touches; removable or not. */
final class NoDevice implements BlockDevice {
    private final boolean removable;

    NoDevice() {
        this(false);
    }

    NoDevice(boolean removable) {
        this.removable = removable;
    }

    @Override public String name() { return "none"; }
    @Override public String handlerType() { return "test"; }
    @Override public int blockSize() { return 512; }
    @Override public long blockCount() { return 1; }
    @Override public Capabilities capabilities() {
        return new Capabilities(false, false, false, removable, 1, "0", 0);
    }
    @Override public void read(long offset, ByteBuffer dst, Completion done) { done.completed(); }
    @Override public void write(long offset, ByteBuffer src, boolean fua, Completion done) { done.completed(); }
    @Override public void flush(Completion done) { done.completed(); }
    @Override public void close() { }
}
