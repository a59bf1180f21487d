package org.scstj.engine.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.DataDirection;

import java.util.List;

/** The recorder alone: classes, which stages a command's timestamps make, the switch. */
class LatencyRecorderTest {

    @Test
    void sizeClass_boundariesAreInclusive() {
        assertEquals(SizeClass.UP_TO_4K, SizeClass.of(0));
        assertEquals(SizeClass.UP_TO_4K, SizeClass.of(4096));
        assertEquals(SizeClass.UP_TO_64K, SizeClass.of(4097));
        assertEquals(SizeClass.UP_TO_64K, SizeClass.of(65536));
        assertEquals(SizeClass.UP_TO_1M, SizeClass.of(1 << 20));
        assertEquals(SizeClass.OVER_1M, SizeClass.of((1 << 20) + 1));
        assertEquals(SizeClass.OVER_1M, SizeClass.of(0xFFFF_FFFFL)); // EDTL is unsigned
    }

    @Test
    void op_byDataDirection() {
        assertEquals(Op.READ, Op.of(DataDirection.IN));
        assertEquals(Op.WRITE, Op.of(DataDirection.OUT));
        assertEquals(Op.OTHER, Op.of(DataDirection.NONE));
        assertEquals(Op.OTHER, Op.of(null));
    }

    @Test
    void earlyAnswer_countsNoTaskSetNorExec_andEachStageIsTheGapBetweenItsTimestamps() {
        LatencyRecorder r = new LatencyRecorder("d");
        r.enable(true);
        try {
            // received 1000, parse 2000, parsed 2500, checked 4500, started 5000, executed 105000, end 106000 (ns)
            r.record(Op.READ, 4096, "READ(10)", 0, 1, 0, 1000, 2000, 2500, 4500, 5000, 105_000, 106_000);
            // answered by the checks: no start, no execution
            r.record(Op.READ, 4096, "READ(10)", 0, 2, 2, 1000, 2000, 2500, 4500, 0, 0, 6500);
            LatencySnapshot s = r.snapshot(false);
            assertEquals(2, s.count(Stage.RECEIVE));
            assertEquals(2, s.count(Stage.CHECKS));
            assertEquals(1, s.count(Stage.TASK_SET));
            assertEquals(1, s.count(Stage.EXEC));
            assertEquals(2, s.count(Stage.XMIT));
            assertEquals(1.0, s.stage(Stage.RECEIVE).getFirst().maxUs(), 0.01);
            assertEquals(0.5, s.stage(Stage.PARSE).getFirst().maxUs(), 0.01);
            assertEquals(2.0, s.stage(Stage.CHECKS).getFirst().maxUs(), 0.02);
            assertEquals(100.0, s.stage(Stage.EXEC).getFirst().maxUs(), 1.0);
            // xmit: from the execution's end (1 µs), or for the early answer from the checks (2 µs)
            assertEquals(1.0, s.stage(Stage.XMIT).getFirst().p50Us(), 0.02);
            assertEquals(2.0, s.stage(Stage.XMIT).getFirst().maxUs(), 0.02);
            assertEquals(105.0, s.stage(Stage.TOTAL).getFirst().maxUs(), 1.1);
            assertEquals(List.of("read"), s.stages().stream().map(LatencySnapshot.Entry::op).distinct().toList());
        } finally {
            r.enable(false);
        }
    }

    @Test
    void enable_countsRecordersOnInTheJvm_once() {
        LatencyRecorder r = new LatencyRecorder("d");
        boolean before = LatencyRecorder.anyEnabled();
        r.enable(true);
        r.enable(true);
        assertTrue(LatencyRecorder.anyEnabled());
        assertTrue(r.measures());
        r.enable(false);
        r.enable(false);
        assertEquals(before, LatencyRecorder.anyEnabled());
        assertFalse(r.enabled());
    }

    @Test
    void record_allocatesNothingOnceItsHistogramsExist() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        LatencyRecorder r = new LatencyRecorder("d");
        r.enable(true);
        try {
            for (int i = 0; i < 20_000; i++) { // makes the histograms of this class, warms the code up
                r.record(Op.READ, 4096, "READ(10)", 0, i, 0, 1000, 2000, 2500 + i, 4500, 5000, 105_000, 106_000 + i);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                r.record(Op.READ, 4096, "READ(10)", 0, i, 0, 1000, 2000, 2500 + i, 4500, 5000, 105_000, 106_000 + i);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // a byte per command would be 100,000; what remains is the measurement's own noise
            assertTrue(allocated < 10_000, allocated + " bytes for 100,000 commands");
            assertEquals(120_000, r.snapshot(false).count(Stage.TOTAL));
        } finally {
            r.enable(false);
        }
    }
}
