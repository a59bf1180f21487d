package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.pr.ReservationsTest.A;
import static org.scstj.engine.pr.ReservationsTest.B;
import static org.scstj.engine.pr.ReservationsTest.nexus;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayList;
import java.util.List;

class PersistentReservationsTest {
    static final Nexus C = nexus("iqn.2026-11.test:c", "000000000003", 1);
    static final Cdb READ = new Cdb.Read(Opcodes.READ_10, 0, 1, false, false);
    static final Cdb WRITE = new Cdb.Write(Opcodes.WRITE_10, 0, 1, false, false);

    private final Reservations r = new Reservations();
    private final List<Reservations.Notice> notices = new ArrayList<>();

    PersistentReservationsTest() {
    }

    /** Runs a PERSISTENT RESERVE OUT, keeping the notices it leaves for the LUN actor. */
    private PrOut.Outcome execute(Nexus nexus, PrOut out) {
        Reservations.Result result = r.execute(nexus, out);
        notices.addAll(result.notices());
        return result.outcome();
    }

    static PrOut.Outcome outcome(Reservations r, Nexus nexus, PrOut out) {
        return r.execute(nexus, out).outcome();
    }

    static PrOut out(int sa, int type, long key, long saKey) {
        return new PrOut(sa, 0, type, key, saKey, false, false, false, List.of(), false, 0);
    }

    private PrOut.Outcome register(Nexus n, long key) {
        return execute(n, out(PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, key));
    }

