package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.pr.ReservationsTest.A;
import static org.scstj.engine.pr.ReservationsTest.B;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.state.StateFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** SPC-5 5.14.4: with APTPL the registrations and the reservation survive a restart. */
class AptplTest {
    @TempDir
    Path dir;

    private Reservations open() {
        return new Reservations(new StateFile(dir.resolve("lu.state")), Runnable::run);
    }

    private static void persist(Reservations r) {
        assertNull(r.persist().toCompletableFuture().join());
    }

    private static PrOut register(long key, boolean aptpl) {
        return new PrOut(PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, 0, key, false, false, aptpl, List.of(), false, 0);
    }

    @Test
    void aptpl_registrationsAndReservation_areRestoredByANewStateFromTheSameFile() {
        Reservations r = open();
        assertTrue(r.persistable());
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, A, register(0xA1, true)));
        persist(r);
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, B, register(0xB2, true)));
        persist(r);
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, A, PersistentReservationsTest.out(PrOut.RESERVE, 3, 0xA1, 0)));
        persist(r);

        Reservations restarted = open();
        assertNull(restarted.loadProblem());
        Reservations.Snapshot s = restarted.snapshot();
        assertEquals(r.snapshot().generation(), s.generation());
        assertEquals(List.of(0xA1L, 0xB2L), s.registrations().stream().map(Reservations.Registration::key).toList());
        assertEquals(PrType.EXCLUSIVE_ACCESS, s.type());
        assertEquals(0xA1, s.holder().key());
        assertTrue(s.aptpl());
        assertTrue(Conflicts.conflicts(restarted, B, PersistentReservationsTest.READ));
        assertFalse(restarted.idle());
    }

    @Test
    void withoutAptpl_nothingIsKept_andClearingAptplForgetsTheFile() {
        Reservations r = open();
        PersistentReservationsTest.outcome(r, A, register(0xA1, false));
        persist(r);
        assertTrue(open().snapshot().registrations().isEmpty());
        PersistentReservationsTest.outcome(r, A, register(0xA2, true));
        persist(r);
        assertEquals(1, open().snapshot().registrations().size());
        PersistentReservationsTest.outcome(r, A, register(0xA3, false));
        persist(r);
        assertTrue(open().snapshot().registrations().isEmpty(), "the last APTPL received was 0");
    }

    @Test
    void aCorruptFile_isReported_andNothingOfItIsApplied() throws Exception {
        Reservations r = open();
        PersistentReservationsTest.outcome(r, A, register(0xA1, true));
        persist(r);
        Path file = dir.resolve("lu.state");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("registration=a1", "registration=a7"));
        Reservations restarted = open();
        assertNotNull(restarted.loadProblem());
        assertTrue(restarted.snapshot().registrations().isEmpty());
        assertTrue(restarted.idle());

        Files.writeString(file, text.substring(0, text.length() / 2)); // torn
        assertNotNull(open().loadProblem());
        assertTrue(open().snapshot().registrations().isEmpty());
    }
}
