package org.scstj.bench.conformance;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigurationRunTest {
    private static ConfigurationRun run(boolean completed, int reported, int selected, boolean timedOut) {
        List<CuTestResult> results = java.util.stream.IntStream.range(0, reported)
                .mapToObj(i -> new CuTestResult(new CuTestId("ALL", "S", "t" + i), Verdict.PASSED, List.of(), List.of()))
                .toList();
        return new ConfigurationRun(Configuration.THIN, List.of("iscsi-test-cu"), new CuOutput(results, completed),
                Duration.ofSeconds(3), timedOut ? -1 : 0, timedOut, selected);
    }

    @Test
    void aCompleteRunOfEverySelectedTest_hasNoProblem() {
        assertEquals("", run(true, 3, 3, false).problem());
    }

    @Test
    void aRunCutShort_orStoppedForTime_orMissingTests_isAProblem() {
        assertEquals("iscsi-test-cu exited with 0 before its run summary", run(false, 2, 3, false).problem());
        assertEquals("iscsi-test-cu was stopped after 3 s", run(false, 2, 3, true).problem());
        assertEquals("iscsi-test-cu reported 2 of the 3 tests it was asked to run", run(true, 2, 3, false).problem());
    }
}