    @Test
    void register_thenChangeKey_thenUnregister_bumpsThePrGeneration() {
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.REGISTER, 0, 0, 0x11)));
        assertEquals(1, r.snapshot().generation());
        assertEquals(PrOut.Outcome.CONFLICT, execute(A, out(PrOut.REGISTER, 0, 0x99, 0x12)), "wrong key");
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.REGISTER, 0, 0x11, 0x12)));
        assertEquals(0x12, r.registrationOf(A).key());
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.REGISTER, 0, 0x12, 0)));
        assertNull(r.registrationOf(A));
        assertEquals(3, r.snapshot().generation());
        assertEquals(PrOut.Outcome.CONFLICT, execute(B, out(PrOut.REGISTER, 0, 0x5, 0x6)),
                "an unregistered nexus with a non-zero key");
        assertTrue(r.idle());
    }

    @Test
    void writeExclusive_letsOthersRead_notWrite_andTheHolderDoBoth() {
        register(A, 1);
        register(B, 2);
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RESERVE, 1, 1, 0)));
        assertFalse(Conflicts.conflicts(r, A, WRITE));
        assertFalse(Conflicts.conflicts(r, B, READ));
        assertTrue(Conflicts.conflicts(r, B, WRITE));
        assertTrue(Conflicts.conflicts(r, C, WRITE));
        assertEquals(PrOut.Outcome.CONFLICT, execute(B, out(PrOut.RESERVE, 1, 2, 0)));
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RESERVE, 1, 1, 0)), "the holder again");
        assertEquals(PrOut.Outcome.INVALID_RELEASE, execute(A, out(PrOut.RELEASE, 3, 1, 0)));
        assertEquals(PrOut.Outcome.GOOD, execute(B, out(PrOut.RELEASE, 1, 2, 0)), "not the holder: nothing");
        assertEquals(PrType.WRITE_EXCLUSIVE, r.snapshot().type());
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RELEASE, 1, 1, 0)));
        assertNull(r.snapshot().type());
        assertTrue(notices.isEmpty(), "releasing WE tells nobody");
    }

    @Test
    void exclusiveAccessRegistrantsOnly_letsRegistrantsIn_andUnregisteringTheHolderReleasesIt() {
        register(A, 1);
        register(B, 2);
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RESERVE, 6, 1, 0)));
        assertFalse(Conflicts.conflicts(r, B, WRITE));
        assertTrue(Conflicts.conflicts(r, C, READ));
        register(A, 0);
        assertNull(r.snapshot().type());
        assertEquals(SenseReason.RESERVATIONS_RELEASED, notices.getFirst().condition());
        assertTrue(notices.getFirst().to().test(B));
    }

    @Test
    void allRegistrants_holdersAreEveryRegistrant_andTheReservationOutlivesOneOfThem() {
        register(A, 1);
        register(B, 2);
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RESERVE, 8, 1, 0)));
        assertEquals(PrOut.Outcome.GOOD, execute(B, out(PrOut.RELEASE, 8, 2, 0)), "B holds it too");
        assertNull(r.snapshot().type());
        assertEquals(PrOut.Outcome.GOOD, execute(A, out(PrOut.RESERVE, 7, 1, 0)));
        register(A, 0);
        assertEquals(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, r.snapshot().type());
        assertNull(r.snapshot().holder(), "READ RESERVATION reports key 0");
    }

    @Test
    void preempt_removesTheVictimsRegistration_tellsIt_andBumpsTheGeneration() {
        register(A, 1);
        register(B, 2);
        int before = r.snapshot().generation();
        assertEquals(PrOut.Outcome.GOOD, execute(B, out(PrOut.PREEMPT, 3, 2, 1)));
        assertNull(r.registrationOf(A));
        assertEquals(before + 1, r.snapshot().generation());
        assertEquals(SenseReason.REGISTRATIONS_PREEMPTED, notices.getFirst().condition());
        assertTrue(notices.getFirst().to().test(A));
        assertFalse(notices.getFirst().to().test(B));
        assertEquals(PrOut.Outcome.CONFLICT, execute(B, out(PrOut.PREEMPT, 3, 2, 0x77)), "no such key");
    }

    @Test
    void preemptAndAbort_ofTheHolder_movesTheReservation_andAbortsTheVictimsTasks() {
        register(A, 1);
        register(B, 2);
        execute(A, out(PrOut.RESERVE, 3, 1, 0));
        assertEquals(PrOut.Outcome.GOOD, execute(B, out(PrOut.PREEMPT_AND_ABORT, 1, 2, 1)));
        assertEquals(PrType.WRITE_EXCLUSIVE, r.snapshot().type());
        assertEquals(2, r.snapshot().holder().key());
        assertTrue(notices.getFirst().abortTasks());
        assertTrue(notices.getFirst().to().test(A));
    }

    @Test
    void clear_endsEverything_andTellsTheOtherRegistrants() {
        register(A, 1);
        register(B, 2);
        execute(A, out(PrOut.RESERVE, 1, 1, 0));
        assertEquals(PrOut.Outcome.CONFLICT, execute(C, out(PrOut.CLEAR, 0, 3, 0)));
        assertEquals(PrOut.Outcome.GOOD, execute(B, out(PrOut.CLEAR, 0, 2, 0)));
        assertTrue(r.snapshot().registrations().isEmpty());
        assertNull(r.snapshot().type());
        assertEquals(SenseReason.RESERVATIONS_PREEMPTED, notices.getFirst().condition());
        assertTrue(notices.getFirst().to().test(A));
        assertFalse(notices.getFirst().to().test(B));
        assertTrue(r.idle());
    }

    @Test
    void spc2AndPersistentReservations_excludeEachOther() {
        register(A, 1);
        assertTrue(Conflicts.conflicts(r, A, new Cdb.Reserve(Opcodes.RESERVE_6)));
        assertTrue(Conflicts.conflicts(r, B, new Cdb.Release(Opcodes.RELEASE_10)));
        assertFalse(r.reserve(A));
    }

    @Test
    void specIPt_registersTheNamedPorts_andRefusesOnesAlreadyRegistered() {
        Registrant b = new Registrant("iqn.2026-11.test:b", null, 0, false);
        PrOut spec = new PrOut(PrOut.REGISTER, 0, 0, 0, 5, true, false, false, List.of(b), false, 0);
        assertEquals(PrOut.Outcome.GOOD, execute(A, spec));
        assertEquals(5, r.registrationOf(B).key(), "format 00b names every ISID of B");
        assertEquals(PrOut.Outcome.INVALID_PARAMETER, execute(C,
                new PrOut(PrOut.REGISTER, 0, 0, 0, 6, true, false, false, List.of(b), false, 0)));
        assertNull(r.registrationOf(C), "nothing half-done");
    }

    @Test
    void registerAndMove_givesTheReservationToAnotherPort() {
        register(A, 1);
        execute(A, out(PrOut.RESERVE, 1, 1, 0));
        Registrant b = new Registrant("iqn.2026-11.test:b", "000000000002", 0, false);
        PrOut move = new PrOut(PrOut.REGISTER_AND_MOVE, 0, 1, 1, 9, false, false, false, List.of(b), true, 1);
        assertEquals(PrOut.Outcome.GOOD, execute(A, move));
        assertNull(r.registrationOf(A));
        assertEquals(9, r.snapshot().holder().key());
        assertTrue(Conflicts.conflicts(r, A, WRITE));
        assertFalse(Conflicts.conflicts(r, B, WRITE));
    }
}
