package org.scstj.engine.ssc;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.TapeMedium;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A tape drive whose cartridge lives in memory; every operation completes at once. A record is a byte[], a filemark null. */
final class RamTape implements BlockDevice, TapeMedium {
    final List<byte[]> objects = new ArrayList<>();
    long capacity = 1L << 30;
    private volatile boolean loaded = true;

    @Override public String name() { return "tape0"; }
    @Override public String handlerType() { return "vtape"; }
    @Override public int peripheralDeviceType() { return TAPE; }
    @Override public int blockSize() { return 0; }
    @Override public long blockCount() { return 0; }
    @Override public boolean mediumLoaded() { return loaded; }
    @Override public TapeMedium tape() { return loaded ? this : null; }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, false, true, 0, "TAPE0", 0x6001405000000077L);
    }

    @Override public void read(long offset, ByteBuffer dst, Completion done) { done.failed(IoFailure.INTERNAL, null); }
    @Override public void write(long offset, ByteBuffer src, boolean fua, Completion done) { done.failed(IoFailure.INTERNAL, null); }
    @Override public void flush(Completion done) { done.completed(); }
    @Override public void close() { }

    @Override public long objectCount() { return objects.size(); }
    @Override public boolean isFilemark(long index) { return objects.get((int) index) == null; }
    @Override public int recordLength(long index) { return objects.get((int) index).length; }

    @Override
    public long filemarksBefore(long index) {
        long n = 0;
        for (int i = 0; i < index; i++) {
            n += objects.get(i) == null ? 1 : 0;
        }
        return n;
    }

    @Override
    public long nextFilemark(long from) {
        for (int i = (int) from; i < objects.size(); i++) {
            if (objects.get(i) == null) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long previousFilemark(long before) {
        for (int i = (int) before - 1; i >= 0; i--) {
            if (objects.get(i) == null) {
                return i;
            }
        }
        return -1;
    }

    @Override public long capacityBytes() { return capacity; }

    @Override
    public long usedBytes() {
        long n = 0;
        for (byte[] o : objects) {
            n += o == null ? 1 : o.length;
        }
        return n;
    }

    @Override public String barcode() { return "A00001L8"; }

    @Override
    public void readRecord(long index, ByteBuffer dst, Completion done) {
        byte[] r = objects.get((int) index);
        dst.put(r, 0, Math.min(r.length, dst.remaining()));
        done.completed();
    }

    @Override
    public void write(long index, ByteBuffer[] records, int filemarks, Completion done) {
        long bytes = filemarks;
        for (ByteBuffer b : records) {
            bytes += b.remaining();
        }
        long kept = 0;
        for (int i = 0; i < index; i++) {
            kept += objects.get(i) == null ? 1 : objects.get(i).length;
        }
        if (kept + bytes > capacity) {
            done.failed(IoFailure.NO_SPACE, null);
            return;
        }
        objects.subList((int) index, objects.size()).clear();
        for (ByteBuffer b : records) {
            byte[] r = new byte[b.remaining()];
            b.duplicate().get(r);
            objects.add(r);
        }
        for (int i = 0; i < filemarks; i++) {
            objects.add(null);
        }
        done.completed();
    }

    @Override
    public void erase(long index, Completion done) {
        objects.subList((int) index, objects.size()).clear();
        done.completed();
    }

    void unload() {
        loaded = false;
    }
}
