package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

class RequestSenseTest {

    @Test
    void requestSenseWithNothingPending_isNoSenseInTheAskedFormat() {
        ScsiResponse fixed = RequestSense.noSense(new Cdb.RequestSense(false, 252), 252);
        assertEquals(ScsiResponse.GOOD, fixed.status());
        assertEquals(18, fixed.transferLength());
        ScsiResponse desc = RequestSense.noSense(new Cdb.RequestSense(true, 252), 252);
        assertEquals(8, desc.transferLength());
        byte[] d = new byte[8];
        desc.dataIn().nio().get(d);
        assertArrayEquals(new byte[] {0x72, 0, 0, 0, 0, 0, 0, 0}, d);
    }

    @Test
    void requestSenseWithAPendingUnitAttention_reportsItTruncatedToTheAllocationLength() {
        ScsiResponse r = RequestSense.respond(new Cdb.RequestSense(false, 14), SenseReason.POWER_ON_OCCURRED, 252);
        assertEquals(14, r.transferLength());
        byte[] d = new byte[14];
        r.dataIn().nio().get(d);
        assertEquals(0x06, d[2]);
        assertEquals(0x29, d[12]);
        assertEquals(0x01, d[13]);
    }
}
