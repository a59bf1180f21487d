package org.scstj.bench.conformance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of one {@code iscsi-test-cu} run in CUnit's verbose basic mode, read test by test.
 *
 * <p>CUnit prints {@code Suite: NAME}, then for each test {@code "  Test: NAME ..."} followed by
 * whatever the test logs and its verdict, {@code passed} or {@code FAILED}, at the start of a line
 * (or right after the dots when the test logged nothing). A failed test's assertions follow its
 * verdict as numbered lines ({@code "    1. test_x.c:45  - CU_ASSERT_EQUAL(...)"}). Text after a
 * verdict on the same line, and lines after {@code passed}, belong to the suite's clean-up (for
 * instance libiscsi's {@code [SKIPPED] PERSISTENT RESERVE IN is not implemented} when it clears
 * reservations), not to the test. A test counts as skipped when a {@code [SKIPPED]} line precedes
 * its {@code passed}, or when it printed nothing at all: the matrix runs the tool with {@code -V},
 * which logs every command sent, so a silent test sent none; libiscsi returned early with a
 * {@code CU_PASS("[SKIPPED] ...")} that CUnit's basic mode does not print (Read6.BeyondEol on a LU
 * too big for READ(6), iSCSITMF.LUNResetSimpleAsync after AbortTaskSimpleAsync dropped the
 * connection). A test with no verdict (the tool died or was stopped during it) counts as failed.
 *
 * @param results   every test the run started, in output order
 * @param completed whether CUnit printed its {@code Run Summary}, i.e. the run was not cut short
 */
record CuOutput(List<CuTestResult> results, boolean completed) {
    private static final Pattern TEST = Pattern.compile("^  Test: (.+?) \\.\\.\\.(.*)$");
    /** A failed assertion; anything after four spaces is the clean-up's output on the same line. */
    private static final Pattern ASSERTION = Pattern.compile("^\\s+\\d+\\.\\s+(\\S+:\\d+\\s+-\\s+.*?)(?:\\s{4}\\S.*)?$");
    private static final Pattern TRAILER = Pattern.compile("[.\\s]*(?:Skipping (?:test|assert)s?[.\\s]*)?$");
    private static final String SKIPPED = "[SKIPPED]";
    private static final String FAILED = "[FAILED]";
    /** The failure line of a test that never got a verdict. */
    static final String NO_VERDICT = "no verdict: iscsi-test-cu ended during this test";
    /** The skip reason of a test that printed nothing under {@code -V}. */
    static final String SILENT = "sent no command (libiscsi returned early without a [SKIPPED] line)";

    CuOutput {
        results = List.copyOf(results);
    }

    /**
     * Reads {@code text}; every test is named in {@code family} (CUnit prints no family: the
     * matrix runs one family per run).
     */
    static CuOutput parse(String text, String family) {
        List<CuTestResult> results = new ArrayList<>();
        String suite = "";
        Test current = null;
        boolean completed = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith("Suite: ")) {
                finish(current, results);
                current = null;
                suite = line.substring("Suite: ".length()).strip();
                continue;
            }
            if (line.startsWith("Run Summary:")) {
                completed = true;
                break;
            }
            Matcher m = TEST.matcher(line);
            if (m.matches()) {
                finish(current, results);
                current = new Test(new CuTestId(family, suite, m.group(1)));
                current.read(m.group(2));
                continue;
            }
            if (current != null) {
                current.read(line);
            }
        }
        finish(current, results);
        return new CuOutput(results, completed);
    }

    /** A {@code [SKIPPED]} text without libiscsi's trailing "Skipping test." and final full stop. */
    static String reason(String text) {
        return TRAILER.matcher(text.strip()).replaceFirst("");
    }

    private static void finish(Test test, List<CuTestResult> results) {
        if (test != null) {
            results.add(test.result());
        }
    }

    /** Verdicts by kind, for progress lines. */
    long count(Verdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }

    /** One test while its lines are read. */
    private static final class Test {
        private final CuTestId id;
        private final List<String> own = new ArrayList<>();
        private final List<String> assertions = new ArrayList<>();
        private String verdict;

        Test(CuTestId id) {
            this.id = id;
        }

        void read(String line) {
            if (verdict == null) {
                if (line.startsWith("passed")) {
                    verdict = "passed";
                } else if (line.startsWith("FAILED")) {
                    verdict = "FAILED";
                } else if (!line.isBlank()) {
                    own.add(line.strip());
                }
            } else if (verdict.equals("FAILED")) {
                Matcher m = ASSERTION.matcher(line);
                if (m.matches()) {
                    assertions.add(m.group(1).strip());
                }
            }
        }

        CuTestResult result() {
            Set<String> skips = new LinkedHashSet<>();
            List<String> failures = new ArrayList<>();
            for (String line : own) {
                int skip = line.indexOf(SKIPPED);
                if (skip >= 0) {
                    skips.add(reason(line.substring(skip + SKIPPED.length())));
                }
                int failed = line.indexOf(FAILED);
                if (failed >= 0) {
                    failures.add(line.substring(failed).strip());
                }
            }
            failures.addAll(assertions);
            if (verdict == null) {
                failures.add(NO_VERDICT);
                return new CuTestResult(id, Verdict.FAILED, List.of(), failures);
            }
            if (verdict.equals("FAILED")) {
                return new CuTestResult(id, Verdict.FAILED, List.of(), failures);
            }
            if (own.isEmpty()) {
                return new CuTestResult(id, Verdict.SKIPPED, List.of(SILENT), List.of());
            }
            return skips.isEmpty()
                    ? new CuTestResult(id, Verdict.PASSED, List.of(), List.of())
                    : new CuTestResult(id, Verdict.SKIPPED, List.copyOf(skips), List.of());
        }
    }
}
