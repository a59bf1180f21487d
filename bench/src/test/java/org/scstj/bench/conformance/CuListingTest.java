package org.scstj.bench.conformance;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CuListingTest {
    static final String LISTING = """
            ALL
            ALL.Read10
            ALL.Read10.Simple
            ALL.Read10.BeyondEol
            ALL.ModeSense6
            ALL.ModeSense6.Control-D_SENSE
            SCSI
            SCSI.Read10
            SCSI.Read10.Simple
            """;

    @Test
    void keepsTestLinesInOrder_familyAndSuiteLinesAreNotTests() {
        CuListing listing = CuListing.parse(LISTING);
        assertEquals(List.of(new CuTestId("ALL", "Read10", "Simple"), new CuTestId("ALL", "Read10", "BeyondEol"),
                new CuTestId("ALL", "ModeSense6", "Control-D_SENSE"), new CuTestId("SCSI", "Read10", "Simple")), listing.tests());
    }

    @Test
    void familyAndSuites_selectByFamily() {
        CuListing listing = CuListing.parse(LISTING);
        assertEquals(3, listing.family("ALL").size());
        assertEquals(Set.of("Read10", "ModeSense6"), listing.suites("ALL"));
        assertEquals(List.of(), listing.family("LINUX"));
    }

    @Test
    void testId_namesWithAndWithoutFamily() {
        CuTestId id = new CuTestId("SCSI", "Read10", "Simple");
        assertEquals("SCSI.Read10.Simple", id.toString());
        assertEquals("SCSI.Read10", id.familySuite());
        assertEquals("Read10.Simple", id.distinct());
    }
}
