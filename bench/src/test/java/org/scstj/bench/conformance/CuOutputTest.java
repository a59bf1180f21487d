package org.scstj.bench.conformance;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CuOutputTest {
    /** The shapes CUnit's verbose basic mode prints, as iscsi-test-cu -V produces them. */
    private static final String RUN = """
            found matching LU device identifier for all (2) paths

                 CUnit - A unit testing framework for C - Version 2.1-3

            Suite: Alpha
              Test: Silent ...passed
              Test: Chatty ...
                Send READ10 (Expecting SUCCESS) LBA:0 blocks:1
                [OK] READ10 returned SUCCESS
            passed
              Test: SkipOnHeader ...    [SKIPPED] LBPPB < 2. Skipping test
            passed    Send PRIN/READ_KEYS
                [SKIPPED] PERSISTENT RESERVE IN is not implemented.

            Suite: Beta
              Test: SkippedInBody ...
                Test that Medium commands fail when medium is ejected
                [SKIPPED] Logical unit is not removable. Skipping test.
                [SKIPPED] Logical unit is not removable. Skipping test.
            passed
              Test: Broken ...
                [FAILED] READ10 successful but should have failed with ILLEGAL_REQUEST(0x05)/LBA_OUT_OF_RANGE(0x2100)
            FAILED
                1. test_read10_0blocks.c:45  - CU_ASSERT_EQUAL(_r,0)
                2. test_read10_0blocks.c:50  - CU_ASSERT_EQUAL(_r,0)    Send PRIN/READ_KEYS
                [SKIPPED] PERSISTENT RESERVE IN is not implemented.
              Test: FailedOnHeader ...FAILED
                1. test_multipathio_reset.c:69  - CU_ASSERT_NOT_EQUAL(num_uas,0)


            Run Summary:    Type  Total    Ran Passed Failed Inactive
                          suites      2      2    n/a      0        0
                           tests      6      6      4      2        0
            """;

    @Test
    void eachTestGetsTheVerdictCUnitPrinted_skippedWhenASkipLinePrecedesPassed() {
        CuOutput out = CuOutput.parse(RUN, "ALL");
        assertTrue(out.completed());
        List<String> names = out.results().stream().map(r -> r.id().toString()).toList();
        assertEquals(List.of("ALL.Alpha.Silent", "ALL.Alpha.Chatty", "ALL.Alpha.SkipOnHeader", "ALL.Beta.SkippedInBody",
                "ALL.Beta.Broken", "ALL.Beta.FailedOnHeader"), names);
        List<Verdict> verdicts = out.results().stream().map(CuTestResult::verdict).toList();
        assertEquals(List.of(Verdict.SKIPPED, Verdict.PASSED, Verdict.SKIPPED, Verdict.SKIPPED, Verdict.FAILED, Verdict.FAILED),
                verdicts);
        assertEquals(2, out.count(Verdict.FAILED));
    }

    @Test
    void skipReasons_areDistinctAndLoseLibiscsisTrailer() {
        CuOutput out = CuOutput.parse(RUN, "ALL");
        assertEquals(List.of("LBPPB < 2"), out.results().get(2).skipReasons());
        assertEquals(List.of("Logical unit is not removable"), out.results().get(3).skipReasons());
    }

    @Test
    void aTestThatPrintedNothingUnderVerbose_sentNoCommand_andIsSkipped() {
        CuTestResult silent = CuOutput.parse(RUN, "ALL").results().getFirst();
        assertEquals(Verdict.SKIPPED, silent.verdict());
        assertEquals(List.of(CuOutput.SILENT), silent.skipReasons());
    }

    @Test
    void cleanUpOutputAfterAVerdict_belongsToNoTest() {
        CuOutput out = CuOutput.parse(RUN, "ALL");
        // "PERSISTENT RESERVE IN is not implemented" follows passed/FAILED: the suite's clean-up, not the test
        assertEquals(Verdict.PASSED, out.results().get(1).verdict());
        assertTrue(out.results().stream().flatMap(r -> r.skipReasons().stream()).noneMatch(r -> r.contains("PERSISTENT")));
    }

    @Test
    void failureLines_areTheFailedLogLinesThenTheAssertionsWithoutTrailingNoise() {
        CuTestResult broken = CuOutput.parse(RUN, "ALL").results().get(4);
        assertEquals(List.of(
                "[FAILED] READ10 successful but should have failed with ILLEGAL_REQUEST(0x05)/LBA_OUT_OF_RANGE(0x2100)",
                "test_read10_0blocks.c:45  - CU_ASSERT_EQUAL(_r,0)",
                "test_read10_0blocks.c:50  - CU_ASSERT_EQUAL(_r,0)"), broken.failureLines());
        assertEquals(List.of(), broken.skipReasons());
    }

    @Test
    void aRunCutShort_failsTheTestInProgressAndIsNotCompleted() {
        String cut = """
                Suite: Sanitize
                  Test: BlockErase ...    [SKIPPED] SANITIZE BLOCK_ERASE is not implemented.
                passed
                  Test: BlockEraseReserved ...
                """;
        CuOutput out = CuOutput.parse(cut, "ALL");
        assertFalse(out.completed());
        assertEquals(2, out.results().size());
        CuTestResult hung = out.results().get(1);
        assertEquals(Verdict.FAILED, hung.verdict());
        assertEquals(List.of(CuOutput.NO_VERDICT), hung.failureLines());
    }

    @Test
    void nothingButSetUpOutput_meansNoTests() {
        CuOutput out = CuOutput.parse("Failed to connect to SCSI device 0\n", "ALL");
        assertEquals(List.of(), out.results());
        assertFalse(out.completed());
    }

    @Test
    void reason_dropsSkippingTestAndTheFinalStop() {
        assertEquals("COMPAREANDWRITE is not implemented", CuOutput.reason(" COMPAREANDWRITE is not implemented."));
        assertEquals("Logical unit is fully provisioned", CuOutput.reason("Logical unit is fully provisioned. Skipping test"));
        assertEquals("LUN too small", CuOutput.reason("LUN too small. Skipping assert"));
        assertEquals("RESERVE6 is not implemented on target", CuOutput.reason("RESERVE6 is not implemented on target"));
    }
}
