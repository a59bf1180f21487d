package org.scstj.bench.conformance;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The matrix as Markdown: the configurations and their counts, then one row per libiscsi suite
 * ({@code FAMILY.SUITE}) with its tests passed, skipped (with the distinct skip reasons and how
 * many tests gave each) and failed, merged over the configurations, a totals row of distinct
 * tests, the failed tests with their first failure lines, and the notes.
 */
final class MarkdownTable {
    /** Failure lines shown per test and configuration. */
    static final int FAILURE_LINES = 4;

    private MarkdownTable() {
    }

    static String render(MatrixReport report) {
        StringBuilder md = new StringBuilder();
        md.append("## Conformance matrix: ").append(report.tool()).append("\n\n");
        md.append(report.started().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)))
                .append(", ").append(duration(report.duration())).append(" in all; scstj started as `")
                .append(report.launch()).append("`. Every configuration's tests ran with `iscsi-test-cu -V -d -S`, from family ")
                .append(Configuration.FAMILY).append(" (it lists each distinct test once).\n\n");

        md.append("| configuration | LUN | device | tests | passed | skipped | failed | time |\n");
        md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (ConfigurationRun run : report.runs()) {
            Configuration c = run.configuration();
            CuOutput o = run.output();
            md.append("| ").append(c.id).append(" | ").append(c.lun).append(" | ").append(c.handler).append(": ")
                    .append(c.description).append(" | ").append(o.results().size()).append(" | ")
                    .append(o.count(Verdict.PASSED)).append(" | ").append(o.count(Verdict.SKIPPED)).append(" | ")
                    .append(o.count(Verdict.FAILED)).append(" | ").append(seconds(run.duration())).append(" |\n");
        }
        md.append('\n');

        md.append("| suite | passed | skipped | failed |\n");
        md.append("| --- | ---: | --- | ---: |\n");
        Map<String, List<MergedTest>> bySuite = new LinkedHashMap<>();
        for (MergedTest t : report.merged()) {
            bySuite.computeIfAbsent(t.id().familySuite(), k -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<String, List<MergedTest>> e : bySuite.entrySet()) {
            List<MergedTest> tests = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(count(tests, Verdict.PASSED)).append(" | ")
                    .append(skipped(tests)).append(" | ").append(count(tests, Verdict.FAILED)).append(" |\n");
        }
        List<MergedTest> distinct = report.distinct();
        md.append("| **distinct tests: ").append(distinct.size()).append("** | **").append(count(distinct, Verdict.PASSED))
                .append("** | **").append(count(distinct, Verdict.SKIPPED)).append("** | **")
                .append(count(distinct, Verdict.FAILED)).append("** |\n");

        List<MergedTest> failed = report.merged().stream().filter(t -> t.verdict() == Verdict.FAILED).toList();
        if (!failed.isEmpty()) {
            md.append("\n### Failed tests\n\n");
            for (MergedTest t : failed) {
                md.append("- `").append(t.id()).append("` failed in ").append(String.join(", ", t.failures().keySet()))
                        .append(" (ran in ").append(String.join(", ", t.configurations())).append(")\n");
                for (Map.Entry<String, List<String>> f : t.failures().entrySet()) {
                    List<String> lines = f.getValue();
                    md.append("  - ").append(f.getKey()).append(":\n");
                    for (String line : lines.subList(0, Math.min(FAILURE_LINES, lines.size()))) {
                        md.append("    `").append(line.replace("`", "'")).append("`\n");
                    }
                    if (lines.size() > FAILURE_LINES) {
                        md.append("    (").append(lines.size() - FAILURE_LINES).append(" more)\n");
                    }
                }
            }
        }

        if (!report.errors().isEmpty()) {
            md.append("\n### Harness errors\n\n");
            for (String error : report.errors()) {
                md.append("- ").append(error.lines().findFirst().orElse("")).append('\n');
            }
        }
        if (!report.notes().isEmpty()) {
            md.append("\n### Notes\n\n");
            for (String note : report.notes()) {
                md.append("- ").append(note).append('\n');
            }
        }
        return md.toString();
    }

    private static long count(List<MergedTest> tests, Verdict verdict) {
        return tests.stream().filter(t -> t.verdict() == verdict).count();
    }

    /**
     * "N (reason)" or "N (reason: k; other reason: m)", reasons in order of first appearance; a test
     * that gave several reasons shows them joined by " / ".
     */
    static String skipped(List<MergedTest> tests) {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        long n = 0;
        for (MergedTest t : tests) {
            if (t.verdict() == Verdict.SKIPPED) {
                n++;
                String reason = t.skipReasons().isEmpty() ? "no reason given" : String.join(" / ", t.skipReasons());
                reasons.merge(reason, 1, Integer::sum);
            }
        }
        if (n == 0) {
            return "0";
        }
        String text = reasons.size() == 1
                ? reasons.keySet().iterator().next()
                : reasons.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
        return n + " (" + text.replace("|", "\\|") + ")";
    }

    static String duration(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        return s < 60 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
