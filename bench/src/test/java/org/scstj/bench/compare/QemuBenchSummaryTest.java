package org.scstj.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QemuBenchSummaryTest {
    @Test
    void writeRun_requestsOverSeconds() throws Exception {
        QemuBenchSummary s = QemuBenchSummary.parse("""
                Sending 50000 write requests, 4096 bytes each, 32 in parallel (starting at offset 0, step size 4096)
                Run completed in 3.370 seconds.
                """);
        assertEquals(new QemuBenchSummary(50000, 4096, 32, 3.370), s);
        assertEquals(50000 / 3.370, s.iops(), 1e-9);
    }

    @Test
    void largeRequests() throws Exception {
        QemuBenchSummary s = QemuBenchSummary.parse("""
                Sending 1000 write requests, 1048576 bytes each, 32 in parallel (starting at offset 0, step size 1048576)
                Run completed in 2.489 seconds.
                """);
        assertEquals(1048576, s.bytesPerRequest());
        assertEquals(2.489, s.seconds());
    }

    @Test
    void failedRequest_isAFailure() {
        BenchFailure e = assertThrows(BenchFailure.class, () -> QemuBenchSummary.parse("""
                Sending 1000 write requests, 4096 bytes each, 32 in parallel (starting at offset 0, step size 4096)
                qemu-img: Failed request: Input/output error
                """));
        assertTrue(e.getMessage().contains("Failed request"), e.getMessage());
    }

    @Test
    void openError_isAFailure() {
        assertThrows(BenchFailure.class, () -> QemuBenchSummary.parse(
                "qemu-img: Could not open 'iscsi://127.0.0.1:1/iqn.x:y/1': Failed to connect to LUN : Connection refused\n"));
    }

    @Test
    void missingCompletion_isAFailure() {
        assertThrows(BenchFailure.class, () -> QemuBenchSummary.parse(
                "Sending 1000 write requests, 4096 bytes each, 32 in parallel (starting at offset 0, step size 4096)\n"));
    }

    @Test
    void zeroSeconds_isAFailure() {
        assertThrows(BenchFailure.class, () -> QemuBenchSummary.parse("""
                Sending 10 write requests, 4096 bytes each, 32 in parallel (starting at offset 0, step size 4096)
                Run completed in 0.000 seconds.
                """));
    }
}
