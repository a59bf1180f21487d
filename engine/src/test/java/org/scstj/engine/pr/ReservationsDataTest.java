package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.pr.PersistentReservationsTest.out;
import static org.scstj.engine.pr.ReservationsTest.A;
import static org.scstj.engine.pr.ReservationsTest.B;
import static org.scstj.engine.pr.ReservationsTest.nexus;

import org.junit.jupiter.api.Test;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.List;

/** The reservations' state machine run on a value, and what it leaves for other nexuses as data. */
class ReservationsDataTest {
    /** A second path of B's initiator port, through another target port. */
    static final Nexus B_PORT_2 = nexus("iqn.2026-11.test:b", "000000000002", 2);
    static final Nexus C = nexus("iqn.2026-11.test:c", "000000000003", 1);

    private static PrOut register(long key) {
        return out(PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, key);
    }

    @Test
    void ofToData_roundTrip_keepsEveryField_andTheBehaviour() {
        Reservations r = new Reservations();
        assertEquals(ReservationsData.EMPTY, r.toData());
        r.execute(A, register(0xA1));
        r.execute(B, register(0xB2));
        r.execute(A, out(PrOut.RESERVE, 1, 0xA1, 0)); // WRITE EXCLUSIVE, held by A
        ReservationsData d = r.toData();
        assertEquals(2, d.generation());
        assertEquals(List.of(new Reservations.Registration(Registrant.of(A, false), 0xA1),
                new Reservations.Registration(Registrant.of(B, false), 0xB2)), d.registrations());
        assertEquals(PrType.WRITE_EXCLUSIVE, d.type());
        assertEquals(Registrant.of(A, false), d.holder());
        assertFalse(d.aptpl());
        assertNull(d.spc2Holder());

        Reservations copy = Reservations.of(d);
        assertEquals(d, copy.toData());
        assertEquals(r.snapshot(), copy.snapshot());
        assertEquals(Conflicts.conflicts(r, B, PersistentReservationsTest.WRITE),
                Conflicts.conflicts(copy, B, PersistentReservationsTest.WRITE));
        assertTrue(Conflicts.conflicts(copy, B, PersistentReservationsTest.WRITE));
        assertFalse(copy.idle());

        Reservations spc2 = new Reservations();
        assertTrue(spc2.reserve(C));
        ReservationsData held = spc2.toData();
        assertEquals(C, held.spc2Holder());
        Reservations spc2Copy = Reservations.of(held);
        assertEquals(C, spc2Copy.spc2Holder());
        assertFalse(spc2Copy.reserve(A), "SPC-2 7.21.1: another nexus holds it");
    }

    @Test
    void theValue_isNotChangedByRunningTheStateMachineOnIt() {
        Reservations r = new Reservations();
        r.execute(A, register(0xA1));
        ReservationsData before = r.toData();
        Reservations next = Reservations.of(before);
        next.execute(B, register(0xB2));
        next.execute(A, out(PrOut.CLEAR, 0, 0xA1, 0));
        assertEquals(1, before.registrations().size());
        assertEquals(1, before.generation());
        assertEquals(before, r.toData());
        next.install(before);
        assertEquals(before, next.toData());
    }

    @Test
    void preemptAndAbort_leavesItsNoticesAsData() {
        Reservations r = new Reservations();
        r.execute(A, register(0xA1));
        r.execute(B, register(0xB2));
        r.execute(B_PORT_2, register(0xB2));
        r.execute(C, register(0xC3));
        r.execute(B, out(PrOut.RESERVE, 1, 0xB2, 0)); // WRITE EXCLUSIVE, held by B (port 1)
        Reservations.Result result = r.execute(A, out(PrOut.PREEMPT_AND_ABORT, 3, 0xA1, 0xB2));
        assertEquals(PrOut.Outcome.GOOD, result.outcome());
        // SPC-5 5.14.11.4.4: the holder's registrations go, with their tasks; the type changed, so
        // the remaining registrants but the preemptor get RESERVATIONS RELEASED
        NexusSelector preempted = new NexusSelector.Registered(
                List.of(Registrant.of(B, false), Registrant.of(B_PORT_2, false)), null);
        NexusSelector remaining = new NexusSelector.Registered(List.of(Registrant.of(C, false)), null);
        assertEquals(List.of(new Reservations.Notice(SenseReason.REGISTRATIONS_PREEMPTED, preempted, true),
                new Reservations.Notice(SenseReason.RESERVATIONS_RELEASED, remaining, false)), result.notices());
        assertTrue(preempted.test(B));
        assertTrue(preempted.test(B_PORT_2));
        assertFalse(preempted.test(A));
        assertFalse(preempted.test(C));
        assertTrue(remaining.test(C));
        assertFalse(remaining.test(A));
        assertEquals(PrType.EXCLUSIVE_ACCESS, r.toData().type());
        assertEquals(Registrant.of(A, false), r.toData().holder());
    }

    @Test
    void clear_tellsEveryOtherRegistrant_asTheRegistrationsWereBeforeIt() {
        Reservations r = new Reservations();
        r.execute(A, register(0xA1));
        r.execute(B, register(0xB2));
        Reservations.Result result = r.execute(A, out(PrOut.CLEAR, 0, 0xA1, 0));
        NexusSelector to = new NexusSelector.Registered(List.of(Registrant.of(A, false), Registrant.of(B, false)), A);
        assertEquals(List.of(new Reservations.Notice(SenseReason.RESERVATIONS_PREEMPTED, to, false)), result.notices());
        assertTrue(to.test(B));
        assertFalse(to.test(A), "the nexus that cleared is excepted");
        assertTrue(r.toData().registrations().isEmpty());
    }

    @Test
    void selectors_allAndAllBut() {
        assertTrue(new NexusSelector.All().test(A));
        assertTrue(new NexusSelector.AllBut(A).test(B));
        assertFalse(new NexusSelector.AllBut(A).test(A));
    }
}
