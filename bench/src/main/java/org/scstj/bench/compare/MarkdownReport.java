package org.scstj.bench.compare;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Report} as Markdown: a header naming the machine, software and method, the table
 * (workload | scstj | tgtd | ratio | scstj CPU µs/IO | tgtd CPU µs/IO | CPU ratio), the exact
 * client commands and notes.
 */
final class MarkdownReport {
    /** The table's column titles. */
    static final List<String> COLUMNS = List.of("workload", "scstj", "tgtd", "ratio", "scstj CPU µs/IO",
            "tgtd CPU µs/IO", "CPU ratio");

    private MarkdownReport() {
    }

    /** The whole report. */
    static String render(Report report) {
        StringBuilder md = new StringBuilder();
        CompareOptions o = report.options();
        Machine m = report.machine();
        md.append("# scstj vs tgtd, end to end\n\n");
        md.append("- **Date**: ").append(m.date().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n');
        md.append("- **Machine**: ").append(m.cpuModel()).append(", ").append(m.cores()).append(" logical CPUs, ")
                .append(String.format(Locale.ROOT, "%.1f GiB", m.memoryKib() / 1048576.0)).append(" memory; Linux ")
                .append(m.kernel()).append("; ").append(m.os()).append("; load average ").append(m.load())
                .append(" at the start\n");
        md.append("- **scstj**: ").append(m.scstj()).append("; JDK ").append(m.jdk()).append('\n');
        md.append("- **tgtd**: ").append(m.tgtd()).append(", LUN 1 `--bstype rdwr --blocksize 512`, LUN 2 `--bstype null`,")
                .append(" control port ").append(report.tgtdControl()).append('\n');
        md.append("- **Clients**: ").append(m.clients()).append('\n');
        md.append("- **Setup**: both targets on 127.0.0.1 (scstj port ").append(report.scstjPort()).append(", tgtd port ")
                .append(report.tgtdPort()).append("), target `").append(Target.IQN).append("`: LUN 1 a ")
                .append(size(o.sizeBytes())).append(" file on tmpfs (one per target, identical, fully written),")
                .append(" LUN 2 a null device (1 TiB, no storage); 512-byte blocks; no digests (the clients offer None first)\n");
        md.append("- **Method**: ").append(o.rounds()).append(o.rounds() == 1 ? " round" : " rounds")
                .append(" per workload, each one run of ").append(o.seconds())
                .append(" s against scstj then one against tgtd; ");
        md.append(o.warmup() > 0 ? o.warmup() + " s unmeasured warm-up per target before each workload's rounds"
                : "no warm-up");
        md.append(" (for qemu-img, its calibration runs instead). Target CPU = utime + stime of the whole target process")
                .append(" (all threads) and of the processes it started, from /proc/PID/stat over the client's run,"
                        + " divided by the I/Os it completed")
                .append(" (CLK_TCK ").append(report.ticksPerSecond()).append(")")
                .append(o.quick() ? ". **Quick mode: a smoke test, not a measurement.**" : ".").append("\n\n");

        md.append(row(COLUMNS));
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (List<String> cells : rows(report)) {
            md.append(row(cells));
        }
        md.append('\n');
        md.append("ratio = scstj / tgtd (above 1: scstj does more); CPU ratio = scstj / tgtd CPU time per I/O")
                .append(" (below 1: scstj spends less); ± = half the range over the rounds, relative to the mean.\n\n");

        report.latency().ifPresent(l -> md.append(latency(l)));

        md.append("Client commands (PORT = ").append(report.scstjPort()).append(" for scstj, ").append(report.tgtdPort())
                .append(" for tgtd):\n\n```sh\n");
        for (WorkloadResult r : report.results()) {
            md.append(r.command()).append("    # ").append(r.workload().id).append('\n');
        }
        report.sessions().ifPresent(s -> md.append(s.command()).append("    # ").append(Workload.SESSIONS.id)
                .append(", NN = 1..").append(o.sessions()).append(" at once, against freshly started targets\n"));
        md.append("```\n");

        List<String> notes = new ArrayList<>();
        if (report.results().stream().anyMatch(r -> r.workload().client == Workload.Client.QEMU_IMG_BENCH)) {
            notes.add("Writes use `qemu-img bench -w`, which has no random mode: offsets are sequential (step = request"
                    + " size) and wrap at the end of the LUN.");
        }
        if (report.results().stream().anyMatch(r -> r.workload().client == Workload.Client.ISCSI_PERF)) {
            notes.add("`iscsi-perf` issues READ(16) at `rand() % blocks`, so 4 KiB random reads are not 4 KiB-aligned;"
                    + " `-x 0` makes a dropped connection an error instead of a silent reconnect; its IOPS is its own"
                    + " average over the run (`-t`), I/Os = IOPS × seconds.");
        }
        report.sessions().ifPresent(s -> notes.add("Sessions: each target restarted fresh before it; peak RSS is VmHWM"
                + " from /proc/PID/status at the end (since the process started), with the largest VmRSS sampled every"
                + " 200 ms during the run and VmRSS before the clients (idle) in parentheses; IOPS is the sum of the"
                + " clients' averages. iscsi-perf seeds"
                + " rand() with the time in seconds, so clients started in the same second read the same LBA sequence."));
        notes.addAll(report.notes());
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n\n");
            for (String note : notes) {
                md.append("- ").append(note).append('\n');
            }
        }
        return md.toString();
    }

