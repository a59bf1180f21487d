package org.scstj.handlers.blockio;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.handlers.common.DeviceKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code vdisk_blockio} device's settings, read once and checked against the device itself.
 *
 * @param filename          the block device (or regular file)
 * @param blockDevice       it is a block device (otherwise a regular file)
 * @param bytes             the exported size: the device's ({@code BLKGETSIZE64}) or the file's length,
 *                          rounded down to whole blocks
 * @param blockSize         the logical block size: the device's ({@code BLKSSZGET}); a file's from the config
 * @param physicalBlockSize the device's ({@code BLKPBSZGET}); a file's: {@code blockSize}
 * @param thinProvisioned   UNMAP and WRITE SAME with UNMAP deallocate (SBC-4 4.7.3)
 * @param readOnly          the medium is write-protected; the device is opened read-only
 * @param removable         the medium is removable (INQUIRY RMB)
 * @param writeThrough      every write is durable before it completes (as if FUA)
 * @param nvCache           the device's cache survives power loss: no flush is ever needed
 * @param rotational        the medium rotates (Block Device Characteristics VPD, SBC-4 6.6.2)
 * @param ioEngine          what runs reads and writes: the blocking-I/O pool or an io_uring ({@code auto}
 *                          resolved: io_uring when the process may set one up)
 * @param ringDepth         with io_uring: at most this many reads and writes in flight (the ring's size)
 */
record BlockIoSettings(Path filename, boolean blockDevice, long bytes, int blockSize, int physicalBlockSize,
                       boolean thinProvisioned, boolean readOnly, boolean removable, boolean writeThrough,
                       boolean nvCache, boolean rotational, IoEngine ioEngine, int ringDepth) {
    static final Set<String> KEYS = Set.of("filename", "block-size", "read-only", "removable", "write-through",
            "nv-cache", "rotational", "thin-provisioned", "io-engine", "ring-depth");
    static final int MAX_RING_DEPTH = 4096;

    /** The {@code io-engine} values. */
    enum IoEngine {
        /** Synchronous pread / pwrite on the engine's blocking-I/O pool, one thread per I/O. */
        THREADS("threads"),
        /** One io_uring per device: a submitter thread batches SQEs, a reaper thread completes. */
        IO_URING("io_uring");

        final String value;

        IoEngine(String value) {
            this.value = value;
        }

        static IoEngine of(String value) {
            for (IoEngine e : values()) {
                if (e.value.equals(value)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** Whether io_uring can be set up here: null if so, else why not; probed once. */
    private static volatile String uringUnavailable;
    private static volatile boolean uringProbed;

    static String uringUnavailable() {
        if (!uringProbed) {
            uringUnavailable = IoUring.unavailable();
            uringProbed = true;
        }
        return uringUnavailable;
    }

    long blockCount() {
        return bytes / blockSize;
    }

    /**
     * Reads the settings and probes the device (statx, then the geometry ioctls on a descriptor
     * opened read-only; nothing is changed); {@code problems} collects "key: message" lines. Null
     * when the device could not be probed.
     */
    static BlockIoSettings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(BlockIoHandler.TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(BlockIoHandler.TYPE, device, KEYS));
        boolean readOnly = DeviceKeys.bool(c, "read-only", problems);
        boolean removable = DeviceKeys.bool(c, "removable", problems);
        boolean writeThrough = DeviceKeys.bool(c, "write-through", problems);
        boolean nvCache = DeviceKeys.bool(c, "nv-cache", problems);
        boolean rotational = DeviceKeys.bool(c, "rotational", problems);
        Boolean thin = null;
        if (c.hasPath("thin-provisioned")) {
            thin = DeviceKeys.bool(c, "thin-provisioned", problems);
        }
        int configuredBlockSize = -1;
        if (c.hasPath("block-size")) {
            configuredBlockSize = DeviceKeys.blockSize(c, problems);
        }
        IoEngine engine = IoEngine.THREADS;
        try {
            String e = c.getString("io-engine");
            // auto: io_uring where this process may set one up (not refused by seccomp or
            // kernel.io_uring_disabled), else threads
            boolean auto = "auto".equals(e);
            engine = auto ? (uringUnavailable() == null ? IoEngine.IO_URING : IoEngine.THREADS) : IoEngine.of(e);
            if (engine == null) {
                problems.add("io-engine: must be auto, io_uring or threads, was " + e);
                engine = IoEngine.THREADS;
            } else if (!auto && engine == IoEngine.IO_URING && uringUnavailable() != null) {
                problems.add("io-engine: io_uring is not available here (" + uringUnavailable() + "); use threads");
            }
        } catch (ConfigException e) {
            problems.add("io-engine: " + e.getMessage());
        }
        int ringDepth = 64;
        try {
            ringDepth = c.getInt("ring-depth");
            if (ringDepth < 1 || ringDepth > MAX_RING_DEPTH) {
                problems.add("ring-depth: must be 1.." + MAX_RING_DEPTH + ", was " + ringDepth);
            }
        } catch (ConfigException e) {
            problems.add("ring-depth: " + e.getMessage());
        }
        Path filename;
        try {
            String f = c.getString("filename");
            if (f.isBlank()) {
                problems.add("filename: must not be empty");
                return null;
            }
            filename = Path.of(f);
        } catch (ConfigException e) {
            problems.add("filename: " + (e instanceof ConfigException.Missing
                    ? "missing (the block device's path)" : e.getMessage()));
            return null;
        }
        NativeDisk.Stat stat;
        try {
            stat = NativeDisk.stat(filename);
        } catch (NativeDisk.NativeIoException e) {
            problems.add("filename: " + filename + (e.errno == NativeDisk.ENOENT ? " does not exist" : " cannot be examined: " + e.getMessage()));
            return null;
        } catch (IOException e) {
            problems.add("filename: " + filename + " cannot be examined: " + e.getMessage());
            return null;
        }
        if (!stat.blockDevice() && !stat.regularFile()) {
            problems.add("filename: " + filename + " is neither a block device nor a regular file"
                    + (Files.isDirectory(filename) ? " (a directory)" : ""));
            return null;
        }
        long bytes;
        int blockSize;
        int physicalBlockSize;
        boolean canDiscard;
        if (stat.blockDevice()) {
            try (NativeDisk d = NativeDisk.open(filename, true, 0)) {
                bytes = d.deviceBytes();
                blockSize = d.logicalBlockSize();
                physicalBlockSize = Math.max(blockSize, d.physicalBlockSize());
            } catch (IOException e) {
                problems.add("filename: cannot read the geometry of " + filename + ": " + e.getMessage());
                return null;
            }
            if (blockSize != 512 && blockSize != 4096) {
                problems.add("filename: " + filename + " has " + blockSize + "-byte blocks; only 512 and 4096 are supported");
            }
            if (configuredBlockSize > 0 && configuredBlockSize != blockSize) {
                problems.add("block-size: the device has " + blockSize + "-byte blocks");
            }
            canDiscard = discardMaxBytes(stat.rdevMajor(), stat.rdevMinor()) > 0;
        } else {
            bytes = stat.size();
            blockSize = configuredBlockSize > 0 ? configuredBlockSize : 512;
            physicalBlockSize = blockSize;
            canDiscard = false; // hole punching depends on the file system: asked for with thin-provisioned = true
            try (NativeDisk probe = NativeDisk.open(filename, true, NativeDisk.O_DIRECT)) {
                // opened and closed at once: only whether the file system takes O_DIRECT
            } catch (NativeDisk.NativeIoException e) {
                problems.add("filename: " + filename + (e.errno == NativeDisk.EINVAL
                        ? " is on a file system without O_DIRECT; use vdisk_fileio" : " cannot be opened: " + e.getMessage()));
            } catch (IOException e) {
                problems.add("filename: " + filename + " cannot be opened: " + e.getMessage());
            }
        }
        if (bytes < blockSize) {
            problems.add("filename: " + filename + " is smaller than one block (" + bytes + " bytes)");
        }
        if (thin == null) {
            thin = canDiscard;
        } else if (thin && stat.blockDevice() && !canDiscard) {
            problems.add("thin-provisioned: " + filename + " cannot discard (its queue/discard_max_bytes is 0)");
        }
        if (!readOnly && !Files.isWritable(filename)) {
            problems.add("read-only: " + filename + " is not writable; set read-only = true to export it");
        }
        return new BlockIoSettings(filename, stat.blockDevice(), bytes - bytes % blockSize, blockSize, physicalBlockSize,
                thin, readOnly, removable, writeThrough, nvCache, rotational, engine, ringDepth);
    }

    /**
     * {@code /sys/dev/block/MAJ:MIN/queue/discard_max_bytes}; a partition has no queue of its own
     * and uses its disk's (the parent directory). 0 when unknown.
     */
    static long discardMaxBytes(int major, int minor) {
        Path dev = Path.of("/sys/dev/block", major + ":" + minor);
        for (Path q : List.of(dev.resolve("queue/discard_max_bytes"), dev.resolve("../queue/discard_max_bytes"))) {
            try {
                return Long.parseLong(Files.readString(q).strip());
            } catch (IOException | NumberFormatException e) {
                // try the next place
            }
        }
        return 0;
    }

    static BlockIoSettings require(Config device) {
        List<String> problems = new ArrayList<>();
        BlockIoSettings s = read(device, problems);
        if (s == null || !problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }
}
