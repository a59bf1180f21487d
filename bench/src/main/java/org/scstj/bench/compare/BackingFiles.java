package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The targets' backing files: fully written (no holes, so neither target reads unallocated tmpfs
 * pages) with the same pseudo-random pattern, each 1 MiB chunk stamped with its index, so that the
 * two files are byte-for-byte identical and no chunk is all zeros.
 */
public final class BackingFiles {
    private static final int CHUNK = 1 << 20;
    private static final long SEED = 0x5c57_2026L;

    private BackingFiles() {
    }

    /** Writes {@code file} with {@code size} bytes of the pattern (a multiple of 1 MiB). */
    public static void create(Path file, long size) throws BenchFailure {
        write(file, size, StandardOpenOption.CREATE_NEW);
    }

    /** Overwrites the first {@code size} bytes of an existing {@code file} (a loop device) with the pattern. */
    public static void fill(Path file, long size) throws BenchFailure {
        write(file, size, StandardOpenOption.WRITE);
    }

    private static void write(Path file, long size, StandardOpenOption how) throws BenchFailure {
        if (size % CHUNK != 0) {
            throw new IllegalArgumentException("size must be a multiple of 1 MiB: " + size);
        }
        ByteBuffer pattern = ByteBuffer.allocateDirect(CHUNK);
        SplittableRandom random = new SplittableRandom(SEED);
        while (pattern.hasRemaining()) {
            pattern.putLong(random.nextLong());
        }
        try (FileChannel channel = FileChannel.open(file, how, StandardOpenOption.WRITE)) {
            for (long chunk = 0; chunk < size / CHUNK; chunk++) {
                pattern.putLong(0, chunk);
                pattern.clear();
                while (pattern.hasRemaining()) {
                    channel.write(pattern);
                }
            }
            channel.force(false);
        } catch (IOException e) {
            throw new BenchFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Fails unless {@code dir}'s file system has {@code bytes} free, with room to spare. */
    public static void checkSpace(Path dir, long bytes) throws BenchFailure {
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < bytes + (64L << 20)) {
                throw new BenchFailure(dir + " has " + (usable >> 20) + " MiB free; the backing files need "
                        + (bytes >> 20) + " MiB (use --size or --dir)");
            }
        } catch (IOException e) {
            throw new BenchFailure("cannot check free space in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code dir} is on a tmpfs (from /proc/mounts: the longest mount point containing it). */
    public static boolean onTmpfs(Path dir) {
        try {
            Path real = dir.toRealPath();
            String best = "";
            String type = "";
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && real.startsWith(f[1]) && f[1].length() >= best.length()) {
                    best = f[1];
                    type = f[2];
                }
            }
            return type.equals("tmpfs");
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes {@code dir} and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
