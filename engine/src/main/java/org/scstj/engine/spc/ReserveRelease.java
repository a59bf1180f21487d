package org.scstj.engine.spc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-2 7.21 / 7.22 RESERVE(6) / (10) and 7.17 / 7.18 RELEASE(6) / (10): a logical unit
 * reservation held by the I_T nexus ({@link org.scstj.engine.pr.Reservations}). Third-party and
 * extent reservations were refused by the decoder. While persistent reservation registrations
 * exist, the LUN actor's check stage already answered RESERVATION CONFLICT (SPC-5 5.14.1).
 */
public final class ReserveRelease {
    private ReserveRelease() {
    }

    /** RESERVE: GOOD, or RESERVATION CONFLICT when another nexus holds the LU (SPC-2 7.21.1). */
    public static ScsiResponse reserve(Cdb.Reserve cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        if (!lu.reservations().reserve(lu.nexus())) {
            return new ScsiResponse(ScsiResponse.RESERVATION_CONFLICT, null, null, 0);
        }
        return ScsiResponse.good(null, 0);
    }

    /** RELEASE: GOOD; the reservation ends only if this nexus holds it (SPC-2 7.17). */
    public static ScsiResponse release(Cdb.Release cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        lu.reservations().release(lu.nexus());
        return ScsiResponse.good(null, 0);
    }
}
