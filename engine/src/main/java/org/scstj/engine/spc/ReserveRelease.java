package org.scstj.engine.spc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;

/**
 * SPC-2 7.21 / 7.22 RESERVE(6) / (10) and 7.17 / 7.18 RELEASE(6) / (10): a logical unit
 * reservation held by the I_T nexus ({@link org.scstj.engine.pr.Reservations}). Third-party and
 * extent reservations were refused by the decoder. While persistent reservation registrations
 * exist, the LUN actor's check stage already answered RESERVATION CONFLICT (SPC-5 5.14.1).
 */
public final class ReserveRelease {
    private ReserveRelease() {
    }

    /**
     * RESERVE, through the LU's control port: GOOD, or RESERVATION CONFLICT when another nexus
     * holds the LU (SPC-2 7.21.1).
     */
    public static void reserve(Cdb.Reserve cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        ctx.state().control().submit(new ControlOp.Reserve(lu.nexus()),
                result -> ctx.complete(ControlResponse.of(result, lu.descriptorSense())));
    }

    /** RELEASE, through the LU's control port: GOOD; the reservation ends only if this nexus holds it (SPC-2 7.17). */
    public static void release(Cdb.Release cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        ctx.state().control().submit(new ControlOp.Release(lu.nexus()),
                result -> ctx.complete(ControlResponse.of(result, lu.descriptorSense())));
    }
}
