package org.scstj.engine.sbc;

import java.nio.ByteBuffer;

import org.scstj.engine.spi.BlockDevice;

/** A RAM block device for tests: completes synchronously, can be told to fail, records FUA and flushes. */
public final class RamBlockDevice implements BlockDevice {
    private final int blockSize;
    private final long blockCount;
    private final byte[] store;
    private Capabilities capabilities =
            new Capabilities(true, false, false, false, 1, "SN0001", 0x6001_4050_0000_0001L);
    private IoFailure failWith;
    public boolean lastWriteFua;
    public int writes;
    public int reads;
    public int flushes;
    /** When set, reads may be offered as segments of this file (zero-copy). */
    public java.nio.channels.FileChannel file;

    /** A device whose capacity may exceed what it stores: blocks past {@code storedBlocks} are not backed. */
    public RamBlockDevice(int blockSize, long blockCount, int storedBlocks) {
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.store = new byte[storedBlocks * blockSize];
    }

    public RamBlockDevice(int blockSize, int blockCount) {
        this(blockSize, blockCount, blockCount);
    }

    public RamBlockDevice capabilities(Capabilities c) {
        this.capabilities = c;
        return this;
    }

    public RamBlockDevice failWith(IoFailure f) {
        this.failWith = f;
        return this;
    }

    public byte[] store() {
        return store;
    }

    @Override
    public org.scstj.engine.spi.FileSegment fileSegment(long offset, int length) {
        return file == null ? null : new org.scstj.engine.spi.FileSegment(file, offset, length);
    }

    @Override public String name() { return "ram0"; }
    @Override public String handlerType() { return "vdisk_nullio"; }
    @Override public int blockSize() { return blockSize; }
    @Override public long blockCount() { return blockCount; }
    @Override public Capabilities capabilities() { return capabilities; }

    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        reads++;
        if (failWith != null) {
            done.failed(failWith, new java.io.IOException("injected"));
            return;
        }
        dst.put(store, (int) offset, dst.remaining());
        done.completed();
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        writes++;
        lastWriteFua = fua;
        if (failWith != null) {
            done.failed(failWith, new java.io.IOException("injected"));
            return;
        }
        src.get(store, (int) offset, src.remaining());
        done.completed();
    }

    @Override
    public void flush(Completion done) {
        flushes++;
        if (failWith != null) {
            done.failed(failWith, new java.io.IOException("injected"));
            return;
        }
        done.completed();
    }

    @Override
    public void close() {
    }
}
