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
        return report(cdb, pending, -1, edtl);
    }

    /**
     * Reports a condition the LUN actor found pending (a unit attention; NOT READY or MEDIUM ERROR
     * while a FORMAT UNIT or SANITIZE runs or after one failed) as parameter data, with GOOD status:
     * SPC-5 6.39, and SBC-4 5.3.1 / 4.11.1 with the PROGRESS INDICATION when {@code progress} is
     * 0..FFFFh (-1: none).
     */
    public static ScsiResponse report(Cdb cdb, SenseReason condition, int progress, int edtl) {
        Cdb.RequestSense rs = (Cdb.RequestSense) cdb;
        byte[] sense = progress < 0 ? SenseData.build(condition, rs.desc())
                : SenseData.withProgress(condition, progress, rs.desc());
        return AllocationLength.respond(sense, sense.length, rs.allocationLength(), edtl);
    }
}
