package org.scstj.bench.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One test's outcome over every configuration that ran it: failed if it failed in any; else
 * passed if it passed (not skipped) in at least one; else skipped, with the distinct reasons one
 * configuration gave: a dedicated one (removable, read-only, nullio: it exists to make the test
 * apply, so what still stops it there is the reason that remains) if the test ran in one, else
 * the first full run (thin, the LU with the most features).
 *
 * @param id             the test (its first family, when merged by {@link #mergeDistinct})
 * @param verdict        the merged verdict
 * @param skipReasons    distinct {@code [SKIPPED]} texts of the configuration chosen as above (when skipped)
 * @param failures       per configuration id that failed it, its failure lines
 * @param configurations the ids of the configurations that ran it
 */
record MergedTest(CuTestId id, Verdict verdict, List<String> skipReasons, Map<String, List<String>> failures,
                  List<String> configurations) {

    MergedTest {
        skipReasons = List.copyOf(skipReasons);
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        configurations = List.copyOf(configurations);
    }

    /** Every test of every run, merged per {@code FAMILY.SUITE.TEST}, in order of first appearance. */
    static List<MergedTest> merge(List<ConfigurationRun> runs) {
        return merge(runs, CuTestId::toString);
    }

    /** As {@link #merge}, per {@code SUITE.TEST} whatever the family: for the totals of distinct tests. */
    static List<MergedTest> mergeDistinct(List<ConfigurationRun> runs) {
        return merge(runs, CuTestId::distinct);
    }

    private static List<MergedTest> merge(List<ConfigurationRun> runs, Function<CuTestId, String> key) {
        Map<String, List<Outcome>> byTest = new LinkedHashMap<>();
        for (ConfigurationRun run : runs) {
            for (CuTestResult r : run.output().results()) {
                byTest.computeIfAbsent(key.apply(r.id()), k -> new ArrayList<>()).add(new Outcome(run.configuration().id, !run.configuration().full(), r));
            }
        }
        List<MergedTest> merged = new ArrayList<>();
        for (List<Outcome> outcomes : byTest.values()) {
            merged.add(of(outcomes));
        }
        return merged;
    }

    private record Outcome(String configuration, boolean dedicated, CuTestResult result) {
    }

    private static MergedTest of(List<Outcome> outcomes) {
        Map<String, List<String>> failures = new LinkedHashMap<>();
        Set<String> configurations = new LinkedHashSet<>();
        boolean passed = false;
        Outcome skip = null;
        for (Outcome o : outcomes) {
            configurations.add(o.configuration());
            switch (o.result().verdict()) {
                case FAILED -> failures.putIfAbsent(o.configuration(), o.result().failureLines());
                case PASSED -> passed = true;
                case SKIPPED -> {
                    if (skip == null || (o.dedicated() && !skip.dedicated())) {
                        skip = o;
                    }
                }
            }
        }
        List<String> reasons = skip == null ? List.of() : skip.result().skipReasons();
        CuTestId id = outcomes.getFirst().result().id();
        Verdict verdict = !failures.isEmpty() ? Verdict.FAILED : passed ? Verdict.PASSED : Verdict.SKIPPED;
        return new MergedTest(id, verdict, verdict == Verdict.SKIPPED ? List.copyOf(reasons) : List.of(), failures,
                List.copyOf(configurations));
    }
}
