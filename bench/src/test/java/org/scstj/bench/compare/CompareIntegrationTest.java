package org.scstj.bench.compare;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real comparison, {@code --quick}: scstj (from this class path) and a private tgtd on
 * loopback, driven by iscsi-perf and qemu-img. Every row of the table must carry numbers above
 * zero, and nothing may be left running or on tmpfs afterwards.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class CompareIntegrationTest {
    private static final Pattern NUMBER = Pattern.compile("^([0-9][0-9,]*(?:\\.[0-9]+)?)");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void quickComparison_everyRowHasNumbersAndNothingIsLeftBehind(@TempDir Path dir) throws Exception {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "scstj-compare-it-");
        Path report = dir.resolve("report.md");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status;
        Set<Path> left;
        try {
            status = CompareCommand.run(List.of("--quick", "--launcher", "", "--dir", shm.toString(), "--out", report.toString()),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
            left = contents(shm);
        } finally {
            BackingFiles.deleteTree(shm);
        }
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(CompareCommand.OK, status, progress);
        assertEquals(Set.of(), left, "backing files left on tmpfs");

        String markdown = Files.readString(report);
        assertEquals(markdown, stdout.toString(StandardCharsets.UTF_8));
        List<List<String>> rows = tableRows(markdown);
        assertEquals(Workload.alternating().size() + 2, rows.size(), markdown);
        for (List<String> row : rows) {
            assertEquals(MarkdownReport.COLUMNS.size(), row.size(), row.toString());
            boolean rssRow = row.getFirst().endsWith("peak RSS (MiB)");
            for (int i = 1; i < row.size(); i++) {
                if (rssRow && i > 3) {
                    assertEquals("", row.get(i), row.toString());
                    continue;
                }
                Matcher m = NUMBER.matcher(row.get(i));
                assertTrue(m.find(), "no number in column " + MarkdownReport.COLUMNS.get(i) + ": " + row);
                assertTrue(Double.parseDouble(m.group(1).replace(",", "")) > 0,
                        "zero in column " + MarkdownReport.COLUMNS.get(i) + ": " + row + "\n" + markdown);
            }
        }
        for (Workload w : Workload.values()) {
            assertTrue(markdown.contains("    # " + w.id), "command of " + w.id + " in\n" + markdown);
        }

        assertFalse(ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive), "a target or client still runs");
    }

    @Test
    void clientsAgainstNoTarget_failInsteadOfReportingZeros(@TempDir Path dir) throws Exception {
        ChildProcesses children = new ChildProcesses();
        Clients clients = new Clients(children, dir);
        String url = "iscsi://127.0.0.1:" + Portal.freePort() + "/" + Target.IQN + "/1";
        BenchFailure read = assertThrows(BenchFailure.class,
                () -> clients.runIscsiPerf(Clients.iscsiPerf(Workload.READ_4K_QD32, url, 1, Optional.empty()), 1));
        assertTrue(read.getMessage().contains("iscsi-perf"), read.getMessage());
        BenchFailure write = assertThrows(BenchFailure.class,
                () -> clients.runQemuImgBench(Clients.qemuImgBench(Workload.WRITE_4K_QD32, url, 10), Duration.ofMinutes(1)));
        assertTrue(write.getMessage().contains("qemu-img"), write.getMessage());
        children.killAll();
    }

    /** The table's body rows, cells trimmed. */
    private static List<List<String>> tableRows(String markdown) {
        return markdown.lines()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| workload ") && !l.startsWith("| ---"))
                .map(l -> Stream.of(l.substring(1, l.length() - 1).split("\\|", -1)).map(String::strip).toList())
                .toList();
    }

    private static Set<Path> contents(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.collect(Collectors.toSet());
        }
    }
}
