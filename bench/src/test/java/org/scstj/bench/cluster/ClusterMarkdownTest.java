package org.scstj.bench.cluster;

import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.scstj.bench.cluster.ClusterReport.FailoverRound;
import org.scstj.bench.cluster.ClusterReport.Kind;
import org.scstj.bench.cluster.ClusterReport.Throughput;
import org.scstj.bench.compare.Machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterMarkdownTest {
    private static final Machine MACHINE = new Machine("Test CPU", 2, 24L << 20, "6.1.0", "Debian 13", "Temurin 25",
            "commit abc1234; `java ...`", "?", "iscsi-perf from libiscsi-bin 1.19.0-3, qemu-img version 9.2",
            "3.10, 2.50, 2.00", ZonedDateTime.parse("2026-12-07T03:10:00Z"));

    private static ClusterReport report(List<FailoverRound> kills, List<FailoverRound> leaves, int killRounds,
                                        List<String> notes) {
        ClusterOptions options = ClusterOptions.parse(List.of("--runs", "3", "--seconds", "10",
                "--kill-rounds", Integer.toString(killRounds), "--leave-rounds", "2", "--launcher", ""));
        return new ClusterReport(MACHINE, options, "4.00, 3.00, 2.50",
                List.of(new Throughput("4 KiB random read, QD 32", List.of(10000.0, 12000.0, 11000.0),
                                List.of(9000.0, 10000.0, 11000.0), "iscsi-perf ..."),
                        new Throughput("4 KiB scattered write, QD 32", List.of(8000.0), List.of(6400.0), "qemu-img ...")),
                kills, leaves, List.of(12.0, 14.0), notes);
    }

    @Test
    void throughput_mediansMeanSpreadAndTheRatioAgainstTheGoal() {
        String md = ClusterMarkdown.render(report(List.of(), List.of(), 0, List.of()));
        assertTrue(md.contains("| 4 KiB random read, QD 32 | 11,000 (11,000 ±9.1%) | 10,000 (10,000 ±10.0%) | 0.91× (meets ≥ 0.90×) |"),
                md);
        assertTrue(md.contains("| 4 KiB scattered write, QD 32 | 8,000 | 6,400 | 0.80× (misses ≥ 0.90×) |"), md);
        assertTrue(md.contains("3.10, 2.50, 2.00 at the start, 4.00, 3.00, 2.50 at the end"), md);
        assertTrue(md.contains("single 10,000, 12,000, 11,000; cluster 9,000, 10,000, 11,000"), md);
        assertTrue(!md.contains("kill -9 of the owner |"), "no kill row when no kill rounds were asked for:\n" + md);
    }

    @Test
    void failover_medianP95MinMax_roundsAndGoals() {
        List<FailoverRound> kills = List.of(new FailoverRound(Kind.KILL, 1, 7.5, "n3", "n3 02/04/0B x50"),
                new FailoverRound(Kind.KILL, 2, 8.25, "n3", "n3 02/04/0A"),
                new FailoverRound(Kind.KILL, 3, 11.0, "n3", "none"));
        List<FailoverRound> leaves = List.of(new FailoverRound(Kind.LEAVE, 1, 1.5, "n3", "none"));
        String md = ClusterMarkdown.render(report(kills, leaves, 3, List.of("leave round 2 failed: x")));
        assertTrue(md.contains("| kill -9 of the owner | 3 | 8.25 s | 11.00 s | 7.50 s | 11.00 s | < 10 s: missed (p95) |"),
                md);
        assertTrue(md.contains("| planned leave of the owner | 1 of 2 | 1.50 s | 1.50 s | 1.50 s | 1.50 s | < 2 s: met (p95) |"),
                md);
        assertTrue(md.contains("| 2 | kill -9 | 8.25 | n3 | n3 02/04/0A |"), md);
        assertTrue(md.contains("relaunch of the owner → cluster whole, failback done | 2 | 13.00 s | 14.00 s | 12.00 s | 14.00 s |"), md);
        assertTrue(md.contains("- leave round 2 failed: x"), md);
    }

    @Test
    void noThroughputRuns_noThroughputSection() {
        ClusterReport full = report(List.of(), List.of(), 0, List.of());
        ClusterReport failoverOnly = new ClusterReport(full.machine(), full.options(), full.loadEnd(), List.of(),
                full.kills(), full.leaves(), full.rejoins(), full.notes());
        String md = ClusterMarkdown.render(failoverOnly);
        assertTrue(!md.contains("## Throughput"), md);
        assertTrue(md.contains("## Failover"), md);
    }

    @Test
    void fold_foldsRepeats() {
        assertEquals("n3 02/04/0B x3, n3 02/04/0A, n1 connection: IOException x2",
                ClusterMarkdown.fold(List.of("n3 02/04/0B", "n3 02/04/0B", "n3 02/04/0B", "n3 02/04/0A",
                        "n1 connection: IOException", "n1 connection: IOException")));
        assertEquals("none", ClusterMarkdown.fold(List.of()));
        java.util.Map<String, List<String>> byNode = new java.util.LinkedHashMap<>();
        byNode.put("n1", List.of("02/04/0B", "02/04/0B", "06/2A/06"));
        byNode.put("n3", List.of());
        assertEquals("n1: 02/04/0B x2, 06/2A/06; n3: none", ClusterMarkdown.foldByNode(byNode));
    }
}
