package org.scstj.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IscsiPerfSummaryTest {
    private static final String HEADER = """
            iscsi-perf version 0.1 - (c) 2014-2015 by Peter Lieven <pl@\u0138amp.de>

            connected to iscsi://127.0.0.1:13260/iqn.2026-11.org.scstj:probe/1
            capacity is 131072 blocks or 67108864 byte (64 MB)
            performing RANDOM READ with 32 parallel requests
            FIXED transfer size of 8 blocks (4096 byte)
            """;

    @Test
    void timedRun_takesTheFinalAverage() throws Exception {
        String output = HEADER + "will run for 3 seconds.\n\n"
                + "\r00:00:01 - lba 129296, iops current 57734 (225 MB/s), iops average 57734 (225 MB/s), in_flight 32, busy 0        "
                + "\r00:00:02 - lba 5940, iops current 61590 (240 MB/s), iops average 59662 (233 MB/s), in_flight 32, busy 2        "
                + "\riops average 59150 (231 MB/s)                                                        \n\nfinished.\n";
        IscsiPerfSummary s = IscsiPerfSummary.parse(output);
        assertEquals(new IscsiPerfSummary(59150, 231, 2), s);
    }

    @Test
    void runStoppedBySignal_takesTheLastProgressLine() throws Exception {
        String output = HEADER + "infinite runtime - press CTRL-C to abort.\n\n"
                + "\r00:00:01 - lba 129296, iops current 57734 (225 MB/s), iops average 57734 (225 MB/s), in_flight 32, busy 0        "
                + "\r00:00:02 - lba 5940, iops current 61590 (240 MB/s), iops average 59662 (233 MB/s), in_flight 32, busy 0        "
                + "\n\nfinished.\n";
        assertEquals(new IscsiPerfSummary(59662, 233, 0), IscsiPerfSummary.parse(output));
    }

    @Test
    void loggingMode_newlinesInsteadOfCarriageReturns() throws Exception {
        String output = HEADER + "will run for 2 seconds.\n\n"
                + "00:00:01 - lba 2183168, iops current 1025 (1026 MB/s), iops average 1025 (1026 MB/s), in_flight 32, busy 0        \n"
                + "iops average 1115 (1115 MB/s)                                                        \n\nfinished.\n";
        assertEquals(new IscsiPerfSummary(1115, 1115, 0), IscsiPerfSummary.parse(output));
    }

    @Test
    void failedCommand_isAFailure() {
        String output = HEADER + "will run for 3 seconds.\n\n"
                + "\r00:00:02 - lba 1, iops current 10 (0 MB/s), iops average 10 (0 MB/s), in_flight 32, busy 0        "
                + "Read16 failed with SCSI_STATUS_CHECK_CONDITION\n\nABORTED!\n";
        BenchFailure e = assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
        assertTrue(e.getMessage().contains("Read16 failed"), e.getMessage());
    }

    @Test
    void abortedWithoutAnErrorLine_isAFailure() {
        String output = HEADER + "\r00:00:01 - lba 1, iops current 10 (0 MB/s), iops average 10 (0 MB/s), in_flight 32, busy 0"
                + "\nABORTED!\n";
        assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
    }

    @Test
    void failedLogin_isAFailure() {
        String output = "iscsi-perf version 0.1\n\nLogin Failed. iscsi_service: socket error: Connection refused\n";
        assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
    }

    @Test
    void noAverage_isAFailureNotAZero() {
        BenchFailure e = assertThrows(BenchFailure.class,
                () -> IscsiPerfSummary.parse(HEADER + "will run for 1 seconds.\n\n\n\nfinished.\n"));
        assertTrue(e.getMessage().contains("no average"), e.getMessage());
    }

    @Test
    void zeroIops_isAFailure() {
        String output = HEADER + "\riops average 0 (0 MB/s)      \n\nfinished.\n";
        assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
    }

    @Test
    void missingFinishedLine_isAFailure() {
        String output = HEADER + "\riops average 100 (0 MB/s)      ";
        assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
    }

    @Test
    void usage_isAFailure() {
        String output = "Usage: iscsi-perf [-i <initiator-name>] [-m <max_requests>] <LUN>\n";
        assertThrows(BenchFailure.class, () -> IscsiPerfSummary.parse(output));
    }
}
