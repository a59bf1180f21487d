package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL: PREVENT 01b records that this I_T nexus prevents
 * medium removal, 00b that it allows it; the LU refuses to load or eject while any nexus prevents
 * ({@link StartStopUnit}). It works whether or not the medium is present (libiscsi
 * PreventAllow.Eject prevents with the medium ejected). 10b and 11b (obsolete) were rejected by
 * the decoder.
 *
 * <p>On a LU whose medium is not removable (RMB 0) there is nothing to prevent: PREVENT 01b is
 * INVALID FIELD IN CDB at the PREVENT field, 00b is GOOD (removal stays as allowed as it was).
 */
public final class PreventAllowMediumRemoval {
    private PreventAllowMediumRemoval() {
    }

    public static ScsiResponse execute(Cdb.PreventAllowMediumRemoval cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        if (!lu.medium().removable()) {
            return cdb.prevent() ? Failure.invalidFieldInCdb(4, 1).toResponse(lu.descriptorSense())
                    : ScsiResponse.good(null, 0);
        }
        lu.medium().prevent(lu.nexus(), cdb.prevent());
        return ScsiResponse.good(null, 0);
    }
}
