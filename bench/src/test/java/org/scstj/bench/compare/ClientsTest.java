package org.scstj.bench.compare;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientsTest {
    private static final String URL = "iscsi://127.0.0.1:3260/iqn.2026-11.org.scstj:bench/1";

    @Test
    void randomReads_blocksOf512Bytes() {
        assertEquals(List.of("iscsi-perf", "-t", "10", "-x", "0", "-m", "32", "-b", "8", "-r", URL),
                Clients.iscsiPerf(Workload.READ_4K_QD32, URL, 10, Optional.empty()));
        assertEquals(List.of("iscsi-perf", "-t", "10", "-x", "0", "-m", "1", "-b", "8", "-r", URL),
                Clients.iscsiPerf(Workload.READ_4K_QD1, URL, 10, Optional.empty()));
    }

    @Test
    void sequentialReadsOf1MiB() {
        assertEquals(List.of("iscsi-perf", "-t", "5", "-x", "0", "-m", "32", "-b", "2048", URL),
                Clients.iscsiPerf(Workload.READ_1M_QD32, URL, 5, Optional.empty()));
    }

    @Test
    void sessions_ownInitiatorName() {
        assertEquals(List.of("iscsi-perf", "-i", "iqn.2010-11.libiscsi:iscsi-perf-07", "-t", "3", "-x", "0", "-m", "4", "-b", "8",
                "-r", URL), Clients.iscsiPerf(Workload.SESSIONS, URL, 3, Optional.of(String.format(Clients.INITIATOR, 7))));
    }

    @Test
    void writes() {
        assertEquals(List.of("qemu-img", "bench", "-w", "-d", "32", "-s", "4096", "-c", "1000", "-t", "none", "-f", "raw", URL),
                Clients.qemuImgBench(Workload.WRITE_4K_QD32, URL, 1000));
        assertEquals(List.of("qemu-img", "bench", "-w", "-d", "32", "-s", "1M", "-c", "64", "-t", "none", "-f", "raw", URL),
                Clients.qemuImgBench(Workload.WRITE_1M_QD32, URL, 64));
    }

    @Test
    void wrongClient_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Clients.qemuImgBench(Workload.READ_4K_QD32, URL, 1));
        assertThrows(IllegalArgumentException.class, () -> Clients.iscsiPerf(Workload.WRITE_1M_QD32, URL, 1, Optional.empty()));
    }

    @Test
    void quoting() {
        assertEquals("iscsi-perf -r iscsi://127.0.0.1:1/iqn.x:y/1 'a b' 'it'\\''s'",
                Exec.quote(List.of("iscsi-perf", "-r", "iscsi://127.0.0.1:1/iqn.x:y/1", "a b", "it's")));
    }
}
