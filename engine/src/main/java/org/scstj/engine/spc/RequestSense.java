package org.scstj.engine.spc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.39 REQUEST SENSE: returns pending sense (a unit attention the LUN actor dequeued) as
 * parameter data, or NO SENSE; DESC selects the format (SPC-5 4.4.1).
 */
public final class RequestSense {
    private RequestSense() {
    }

    /** Nothing pending: NO SENSE / NO ADDITIONAL SENSE INFORMATION. */
    public static ScsiResponse noSense(Cdb.RequestSense cdb, int edtl) {
        return respond(cdb, SenseReason.NO_SENSE, edtl);
    }

    /** Reports {@code pending} (e.g. a unit attention) as REQUEST SENSE parameter data, with GOOD status. */
    public static ScsiResponse respond(Cdb.RequestSense cdb, SenseReason pending, int edtl) {
        byte[] sense = SenseData.build(pending, cdb.desc());
        return AllocationLength.respond(sense, sense.length, cdb.allocationLength(), edtl);
    }
}
