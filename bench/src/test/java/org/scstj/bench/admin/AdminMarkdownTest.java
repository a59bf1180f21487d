package org.scstj.bench.admin;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminMarkdownTest {

    private static AdminReport report(List<Long> tree) {
        return new AdminReport(ZonedDateTime.of(2026, 12, 6, 15, 30, 0, 0, ZoneOffset.UTC), "Some CPU, 2 logical CPUs",
                "./scstj serve -c FILE", "SIGTERM stopped it in 0.2 s, exit status 0", 1000, "vdisk_nullio of 1G each",
                List.of(new AdminReport.Row("first 50 device additions", new Latency(50, 12_340_000, 15_000_000, 40_000_000)),
                        new AdminReport.Row("the extra LUN (LUN 1001)", new Latency(1, 13_000_000, 13_000_000, 13_000_000))),
                Duration.ofMillis(30_030), 2002, 262_144, 307_200, 358_400, 51_200, 80_896, 10, tree, 2_097_152);
    }

    @Test
    void render_hasTheLatencyTableInMilliseconds() {
        String md = AdminMarkdown.render(report(List.of(45_600_000L)));
        assertTrue(md.startsWith("## Admin plane at scale: 1000 devices and 1000 LUNs, then one more\n"), md);
        assertTrue(md.contains("2026-12-06 15:30 Z, Some CPU, 2 logical CPUs"), md);
        assertTrue(md.contains("(at the end SIGTERM stopped it in 0.2 s, exit status 0). Devices: vdisk_nullio of 1G each."), md);
        assertTrue(md.contains("| first 50 device additions | 50 | 12.34 ms | 15.00 ms | 40.00 ms |\n"), md);
        assertTrue(md.contains("| the extra LUN (LUN 1001) | 1 | 13.00 ms | 13.00 ms | 13.00 ms |\n"), md);
    }

    @Test
    void render_hasTheTotalsMemoryFileAndTree() {
        String md = AdminMarkdown.render(report(List.of(45_600_000L, 20_000_000L, 19_500_000L)));
        assertTrue(md.contains("| all 2002 changes | 30.0 s (15.00 ms a change) |\n"), md);
        assertTrue(md.contains("| daemon RSS at start | 256.0 MiB |\n"), md);
        assertTrue(md.contains("| daemon RSS after every change | 300.0 MiB (peak 350.0 MiB) |\n"), md);
        assertTrue(md.contains("| daemon heap in use after a full GC at the end (`jcmd GC.run`, `GC.heap_info`) | 50.0 MiB |\n"), md);
        assertTrue(md.contains("| configuration file at the end | 79.0 KiB (10 older versions beside it) |\n"), md);
        assertTrue(md.contains("| `GET /api/v1/tree?depth=12` at the end | 45.60 ms (then 20.00 ms, 19.50 ms), 2048.0 KiB |\n"), md);
    }

    @Test
    void render_everyTableRowHasAsManyCellsAsItsHeader() {
        String md = AdminMarkdown.render(report(List.of(1_000_000L)));
        for (String table : md.split("\n\n")) {
            List<String> rows = table.lines().filter(l -> l.startsWith("|")).toList();
            if (rows.isEmpty()) {
                continue;
            }
            long cells = cells(rows.getFirst());
            for (String row : rows) {
                assertEquals(cells, cells(row), row);
            }
        }
    }

    @Test
    void config_hasLunZeroOnNullioAndTheAdminApiOnAnyPort() {
        String conf = AdminScale.config(Path.of("/tmp/x/state"), 3999);
        assertTrue(conf.contains("admin.listen = \"127.0.0.1:0\""), conf);
        assertTrue(conf.contains("vdisk_nullio { lun0 { size = 1G } }"), conf);
        assertTrue(conf.contains("portals = [\"127.0.0.1:3999\"]"), conf);
        assertTrue(conf.contains("\"" + AdminScale.IQN + "\" { luns { 0 = lun0 } }"), conf);
        assertEquals("d01001", AdminScale.deviceName(1001));
    }

    private static long cells(String row) {
        return row.chars().filter(c -> c == '|').count();
    }
}
