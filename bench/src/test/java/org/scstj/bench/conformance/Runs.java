package org.scstj.bench.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link ConfigurationRun}s from test outcomes for the merge and table tests. */
final class Runs {
    private Runs() {
    }

    static CuTestResult passed(String suiteTest) {
        return new CuTestResult(id(suiteTest), Verdict.PASSED, List.of(), List.of());
    }

    static CuTestResult skipped(String suiteTest, String... reasons) {
        return new CuTestResult(id(suiteTest), Verdict.SKIPPED, List.of(reasons), List.of());
    }

    static CuTestResult failed(String suiteTest, String... lines) {
        return new CuTestResult(id(suiteTest), Verdict.FAILED, List.of(), List.of(lines));
    }

    static ConfigurationRun run(Configuration c, CuTestResult... results) {
        return new ConfigurationRun(c, List.of("iscsi-test-cu", "-t", "ALL"), new CuOutput(new ArrayList<>(List.of(results)), true),
                Duration.ofMillis(1500), 0, false, results.length);
    }

    private static CuTestId id(String suiteTest) {
        String[] p = suiteTest.split("\\.", 2);
        return new CuTestId("ALL", p[0], p[1]);
    }
}
