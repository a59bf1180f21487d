package org.scstj.bench.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * The whole conformance matrix, as CI runs it: scstj from this class path serving the matrix
 * configuration on 127.0.0.1 and 127.0.0.2, libiscsi's iscsi-test-cu against every LUN. It must
 * exit 0 (no test failed, the daemon stayed up and stopped cleanly) with the table on standard
 * output and in --out, and leave nothing running or on tmpfs.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ConformanceIntegrationTest {

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void wholeMatrix_noTestFails_andTheTableIsPrinted(@TempDir Path dir) throws Exception {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "scstj-conformance-it-");
        Path table = dir.resolve("conformance.md");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status;
        Set<Path> left;
        try {
            status = ConformanceCommand.run(List.of("--launcher", "", "--dir", shm.toString(), "--out", table.toString()),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
            left = contents(shm);
        } finally {
            BackingFiles.deleteTree(shm);
        }
        String markdown = stdout.toString(StandardCharsets.UTF_8);
        System.out.print(markdown);
        assertEquals(ConformanceCommand.OK, status, markdown + "\n" + stderr.toString(StandardCharsets.UTF_8));
        assertEquals(Set.of(), left, "files left on tmpfs");
        assertEquals(markdown, Files.readString(table));

        assertTrue(markdown.contains("| suite | passed | skipped | failed |\n"), markdown);
        List<String> suiteRows = markdown.lines().filter(l -> l.startsWith("| ALL.")).toList();
        assertTrue(suiteRows.size() > 40, "one row per suite of family ALL:\n" + markdown);
        assertTrue(suiteRows.stream().allMatch(l -> l.endsWith(" | 0 |")), "a suite row with failures:\n" + markdown);
        String totals = markdown.lines().filter(l -> l.startsWith("| **distinct tests: ")).findFirst().orElseThrow();
        assertTrue(totals.endsWith("| **0** |"), totals);
        for (Configuration c : Configuration.values()) {
            assertTrue(markdown.contains("| " + c.id + " | " + c.lun + " | "), c.id + " did not run:\n" + markdown);
        }
        assertFalse(ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive), "scstj or iscsi-test-cu still runs");
    }

    private static Set<Path> contents(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.collect(Collectors.toSet());
        }
    }
}
