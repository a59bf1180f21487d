package org.scstj.bench.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * The tests one configuration runs, as the argument of {@code iscsi-test-cu -t}: its patterns
 * joined by commas, or, when it leaves tests out, every remaining test named one by one (the tool
 * has no way to exclude).
 *
 * @param argument the {@code -t} argument
 * @param tests    the tests it selects, from the tool's own listing
 * @param unknown  patterns that name nothing this libiscsi version has (left out of the argument)
 */
record TestSelection(String argument, List<CuTestId> tests, List<String> unknown) {

    TestSelection {
        tests = List.copyOf(tests);
        unknown = List.copyOf(unknown);
    }

    /** What {@code configuration} runs, given what the installed tool lists. */
    static TestSelection of(Configuration configuration, CuListing listing) {
        List<String> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<CuTestId> selected = new ArrayList<>();
        for (String pattern : configuration.tests) {
            List<CuTestId> matching = listing.tests().stream().filter(t -> matches(pattern, t)).toList();
            if (matching.isEmpty()) {
                unknown.add(pattern);
                continue;
            }
            known.add(pattern);
            for (CuTestId t : matching) {
                if (!configuration.excluded.contains(t.distinct()) && !selected.contains(t)) {
                    selected.add(t);
                }
            }
        }
        String argument = configuration.excluded.isEmpty()
                ? String.join(",", known)
                : String.join(",", selected.stream().map(CuTestId::toString).toList());
        return new TestSelection(argument, selected, unknown);
    }

    /** {@code FAMILY[.SUITE[.TEST]]}, each part matched exactly. */
    static boolean matches(String pattern, CuTestId test) {
        String[] p = pattern.split("\\.", 3);
        return p[0].equals(test.family())
                && (p.length < 2 || p[1].equals(test.suite()))
                && (p.length < 3 || p[2].equals(test.test()));
    }
}
