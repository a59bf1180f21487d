package org.scstj.handlers.blockio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loop device over a sparse file, made with {@code losetup} for a test and detached after it.
 * A test is skipped (an assumption) only when {@code losetup} is missing or not permitted.
 */
final class LoopDevice implements AutoCloseable {
    final Path device;
    final Path backing;

    private LoopDevice(Path device, Path backing) {
        this.device = device;
        this.backing = backing;
    }

    /** A loop device of {@code bytes} over a new sparse file in {@code dir}, with {@code sectorSize}-byte sectors. */
    static LoopDevice attach(Path dir, String fileName, long bytes, int sectorSize) throws Exception {
        Path file = dir.resolve(fileName);
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        List<String> cmd = new ArrayList<>(List.of("losetup", "-f", "--show"));
        if (sectorSize != 512) {
            cmd.addAll(List.of("--sector-size", Integer.toString(sectorSize)));
        }
        cmd.add(file.toString());
        Result r;
        try {
            r = run(cmd);
        } catch (IOException e) {
            assumeTrue(false, "losetup is missing: " + e.getMessage());
            throw e;
        }
        assumeTrue(r.rc == 0 || !(r.err.contains("ermission") || r.err.contains("not permitted")),
                "losetup not permitted: " + r.err);
        if (r.rc != 0) {
            throw new IllegalStateException("losetup failed: " + r.err);
        }
        return new LoopDevice(Path.of(r.out.strip()), file);
    }

    /** 512-byte blocks of the backing file allocated on its file system ({@code stat -c %b}). */
    long backingAllocatedSectors() throws Exception {
        return Long.parseLong(run(List.of("stat", "-c", "%b", backing.toString())).out.strip());
    }

    @Override
    public void close() throws Exception {
        Result r = run(List.of("losetup", "-d", device.toString()));
        if (r.rc != 0) {
            throw new IllegalStateException("losetup -d " + device + " failed: " + r.err);
        }
    }

    private record Result(int rc, String out, String err) {
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
