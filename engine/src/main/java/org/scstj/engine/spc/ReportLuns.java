package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.33 REPORT LUNS, answered by the session actor (it knows which LUNs the initiator sees;
 * no logical unit is involved). scstj has no well-known and no administrative logical units and
 * no conglomerates, so SELECT REPORT 00h, 02h and 11h report every mapped LUN, and 01h, 10h and
 * 12h report an empty list.
 */
public final class ReportLuns {
    private ReportLuns() {
    }

    /**
     * The response to REPORT LUNS.
     *
     * @param cdb        the decoded command (SELECT REPORT was validated by the decoder)
     * @param sortedLuns the initiator's LUN numbers, ascending, each 0..16383
     * @param edtl       the transport's expected data transfer length
     */
    public static ScsiResponse respond(Cdb.ReportLuns cdb, int[] sortedLuns, int edtl) {
        byte[] data = parameterData(cdb.selectReport(), sortedLuns);
        return AllocationLength.respond(data, data.length, cdb.allocationLength(), edtl);
    }

    /** SPC-5 6.33.2 parameter data: LUN LIST LENGTH, 4 reserved bytes, 8 bytes per LUN. */
    public static byte[] parameterData(int selectReport, int[] sortedLuns) {
        boolean all = selectReport == 0x00 || selectReport == 0x02 || selectReport == 0x11;
        int count = all ? sortedLuns.length : 0;
        byte[] d = new byte[8 + 8 * count];
        put32(d, 0, 8L * count);
        for (int i = 0; i < count; i++) {
            put64(d, 8 + 8 * i, LunFormat.encode(sortedLuns[i]));
        }
        return d;
    }
}
