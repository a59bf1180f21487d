package org.scstj.engine.lu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CopyStatusTableTest {
    private final CopyStatusTable table = new CopyStatusTable();

    @Test
    void aCopyInProgress_reportsItsProgress() {
        CopyStatusTable.Status s = table.begin(7, true);
        s.transferred(4096);
        s.segmentDone();
        CopyStatusTable.Snapshot snap = table.find(7);
        assertEquals(CopyStatusTable.State.IN_PROGRESS, snap.state());
        assertEquals(1, snap.segmentsProcessed());
        assertEquals(4096, snap.bytesTransferred());
    }

    @Test
    void aListIdentifierInProgress_cannotBeUsedAgain_butAFinishedOneCan() {
        CopyStatusTable.Status s = table.begin(7, true);
        assertNull(table.begin(7, true));
        s.finish(null);
        assertEquals(CopyStatusTable.State.COMPLETED, table.find(7).state());
        assertNotNull(table.begin(7, false));
        assertEquals(CopyStatusTable.State.IN_PROGRESS, table.find(7).state(), "the old status is replaced");
    }

    @Test
    void listIdUsage10b_isForgottenWhenTheCopyEnds() {
        table.begin(3, false).finish(new byte[] {0x70});
        assertNull(table.find(3));
    }

    @Test
    void aFailure_isHeldWithItsSense_andFailedSegmentDetailsAreGivenOnce() {
        byte[] sense = {0x70, 0, 3};
        table.begin(1, true).finish(sense);
        assertEquals(CopyStatusTable.State.COMPLETED_WITH_ERRORS, table.find(1).state());
        assertArrayEquals(sense, table.takeFailure(1).failureSense());
        assertNull(table.takeFailure(1).failureSense());
        assertEquals(CopyStatusTable.State.COMPLETED_WITH_ERRORS, table.find(1).state(), "the status stays");
    }

    @Test
    void theTableIsBounded_droppingTheOldestFinishedCopy_neverOneInProgress() {
        CopyStatusTable.Status running = table.begin(0, true);
        for (int id = 1; id <= CopyStatusTable.CAPACITY + 10; id++) {
            table.begin(id, true).finish(null);
            assertTrue(table.size() <= CopyStatusTable.CAPACITY);
        }
        assertNotNull(table.find(0), "in progress: kept");
        assertNull(table.find(1), "oldest finished: dropped");
        assertNotNull(table.find(CopyStatusTable.CAPACITY + 10));
        running.finish(null);
        assertFalse(table.find(0).state() == CopyStatusTable.State.IN_PROGRESS);
    }

    @Test
    void theCopyManager_limitsConcurrentCopies() {
        CopyManager m = new CopyManager();
        for (int i = 0; i < CopyManager.TOTAL_CONCURRENT_COPIES; i++) {
            assertTrue(m.tryStart());
        }
        assertFalse(m.tryStart());
        m.finished();
        assertTrue(m.tryStart());
        assertEquals(CopyManager.TOTAL_CONCURRENT_COPIES, m.running());
    }
}
