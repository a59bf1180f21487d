package org.scstj.bench.conformance;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scstj.bench.conformance.Runs.failed;
import static org.scstj.bench.conformance.Runs.passed;
import static org.scstj.bench.conformance.Runs.run;
import static org.scstj.bench.conformance.Runs.skipped;

class MergedTestTest {

    @Test
    void failedInAnyConfiguration_isFailed_withEachConfigurationsLines() {
        List<MergedTest> merged = MergedTest.merge(List.of(
                run(Configuration.THIN, passed("Read10.ZeroBlocks")),
                run(Configuration.NULLIO, failed("Read10.ZeroBlocks", "[FAILED] READ10 successful"))));
        MergedTest t = merged.getFirst();
        assertEquals(Verdict.FAILED, t.verdict());
        assertEquals(Map.of("nullio", List.of("[FAILED] READ10 successful")), t.failures());
        assertEquals(List.of("thin", "nullio"), t.configurations());
    }

    @Test
    void passedInOneConfiguration_beatsSkippedInOthers() {
        List<MergedTest> merged = MergedTest.merge(List.of(
                run(Configuration.THIN, skipped("PreventAllow.Simple", "Logical unit is not removable")),
                run(Configuration.REMOVABLE, passed("PreventAllow.Simple"))));
        assertEquals(Verdict.PASSED, merged.getFirst().verdict());
        assertEquals(List.of(), merged.getFirst().skipReasons());
    }

    @Test
    void skippedEverywhere_takesTheReasonsOfTheDedicatedConfiguration() {
        List<MergedTest> merged = MergedTest.merge(List.of(
                run(Configuration.THIN, skipped("ReadOnly.ReadOnlySBC", "Logical unit is not write-protected")),
                run(Configuration.THICK_4K, skipped("ReadOnly.ReadOnlySBC", "Logical unit is not write-protected")),
                run(Configuration.READ_ONLY, skipped("ReadOnly.ReadOnlySBC", "COMPAREANDWRITE is not implemented"))));
        assertEquals(Verdict.SKIPPED, merged.getFirst().verdict());
        assertEquals(List.of("COMPAREANDWRITE is not implemented"), merged.getFirst().skipReasons());
    }

    @Test
    void skippedInFullRunsOnly_takesTheFirstRunsReasons() {
        List<MergedTest> merged = MergedTest.merge(List.of(
                run(Configuration.THIN, skipped("WriteSame10.UnmapUnaligned", "LBPPB < 2")),
                run(Configuration.THICK_4K, skipped("WriteSame10.UnmapUnaligned", "Logical unit is fully provisioned"))));
        assertEquals(List.of("LBPPB < 2"), merged.getFirst().skipReasons());
    }

    @Test
    void order_isFirstAppearance_andDistinctMergesAcrossFamilies() {
        ConfigurationRun thin = run(Configuration.THIN, passed("Inquiry.Standard"), skipped("Reserve6.Simple", "RESERVE6"));
        ConfigurationRun scsi = new ConfigurationRun(Configuration.THICK_4K, List.of(),
                new CuOutput(List.of(new CuTestResult(new CuTestId("SCSI", "Inquiry", "Standard"), Verdict.FAILED, List.of(),
                        List.of("x"))), true), java.time.Duration.ZERO, 1, false, 1);
        List<MergedTest> perFamily = MergedTest.merge(List.of(thin, scsi));
        assertEquals(List.of("ALL.Inquiry.Standard", "ALL.Reserve6.Simple", "SCSI.Inquiry.Standard"),
                perFamily.stream().map(t -> t.id().toString()).toList());
        List<MergedTest> distinct = MergedTest.mergeDistinct(List.of(thin, scsi));
        assertEquals(2, distinct.size());
        assertEquals(Verdict.FAILED, distinct.getFirst().verdict());
    }
}
