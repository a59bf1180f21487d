package org.scstj.mgmt.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ImportCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void scstConf_goesToStdout_notesToStderrWithFileAndLine() throws Exception {
        Path in = file("scst.conf", Fixtures.read("scst.conf"));
        assertEquals(0, run(in.toString(), "--state-dir", "/srv/scstj-state"));
        assertTrue(out().contains("state-dir = \"/srv/scstj-state\""), out());
        assertTrue(out().contains("\"iqn.2024-02.net.example.san:db\" {"), out());
        List<String> notes = err().lines().toList();
        assertEquals(11, notes.size(), err());
        assertTrue(notes.getFirst().startsWith(in + ":4: global attribute 'setup_id 0x2a'"), notes.getFirst());
    }

    @Test
    void json_isDetectedByContent_notesNameJsonPaths() throws Exception {
        Path in = file("anything.txt", Fixtures.read("saveconfig.json"));
        assertEquals(0, run(in.toString()));
        assertTrue(out().contains("state-dir = \"/var/lib/scstj\""), out());
        assertTrue(out().contains("portal-groups {"), out());
        assertTrue(err().lines().anyMatch(l -> l.startsWith(in + ":$.targets[2]: loopback target")), err());
    }

    @Test
    void from_forcesTheFormat() throws Exception {
        Path in = file("saveconfig.json", Fixtures.read("saveconfig.json"));
        assertEquals(1, run("--from", "scst", in.toString()));
        assertTrue(err().startsWith(in + ":1:1: '{' without a keyword"), err());
    }

    @Test
    void output_isWritten_andNotOverwrittenWithoutForce() throws Exception {
        Path in = file("scst.conf", "HANDLER vdisk_nullio {\n DEVICE n0 {\n  size_mb 16\n }\n}\n");
        Path target = dir.resolve("scstj.conf");
        assertEquals(0, run(in.toString(), "-o", target.toString()));
        assertEquals("", out());
        String first = Files.readString(target);
        assertTrue(first.contains("n0 { size = 16M }"), first);

        Files.writeString(target, "keep me");
        assertEquals(1, run(in.toString(), "-o", target.toString()));
        assertEquals("keep me", Files.readString(target));
        assertTrue(err().contains("--force"), err());

        assertEquals(0, run(in.toString(), "-o", target.toString(), "--force"));
        assertEquals(first, Files.readString(target));
    }

    @Test
    void malformedScstConf_exits1NamingTheLine() throws Exception {
        Path in = file("scst.conf", "HANDLER vdisk_fileio {\n DEVICE d {\n  filename /x\n }\n");
        assertEquals(1, run(in.toString()));
        assertEquals("", out());
        assertTrue(err().startsWith(in + ":1: the block of 'HANDLER vdisk_fileio' is not closed"), err());
    }

    @Test
    void badJson_exits1NamingLineAndColumn() throws Exception {
        Path in = file("saveconfig.json", "{\n \"targets\": [,]\n}\n");
        assertEquals(1, run(in.toString()));
        assertTrue(err().startsWith(in + ":2:14: not valid JSON"), err());
    }

    @Test
    void missingFile_exits1() {
        assertEquals(1, run(dir.resolve("none.conf").toString()));
        assertTrue(err().contains("cannot read"), err());
    }

    @Test
    void usageErrors_exit2() throws Exception {
        Path in = file("scst.conf", "");
        assertEquals(2, run());
        assertEquals(2, run(in.toString(), "--bogus"));
        assertEquals(2, run(in.toString(), "--from", "xml"));
        assertEquals(2, run(in.toString(), "-o"));
        assertEquals(2, run(in.toString(), "--force"));
        assertEquals(2, run(in.toString(), in.toString()));
        assertTrue(err().contains("Usage:"), err());
        assertEquals("", out());
    }

    @Test
    void help_exits0() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("--state-dir"), out());
    }
}
