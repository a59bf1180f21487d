package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SPC-5 5.14.3 / SBC-4 4.17: which command class each kind of nexus may run under each reservation type. */
class ReservationClassTest {
    @Test
    void mediumWritesAreRegistrantsOnly_readsConflictOnlyUnderExclusiveAccess() {
        assertTrue(ReservationClass.READ.allowed(PrType.WRITE_EXCLUSIVE, false));
        assertFalse(ReservationClass.READ.allowed(PrType.EXCLUSIVE_ACCESS, true));
        assertTrue(ReservationClass.READ.allowed(PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, false));
        assertFalse(ReservationClass.READ.allowed(PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, false));
        assertTrue(ReservationClass.READ.allowed(PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, true));
        assertFalse(ReservationClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE, true));
        assertTrue(ReservationClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, true));
        assertFalse(ReservationClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, false));
        for (PrType t : PrType.values()) {
            assertTrue(ReservationClass.ALLOWED.allowed(t, false), t.name());
        }
    }
}
