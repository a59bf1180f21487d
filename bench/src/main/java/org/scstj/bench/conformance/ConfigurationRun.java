package org.scstj.bench.conformance;

import java.time.Duration;
import java.util.List;

/**
 * One {@code iscsi-test-cu} run against one configuration's LUN.
 *
 * @param configuration the configuration
 * @param command       the command line
 * @param output        what it reported, test by test
 * @param duration      how long it ran
 * @param exit          its exit status (1 when a test failed; 255 when it could not even start testing)
 * @param timedOut      whether it was stopped for running too long
 * @param selected      how many tests it was asked to run
 */
record ConfigurationRun(Configuration configuration, List<String> command, CuOutput output, Duration duration, int exit,
                        boolean timedOut, int selected) {

    ConfigurationRun {
        command = List.copyOf(command);
    }

    /** Why this run cannot be trusted as complete, or empty: it was cut short or never tested. */
    String problem() {
        if (timedOut) {
            return "iscsi-test-cu was stopped after " + duration.toSeconds() + " s";
        }
        if (!output.completed()) {
            return "iscsi-test-cu exited with " + exit + " before its run summary";
        }
        if (output.results().size() < selected) {
            return "iscsi-test-cu reported " + output.results().size() + " of the " + selected + " tests it was asked to run";
        }
        return "";
    }
}
