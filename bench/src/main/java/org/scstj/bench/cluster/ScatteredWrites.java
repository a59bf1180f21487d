package org.scstj.bench.cluster;

import java.util.List;

/**
 * 4 KiB writes at scattered offsets with {@code qemu-img bench}, which has no random mode: with
 * {@code -S STEP} each request's offset is the previous one plus STEP, modulo the image size
 * (qemu-img.c {@code bench_cb}). A step of a number of 4 KiB blocks near the
 * golden-ratio fraction of the LU visits every block once per pass, each far from the last, so
 * neither the page cache's read-ahead nor a sequential pattern helps the target. iscsi-perf
 * (libiscsi-bin 1.19) only reads.
 */
final class ScatteredWrites {
    /** The request size. */
    static final int BYTES = 4096;
    /** Requests in flight. */
    static final int QUEUE_DEPTH = 32;

    private ScatteredWrites() {
    }

    /**
     * The step in bytes for an LU of {@code sizeBytes}: {@code k} blocks of {@link #BYTES}, {@code k}
     * the first number from 0.618 of the block count up that shares no factor with it.
     */
    static long step(long sizeBytes) {
        long blocks = sizeBytes / BYTES;
        if (blocks < 2) {
            throw new IllegalArgumentException("an LU of " + sizeBytes + " bytes has fewer than two 4 KiB blocks");
        }
        long k = Math.max(1, (long) (blocks * 0.6180339887));
        while (gcd(k, blocks) != 1) {
            k++;
        }
        return k * BYTES;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** {@code qemu-img bench -w -d 32 -s 4096 -S STEP -c COUNT -t none -f raw URL}. */
    static List<String> command(String url, long sizeBytes, long count) {
        return List.of("qemu-img", "bench", "-w", "-d", Integer.toString(QUEUE_DEPTH), "-s", Integer.toString(BYTES),
                "-S", Long.toString(step(sizeBytes)), "-c", Long.toString(count), "-t", "none", "-f", "raw", url);
    }
}
