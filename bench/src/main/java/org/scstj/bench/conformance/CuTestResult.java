package org.scstj.bench.conformance;

import java.util.List;

/**
 * One test's outcome in one {@code iscsi-test-cu} run.
 *
 * @param id           the test
 * @param verdict      passed, skipped (a {@code [SKIPPED]} line before CUnit's {@code passed}) or failed
 * @param skipReasons  the text of its {@code [SKIPPED]} lines, distinct, in order (empty unless skipped)
 * @param failureLines its {@code [FAILED]} lines and CUnit's failed assertions, in order (empty unless failed)
 */
record CuTestResult(CuTestId id, Verdict verdict, List<String> skipReasons, List<String> failureLines) {

    CuTestResult {
        skipReasons = List.copyOf(skipReasons);
        failureLines = List.copyOf(failureLines);
    }
}
