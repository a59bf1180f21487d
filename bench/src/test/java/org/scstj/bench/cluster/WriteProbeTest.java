package org.scstj.bench.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.initiator.ScsiResult;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WriteProbeTest {
    private static ScsiResult checkCondition(int key, int asc, int ascq) {
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = (byte) key;
        sense[7] = 10;
        sense[12] = (byte) asc;
        sense[13] = (byte) ascq;
        return new ScsiResult(0, ScsiResult.CHECK_CONDITION, sense, new byte[0], 0, false, false, 0, List.of());
    }

    private static ScsiResult status(int status) {
        return new ScsiResult(0, status, new byte[0], new byte[0], 0, false, false, 0, List.of());
    }

    @Test
    void good() {
        assertEquals(new WriteProbe.Good(), WriteProbe.outcome(status(ScsiResult.GOOD)));
    }

    @Test
    void aluaTransitioningAndStandby_unitAttentions_busy_areRetried() {
        assertEquals(new WriteProbe.Retry("02/04/0A"), WriteProbe.outcome(checkCondition(2, 4, 0x0A)));
        assertEquals(new WriteProbe.Retry("02/04/0B"), WriteProbe.outcome(checkCondition(2, 4, 0x0B)));
        assertEquals(new WriteProbe.Retry("06/2A/06"), WriteProbe.outcome(checkCondition(6, 0x2A, 6)));
        assertEquals(new WriteProbe.Retry("06/29/00"), WriteProbe.outcome(checkCondition(6, 0x29, 0)));
        assertEquals(new WriteProbe.Retry("status 08"), WriteProbe.outcome(status(0x08)));
        assertEquals(new WriteProbe.Retry("status 28"), WriteProbe.outcome(status(0x28)));
    }

    @Test
    void anythingElse_stopsTheBenchmark() {
        assertEquals(new WriteProbe.Refused("02/04/0C"), WriteProbe.outcome(checkCondition(2, 4, 0x0C)));
        assertEquals(new WriteProbe.Refused("05/24/00"), WriteProbe.outcome(checkCondition(5, 0x24, 0)));
        assertEquals(new WriteProbe.Refused("0B/00/00"), WriteProbe.outcome(checkCondition(0x0B, 0, 0)));
        assertEquals(new WriteProbe.Refused("status 18"), WriteProbe.outcome(status(0x18)), "RESERVATION CONFLICT");
    }
}
