package org.scstj.bench.conformance;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.bench.conformance.Runs.failed;
import static org.scstj.bench.conformance.Runs.passed;
import static org.scstj.bench.conformance.Runs.run;
import static org.scstj.bench.conformance.Runs.skipped;

class MarkdownTableTest {
    private static MatrixReport report(List<ConfigurationRun> runs, List<String> notes, List<String> errors) {
        return new MatrixReport(ZonedDateTime.of(2026, 11, 21, 12, 0, 0, 0, ZoneOffset.UTC), Duration.ofSeconds(75),
                "iscsi-test-cu (libiscsi-bin 1.19.0-3)", "./scstj serve -c FILE", runs, notes, errors);
    }

    @Test
    void oneRowPerSuite_skippedWithReasons_andATotalsRow() {
        String md = MarkdownTable.render(report(List.of(
                run(Configuration.THIN, passed("Read10.Simple"), passed("Read10.BeyondEol"),
                        skipped("Reserve6.Simple", "RESERVE6 is not implemented on target"),
                        skipped("Reserve6.Logout", "RESERVE6 is not implemented on target"),
                        skipped("CompareAndWrite.Simple", "COMPAREANDWRITE is not implemented"),
                        skipped("CompareAndWrite.InvalidDataOutSize", "LBPPB < 2"))),
                List.of(), List.of()));
        assertTrue(md.contains("| ALL.Read10 | 2 | 0 | 0 |\n"), md);
        assertTrue(md.contains("| ALL.Reserve6 | 0 | 2 (RESERVE6 is not implemented on target) | 0 |\n"), md);
        assertTrue(md.contains("| ALL.CompareAndWrite | 0 | 2 (COMPAREANDWRITE is not implemented: 1; LBPPB < 2: 1) | 0 |\n"), md);
        assertTrue(md.contains("| **distinct tests: 6** | **2** | **4** | **0** |\n"), md);
        assertTrue(md.contains("| thin | 0 | vdisk_fileio: 1 GiB thin-provisioned file, 512-byte blocks | 6 | 2 | 4 | 0 | 1.5 s |"), md);
        assertTrue(md.contains("1 min 15 s in all"), md);
        assertFalse(md.contains("### Failed tests"), md);
    }

    @Test
    void failedTests_areListedWithTheirFirstLinesPerConfiguration() {
        String[] many = new String[MarkdownTable.FAILURE_LINES + 3];
        for (int i = 0; i < many.length; i++) {
            many[i] = "test_x.c:" + i + "  - CU_ASSERT";
        }
        String md = MarkdownTable.render(report(List.of(
                run(Configuration.THIN, failed("MultipathIO.Reset", many)),
                run(Configuration.THICK_4K, failed("MultipathIO.Reset", "only`line"))), List.of(), List.of()));
        assertTrue(md.contains("- `ALL.MultipathIO.Reset` failed in thin, thick-4k (ran in thin, thick-4k)\n"), md);
        assertTrue(md.contains("    `test_x.c:0  - CU_ASSERT`\n"), md);
        assertFalse(md.contains("test_x.c:" + MarkdownTable.FAILURE_LINES + " "), md);
        assertTrue(md.contains("    (3 more)\n"), md);
        assertTrue(md.contains("    `only'line`\n"), md);
        assertTrue(md.contains("| **distinct tests: 1** | **0** | **0** | **1** |"), md);
    }

    @Test
    void notesAndHarnessErrors_followTheTable() {
        String md = MarkdownTable.render(report(List.of(run(Configuration.THIN, passed("A.b"))),
                List.of("Configuration removable left out."), List.of("scstj died during the thin run.\nlog...")));
        assertTrue(md.indexOf("### Harness errors\n\n- scstj died during the thin run.\n") > md.indexOf("distinct tests"), md);
        assertTrue(md.contains("### Notes\n\n- Configuration removable left out.\n"), md);
    }

    @Test
    void skippedCell_escapesPipesAndJoinsATestsSeveralReasons() {
        MergedTest t = new MergedTest(new CuTestId("ALL", "S", "t"), Verdict.SKIPPED, List.of("a|b", "c"), java.util.Map.of(),
                List.of("thin"));
        assertEquals("1 (a\\|b / c)", MarkdownTable.skipped(List.of(t)));
        assertEquals("0", MarkdownTable.skipped(List.of()));
    }

    @Test
    void duration_secondsThenMinutes() {
        assertEquals("42 s", MarkdownTable.duration(Duration.ofMillis(41_600)));
        assertEquals("2 min 5 s", MarkdownTable.duration(Duration.ofSeconds(125)));
    }
}
