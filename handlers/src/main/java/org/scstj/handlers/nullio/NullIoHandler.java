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

    /** A running device may become read-only or writable; its size changes through a resize. */
    static final Set<String> LIVE = Set.of("read-only");

    @Override
    public Set<String> liveAttributes() {
        return LIVE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute("size", "size", "bytes", "1T", false,
                        "any size (a multiple of block-size); a running device is resized"),
                new Attribute("block-size", "int", "bytes", "512", false, "logical block size: 512 or 4096"),
                new Attribute("read-only", "bool", "", "false", true,
                        "write-protect the medium (writes end DATA PROTECT)"),
                new Attribute("removable", "bool", "", "false", false,
                        "removable medium: START STOP UNIT ejects and loads it, PREVENT ALLOW MEDIUM REMOVAL locks it"));
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

    /** Its block count and capabilities change only by management (resize, read-only), hence volatile. */
    private static final class NullDevice implements BlockDevice {
        /** A shared source of zeros; pooled buffers hold stale data, so reads must overwrite them. */
        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

        private final String name;
        private final int blockSize;
        private volatile long blockCount;
        private volatile Capabilities capabilities;

        NullDevice(String name, long blockCount, int blockSize, Capabilities capabilities) {
            this.name = name;
            this.blockCount = blockCount;
            this.blockSize = blockSize;
            this.capabilities = capabilities;
        }

        @Override public String name() { return name; }
        @Override public String handlerType() { return TYPE; }
        @Override public int blockSize() { return blockSize; }
        @Override public long blockCount() { return blockCount; }
        @Override public Capabilities capabilities() { return capabilities; }

        /** Nothing is stored: any size, no data to lose when shrinking. */
        @Override
        public void resize(long newBlockCount, boolean force) {
            blockCount = newBlockCount;
        }

        @Override
        public void setAttributes(Config changed) {
            Capabilities c = capabilities;
            capabilities = new Capabilities(c.writeBackCache(), c.thinProvisioned(), changed.hasPath("read-only") ? changed.getBoolean("read-only") : c.readOnly(),
                    c.removable(), c.rotationRate(), c.serial(), c.naaId());
        }

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
