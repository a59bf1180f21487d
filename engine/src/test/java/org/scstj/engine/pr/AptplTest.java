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

    /** One LU's reservations as the engine starts them from their file, the file, and what was wrong with it. */
    private record Lu(Reservations r, ReservationFile file, String loadProblem) {
    }

    private Lu open() {
        ReservationFile file = new ReservationFile(new StateFile(dir.resolve("lu.state")), Runnable::run);
        ReservationFile.Loaded loaded = file.load();
        return new Lu(Reservations.of(loaded.data()), file, loaded.problem());
    }

    /** What PERSISTENT RESERVE OUT and IN ask of an LU made with this file (SPC-5 5.14.4, PTPL_C). */
    private static boolean persistable(Lu lu) {
        org.scstj.engine.sbc.RamBlockDevice device = new org.scstj.engine.sbc.RamBlockDevice(512, 8);
        org.scstj.engine.lu.UnitState plain = org.scstj.engine.exec.LuContexts.state(device);
        org.scstj.engine.lu.UnitState withFile = new org.scstj.engine.lu.UnitState(plain.medium(), plain.mode(),
                plain.wholeMedium(), lu.r(), null, null, plain.stats(), plain.latency(), lu.file());
        assertFalse(org.scstj.engine.exec.LuContexts.of(0, device, false, A, plain).persistsReservations());
        return org.scstj.engine.exec.LuContexts.of(0, device, false, A, withFile).persistsReservations();
    }

    /** What the LU's control port does after a change. */
    private static void persist(Lu lu) {
        assertNull(lu.file().persist(lu.r().toData()).toCompletableFuture().join());
    }

    private static PrOut register(long key, boolean aptpl) {
        return new PrOut(PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, 0, key, false, false, aptpl, List.of(), false, 0);
    }

    @Test
    void aptpl_registrationsAndReservation_areRestoredByANewStateFromTheSameFile() {
        Lu lu = open();
        Reservations r = lu.r();
        assertNotNull(lu.file());
        assertTrue(persistable(lu), "PTPL_C: an LU with a reservation file accepts APTPL");
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, A, register(0xA1, true)));
        persist(lu);
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, B, register(0xB2, true)));
        persist(lu);
        assertEquals(PrOut.Outcome.GOOD, PersistentReservationsTest.outcome(r, A, PersistentReservationsTest.out(PrOut.RESERVE, 3, 0xA1, 0)));
        persist(lu);

        Lu restartedLu = open();
        assertNull(restartedLu.loadProblem());
        Reservations restarted = restartedLu.r();
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
        Lu lu = open();
        Reservations r = lu.r();
        PersistentReservationsTest.outcome(r, A, register(0xA1, false));
        persist(lu);
        assertTrue(open().r().snapshot().registrations().isEmpty());
        PersistentReservationsTest.outcome(r, A, register(0xA2, true));
        persist(lu);
        assertEquals(1, open().r().snapshot().registrations().size());
        PersistentReservationsTest.outcome(r, A, register(0xA3, false));
        persist(lu);
        assertTrue(open().r().snapshot().registrations().isEmpty(), "the last APTPL received was 0");
    }

    @Test
    void aCorruptFile_isReported_andNothingOfItIsApplied() throws Exception {
        Lu lu = open();
        Reservations r = lu.r();
        PersistentReservationsTest.outcome(r, A, register(0xA1, true));
        persist(lu);
        Path file = dir.resolve("lu.state");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("registration=a1", "registration=a7"));
        Lu restarted = open();
        assertNotNull(restarted.loadProblem());
        assertTrue(restarted.r().snapshot().registrations().isEmpty());
        assertTrue(restarted.r().idle());

        Files.writeString(file, text.substring(0, text.length() / 2)); // torn
        assertNotNull(open().loadProblem());
        assertTrue(open().r().snapshot().registrations().isEmpty());
    }
}
