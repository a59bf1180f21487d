package org.scstj.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFsTest {
    @Test
    void stat_utimeAndStimeAreFields14And15() {
        String stat = "11399 (tgtd) S 11397 11399 11397 0 -1 4194560 1253 0 0 0 51234 14642 0 0 20 0 18 0 "
                + "2262186 142573568 1270 18446744073709551615 1 1 0 0 0 0 0 4096 18947 0 0 0 17 1 0 0 0 0 0";
        ProcCpu cpu = ProcCpu.parse(stat);
        assertEquals(new ProcCpu(51234, 14642), cpu);
        assertEquals(65876, cpu.ticks());
    }

    @Test
    void stat_commandNameWithSpacesAndParentheses() {
        String stat = "42 (a) b (c)) R 1 42 42 0 -1 0 0 0 0 0 7 3 5 5 20 0 1 0 100 1000 10";
        assertEquals(new ProcCpu(7, 3), ProcCpu.parse(stat));
    }

    @Test
    void stat_truncated_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.parse("42 (x) R 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.parse("no parentheses"));
    }

    @Test
    void stat_ofThisProcess() throws Exception {
        assertTrue(ProcCpu.read(ProcessHandle.current().pid()).ticks() >= 0);
        assertTrue(ProcCpu.ticksPerSecond() > 0);
    }

    /** A handler the daemon started is the daemon's child: its CPU time is the target's. */
    @Test
    void stat_withDescendants_countsAChildsCpu() throws Exception {
        // a direct child that spins for at most 5 s on its own: killing it kills all of it
        Process spinner = new ProcessBuilder("python3", "-c",
                "import time\nend = time.monotonic() + 5\nwhile time.monotonic() < end:\n    pass").start();
        try {
            long self = ProcessHandle.current().pid();
            ProcCpu before = ProcCpu.readWithDescendants(self);
            ProcCpu ownBefore = ProcCpu.read(self);
            Thread.sleep(1500);
            ProcCpu after = ProcCpu.readWithDescendants(self);
            ProcCpu ownAfter = ProcCpu.read(self);
            long child = (after.ticks() - before.ticks()) - (ownAfter.ticks() - ownBefore.ticks());
            assertTrue(child >= ProcCpu.ticksPerSecond() / 4, "the spinning child's ticks counted: " + child);
        } finally {
            spinner.destroyForcibly();
        }
    }

    @Test
    void status_rssAndHighWaterMark() {
        String status = """
                Name:\tjava
                Umask:\t0022
                State:\tS (sleeping)
                VmPeak:\t 4012345 kB
                VmSize:\t 3912345 kB
                VmHWM:\t  215040 kB
                VmRSS:\t  204800 kB
                RssAnon:\t  150000 kB
                Threads:\t47
                """;
        assertEquals(new ProcMemory(204800, 215040), ProcMemory.parse(status));
    }

    @Test
    void status_withoutMemory_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcMemory.parse("Name:\tkthreadd\nState:\tS (sleeping)\n"));
    }

    @Test
    void status_ofThisProcess() throws Exception {
        ProcMemory m = ProcMemory.read(ProcessHandle.current().pid());
        assertTrue(m.rssKib() > 0 && m.hwmKib() >= m.rssKib(), m.toString());
    }

    @Test
    void goneProcess_isAFailure() {
        assertThrows(BenchFailure.class, () -> ProcCpu.read(Integer.MAX_VALUE));
        assertThrows(BenchFailure.class, () -> ProcMemory.read(Integer.MAX_VALUE));
    }
}
