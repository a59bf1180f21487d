package org.scstj.transports.loopback;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A device handler for the loopback tests ({@code test_ram}; transports does not depend on the
 * handlers module): a RAM disk whose I/O completes inline (like {@code vdisk_nullio}), or on the
 * engine's blocking executor (like {@code vdisk_fileio}, {@code async = true}), or only when the test
 * opens its gate ({@code gated = true}), to keep commands outstanding in the device.
 *
 * <p>Keys: {@code size} (bytes), {@code block-size}, {@code async}, {@code gated}.
 */
final class RamDeviceFactory implements DeviceHandlerFactory {
    static final String TYPE = "test_ram";

    private final Map<String, RamDevice> devices = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        return List.of();
    }

    @Override
    public BlockDevice open(String deviceName, Config c, Context context) {
        int blockSize = c.hasPath("block-size") ? c.getInt("block-size") : 512;
        long size = c.getBytes("size");
        boolean async = c.hasPath("async") && c.getBoolean("async");
        boolean gated = c.hasPath("gated") && c.getBoolean("gated");
        RamDevice d = new RamDevice(deviceName, (int) size, blockSize, async ? context.blockingExecutor() : Runnable::run,
                gated);
        devices.put(deviceName, d);
        return d;
    }

    /** The device opened under {@code name}. */
    RamDevice device(String name) {
        return devices.get(name);
    }

    /** A RAM disk; see the factory. */
    static final class RamDevice implements BlockDevice {
        private final String name;
        private final byte[] store;
        private final int blockSize;
        private final Executor executor;
        private final Capabilities capabilities;
        private final List<Runnable> held = new ArrayList<>();
        private boolean gateOpen;
        private int started;

        RamDevice(String name, int size, int blockSize, Executor executor, boolean gated) {
            this.name = name;
            this.store = new byte[size];
            this.blockSize = blockSize;
            this.executor = executor;
            this.gateOpen = !gated;
            this.capabilities = new Capabilities(false, false, false, false, 1, "RAM-" + name, 0x6001405_000000L | name.hashCode());
        }

        @Override public String name() { return name; }
        @Override public String handlerType() { return TYPE; }
        @Override public int blockSize() { return blockSize; }
        @Override public long blockCount() { return store.length / blockSize; }
        @Override public Capabilities capabilities() { return capabilities; }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            run(() -> {
                dst.put(store, (int) offset, dst.remaining());
                done.completed();
            });
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            run(() -> {
                src.get(store, (int) offset, src.remaining());
                done.completed();
            });
        }

        @Override
        public void flush(Completion done) {
            done.completed();
        }

        @Override
        public void close() {
        }

        private void run(Runnable io) {
            synchronized (this) {
                started++;
                notifyAll();
                if (!gateOpen) {
                    held.add(io);
                    return;
                }
            }
            executor.execute(io);
        }

        /** Waits until {@code count} I/Os reached the device. */
        synchronized void awaitStarted(int count) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (started < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + started + " of " + count + " I/Os reached " + name);
                }
                wait(left / 1_000_000 + 1);
            }
        }

        /** Lets held I/Os and every later one run. */
        void openGate() {
            List<Runnable> run;
            synchronized (this) {
                gateOpen = true;
                run = List.copyOf(held);
                held.clear();
            }
            run.forEach(executor::execute);
        }

        /** A copy of the stored bytes. */
        synchronized byte[] bytes(int offset, int length) {
            return java.util.Arrays.copyOfRange(store, offset, offset + length);
        }
    }
}
