package org.scstj.bench.cluster;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.bench.compare.BackingFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real benchmark, {@code --quick}: a three-node cluster and a single-node daemon from this
 * class path, iscsi-perf and qemu-img against them, one kill -9 and one planned leave of the
 * failover group's owner. Every throughput cell must carry a number above zero, each failover
 * kind one completed round, and nothing may be left running or on tmpfs afterwards. No figure is
 * compared with a goal: the machine may be loaded.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterIntegrationTest {
    private static final Pattern NUMBER = Pattern.compile("^([0-9][0-9,]*(?:\\.[0-9]+)?)");

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void quickRun_numbersInEveryCell_oneRoundOfEachKind_nothingLeftBehind(@TempDir Path dir) throws Exception {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "scstj-cluster-it-");
        Path report = dir.resolve("report.md");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status;
        List<Path> left;
        try {
            status = ClusterCommand.run(List.of("--quick", "--launcher", "", "--dir", shm.toString(), "--out",
                    report.toString()), new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            try (Stream<Path> entries = Files.list(shm)) {
                left = entries.toList();
            }
        } finally {
            BackingFiles.deleteTree(shm);
        }
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(ClusterCommand.OK, status, progress);
        assertEquals(List.of(), left, "files left on tmpfs");
        String markdown = Files.readString(report);
        assertEquals(markdown, stdout.toString(StandardCharsets.UTF_8));

        List<List<String>> throughput = rows(markdown, "| 4 KiB ");
        assertEquals(2, throughput.size(), markdown);
        for (List<String> row : throughput) {
            for (int i = 1; i < row.size(); i++) {
                Matcher m = NUMBER.matcher(row.get(i));
                assertTrue(m.find() && Double.parseDouble(m.group(1).replace(",", "")) > 0, row + "\n" + markdown);
            }
        }
        for (String kind : List.of("| kill -9 of the owner | 1 |", "| planned leave of the owner | 1 |")) {
            assertTrue(markdown.contains(kind), kind + " in\n" + markdown);
        }
        List<List<String>> rounds = rows(markdown, "| 1 | ");
        assertEquals(List.of("kill -9", "leave"), rounds.stream().map(r -> r.get(1)).toList(), markdown);
        for (List<String> r : rounds) {
            assertTrue(Double.parseDouble(r.get(2)) > 0, r.toString());
            assertTrue(r.get(3).equals("n1") || r.get(3).equals("n3"), "GOOD through a survivor: " + r);
        }
        assertFalse(markdown.contains("Notes:") && markdown.contains("failed"), markdown);
        assertFalse(ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive), "a daemon or client still runs");
    }

    /** The table rows starting with {@code prefix}, cells trimmed. */
    private static List<List<String>> rows(String markdown, String prefix) {
        return markdown.lines().filter(l -> l.startsWith(prefix))
                .map(l -> Stream.of(l.substring(1, l.length() - 1).split("\\|", -1)).map(String::strip).toList())
                .toList();
    }
}
