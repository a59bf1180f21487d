package org.scstj.handlers.nullio;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.handlers.common.DeviceIdentity;
import org.scstj.handlers.common.DeviceKeys;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code vdisk_nullio}: a device of any size whose reads return zeros and whose writes are
 * discarded (SCST's nullio), for measuring the protocol and the engine without storage.
 * Everything completes inline: nothing blocks.
 */
public final class NullIoHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vdisk_nullio";
    static final Set<String> KEYS = Set.of("size", "block-size", "read-only", "removable");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        read(deviceConfig, problems);
        return problems;
    }

    private record Settings(long size, int blockSize, boolean readOnly, boolean removable) {
    }

    private static Settings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(TYPE, device, KEYS));
        int bs = DeviceKeys.blockSize(c, problems);
        long size = DeviceKeys.size(c, bs, problems);
        boolean ro = DeviceKeys.bool(c, "read-only", problems);
        boolean removable = DeviceKeys.bool(c, "removable", problems);
        return new Settings(size, bs, ro, removable);
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) {
        List<String> problems = new ArrayList<>();
        Settings s = read(deviceConfig, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new NullDevice(deviceName, s.size() / s.blockSize(), s.blockSize(),
                new BlockDevice.Capabilities(false, false, s.readOnly(), s.removable(), 1,
                        DeviceIdentity.serial(deviceName), DeviceIdentity.naaId(deviceName)));
    }

    private record NullDevice(String name, long blockCount, int blockSize, Capabilities capabilities)
            implements BlockDevice {
        /** A shared source of zeros; pooled buffers hold stale data, so reads must overwrite them. */
        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

        @Override public String handlerType() { return TYPE; }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            // absolute bulk puts: no view of ZEROS per read, so nothing is allocated whatever the JIT inlines
            while (dst.hasRemaining()) {
                int n = Math.min(ZEROS.capacity(), dst.remaining());
                dst.put(dst.position(), ZEROS, 0, n);
                dst.position(dst.position() + n);
            }
            done.completed();
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            src.position(src.limit());
            done.completed();
        }

        @Override
        public void write(long offset, ByteBuffer[] srcs, boolean fua, Completion done) {
            for (ByteBuffer src : srcs) {
                src.position(src.limit());
            }
            done.completed();
        }

        @Override
        public void flush(Completion done) {
            done.completed();
        }

        @Override
        public void close() {
        }
    }
}
