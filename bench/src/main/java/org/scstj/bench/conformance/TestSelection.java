package org.scstj.bench.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests one configuration runs, as {@code iscsi-test-cu -t} entries in the order the tool
 * lists them: {@code FAMILY.SUITE} for a suite taken whole, {@code FAMILY.SUITE.TEST} for each
 * test kept from a suite the configuration takes in part (the tool has no way to exclude).
 *
 * <p>Order matters: the tool registers the entries of a comma-separated {@code -t} list last
 * first, and some libiscsi 1.19 tests pass only after their suite's earlier tests ran (its
 * iSCSITMF.LUNResetSimpleAsync checks a flag before its own callback could set it); a test-list
 * file ({@code -t FILE}, one entry a line) is read in order. So a selection of more than one
 * entry goes to the tool as a file.
 *
 * @param entries the {@code -t} entries, in listing order
 * @param tests   the tests they select, from the tool's own listing
 * @param unknown patterns that name nothing this libiscsi version has (left out)
 */
record TestSelection(List<String> entries, List<CuTestId> tests, List<String> unknown) {

    TestSelection {
        entries = List.copyOf(entries);
        tests = List.copyOf(tests);
        unknown = List.copyOf(unknown);
    }

    /** What {@code configuration} runs, given what the installed tool lists. */
    static TestSelection of(Configuration configuration, CuListing listing) {
        List<String> unknown = new ArrayList<>();
        for (String pattern : configuration.tests) {
            if (listing.tests().stream().noneMatch(t -> matches(pattern, t))) {
                unknown.add(pattern);
            }
        }
        // suite (FAMILY.SUITE) -> its tests in listing order, and whether each is selected
        Map<String, List<CuTestId>> all = new LinkedHashMap<>();
        Map<String, List<CuTestId>> kept = new LinkedHashMap<>();
        for (CuTestId t : listing.tests()) {
            if (configuration.tests.stream().noneMatch(p -> matches(p, t))) {
                continue;
            }
            all.computeIfAbsent(t.familySuite(), k -> new ArrayList<>()).add(t);
            if (!configuration.excludes(t)) {
                kept.computeIfAbsent(t.familySuite(), k -> new ArrayList<>()).add(t);
            }
        }
        List<String> entries = new ArrayList<>();
        List<CuTestId> tests = new ArrayList<>();
        for (Map.Entry<String, List<CuTestId>> suite : kept.entrySet()) {
            tests.addAll(suite.getValue());
            if (suite.getValue().size() == all.get(suite.getKey()).size()) {
                entries.add(suite.getKey());
            } else {
                for (CuTestId t : suite.getValue()) {
                    entries.add(t.toString());
                }
            }
        }
        if (configuration.excluded.isEmpty() && configuration.tests.size() == 1 && unknown.isEmpty()) {
            // "ALL" or one suite: the tool's own order
            return new TestSelection(List.of(configuration.tests.getFirst()), tests, unknown);
        }
        return new TestSelection(entries, tests, unknown);
    }

    /** True when the entries go to the tool as a test-list file rather than as the {@code -t} argument itself. */
    boolean needsFile() {
        return entries.size() > 1;
    }

    /** {@code FAMILY[.SUITE[.TEST]]}, each part matched exactly. */
    static boolean matches(String pattern, CuTestId test) {
        String[] p = pattern.split("\\.", 3);
        return p[0].equals(test.family())
                && (p.length < 2 || p[1].equals(test.suite()))
                && (p.length < 3 || p[2].equals(test.test()));
    }
}
