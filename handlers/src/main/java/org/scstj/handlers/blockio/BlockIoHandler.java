package org.scstj.handlers.blockio;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code vdisk_blockio}: a logical unit backed by a Linux block device (or a regular file), read
 * and written with {@code O_DIRECT}, past the page cache (SCST's vdisk_blockio). The geometry is
 * the device's own: its size, logical and physical block sizes come from ioctls. A device that
 * can discard is thin-provisioned by default: UNMAP and WRITE SAME with UNMAP deallocate.
 * The device is never created or resized here. Reads and writes run as synchronous system calls
 * on the engine's blocking-I/O executor ({@code io-engine = threads}) or through an io_uring per
 * device ({@code io_uring}).
 */
public final class BlockIoHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vdisk_blockio";

    /**
     * What a running device can change. Only {@code read-only}: the others change what INQUIRY,
     * READ CAPACITY or the VPD pages said (SBC-4 4.7, SPC-5 6.7), or the descriptors' flags.
     */
    static final Set<String> LIVE = Set.of("read-only");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> liveAttributes() {
        return LIVE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute("filename", "path", "", null, false,
                        "the block device (or an existing regular file); never created"),
                new Attribute("block-size", "int", "bytes", null, false,
                        "logical block size; a block device's own (BLKSSZGET), which this must equal if given; a file's: 512 or 4096, default 512"),
                new Attribute("read-only", "bool", "", "false", LIVE.contains("read-only"),
                        "write-protect the medium (writes end DATA PROTECT); opened O_RDONLY"),
                new Attribute("removable", "bool", "", "false", false,
                        "removable medium: START STOP UNIT ejects and loads it, PREVENT ALLOW MEDIUM REMOVAL locks it"),
                new Attribute("write-through", "bool", "", "false", false,
                        "every write is durable before it completes (as with FUA); no write-back cache reported"),
                new Attribute("nv-cache", "bool", "", "false", false,
                        "the device's cache is non-volatile: FUA and SYNCHRONIZE CACHE flush nothing; no write-back cache reported"),
                new Attribute("rotational", "bool", "", "false", false,
                        "report a rotating medium (Block Device Characteristics VPD rotation rate 0, not reported) instead of non-rotating (1)"),
                new Attribute("thin-provisioned", "bool", "", null, false,
                        "UNMAP and WRITE SAME with UNMAP deallocate; default: whether the block device can discard (a file: false)"),
                new Attribute("io-engine", "string", "", "auto", false,
                        "what runs reads and writes: an io_uring per device (io_uring), pread/pwrite on the blocking-I/O pool (threads); "
                                + "auto: io_uring where the process may set one up (not blocked by seccomp or kernel.io_uring_disabled), else threads"),
                new Attribute("ring-depth", "int", "", "64", false,
                        "io_uring: at most this many reads and writes in flight (the ring's size), 1..4096"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        BlockIoSettings.read(deviceConfig, problems);
        return problems;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        BlockIoSettings s = BlockIoSettings.require(deviceConfig);
        return BlockIoDevice.open(deviceName, s, context.blockingExecutor());
    }
}
