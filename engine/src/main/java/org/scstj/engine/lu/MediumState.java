package org.scstj.engine.lu;

import org.scstj.engine.spi.Nexus;

import java.util.HashSet;
import java.util.Set;

/**
 * The medium of one logical unit: whether it is present and which I_T nexuses prevent its
 * removal (SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL, 5.25 START STOP UNIT). One object per LU,
 * owned by its LUN actor, like {@link ModeParameters}.
 *
 * <p>A non-removable LU's medium is always present and can be neither prevented nor ejected. A
 * removable LU starts with its medium loaded and nothing prevented (power on). Prevention is per
 * I_T nexus and the LU prevents removal while any nexus does; a nexus's prevention ends with
 * PREVENT 00b from it, with its I_T nexus loss (logout, connection loss, I_T NEXUS RESET), and
 * every nexus's ends with a logical unit reset, a hard reset or power on (SBC-4 5.13).
 *
 * <p>Threads: changed only on the LUN actor's thread (START STOP UNIT and PREVENT ALLOW MEDIUM
 * REMOVAL run there, as do resets and nexus loss); {@link #present()} is volatile, for copies
 * (EXTENDED COPY) that look at another LU's medium from their own thread.
 */
public final class MediumState {

    /** What {@link #load} and {@link #eject} did. */
    public enum Result {
        /**
         * The medium moved where it was asked to be. After a load the other nexuses are told NOT
         * READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28/00) by the command that loaded it.
         */
        MOVED,
        /** The medium already was where it was asked to be. */
        UNCHANGED,
        /** Some I_T nexus prevents medium removal: nothing moved (ILLEGAL REQUEST 53/02). */
        REMOVAL_PREVENTED
    }

    private final boolean removable;
    private volatile boolean present = true;
    private final Set<Nexus> preventing = new HashSet<>();

    /** A loaded medium with nothing prevented; {@code removable} as the device reports (INQUIRY RMB). */
    public MediumState(boolean removable) {
        this.removable = removable;
    }

    /** SPC-5 6.7.2 RMB: the medium can be removed. */
    public boolean removable() {
        return removable;
    }

    /** The medium is loaded: medium-access commands may run (otherwise NOT READY 3A/00). */
    public boolean present() {
        return present;
    }

    /** Any I_T nexus prevents medium removal. */
    public boolean removalPrevented() {
        return !preventing.isEmpty();
    }

    /** Whether {@code nexus} in particular prevents medium removal. */
    public boolean prevents(Nexus nexus) {
        return preventing.contains(nexus);
    }

    /**
     * SBC-4 5.13 PREVENT field 01b ({@code prevent}) or 00b from {@code nexus}. Only for a
     * removable LU; the command refuses 01b on any other.
     */
    public void prevent(Nexus nexus, boolean prevent) {
        if (!removable) {
            throw new IllegalStateException("medium removal of a non-removable logical unit");
        }
        if (prevent) {
            preventing.add(nexus);
        } else {
            preventing.remove(nexus);
        }
    }

    /** SBC-4 5.25 LOEJ 1, START 0: unloads the medium unless some nexus prevents its removal. */
    public Result eject(Nexus by) {
        return move(by, false);
    }

    /** SBC-4 5.25 LOEJ 1, START 1: loads the medium unless some nexus prevents medium removal. */
    public Result load(Nexus by) {
        return move(by, true);
    }

    private Result move(Nexus by, boolean load) {
        if (!removable) {
            throw new IllegalStateException("loading or ejecting a non-removable medium");
        }
        // A prevented LU's medium does not move in either direction (libiscsi PreventAllow.Eject
        // expects the load refused too, as MMC-6's START STOP UNIT does).
        if (!preventing.isEmpty()) {
            return Result.REMOVAL_PREVENTED;
        }
        if (present == load) {
            return Result.UNCHANGED;
        }
        present = load;
        return Result.MOVED;
    }

    /** I_T nexus loss of {@code nexus} (including I_T NEXUS RESET, SAM-5 7.6): its prevention ends. */
    public void nexusLost(Nexus nexus) {
        preventing.remove(nexus);
    }

    /** Logical unit reset, hard reset, power on: every nexus's prevention ends; the medium stays where it is. */
    public void reset() {
        preventing.clear();
    }
}
