package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.pr.ReservationsTest.A;
import static org.scstj.engine.pr.ReservationsTest.nexus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.state.StateFile;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** SPC-5 5.14.4: the APTPL state file, in the format the engine has always written. */
class ReservationFileTest {
    /**
     * Written by the engine before the control state moved behind a port (its own
     * {@code Reservations(StateFile, Executor)} and {@code persist()}): A registered 0xA1, B
     * registered 0xB2 with ALL_TG_PT through target port 2, A reserved EXCLUSIVE ACCESS, each with
     * APTPL 1.
     */
    static final String FIXTURE = "aptpl-written-before-the-control-port.state";

    @TempDir
    Path dir;

    private Path fixture() throws Exception {
        Path file = dir.resolve("lu.state");
        try (InputStream in = ReservationFileTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(in, FIXTURE);
            Files.copy(in, file);
        }
        return file;
    }

    private static ReservationFile open(Path file) {
        return new ReservationFile(new StateFile(file), Runnable::run);
    }

    @Test
    void aFileWrittenByTheEarlierCode_loads() throws Exception {
        ReservationFile.Loaded loaded = open(fixture()).load();
        assertNull(loaded.problem());
        Registrant a = Registrant.of(A, false);
        Registrant b = new Registrant("iqn.2026-11.test:b", "000000000002", 2, true);
        assertEquals(new ReservationsData(List.of(new Reservations.Registration(a, 0xA1),
                new Reservations.Registration(b, 0xB2)), 2, PrType.EXCLUSIVE_ACCESS, a, true, null), loaded.data());
        Reservations r = Reservations.of(loaded.data());
        assertEquals(0xA1, r.snapshot().holder().key());
        assertTrue(Conflicts.conflicts(r, nexus("iqn.2026-11.test:b", "000000000002", 1),
                PersistentReservationsTest.READ), "EXCLUSIVE ACCESS: a registrant that does not hold it conflicts");
    }

    @Test
    void theSameStateIsWrittenInTheSameFormat() throws Exception {
        Path old = fixture();
        String oldBody = new StateFile(old).read().orElseThrow();
        ReservationsData d = open(old).load().data();
        assertEquals(oldBody, ReservationFile.format(d));

        Path again = dir.resolve("again.state");
        ReservationFile file = open(again);
        assertNull(file.persist(d).toCompletableFuture().join());
        assertEquals(Files.readString(old), Files.readString(again), "byte for byte, check line included");
    }

    @Test
    void aptplGoingToZero_overwritesTheFile_andNothingIsWrittenWhileItStaysZero() throws Exception {
        Path path = fixture();
        ReservationFile file = open(path);
        ReservationsData d = file.load().data();
        ReservationsData off = new ReservationsData(d.registrations(), d.generation() + 1, d.type(), d.holder(),
                false, null);
        assertNull(file.persist(off).toCompletableFuture().join());
        assertEquals("aptpl=0\n", new StateFile(path).read().orElseThrow());
        assertEquals(ReservationsData.EMPTY, open(path).load().data());
        Files.delete(path);
        assertNull(file.persist(off).toCompletableFuture().join());
        assertTrue(Files.notExists(path), "APTPL 0 and already written as 0: nothing to write");
    }
}
