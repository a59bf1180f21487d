package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Loop block devices over files, for the {@code vdisk_blockio} LUs of the conformance matrix and
 * the comparison with tgtd's {@code aio} store: {@code losetup -f --show [--sector-size N] FILE}
 * on a sparse file, detached with {@code losetup -d} when the run ends. Needs root (the benchmarks
 * run as root to install their tools anyway).
 */
public final class LoopDevices {
    private LoopDevices() {
    }

    /**
     * A sparse {@code size}-byte file at {@code file}, attached to a free loop device with
     * {@code sectorSize}-byte sectors (512 or 4096); the device is detached by {@code cleanup}.
     *
     * @return the device, e.g. {@code /dev/loop3}
     * @throws BenchFailure naming losetup's answer (not root, no loop support)
     */
    public static Path attach(Path file, long size, int sectorSize, Cleanup cleanup) throws BenchFailure {
        try {
            Files.deleteIfExists(file);
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(size);
            }
        } catch (IOException e) {
            throw new BenchFailure("cannot create " + file + ": " + e.getMessage(), e);
        }
        if (!Exec.onPath("losetup")) {
            throw new BenchFailure("losetup is not installed (util-linux / mount)");
        }
        Exec.Result r = Exec.run(List.of("losetup", "-f", "--show", "--sector-size", Integer.toString(sectorSize),
                file.toString()), Duration.ofSeconds(30));
        if (!r.ok() || !r.output().strip().startsWith("/dev/")) {
            throw new BenchFailure("cannot attach a loop device: " + r.describe());
        }
        Path device = Path.of(r.output().strip());
        cleanup.add("detaching " + device, () -> Exec.run(List.of("losetup", "-d", device.toString()), Duration.ofSeconds(30)));
        return device;
    }
}
