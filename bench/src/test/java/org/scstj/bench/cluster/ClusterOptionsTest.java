package org.scstj.bench.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterOptionsTest {
    @Test
    void defaults_areTheDesignsFullRun() {
        ClusterOptions o = ClusterOptions.parse(List.of("--launcher", ""));
        assertEquals(3, o.runs());
        assertEquals(30, o.seconds());
        assertEquals(5, o.warmup());
        assertEquals(30, o.killRounds());
        assertEquals(30, o.leaveRounds());
        assertEquals(1L << 30, o.sizeBytes());
        assertEquals(Optional.empty(), o.out());
        assertEquals(Path.of("/dev/shm"), o.dir());
        assertEquals(Optional.empty(), o.launcher());
    }

    @Test
    void everyOption_bothSpellings() {
        ClusterOptions o = ClusterOptions.parse(List.of("--runs", "2", "--seconds=10", "--warmup", "0",
                "--kill-rounds", "5", "--leave-rounds=4", "--size", "256M", "--out", "r.md", "--dir=/tmp/x",
                "--launcher", "/opt/scstj"));
        assertEquals(2, o.runs());
        assertEquals(10, o.seconds());
        assertEquals(0, o.warmup());
        assertEquals(5, o.killRounds());
        assertEquals(4, o.leaveRounds());
        assertEquals(256L << 20, o.sizeBytes());
        assertEquals(Optional.of(Path.of("r.md")), o.out());
        assertEquals(Path.of("/tmp/x"), o.dir());
        assertEquals(Optional.of(Path.of("/opt/scstj")), o.launcher());
    }

    @Test
    void quick_smallEverything_explicitOptionsWin() {
        ClusterOptions o = ClusterOptions.parse(List.of("--quick", "--kill-rounds", "3"));
        assertEquals(1, o.runs());
        assertEquals(3, o.seconds());
        assertEquals(0, o.warmup());
        assertEquals(3, o.killRounds());
        assertEquals(1, o.leaveRounds());
        assertEquals(64L << 20, o.sizeBytes());
    }

    @Test
    void zeroRunsOrRoundsSkipAPart_butSecondsAreAtLeastOne() {
        assertEquals(0, ClusterOptions.parse(List.of("--kill-rounds", "0")).killRounds());
        assertEquals(0, ClusterOptions.parse(List.of("--leave-rounds", "0")).leaveRounds());
        assertEquals(0, ClusterOptions.parse(List.of("--runs", "0")).runs(), "failover only");
        assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--runs", "-1")));
        assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--seconds", "0")));
        assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--kill-rounds", "-1")));
    }

    @Test
    void badCommandLines_areRefusedWithTheOptionNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterOptions.parse(List.of("--rounds", "3")));
        assertTrue(e.getMessage().contains("--rounds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--runs")));
        assertTrue(e.getMessage().contains("needs a value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--seconds", "ten")));
        assertTrue(e.getMessage().contains("ten"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--size", "8M")));
        assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(List.of("--size", "1000000000")));
        assertEquals(1L << 30, ClusterOptions.size("1GiB"));
    }

    @Test
    void helpIsPrintedNotRun() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = ClusterCommand.run(List.of("--help"), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertEquals(ClusterCommand.OK, exit);
        assertTrue(out.toString().contains("--kill-rounds"), out.toString());
        assertEquals(ClusterCommand.USAGE, ClusterCommand.run(List.of("--bogus"), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true)));
        assertTrue(err.toString().contains("unknown option '--bogus'"), err.toString());
    }
}
