package org.scstj.bench.compare;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareOptionsTest {
    @Test
    void defaults() {
        CompareOptions o = CompareOptions.parse(List.of("--launcher", ""));
        assertEquals(10, o.seconds());
        assertEquals(2, o.rounds());
        assertEquals(1L << 30, o.sizeBytes());
        assertEquals(5, o.warmup());
        assertEquals(64, o.sessions());
        assertEquals(EnumSet.allOf(Workload.class), o.workloads());
        assertEquals(Optional.empty(), o.out());
        assertEquals(Path.of("/dev/shm"), o.dir());
        assertEquals(Optional.empty(), o.launcher());
        assertFalse(o.quick());
    }

    @Test
    void scstjConf_isAFileOfHoconForTheDaemon() {
        assertEquals(java.util.Optional.of(java.nio.file.Path.of("/tmp/knob.conf")),
                CompareOptions.parse(List.of("--scstj-conf", "/tmp/knob.conf")).scstjConf());
        assertTrue(CompareOptions.parse(List.of()).scstjConf().isEmpty());
    }

    @Test
    void quick_shortRunsOneRoundSmallFiles() {
        CompareOptions o = CompareOptions.parse(List.of("--quick"));
        assertEquals(2, o.seconds());
        assertEquals(1, o.rounds());
        assertEquals(64L << 20, o.sizeBytes());
        assertEquals(0, o.warmup());
        assertTrue(o.quick());
    }

    @Test
    void latencyOverhead_isOffUnlessAsked() {
        assertFalse(CompareOptions.parse(List.of("--quick")).latencyOverhead());
        assertTrue(CompareOptions.parse(List.of("--only", "read4k-qd32", "--latency-overhead")).latencyOverhead());
    }

    @Test
    void explicitOptionsWinOverQuick_inEitherOrder() {
        CompareOptions o = CompareOptions.parse(List.of("--seconds", "5", "--quick", "--rounds=3", "--size", "256M"));
        assertEquals(5, o.seconds());
        assertEquals(3, o.rounds());
        assertEquals(256L << 20, o.sizeBytes());
    }

    @Test
    void everyOption() {
        CompareOptions o = CompareOptions.parse(List.of("--only", "read4k-qd1,sessions", "--out", "r.md", "--dir", "/tmp",
                "--launcher", "/x/scstj", "--sessions", "8", "--warmup", "0"));
        assertEquals(EnumSet.of(Workload.READ_4K_QD1, Workload.SESSIONS), o.workloads());
        assertEquals(Optional.of(Path.of("r.md")), o.out());
        assertEquals(Path.of("/tmp"), o.dir());
        assertEquals(Optional.of(Path.of("/x/scstj")), o.launcher());
        assertEquals(8, o.sessions());
        assertEquals(0, o.warmup());
    }

    @Test
    void sizes() {
        assertEquals(1L << 30, CompareOptions.size("1G"));
        assertEquals(1L << 30, CompareOptions.size("1GiB"));
        assertEquals(512L << 20, CompareOptions.size("512m"));
        assertEquals(16L << 20, CompareOptions.size(Long.toString(16L << 20)));
        assertEquals(2L << 40, CompareOptions.size("2T"));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.size("8M"));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.size("1000000000"));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.size("big"));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.size("99999999999T"));
    }

    @Test
    void badCommandLines() {
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--bogus")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--seconds")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--seconds", "0")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--rounds", "x")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--only", "read9k")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--only", ",")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(List.of("--warmup", "-1")));
    }

    @Test
    void usageNamesEveryWorkload() {
        for (Workload w : Workload.values()) {
            assertTrue(CompareOptions.USAGE.contains(w.id), w.id);
        }
    }
}
