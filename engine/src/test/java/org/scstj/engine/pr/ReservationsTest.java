package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.spi.Nexus;

class ReservationsTest {
    static final Nexus A = nexus("iqn.2026-11.test:a", "000000000001", 1);
    static final Nexus B = nexus("iqn.2026-11.test:b", "000000000002", 1);

    static Nexus nexus(String initiator, String isid, int port) {
        return new Nexus(initiator, initiator + ",i,0x" + isid, "iqn.2026-11.org.scstj:t",
                "iqn.2026-11.org.scstj:t,t,0x" + port, port, port);
    }

    private final Reservations r = new Reservations();

    @Test
    void spc2Reserve_excludesOtherNexusesButNotTheHolder() {
        assertTrue(r.idle());
        assertTrue(r.reserve(A));
        assertFalse(r.idle());
        assertTrue(r.reserve(A), "SPC-2 7.21: the holder may reserve again");
        assertFalse(r.reserve(B));
        assertFalse(Conflicts.conflicts(r, A, new Cdb.TestUnitReady()));
        assertTrue(Conflicts.conflicts(r, B, new Cdb.TestUnitReady()));
        assertTrue(Conflicts.conflicts(r, B, new Cdb.Reserve(Opcodes.RESERVE_6)));
        assertFalse(Conflicts.conflicts(r, B, new Cdb.Inquiry(false, 0, 36)));
        assertFalse(Conflicts.conflicts(r, B, new Cdb.Release(Opcodes.RELEASE_6)));
        assertFalse(Conflicts.conflicts(r, B, new Cdb.PreventAllowMediumRemoval(false)));
        assertTrue(Conflicts.conflicts(r, B, new Cdb.PreventAllowMediumRemoval(true)));
    }

    @Test
    void spc2Release_fromAnotherNexusChangesNothing_fromTheHolderEndsIt() {
        r.reserve(A);
        r.release(B);
        assertEquals(A, r.spc2Holder());
        r.release(A);
        assertNull(r.spc2Holder());
        assertTrue(r.idle());
        assertTrue(r.reserve(B));
    }

    @Test
    void spc2Reservation_endsWithReset_andWithTheHoldersNexusOnly() {
        r.reserve(A);
        r.nexusLost(B);
        assertEquals(A, r.spc2Holder());
        r.nexusLost(A);
        assertNull(r.spc2Holder());
        r.reserve(B);
        r.reset();
        assertTrue(r.idle());
    }
}
