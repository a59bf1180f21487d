package org.scstj.bench.cluster;

import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScatteredWritesTest {
    /** The offsets qemu-img bench visits with -S (each the last plus the step, modulo the size). */
    private static BitSet visited(long size, long step, long count) {
        BitSet blocks = new BitSet();
        long offset = 0;
        for (long i = 0; i < count; i++) {
            blocks.set((int) (offset / ScatteredWrites.BYTES));
            offset = (offset + step) % size;
        }
        return blocks;
    }

    @Test
    void onePass_visitsEveryBlockOnce_andConsecutiveWritesAreFarApart() {
        for (long size : List.of(64L << 20, 1L << 30, 48L << 20, 100L << 20)) {
            long step = ScatteredWrites.step(size);
            long blocks = size / ScatteredWrites.BYTES;
            assertEquals(0, step % ScatteredWrites.BYTES, "4 KiB aligned");
            assertEquals(blocks, visited(size, step, blocks).cardinality(), "every block of " + size + " once");
            long distance = Math.min(step, size - step);
            assertTrue(distance > size / 3, "consecutive writes " + distance + " bytes apart in " + size);
        }
    }

    @Test
    void stepIsCoprimeWithTheBlockCount() {
        long blocks = 3 * 5 * 7 * 256;
        long k = ScatteredWrites.step(blocks * ScatteredWrites.BYTES) / ScatteredWrites.BYTES;
        assertEquals(1, ScatteredWrites.gcd(k, blocks));
        assertThrows(IllegalArgumentException.class, () -> ScatteredWrites.step(4096));
    }

    @Test
    void command() {
        assertEquals(List.of("qemu-img", "bench", "-w", "-d", "32", "-s", "4096", "-S",
                        Long.toString(ScatteredWrites.step(64L << 20)), "-c", "1000", "-t", "none", "-f", "raw", "iscsi://h/t/1"),
                ScatteredWrites.command("iscsi://h/t/1", 64L << 20, 1000));
    }
}
