package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's medium changer stack against scstj's changer ({@code vchanger}, LUN 0) over its tape
 * drive ({@code vtape}, LUN 1): the guest of {@link LinuxTapeTest} logs in, {@code ch} attaches
 * the changer as {@code /dev/sch0} and {@code st} the drive, and mtx moves three barcoded
 * cartridges while mt-st's {@code mt} and dd use the drive ({@code linux-guest/changer.sh} says
 * what the guest does): mtx status shows the barcodes and the empty drive; {@code load 1 0} brings
 * the drive online at the beginning of the tape, where a file is written; after {@code unload},
 * {@code transfer 1 4} (storage to storage) and a look at another, blank cartridge, {@code load 4 0}
 * reads the file back; {@code unload} with no slot returns the cartridge to the slot it came from;
 * a transfer into a full slot is refused (by mtx, which reads the element status before it moves;
 * the changer's own refusal, 3B/0D, is {@code VchangerEngineTest}'s). The last mtx status and the inventory the daemon keeps
 * on disk agree with the moves. No command may time out, and the daemon logs no ERROR, exception
 * or task management function.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxChangerTest {
    static final String TARGET = "iqn.2026-12.org.scstj:library";
    static final String INITIATOR = "iqn.2026-11.org.scstj:linux-guest";
    static final int TPGT = 1;

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vtape { tape0 { library = "@DIR@/library", capacity = 16M } }
                vchanger {
                  lib0 { drives = [tape0], slots = 4, import-export = 1, cartridges = [A00001L8, A00002L8, A00003L8] }
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-12.org.scstj:library" { luns { 0 = lib0, 1 = tape0 } }
                }
              }
            }
            """;

    /** The guest run, from QEMU's start to its exit, at most (the issue asks for well under two minutes). */
    static final long GUEST_TIMEOUT_SECONDS = 240;
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 200;

    @TempDir
    Path dir;

    @Test
    void mtx_loadsUnloadsAndTransfersBarcodedCartridges_andStUsesTheDriveTheyArriveIn() throws Exception {
        LinuxGuest.requireTools();
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
        Daemon daemon = Daemon.start(dir, TEMPLATE);
        LinuxGuest.GuestRun run;
        boolean alive;
        int exit;
        try {
            Path work = Files.createDirectories(dir.resolve("guest"));
            run = LinuxGuest.boot(guest, work, List.of("scstj.mode=changer", "scstj.port=" + daemon.port,
                    "scstj.target=" + TARGET, "scstj.tpgt=" + TPGT, "scstj.initiator=" + INITIATOR,
                    "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
            alive = daemon.alive();
        } finally {
            exit = daemon.terminate();
        }
        System.out.println("LinuxChangerTest: " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        run.console().lines().filter(l -> l.startsWith("scstj-guest:") || l.startsWith("    "))
                .forEach(l -> System.out.println("LinuxChangerTest: guest: " + l));
        String log = daemon.log();
        String context = run.marker() + "\n--- console ---\n" + run.console();
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"), context + "\n--- daemon ---\n" + log);

        assertChangerScript(LinuxGuest.fields(run.marker()), context);

        // the daemon's inventory (ADDRESS BARCODE SOURCE): storage elements from 1024
        Map<Integer, String> inventory = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("state/vchanger/lib0.inventory"), StandardCharsets.US_ASCII)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.strip().split(" ");
                inventory.put(Integer.parseInt(f[0]), f[1]);
            }
        }
        assertEquals(Map.of(1025, "A00002L8", 1026, "A00003L8", 1027, "A00001L8"), inventory, "lib0.inventory");

        assertTrue(alive, "the daemon died during the guest's run:\n" + log);
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(List.of(), log.lines().filter(l -> l.contains("TaskManagement")).toList(),
                "the guest's error handler reset or aborted (a command was not answered in time):\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /**
     * What {@code linux-guest/changer.sh} reports for a library of three barcoded cartridges in
     * four slots, one import/export slot and one drive, as the moves it makes must leave it: the
     * changer seen as type 8, each inventory, the drive's state and positions, the refused transfer.
     */
    static void assertChangerScript(Map<String, String> g, String context) {
        // ch's view of LUN 0: INQUIRY's peripheral device type 8
        assertEquals("8", g.get("type"), context);
        assertEquals("Medium_Changer", g.get("product"), "mtx inquiry; " + context);
        // mtx numbers the storage slots from 1 and the import/export slot after them
        assertEquals("d0:-,s1:A00001L8,s2:A00002L8,s3:A00003L8,s4:-,s5:-", g.get("inv0"), "before any move; " + context);
        assertEquals("dr_open", g.get("empty"), "mt status on the empty drive; " + context);
        assertEquals("d0:A00001L8@1,s1:-,s2:A00002L8,s3:A00003L8,s4:-,s5:-", g.get("inv1"), "after load 1 0; " + context);
        assertEquals("online+bot", g.get("loaded"), "mt status after load 1 0; " + context);
        assertEquals("4", g.get("wrote"), "three records and st's filemark; " + context);
        assertEquals("0", g.get("blank"), "end of data of the blank A00002L8; " + context);
        assertEquals("online+bot", g.get("reloaded"), "mt status after load 4 0; " + context);
        assertEquals("4", g.get("read_at"), "past the file's filemark after reading it back; " + context);
        assertEquals("d0:A00001L8@4,s1:-,s2:A00002L8,s3:A00003L8,s4:-,s5:-", g.get("inv2"), "after load 4 0; " + context);
        assertNotEquals("0", g.get("refused"), "mtx transfer 2 3 into a full slot; " + context);
        assertEquals("d0:-,s1:-,s2:A00002L8,s3:A00003L8,s4:A00001L8,s5:-", g.get("inv3"), "at the end; " + context);
    }
}