    /** The table's rows after the header, one list of cells each. */
    static List<List<String>> rows(Report report) {
        List<List<String>> rows = new ArrayList<>();
        for (WorkloadResult r : report.results()) {
            Workload w = r.workload();
            Stats a = r.scstjRate();
            Stats b = r.tgtdRate();
            Stats ca = Stats.of(r.scstj(), Run::cpuMicrosPerIo);
            Stats cb = Stats.of(r.tgtd(), Run::cpuMicrosPerIo);
            String unit = switch (w.unit) {
                case IOPS -> "IOPS";
                case IOPS_AND_LATENCY -> "IOPS; mean latency";
                case MIB_PER_SECOND -> "MiB/s";
            };
            rows.add(List.of(w.title(report.options().sessions()) + " (" + unit + ")",
                    rate(a, w.unit), rate(b, w.unit), ratio(a.mean(), b.mean()),
                    micros(ca), micros(cb), ratio(ca.mean(), cb.mean())));
        }
        report.sessions().ifPresent(s -> {
            String title = Workload.SESSIONS.title(report.options().sessions());
            Run a = s.scstj().run();
            Run b = s.tgtd().run();
            rows.add(List.of(title + " (total IOPS)", number(a.iops(), 0), number(b.iops(), 0), ratio(a.iops(), b.iops()),
                    number(a.cpuMicrosPerIo(), 1), number(b.cpuMicrosPerIo(), 1),
                    ratio(a.cpuMicrosPerIo(), b.cpuMicrosPerIo())));
            rows.add(List.of(title + ": peak RSS (MiB)", rss(s.scstj()), rss(s.tgtd()),
                    ratio(s.scstj().hwmKib(), s.tgtd().hwmKib()), "", "", ""));
        });
        return rows;
    }

    /** The latency measurement's overhead: scstj alone, measurement off and on in alternate runs. */
    static String latency(Report.LatencyOverhead l) {
        Stats off = Stats.of(l.off(), Run::iops);
        Stats on = Stats.of(l.on(), Run::iops);
        Stats offCpu = Stats.of(l.off(), Run::cpuMicrosPerIo);
        Stats onCpu = Stats.of(l.on(), Run::cpuMicrosPerIo);
        StringBuilder md = new StringBuilder();
        md.append("Latency measurement (docs/latency.md), scstj alone, ").append(l.workload().title(0))
                .append(", measurement off and on in alternate runs (`scstj admin latency --on/--off` between them,")
                .append(" the order swapped each round):\n\n");
        md.append(row(List.of("measurement", "IOPS", "CPU µs/IO")));
        md.append("| --- | ---: | ---: |\n");
        md.append(row(List.of("off", rate(off, Workload.Unit.IOPS), micros(offCpu))));
        md.append(row(List.of("on", rate(on, Workload.Unit.IOPS), micros(onCpu))));
        md.append(row(List.of("on / off", ratio(on.mean(), off.mean()), ratio(onCpu.mean(), offCpu.mean()))));
        md.append("\n`").append(l.command()).append("`\n\n");
        return md.toString();
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String rate(Stats s, Workload.Unit unit) {
        String cell = number(s.mean(), 0) + spread(s);
        if (unit == Workload.Unit.IOPS_AND_LATENCY) {
            cell += " (" + number(1e6 / s.mean(), 1) + " µs)";
        }
        return cell;
    }

    private static String micros(Stats s) {
        return number(s.mean(), 1) + spread(s);
    }

    private static String spread(Stats s) {
        return s.n() > 1 ? String.format(Locale.ROOT, " ±%.1f%%", s.spreadPercent()) : "";
    }

    private static String rss(SessionsResult r) {
        return number(r.hwmKib() / 1024.0, 1) + " (" + number(r.sampledMaxKib() / 1024.0, 1) + "; idle "
                + number(r.idleKib() / 1024.0, 1) + ")";
    }

    /** {@code a / b} as "1.23×", or "–" when {@code b} is 0. */
    static String ratio(double a, double b) {
        return b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    /** A number with thousands separators and {@code decimals} decimals. */
    static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static String size(long bytes) {
        return bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
