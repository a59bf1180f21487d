package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Linux's {@code st} on a tape drive written outside the JVM (issue 19, docs/user-handlers.md "CDB
 * operations"): a {@code user} device of {@code type = tape} whose handler, the Python
 * {@code user-handlers/python/examples/tape_drive.py}, the daemon starts and supervises itself
 * ({@code command}). The core answers INQUIRY, REPORT LUNS, REQUEST SENSE and the reservations and
 * sends every other command to the handler as a CDB operation through the shared rings. The guest of
 * {@link LinuxTapeTest} logs in, st attaches the LU as {@code /dev/nst0}, and
 * ({@code linux-guest/tape.sh}, {@code scstj.step=user}) {@code mt status}, a tar archive
 * ({@code -b 20}) of the files this test serves in variable-block mode, {@code weof}, then
 * {@code rewind}, {@code fsf}, {@code bsf}, {@code eod} and {@code seek} land where the archive's
 * records and the two filemarks put them (READ POSITION), and the archive extracts with the files'
 * checksums. No command may time out, the daemon logs no ERROR, exception or task management
 * function, the handler attached once and only once, and the daemon stops with exit status 0.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxUserTapeTest {
    static final String TARGET = "iqn.2026-12.org.scstj:user-tape";
    static final int TPGT = 1;
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.user.utape0 {
                socket = "@DIR@/utape0.sock"
                type = tape
                command = ["python3", "%s", "--size", "64M", "@DIR@/utape0.sock"]
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "%s" { luns { 0 = utape0 } } }
              }
            }
            """;

    /** The guest run, from QEMU's start to its exit, at most. */
    static final long GUEST_TIMEOUT_SECONDS = 180;
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 150;

    @TempDir
    Path dir;

    @Test
    void linuxSt_onAPythonTapeDrive_writesTarSpacesSeeksAndReadsItBack() throws Exception {
        LinuxGuest.requireTools();
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
        Map<String, byte[]> files = LinuxTapeTest.sampleFiles(new Random());
        long records = LinuxTapeTest.tarRecords(files);
        String handler = REPO.resolve("user-handlers/python/examples/tape_drive.py").toString();

        Daemon daemon = Daemon.start(dir, CONFIG.formatted(handler, TARGET));
        LinuxGuest.GuestRun run;
        boolean alive;
        int exit;
        try {
            awaitAttached(daemon);
            try (LinuxTapeTest.FileHost host = LinuxTapeTest.FileHost.start(files)) {
                Path work = Files.createDirectories(dir.resolve("guest"));
                run = LinuxGuest.boot(guest, work, List.of("scstj.mode=tape", "scstj.step=user",
                        "scstj.port=" + daemon.port, "scstj.target=" + TARGET, "scstj.tpgt=" + TPGT,
                        "scstj.initiator=" + LinuxTapeTest.INITIATOR, "scstj.hport=" + host.port(),
                        "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
            }
            alive = daemon.alive();
        } finally {
            exit = daemon.terminate();
        }
        System.out.println("LinuxUserTapeTest: " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        run.console().lines().filter(l -> l.startsWith("scstj-guest:") || l.startsWith("    "))
                .forEach(l -> System.out.println("LinuxUserTapeTest: guest: " + l));
        String log = daemon.log();
        String context = run.marker() + "\n--- console ---\n" + run.console();
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"), context + "\n--- daemon ---\n" + log);

        // st's view of the LU: the core's INQUIRY with the handler's peripheral device type 1
        LinuxGatewayTapeTest.assertShortRun(LinuxGuest.fields(run.marker()), records, files.size(), context);

        assertTrue(alive, "the daemon died during the guest's run:\n" + log);
        assertEquals(1, Pattern.compile("user device utape0: handler \"python-tape\" .*attached, epoch")
                .matcher(log).results().count(), "the handler attached once and stayed:\n" + log);
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(List.of(), log.lines().filter(l -> l.contains("TaskManagement")).toList(),
                "the guest's error handler reset or aborted (a command was not answered in time):\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /** Until the daemon's supervised handler attached, within 30 s. */
    private static void awaitAttached(Daemon daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (daemon.log().contains("user device utape0: handler \"python-tape\"")) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the tape handler did not attach:\n" + daemon.log());
    }
}
