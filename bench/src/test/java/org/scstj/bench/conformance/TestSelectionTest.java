package org.scstj.bench.conformance;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSelectionTest {
    private static final CuListing LISTING = CuListing.parse("""
            ALL.CompareAndWrite.Simple
            ALL.NoMedia.NoMediaSBC
            ALL.OrWrite.Simple
            ALL.OrWrite.Verify
            ALL.PreventAllow.Simple
            ALL.Read10.Simple
            ALL.Read10.BeyondEol
            ALL.ReadOnly.ReadOnlySBC
            ALL.Sanitize.BlockErase
            ALL.Sanitize.Reset
            ALL.StartStopUnit.Simple
            ALL.WriteSame10.Simple
            ALL.WriteSame10.Check
            ALL.WriteSame16.Check
            ALL.iSCSITMF.AbortTaskSimpleAsync
            ALL.iSCSITMF.LUNResetSimpleAsync
            SCSI.Read10.Simple
            """);

    @Test
    void oneSuite_isTheArgumentItself() {
        TestSelection s = TestSelection.of(Configuration.READ_ONLY, LISTING);
        assertEquals(List.of("ALL.ReadOnly"), s.entries());
        assertFalse(s.needsFile());
        assertEquals(List.of(new CuTestId("ALL", "ReadOnly", "ReadOnlySBC")), s.tests());
    }

    @Test
    void fullRun_isEverySuiteOfTheFamilyButSanitize_inListingOrder() {
        TestSelection s = TestSelection.of(Configuration.THIN, LISTING);
        assertEquals(List.of("ALL.CompareAndWrite", "ALL.NoMedia", "ALL.OrWrite", "ALL.PreventAllow", "ALL.Read10", "ALL.ReadOnly",
                "ALL.StartStopUnit", "ALL.WriteSame10", "ALL.WriteSame16", "ALL.iSCSITMF"), s.entries());
        assertTrue(s.needsFile());
        assertEquals(14, s.tests().size());
        // AbortTaskSimpleAsync still runs before LUNResetSimpleAsync, as the tool lists them
        assertTrue(s.tests().indexOf(new CuTestId("ALL", "iSCSITMF", "AbortTaskSimpleAsync"))
                < s.tests().indexOf(new CuTestId("ALL", "iSCSITMF", "LUNResetSimpleAsync")));
        assertEquals(List.of(), s.unknown());
    }

    @Test
    void aSuiteTakenInPart_namesEachKeptTest_andPatternsThisToolLacksAreReported() {
        TestSelection s = TestSelection.of(Configuration.NULLIO, LISTING);
        assertEquals(List.of("ALL.OrWrite.Simple", "ALL.Read10", "ALL.WriteSame10.Simple"), s.entries());
        assertEquals(4, s.tests().size());
        assertTrue(s.unknown().contains("ALL.ReadCapacity16"), s.unknown().toString());
        assertFalse(s.unknown().contains("ALL.Read10"), s.unknown().toString());
    }

    @Test
    void severalSuites_keepTheToolsOrder() {
        assertEquals(List.of("ALL.NoMedia", "ALL.PreventAllow", "ALL.StartStopUnit"),
                TestSelection.of(Configuration.REMOVABLE, LISTING).entries());
    }

    @Test
    void matches_familySuiteTestExactly() {
        CuTestId t = new CuTestId("ALL", "Read10", "Simple");
        assertTrue(TestSelection.matches("ALL", t));
        assertTrue(TestSelection.matches("ALL.Read10", t));
        assertTrue(TestSelection.matches("ALL.Read10.Simple", t));
        assertFalse(TestSelection.matches("ALL.Read1", t));
        assertFalse(TestSelection.matches("SCSI.Read10", t));
    }
}
