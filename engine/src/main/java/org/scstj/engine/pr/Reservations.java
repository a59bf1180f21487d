package org.scstj.engine.pr;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.spi.Nexus;

/**
 * The reservation state of one logical unit, shared by every target and nexus that maps it (like
 * {@link org.scstj.engine.sam.MediumState}): the SPC-2 reservation (SPC-2 5.5.1).
 *
 * <p>SPC-2 reservation: held by one I_T nexus, made by RESERVE(6)/(10) and ended by RELEASE from
 * the holder (SPC-2 7.17: a RELEASE from another nexus is GOOD and changes nothing), by a logical
 * unit reset or a target reset (SPC-2 5.5.1, "hard reset"), and by the loss of the holder's I_T
 * nexus. Every other nexus gets RESERVATION CONFLICT for a command whose command-table row is
 * not {@linkplain CommandTable.Row#allowedUnderReservation allowed under a reservation}, and for
 * PREVENT ALLOW MEDIUM REMOVAL with PREVENT 01b (00b is allowed, SPC-2 5.5.1).
 *
 * <p>Threads: changed by commands on the exec stage and by the LUN actor (resets, nexus loss),
 * read by the LUN actor's check stage for every command; every method is synchronized, and the
 * check stage first reads one volatile flag, so a LU without reservations costs one read.
 */
public final class Reservations {

    /** The SPC-2 holder, or null. */
    private Nexus spc2Holder;
    /** Anything reserved: the check stage's fast path. */
    private volatile boolean engaged;

    /** Nothing is reserved: no command can conflict. */
    public boolean idle() {
        return !engaged;
    }

    /**
     * The check stage (SAM-5 5.14 order: after unit attention, before write protection): true if
     * {@code cdb} from {@code nexus} must end in RESERVATION CONFLICT.
     */
    public synchronized boolean conflicts(Nexus nexus, Cdb cdb) {
        if (spc2Holder != null && !spc2Holder.equals(nexus)) {
            // SPC-2 5.5.1: PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b is allowed
            return !cdb.row().allowedUnderReservation()
                    && !(cdb instanceof Cdb.PreventAllowMediumRemoval p && !p.prevent());
        }
        return false;
    }

    /** The SPC-2 holder, or null. */
    public synchronized Nexus spc2Holder() {
        return spc2Holder;
    }

    /**
     * SPC-2 7.21 RESERVE: reserves the LU for {@code nexus}; a RESERVE from the holder is GOOD
     * again (SPC-2 7.21.1: "superseding"). False when another nexus holds it (RESERVATION CONFLICT).
     */
    public synchronized boolean reserve(Nexus nexus) {
        if (spc2Holder != null && !spc2Holder.equals(nexus)) {
            return false;
        }
        spc2Holder = nexus;
        update();
        return true;
    }

    /** SPC-2 7.17 RELEASE: ends the reservation if {@code nexus} holds it; from another nexus, nothing changes. */
    public synchronized void release(Nexus nexus) {
        if (nexus.equals(spc2Holder)) {
            spc2Holder = null;
            update();
        }
    }

    /** LOGICAL UNIT RESET, target reset (SPC-2 5.5.1): the SPC-2 reservation ends. */
    public synchronized void reset() {
        spc2Holder = null;
        update();
    }

    /** The I_T nexus is gone or was reset (SPC-2 5.5.1): its SPC-2 reservation ends. */
    public synchronized void nexusLost(Nexus nexus) {
        if (nexus.equals(spc2Holder)) {
            spc2Holder = null;
            update();
        }
    }

    private void update() {
        engaged = spc2Holder != null;
    }
}
