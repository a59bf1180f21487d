package org.scstj.engine.lu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayList;
import java.util.List;

/** The medium state machine of SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL and 5.25 START STOP UNIT. */
class MediumStateTest {
    private static final Nexus A = nexus("iqn.a");
    private static final Nexus B = nexus("iqn.b");

    private final MediumState medium = new MediumState(true);

    private static Nexus nexus(String initiator) {
        return new Nexus(initiator, initiator + ",i,0x000000000001", "iqn.t", "iqn.t,t,0x0001", 1, 1);
    }

    @Test
    void atPowerOn_theMediumIsLoadedAndNothingPrevented() {
        assertTrue(medium.removable());
        assertTrue(medium.present());
        assertFalse(medium.removalPrevented());
    }

    @Test
    void ejectThenLoad_movesTheMedium_andRepeatingEitherMovesNothing() {
        assertEquals(MediumState.Result.MOVED, medium.eject(A));
        assertFalse(medium.present());
        assertEquals(MediumState.Result.UNCHANGED, medium.eject(B), "already ejected");
        assertFalse(medium.present());
        assertEquals(MediumState.Result.MOVED, medium.load(B));
        assertTrue(medium.present());
        assertEquals(MediumState.Result.UNCHANGED, medium.load(A), "already loaded");
    }

    @Test
    void preventIsPerNexus_andTheLuIsPreventedWhileAnyNexusPrevents() {
        medium.prevent(A, true);
        medium.prevent(B, true);
        assertTrue(medium.prevents(A));
        medium.prevent(A, false);
        assertFalse(medium.prevents(A));
        assertTrue(medium.removalPrevented(), "B still prevents");
        assertEquals(MediumState.Result.REMOVAL_PREVENTED, medium.eject(A));
        medium.prevent(B, false);
        assertFalse(medium.removalPrevented());
        assertEquals(MediumState.Result.MOVED, medium.eject(A));
    }

    @Test
    void preventingTwiceFromOneNexus_isUndoneByOneAllow() {
        medium.prevent(A, true);
        medium.prevent(A, true);
        medium.prevent(A, false);
        assertFalse(medium.removalPrevented());
    }

    @Test
    void whilePrevented_neitherEjectNorLoadMovesTheMedium() {
        medium.prevent(A, true);
        assertEquals(MediumState.Result.REMOVAL_PREVENTED, medium.eject(A));
        assertTrue(medium.present());
        medium.prevent(A, false);
        medium.eject(A);
        medium.prevent(B, true);
        assertEquals(MediumState.Result.REMOVAL_PREVENTED, medium.load(A));
        assertFalse(medium.present());
    }

    @Test
    void nexusLoss_endsThatNexussPreventionOnly() {
        medium.prevent(A, true);
        medium.prevent(B, true);
        medium.nexusLost(A);
        assertFalse(medium.prevents(A));
        assertTrue(medium.prevents(B));
        medium.nexusLost(B);
        assertEquals(MediumState.Result.MOVED, medium.eject(A));
    }

    @Test
    void reset_endsEveryPrevention_andLeavesTheMediumWhereItIs() {
        medium.eject(A);
        medium.prevent(A, true);
        medium.prevent(B, true);
        medium.reset();
        assertFalse(medium.removalPrevented());
        assertFalse(medium.present(), "a reset does not load the medium");
    }

    @Test
    void nonRemovableMedium_isAlwaysPresentAndCannotBePreventedOrMoved() {
        MediumState fixed = new MediumState(false);
        assertFalse(fixed.removable());
        assertTrue(fixed.present());
        assertThrows(IllegalStateException.class, () -> fixed.prevent(A, true));
        assertThrows(IllegalStateException.class, () -> fixed.eject(A));
        assertThrows(IllegalStateException.class, () -> fixed.load(A));
        fixed.nexusLost(A);
        fixed.reset();
        assertTrue(fixed.present());
    }
}
