package org.scstj.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.scstj.bench.cluster.ClusterReport.FailoverRound;
import org.scstj.bench.cluster.ClusterReport.Throughput;
import org.scstj.bench.compare.Machine;
import org.scstj.bench.compare.Stats;

/** The Markdown report of a {@code bench cluster} run. */
final class ClusterMarkdown {
    /** The throughput goal: the cluster node at least this fraction of the single node (design 6.4). */
    static final double RATIO_GOAL = 0.9;
    /** Goal for kill -9: seconds to GOOD (design Appendix B). */
    static final double KILL_GOAL = 10;
    /** Goal for a planned leave. */
    static final double LEAVE_GOAL = 2;

    private ClusterMarkdown() {
    }

    static String render(ClusterReport r) {
        Machine m = r.machine();
        ClusterOptions o = r.options();
        StringBuilder md = new StringBuilder();
        md.append("# scstj cluster benchmark\n\n");
        md.append("- Date: ").append(m.date().withNano(0)).append('\n');
        md.append("- Machine: ").append(m.cpuModel()).append(", ").append(m.cores()).append(" logical CPUs, ")
                .append(m.memoryKib() >> 20).append(" GiB; ").append(m.os()).append(", Linux ").append(m.kernel())
                .append('\n');
        md.append("- Load average (1, 5, 15 min): ").append(m.load()).append(" at the start, ").append(r.loadEnd())
                .append(" at the end\n");
        md.append("- JDK: ").append(m.jdk()).append('\n');
        md.append("- scstj (node n1): ").append(m.scstj()).append('\n');
        md.append("- Clients: iscsi-perf, qemu-img bench (").append(m.clients().replaceFirst("^iscsi-perf from ", ""))
                .append(")\n");
        md.append("- Cluster: n1, n2, n3 on 127.0.0.1, .2, .3, each its own daemon (JVM); lease ")
                .append(ClusterConfig.LEASE).append(", failover-timing ").append(ClusterConfig.FAILOVER_TIMING)
                .append("; ALUA transition-delay ").append(ClusterConfig.TRANSITION_DELAY)
                .append("; device group `throughput` active-standby owned by n1, `failover` active-standby with")
                .append(" preferred nodes ").append(ClusterConfig.FAILOVER_PREFERRED).append(" and failback on\n");
        md.append("- Single-node daemon: 127.0.0.4, no cluster block, no ALUA\n");
        md.append(String.format(Locale.ROOT, "- LU: vdisk_fileio on a %d MiB tmpfs file (one per side, identical),"
                + " %d-byte blocks; %d run(s) × %d s per workload and side, alternating single, cluster; %d s warm-up%n",
                o.sizeBytes() >> 20, ClusterConfig.BLOCK_SIZE, o.runs(), o.seconds(), o.warmup()));
        if (!r.throughput().isEmpty()) {
            md.append("\n## Throughput: node n1 of the cluster against a single-node daemon\n\n");
            md.append("| workload | single node IOPS | cluster (n1) IOPS | cluster / single |\n");
            md.append("| --- | ---: | ---: | ---: |\n");
            for (Throughput t : r.throughput()) {
                double ratio = Percentiles.of(t.cluster()).median() / Percentiles.of(t.single()).median();
                md.append(row(List.of(t.title(), iops(t.single()), iops(t.cluster()), String.format(Locale.ROOT,
                        "%.2f× (%s ≥ %.2f×)", ratio, ratio >= RATIO_GOAL ? "meets" : "misses", RATIO_GOAL))));
            }
            md.append("\nIOPS: median of the runs (mean ± half the range, as % of the mean); the ratio is of the medians.\n\n");
            for (Throughput t : r.throughput()) {
                md.append("- ").append(t.title()).append(": single ").append(list(t.single())).append("; cluster ")
                        .append(list(t.cluster())).append("; `").append(t.command()).append("`\n");
            }
        }
        md.append("\n## Failover: the failover device group's owner (n2) goes\n\n");
        md.append("Seconds from the kill (SIGKILL of n2's JVM) or the leave request (`scstj admin cluster leave` on n2)"
                + " to the first GOOD WRITE(10) through another node's path; the initiator (one session per surviving"
                + " node, opened before) retries every 100 ms on 04/0A, 04/0B, unit attentions and connection"
                + " errors. n2 is relaunched after each round and the next round waits until the cluster is whole"
                + " and n2 owns the group again (failback).\n\n");
        md.append("| event | rounds | median | p95 | min | max | goal |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        failoverRow(md, "kill -9 of the owner", r.kills(), o.killRounds(), KILL_GOAL);
        failoverRow(md, "planned leave of the owner", r.leaves(), o.leaveRounds(), LEAVE_GOAL);
        if (!r.rejoins().isEmpty()) {
            Percentiles p = Percentiles.of(r.rejoins());
            md.append(row(List.of("relaunch of the owner → cluster whole, failback done", Integer.toString(p.n()),
                    seconds(p.median()), seconds(p.p95()), seconds(p.min()), seconds(p.max()), "")));
        }
        md.append("\np95 by nearest rank: with fewer than 20 rounds it is the maximum.\n");
        List<FailoverRound> rounds = new ArrayList<>(r.kills());
        rounds.addAll(r.leaves());
        if (!rounds.isEmpty()) {
            md.append("\n| round | event | s | GOOD through | answers before |\n| ---: | --- | ---: | --- | --- |\n");
            for (FailoverRound f : rounds) {
                md.append(row(List.of(Integer.toString(f.round()), f.kind() == ClusterReport.Kind.KILL ? "kill -9"
                        : "leave", String.format(Locale.ROOT, "%.2f", f.seconds()), f.node(), f.seen())));
            }
        }
        if (!r.notes().isEmpty()) {
            md.append("\nNotes:\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void failoverRow(StringBuilder md, String event, List<FailoverRound> rounds, int planned, double goal) {
        if (planned == 0) {
            return;
        }
        String count = rounds.size() == planned ? Integer.toString(planned) : rounds.size() + " of " + planned;
        if (rounds.isEmpty()) {
            md.append(row(List.of(event, count, "–", "–", "–", "–", "< " + number(goal) + " s")));
            return;
        }
        Percentiles p = Percentiles.of(rounds.stream().map(FailoverRound::seconds).toList());
        md.append(row(List.of(event, count, seconds(p.median()), seconds(p.p95()), seconds(p.min()), seconds(p.max()),
                "< " + number(goal) + " s: " + (p.p95() < goal ? "met" : "missed") + " (p95)")));
    }

    /** Median with the mean and spread of {@link Stats}. */
    static String iops(List<Double> runs) {
        Stats s = Stats.of(runs, Double::doubleValue);
        String median = String.format(Locale.ROOT, "%,.0f", Percentiles.of(runs).median());
        return runs.size() > 1
                ? median + String.format(Locale.ROOT, " (%,.0f ±%.1f%%)", s.mean(), s.spreadPercent())
                : median;
    }

    private static String list(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).collect(Collectors.joining(", "));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /** Each path's answers, folded: "n1: 02/04/0B x70, 06/2A/06; n3: 02/04/0B x68, 02/04/0A x3, 06/2A/06". */
    static String foldByNode(java.util.Map<String, List<String>> seen) {
        return seen.entrySet().stream().map(e -> e.getKey() + ": " + fold(e.getValue()))
                .collect(Collectors.joining("; "));
    }

    /** Answers in order with repeats folded: "n3 02/04/0B x12, n3 02/04/0A". */
    static String fold(List<String> seen) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < seen.size(); ) {
            int j = i;
            while (j < seen.size() && seen.get(j).equals(seen.get(i))) {
                j++;
            }
            b.append(b.isEmpty() ? "" : ", ").append(seen.get(i)).append(j - i > 1 ? " x" + (j - i) : "");
            i = j;
        }
        return b.isEmpty() ? "none" : b.toString();
    }
}
