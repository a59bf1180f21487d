package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Linux's medium changer stack on a tape library written outside the JVM (issue 19): two {@code user}
 * devices, a {@code type = changer} (LUN 0) and a {@code type = tape} (LUN 1), both served by one
 * Python process, {@code user-handlers/python/examples/tape_library.py}, which the daemon starts
 * and supervises as the changer's {@code command}. Every SMC-3 and SSC-3 command but the core's
 * reaches the handler as a CDB operation. The guest runs the same {@code linux-guest/changer.sh}
 * as {@link LinuxChangerTest} against it: mtx status with the barcodes and the empty drive,
 * {@code load 1 0} and st writing a file at the beginning of the tape, {@code unload},
 * {@code transfer 1 4}, a blank cartridge, {@code load 4 0} reading the file back, {@code unload}
 * to the source slot, and a transfer into a full slot refused. No command may time out, the daemon
 * logs no ERROR, exception or task management function, both handlers attached once, and the
 * daemon stops with exit status 0.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxUserChangerTest {
    static final String TARGET = "iqn.2026-12.org.scstj:user-library";
    static final int TPGT = 1;
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.user {
                ulib0 {
                  socket = "@DIR@/ulib0.sock"
                  type = changer
                  command = ["python3", "%s", "--slots", "4", "--import-export", "1",
                             "--cartridges", "A00001L8,A00002L8,A00003L8", "--size", "16M",
                             "@DIR@/ulib0.sock", "@DIR@/utape0.sock"]
                }
                utape0 { socket = "@DIR@/utape0.sock", type = tape }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "%s" { luns { 0 = ulib0, 1 = utape0 } } }
              }
            }
            """;

    static final long GUEST_TIMEOUT_SECONDS = 240;
    static final long GUEST_WATCHDOG_SECONDS = 200;

    @TempDir
    Path dir;

    @Test
    void mtxAndSt_onAPythonTapeLibrary_loadUnloadTransferWriteAndReadBack() throws Exception {
        LinuxGuest.requireTools();
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
        String library = REPO.resolve("user-handlers/python/examples/tape_library.py").toString();
        Daemon daemon = Daemon.start(dir, CONFIG.formatted(library, TARGET));
        LinuxGuest.GuestRun run;
        boolean alive;
        int exit;
        try {
            awaitAttached(daemon, "ulib0");
            awaitAttached(daemon, "utape0");
            Path work = Files.createDirectories(dir.resolve("guest"));
            run = LinuxGuest.boot(guest, work, List.of("scstj.mode=changer", "scstj.port=" + daemon.port,
                    "scstj.target=" + TARGET, "scstj.tpgt=" + TPGT, "scstj.initiator=" + LinuxChangerTest.INITIATOR,
                    "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
            alive = daemon.alive();
        } finally {
            exit = daemon.terminate();
        }
        System.out.println("LinuxUserChangerTest: " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        run.console().lines().filter(l -> l.startsWith("scstj-guest:") || l.startsWith("    "))
                .forEach(l -> System.out.println("LinuxUserChangerTest: guest: " + l));
        String log = daemon.log();
        String context = run.marker() + "\n--- console ---\n" + run.console();
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"), context + "\n--- daemon ---\n" + log);

        // the same verdict as the built-in vchanger's; INQUIRY (type 8) is the core's
        LinuxChangerTest.assertChangerScript(LinuxGuest.fields(run.marker()), context);

        assertTrue(alive, "the daemon died during the guest's run:\n" + log);
        for (String device : List.of("ulib0", "utape0")) {
            assertEquals(1, Pattern.compile("user device " + device + ": handler .* attached, epoch").matcher(log)
                    .results().count(), device + "'s handler attached once and stayed:\n" + log);
        }
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(List.of(), log.lines().filter(l -> l.contains("TaskManagement")).toList(),
                "the guest's error handler reset or aborted (a command was not answered in time):\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /** Until the daemon logs that {@code device}'s handler attached, within 30 s. */
    private static void awaitAttached(Daemon daemon, String device) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (daemon.log().contains("user device " + device + ": handler ")) {
                return;
            }
            Thread.sleep(100);
        }
        fail(device + "'s handler did not attach:\n" + daemon.log());
    }
}
