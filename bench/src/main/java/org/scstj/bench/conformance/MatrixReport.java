package org.scstj.bench.conformance;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * What a matrix run found.
 *
 * @param started     when it started
 * @param duration    how long it took, daemon start and stop included
 * @param tool        the libiscsi test tool, with its version
 * @param launch      how the daemon was started
 * @param runs        one per configuration run, in order
 * @param notes       configurations left out and why, tool quirks worth knowing
 * @param errors      harness errors: the daemon died or did not stop cleanly, a run was cut short
 */
record MatrixReport(ZonedDateTime started, Duration duration, String tool, String launch, List<ConfigurationRun> runs,
                    List<String> notes, List<String> errors) {

    MatrixReport {
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
        errors = List.copyOf(errors);
    }

    /** Each test per {@code FAMILY.SUITE.TEST}, merged over the configurations. */
    List<MergedTest> merged() {
        return MergedTest.merge(runs);
    }

    /** Each distinct test ({@code SUITE.TEST}), merged over families and configurations. */
    List<MergedTest> distinct() {
        return MergedTest.mergeDistinct(runs);
    }

    /** True when some test failed in some configuration. */
    boolean anyFailed() {
        return distinct().stream().anyMatch(t -> t.verdict() == Verdict.FAILED);
    }
}
