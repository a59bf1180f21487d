package org.scstj.bench.conformance;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSelectionTest {
    private static final CuListing LISTING = CuListing.parse("""
            ALL.ReadOnly.ReadOnlySBC
            ALL.NoMedia.NoMediaSBC
            ALL.PreventAllow.Simple
            ALL.StartStopUnit.Simple
            ALL.WriteSame10.Simple
            ALL.WriteSame10.Check
            ALL.WriteSame16.Check
            ALL.OrWrite.Simple
            ALL.OrWrite.Verify
            ALL.Read10.Simple
            SCSI.Read10.Simple
            """);

    @Test
    void fullRun_isTheFamily() {
        TestSelection s = TestSelection.of(Configuration.THIN, LISTING);
        assertEquals("ALL", s.argument());
        assertEquals(10, s.tests().size());
        assertEquals(List.of(), s.unknown());
    }

    @Test
    void suitePatterns_areJoinedByCommas() {
        assertEquals("ALL.ReadOnly", TestSelection.of(Configuration.READ_ONLY, LISTING).argument());
        assertEquals("ALL.NoMedia,ALL.PreventAllow,ALL.StartStopUnit", TestSelection.of(Configuration.REMOVABLE, LISTING).argument());
    }

    @Test
    void exclusions_nameEveryRemainingTest_andPatternsThisToolLacksAreReported() {
        TestSelection s = TestSelection.of(Configuration.NULLIO, LISTING);
        List<String> tests = List.of(s.argument().split(","));
        assertTrue(tests.containsAll(List.of("ALL.Read10.Simple", "ALL.WriteSame10.Simple", "ALL.OrWrite.Simple")), s.argument());
        assertFalse(tests.contains("ALL.WriteSame10.Check"));
        assertFalse(tests.contains("ALL.OrWrite.Verify"));
        assertFalse(tests.contains("SCSI.Read10.Simple"));
        assertEquals(3, s.tests().size());
        assertTrue(s.unknown().contains("ALL.ReadCapacity16"), s.unknown().toString());
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
