package org.scstj.bench.conformance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code iscsi-test-cu -l} lists: one line per family ({@code ALL}), per suite
 * ({@code ALL.Read10}) and per test ({@code ALL.Read10.Simple}), in the order the tool runs them.
 * Only the test lines are kept.
 *
 * @param tests every test of every family, in listing order
 */
record CuListing(List<CuTestId> tests) {

    CuListing {
        tests = List.copyOf(tests);
    }

    /** Parses the output of {@code iscsi-test-cu -l}; lines that are not {@code FAMILY.SUITE.TEST} are ignored. */
    static CuListing parse(String output) {
        List<CuTestId> tests = new ArrayList<>();
        for (String line : output.lines().map(String::strip).toList()) {
            String[] parts = line.split("\\.", 3);
            if (parts.length == 3 && !line.contains(" ") && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()) {
                tests.add(new CuTestId(parts[0], parts[1], parts[2]));
            }
        }
        return new CuListing(tests);
    }

    /** The tests of {@code family}, in listing order. */
    List<CuTestId> family(String family) {
        return tests.stream().filter(t -> t.family().equals(family)).toList();
    }

    /** The suites of {@code family}, in listing order. */
    Set<String> suites(String family) {
        Set<String> suites = new LinkedHashSet<>();
        for (CuTestId t : family(family)) {
            suites.add(t.suite());
        }
        return suites;
    }
}
