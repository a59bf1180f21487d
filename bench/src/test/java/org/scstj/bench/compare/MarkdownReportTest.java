package org.scstj.bench.compare;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkdownReportTest {
    private static final Machine MACHINE = new Machine("Test CPU @ 1GHz", 2, 2 * 1048576, "6.1.0", "Debian 12",
            "Vendor 25 (/jdk)", "`java -cp '<class path>' org.scstj.mgmt.Main serve -c x.conf`", "1.0.85 (package tgt 1:1.0.85)",
            "iscsi-perf, qemu-img 7.2", "0.50, 0.40, 0.30", ZonedDateTime.of(2026, 11, 21, 10, 0, 0, 123, ZoneOffset.UTC));
    private static final CompareOptions OPTIONS = new CompareOptions(10, 2, 1L << 30, 2, 64,
            EnumSet.allOf(Workload.class), Optional.empty(), Path.of("/dev/shm"), Optional.empty(), false);

    private static Report report() {
        WorkloadResult reads = new WorkloadResult(Workload.READ_4K_QD32,
                List.of(new Run(90_000, 900_000, 10.0), new Run(110_000, 1_100_000, 12.0)),
                List.of(new Run(50_000, 500_000, 25.0), new Run(50_000, 500_000, 27.0)),
                "iscsi-perf -t 10 -x 0 -m 32 -b 8 -r iscsi://127.0.0.1:PORT/iqn.2026-11.org.scstj:bench/1");
        WorkloadResult qd1 = new WorkloadResult(Workload.READ_4K_QD1,
                List.of(new Run(10_000, 100_000, 30.0), new Run(10_000, 100_000, 30.0)),
                List.of(new Run(20_000, 200_000, 20.0), new Run(20_000, 200_000, 20.0)), "qd1 command");
        WorkloadResult big = new WorkloadResult(Workload.READ_1M_QD32,
                List.of(new Run(2048, 20480, 500.0), new Run(2048, 20480, 500.0)),
                List.of(new Run(1024, 10240, 1000.0), new Run(1024, 10240, 1000.0)), "big command");
        Report.Sessions sessions = new Report.Sessions(
                new SessionsResult(new Run(40_000, 400_000, 40.0), 150 * 1024, 200 * 1024, 210 * 1024, 50),
                new SessionsResult(new Run(32_000, 320_000, 28.0), 4 * 1024, 8 * 1024, 8 * 1024 + 512, 50), "sessions command");
        return new Report(MACHINE, OPTIONS, 100, 40841, 45363, 23421, List.of(reads, qd1, big), Optional.of(sessions),
                List.of("a note of the run"));
    }

    @Test
    void rows_meansSpreadsAndRatios() {
        List<List<String>> rows = MarkdownReport.rows(report());
        assertEquals(List.of("4 KiB random read, QD 32 (IOPS)", "100,000 ±10.0%", "50,000 ±0.0%", "2.00×",
                "11.0 ±9.1%", "26.0 ±3.8%", "0.42×"), rows.get(0));
        assertEquals(List.of("4 KiB random read, QD 1 (IOPS; mean latency)", "10,000 ±0.0% (100.0 µs)",
                "20,000 ±0.0% (50.0 µs)", "0.50×", "30.0 ±0.0%", "20.0 ±0.0%", "1.50×"), rows.get(1));
        assertEquals(List.of("1 MiB sequential read, QD 32 (MiB/s)", "2,048 ±0.0%", "1,024 ±0.0%", "2.00×",
                "500.0 ±0.0%", "1,000.0 ±0.0%", "0.50×"), rows.get(2));
        assertEquals(List.of("64 sessions × QD 4, 4 KiB random read (total IOPS)", "40,000", "32,000", "1.25×", "40.0",
                "28.0", "1.43×"), rows.get(3));
        assertEquals(List.of("64 sessions × QD 4, 4 KiB random read: peak RSS (MiB)", "210.0 (200.0; idle 150.0)", "8.5 (8.0; idle 4.0)",
                "24.71×", "", "", ""), rows.get(4));
    }

    @Test
    void oneRound_noSpread() {
        WorkloadResult r = new WorkloadResult(Workload.NULL_READ_4K_QD32, List.of(new Run(1000, 1000, 1)),
                List.of(new Run(500, 500, 2)), "c");
        Report one = new Report(MACHINE, OPTIONS, 100, 1, 2, 3, List.of(r), Optional.empty(), List.of());
        assertEquals(List.of("null LUN: 4 KiB random read, QD 32 (IOPS)", "1,000", "500", "2.00×", "1.0", "2.0", "0.50×"),
                MarkdownReport.rows(one).getFirst());
    }

    @Test
    void document_headerTableCommandsNotes() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("- **Date**: 2026-11-21T10:00:00Z\n"), md);
        assertTrue(md.contains("Test CPU @ 1GHz, 2 logical CPUs, 2.0 GiB memory; Linux 6.1.0; Debian 12; load average"
                + " 0.50, 0.40, 0.30 at the start\n"), md);
        assertTrue(md.contains("JDK Vendor 25 (/jdk)"), md);
        assertTrue(md.contains("- **tgtd**: 1.0.85 (package tgt 1:1.0.85)"), md);
        assertTrue(md.contains("scstj port 40841, tgtd port 45363"), md);
        assertTrue(md.contains("2 rounds per workload, each one run of 10 s"), md);
        assertTrue(md.contains("| workload | scstj | tgtd | ratio | scstj CPU µs/IO | tgtd CPU µs/IO | CPU ratio |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
                + "| 4 KiB random read, QD 32 (IOPS) | 100,000 ±10.0% | 50,000 ±0.0% | 2.00× | 11.0 ±9.1% | 26.0 ±3.8% | 0.42× |\n"), md);
        assertTrue(md.contains("```sh\niscsi-perf -t 10 -x 0 -m 32 -b 8 -r iscsi://127.0.0.1:PORT/iqn.2026-11.org.scstj:bench/1"
                + "    # read4k-qd32\n"), md);
        assertTrue(md.contains("sessions command    # sessions, NN = 1..64"), md);
        assertTrue(md.contains("- a note of the run\n"), md);
        assertEquals(5, md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| workload") && !l.startsWith("| ---"))
                .count());
    }

    @Test
    void ratioAndNumbers() {
        assertEquals("–", MarkdownReport.ratio(1, 0));
        assertEquals("0.33×", MarkdownReport.ratio(1, 3));
        assertEquals("1,234,568", MarkdownReport.number(1_234_567.6, 0));
        assertEquals("12.3", MarkdownReport.number(12.34, 1));
    }

    @Test
    void stats() {
        Stats s = Stats.of(List.of(1.0, 3.0, 2.0), Double::doubleValue);
        assertEquals(new Stats(2.0, 1.0, 3.0, 3), s);
        assertEquals(50.0, s.spreadPercent(), 1e-9);
    }

    @Test
    void latencyOverhead_tableOfOffAndOnWithTheirRatio() {
        Report.LatencyOverhead l = new Report.LatencyOverhead(Workload.READ_4K_QD32,
                List.of(new Run(100_000, 1_000_000, 10.0), new Run(100_000, 1_000_000, 10.0)),
                List.of(new Run(98_000, 980_000, 10.5), new Run(96_000, 960_000, 10.5)), "perf command");
        Report r = new Report(MACHINE, OPTIONS, 100, 1, 2, 3, List.of(), Optional.empty(), List.of(), Optional.of(l));
        String md = MarkdownReport.render(r);
        assertTrue(md.contains("| off | 100,000 ±0.0% | 10.0 ±0.0% |"), md);
        assertTrue(md.contains("| on | 97,000 ±1.0% | 10.5 ±0.0% |"), md);
        assertTrue(md.contains("| on / off | 0.97× | 1.05× |"), md);
        assertTrue(md.contains("`perf command`"), md);
        assertTrue(!MarkdownReport.render(report()).contains("Latency measurement"));
    }
}
