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
    public int unmaps;
    /** The last PRE-FETCH hint: {offset, length}, or null. */
    public long[] prefetched;
    /** Blocks written since the last unmap (a thin device's mapped blocks). */
    public final java.util.BitSet mapped = new java.util.BitSet();
    /** When set, reads may be offered as segments of this file (zero-copy). */
    public java.nio.channels.FileChannel file;
    /** Shared with other processes (a cluster node's store): {@link #lockShared} takes a recorded lock. */
    public boolean shared;
    /** When set (and {@link #shared}), {@link #lockShared} fails with it. */
    public IoFailure lockFailure;
    /** While {@link #shared}: "lock OFFSET+LENGTH", "read", "write", "release OFFSET+LENGTH" in order. */
    public final java.util.List<String> events = new java.util.ArrayList<>();
    /** Locks taken and not released. */
    public int locksHeld;

    @Override
    public void lockShared(long offset, long length, LockCompletion done) {
        if (!shared) {
            done.locked(null);
            return;
        }
        if (lockFailure != null) {
            done.failed(lockFailure, new java.io.IOException("lock refused"));
            return;
        }
        events.add("lock " + offset + "+" + length);
        locksHeld++;
        done.locked(() -> {
            locksHeld--;
            events.add("release " + offset + "+" + length);
        });
    }

    /** A device whose capacity may exceed what it stores: blocks past {@code storedBlocks} are not backed. */
    public RamBlockDevice(int blockSize, long blockCount, int storedBlocks) {
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.store = new byte[storedBlocks * blockSize];
    }

    public RamBlockDevice(int blockSize, int blockCount) {
        this(blockSize, blockCount, blockCount);
    }

    private int physicalBlockSize;

    public RamBlockDevice physicalBlockSize(int bytes) {
        this.physicalBlockSize = bytes;
        return this;
    }

    @Override
    public int physicalBlockSize() {
        return physicalBlockSize == 0 ? blockSize : physicalBlockSize;
    }

    public RamBlockDevice capabilities(Capabilities c) {
        this.capabilities = c;
        return this;
    }

    private volatile boolean ready = true;

    /** Whether the backing store is there ({@link BlockDevice#ready}). */
    public RamBlockDevice ready(boolean ready) {
        this.ready = ready;
        return this;
    }

    @Override
    public boolean ready() {
        return ready;
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
        if (shared) {
            events.add("read");
        }
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
        if (shared) {
            events.add("write");
        }
        lastWriteFua = fua;
        if (failWith != null) {
            done.failed(failWith, new java.io.IOException("injected"));
            return;
        }
        mapped.set((int) (offset / blockSize), (int) ((offset + src.remaining() + blockSize - 1) / blockSize));
        src.get(store, (int) offset, src.remaining());
        done.completed();
    }

    /** A thin RAM device (LBPME): unmap zeros and deallocates; lbaStatus reports the written blocks. */
    public RamBlockDevice thin() {
        Capabilities c = capabilities;
        this.capabilities = new Capabilities(c.writeBackCache(), true, c.readOnly(), c.removable(), c.rotationRate(),
                c.serial(), c.naaId());
        return this;
    }

    @Override
    public void unmap(long offset, long length, Completion done) {
        if (!capabilities.thinProvisioned()) {
            BlockDevice.super.unmap(offset, length, done);
            return;
        }
        unmaps++;
        if (failWith != null) {
            done.failed(failWith, new java.io.IOException("injected"));
            return;
        }
        java.util.Arrays.fill(store, (int) Math.min(offset, store.length), (int) Math.min(offset + length, store.length), (byte) 0);
        mapped.clear((int) (offset / blockSize), (int) ((offset + length) / blockSize));
        done.completed();
    }

    @Override
    public void lbaStatus(long offset, long length, int maxExtents, StatusCompletion done) {
        if (!capabilities.thinProvisioned()) {
            BlockDevice.super.lbaStatus(offset, length, maxExtents, done);
            return;
        }
        java.util.List<Extent> out = new java.util.ArrayList<>();
        int block = (int) (offset / blockSize);
        int end = (int) ((offset + length) / blockSize);
        while (block < end && out.size() < maxExtents) {
            boolean m = mapped.get(block);
            int next = Math.min(end, m ? mapped.nextClearBit(block) : nextSet(block, end));
            out.add(new Extent((long) block * blockSize, (long) (next - block) * blockSize, m));
            block = next;
        }
        done.completed(out);
    }

    private int nextSet(int from, int end) {
        int n = mapped.nextSetBit(from);
        return n < 0 ? end : n;
    }

    /** What a thin RAM device reports it may still allocate (LOG SENSE 0Ch). */
    public long availableBytes;

    /** Thin: the mapped blocks are used, {@link #availableBytes} available from a shared pool. */
    @Override
    public Provisioning provisioning() {
        if (!capabilities.thinProvisioned()) {
            return BlockDevice.super.provisioning();
        }
        return new Provisioning((long) mapped.cardinality() * blockSize, availableBytes, true);
    }

    @Override
    public void prefetch(long offset, long length) {
        prefetched = new long[] {offset, length};
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
