package org.scstj.bench.admin;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** An {@link AdminReport} as Markdown: a heading, what ran where, the latency table and the totals. */
final class AdminMarkdown {
    private AdminMarkdown() {
    }

    static String render(AdminReport r) {
        StringBuilder md = new StringBuilder();
        md.append("## Admin plane at scale: ").append(r.devices()).append(" devices and ").append(r.devices())
                .append(" LUNs, then one more\n\n");
        md.append(r.date().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT))).append(", ")
                .append(r.machine()).append("; scstj started as `").append(r.launch()).append("` (at the end ").append(r.stop())
                .append("). Devices: ")
                .append(r.device()).append(". One request at a time over HTTP/1.1 on loopback: first every device")
                .append(" (`PUT /api/v1/devices/NAME`), then every LUN (`PUT /api/v1/targets/IQN/luns/N`), then the")
                .append(" extra device and its LUN. Each change validates the whole configuration, applies it and")
                .append(" rewrites the configuration file.\n\n");

        md.append("| changes | count | median | p90 | max |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (AdminReport.Row row : r.rows()) {
            Latency l = row.latency();
            md.append("| ").append(row.what()).append(" | ").append(l.count()).append(" | ").append(millis(l.median()))
                    .append(" | ").append(millis(l.p90())).append(" | ").append(millis(l.max())).append(" |\n");
        }
        md.append('\n');

        md.append("| measure | value |\n");
        md.append("| --- | ---: |\n");
        md.append("| all ").append(r.changes()).append(" changes | ")
                .append(String.format(Locale.ROOT, "%.1f s", r.total().toNanos() / 1e9)).append(" (")
                .append(millis(r.total().toNanos() / Math.max(1, r.changes()))).append(" a change) |\n");
        md.append("| daemon RSS at start | ").append(mib(r.rssStartKib())).append(" |\n");
        md.append("| daemon RSS after every change | ").append(mib(r.rssEndKib())).append(" (peak ")
                .append(mib(r.hwmEndKib())).append(") |\n");
        md.append("| daemon heap in use after a full GC at the end (`jcmd GC.run`, `GC.heap_info`) | ")
                .append(r.liveHeapKib() < 0 ? "unknown" : mib(r.liveHeapKib())).append(" |\n");
        md.append("| configuration file at the end | ").append(kib(r.configBytes())).append(" (").append(r.configVersions())
                .append(" older versions beside it) |\n");
        md.append("| `GET /api/v1/tree?depth=12` at the end | ").append(millis(r.treeNanos().getFirst()));
        if (r.treeNanos().size() > 1) {
            md.append(" (then ");
            for (int i = 1; i < r.treeNanos().size(); i++) {
                md.append(i > 1 ? ", " : "").append(millis(r.treeNanos().get(i)));
            }
            md.append(')');
        }
        md.append(", ").append(kib(r.treeBytes())).append(" |\n");
        return md.toString();
    }

    /** Nanoseconds as milliseconds with two decimals. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String mib(long kib) {
        return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
