package org.scstj.engine.sbc;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.scstj.engine.spi.BlockDevice;

/**
 * A device whose I/O completes only when the test says so: the data moves at once (on a
 * {@link RamBlockDevice}), the completions wait in a queue until {@link #release}. Lets a test look
 * at a long operation while it runs. Single-threaded: the test thread does everything.
 */
final class HeldBlockDevice implements BlockDevice {
    private final RamBlockDevice ram;
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();

    HeldBlockDevice(RamBlockDevice ram) {
        this.ram = ram;
    }

    /** Completes the oldest held I/O; false when none is held. */
    boolean release() {
        Runnable r = held.poll();
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    /** Completes held I/O, and what it starts, until nothing is held; how many were released. */
    int releaseAll() {
        int n = 0;
        while (release()) {
            n++;
        }
        return n;
    }

    int heldCount() {
        return held.size();
    }

    private Completion hold(Completion done) {
        return new Completion() {
            @Override
            public void completed() {
                held.add(done::completed);
            }

            @Override
            public void failed(IoFailure failure, Throwable cause) {
                held.add(() -> done.failed(failure, cause));
            }
        };
    }

    @Override public String name() { return ram.name(); }
    @Override public String handlerType() { return ram.handlerType(); }
    @Override public int blockSize() { return ram.blockSize(); }
    @Override public long blockCount() { return ram.blockCount(); }
    @Override public Capabilities capabilities() { return ram.capabilities(); }
    @Override public void read(long offset, ByteBuffer dst, Completion done) { ram.read(offset, dst, hold(done)); }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        ram.write(offset, src, fua, hold(done));
    }

    @Override
    public void unmap(long offset, long length, Completion done) {
        ram.unmap(offset, length, hold(done));
    }

    @Override
    public void lbaStatus(long offset, long length, int maxExtents, StatusCompletion done) {
        ram.lbaStatus(offset, length, maxExtents, done);
    }

    @Override public void flush(Completion done) { ram.flush(hold(done)); }
    @Override public void close() { }
}
