package org.scstj.mgmt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ConfigLoader::installedHandlers);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void help_printsTheOverviewOnStdout() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("Usage: scstj <command>"));
        assertTrue(out().contains("test"));
        assertEquals("", err());
    }

    @Test
    void helpForACommand_printsItsOptions() {
        assertEquals(0, run("help", "demo"));
        assertTrue(out().contains("--state-dir DIR"));
    }

    @Test
    void unknownCommand_printsUsageOnStderr_andExits2() {
        assertEquals(2, run("frobnicate"));
        assertEquals("", out());
        assertTrue(err().startsWith("scstj: unknown command 'frobnicate'\nUsage: scstj <command>"), err());
    }

    @Test
    void noArguments_isAUsageError() {
        assertEquals(2, run());
        assertTrue(err().contains("Usage:"));
    }

    @Test
    void check_printsOk() throws Exception {
        Path file = dir.resolve("ok.conf");
        Files.writeString(file, """
                scstj {
                  state-dir = "%s"
                  handlers.vdisk_nullio.n0 { size = 1G }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "iqn.2026-11.org.scstj:t" { luns { 0 = n0 } } }
                  }
                }
                """.formatted(dir));
        assertEquals(0, run("check", "-c", file.toString()), err());
        assertEquals(file + ": OK\n", out());
    }

    @Test
    void check_printsEveryProblemOnStderr_andExits1() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "scstj {\n  handlers.vdisk_nullio.n0 { size = 1G, colour = red }\n  stat-dir = x\n}\n");
        assertEquals(1, run("check", "-c", file.toString()));
        assertEquals("", out());
        assertEquals(file + ":2: scstj.handlers.vdisk_nullio.n0.colour: unknown key for a vdisk_nullio device (known: block-size, read-only, removable, size)\n"
                + file + ":3: scstj.stat-dir: unknown key\n", err());
    }

    @Test
    void serve_refusesABadConfigBeforeStartingAnything() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "scstj { handlers { tape { t0 { } } } }\n");
        assertEquals(1, run("serve", "-c", file.toString()));
        assertTrue(err().contains(file + ":1: scstj.handlers.tape: unknown handler type"), err());
    }
}
