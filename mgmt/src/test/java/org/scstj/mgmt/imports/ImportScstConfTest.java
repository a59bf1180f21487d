package org.scstj.mgmt.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.mgmt.config.ScstjConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportScstConfTest {
    private static final String DB = "iqn.2024-02.net.example.san:db";
    private static final String LOGS = "iqn.2024-02.net.example.san:logs";

    @TempDir
    Path dir;

    /** The fixture with its /srv/scst paths pointing into the temporary directory. */
    private ImportedConfig fixture() throws Exception {
        return ScstConfImporter.importText(Fixtures.read("scst.conf").replace("/srv/scst/", dir + "/"));
    }

    @Test
    void fixture_devicesMapByHandler_fileioSizeLeftToTheFile_blockioKeptUnsupported() throws Exception {
        assertEquals(List.of(
                new ImportedDevice("db01", "vdisk_fileio", true, dir + "/db01.img", null, 4096, true, null, null, null),
                new ImportedDevice("logs.archive", "vdisk_fileio", true, dir + "/logs archive.img", null, null, null,
                        true, false, null),
                new ImportedDevice("scratch", "vdisk_nullio", true, null, 2048L << 20, 512, null, null, null, null),
                new ImportedDevice("fast0", "vdisk_blockio", false, "/dev/nvme0n1", null, null, null, null, null, null)),
                fixture().devices());
    }

    @Test
    void fixture_targetsLunsGroupsAndChapBothWays() throws Exception {
        ImportedConfig c = fixture();
        assertEquals(List.of(
                new ImportedTarget(DB,
                        List.of(new ImportedLun(0, "db01", false), new ImportedLun(1, "fast0", false)),
                        List.of(new ImportedGroup("reporting",
                                List.of("iqn.1994-05.com.redhat:report*", "iqn.1994-05.com.redhat:bi-0?"),
                                List.of(new ImportedLun(0, "db01", true)), null)),
                        new ChapCredentials("dbhost", "db-host-secret-1", "dbtarget", "db-target-secret"), List.of()),
                new ImportedTarget(LOGS, List.of(),
                        List.of(new ImportedGroup("collectors", List.of("iqn.1993-08.org.debian:01:*"),
                                List.of(new ImportedLun(0, "logs.archive", false), new ImportedLun(3, "scratch", false)),
                                null)),
                        null, List.of())),
                c.targets());
        assertEquals(new ChapCredentials("discover", "disc0very-secret", null, null), c.discoveryAuth());
        assertEquals(List.of("0.0.0.0:3260"), c.portals());
        assertEquals(List.of(), c.portalGroups());
    }

    @Test
    void fixture_notesNameEachUnimportedThingAtItsLine() throws Exception {
        List<ImportNote> notes = fixture().notes();
        assertEquals(List.of("4", "15", "33", "35", "48", "63", "64", "65", "71", "76"),
                notes.stream().map(ImportNote::location).toList());
        List<String> expected = List.of("setup_id", "t10_dev_id", "vdisk_blockio device 'fast0'", "rotational",
                "allowed_portal 192.0.2.10", "disabled", "rel_tgt_id 5", "QueuedCommands",
                "!iqn.1993-08.org.debian:01:old*", "ALUA device group 'dg_db'");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(notes.get(i).message().contains(expected.get(i)), notes.get(i).toString());
        }
    }

    @Test
    void fixture_importedTextPassesScstjsValidator() throws Exception {
        Files.write(dir.resolve("db01.img"), new byte[8 << 20]);
        Files.write(dir.resolve("logs archive.img"), new byte[1 << 20]);
        ScstjConfig loaded = Fixtures.validate(Fixtures.hocon(fixture()));
        assertEquals(List.of("db01", "logs.archive", "scratch"),
                loaded.engine().devices().stream().map(d -> d.name()).toList());
        List<TargetSpec> targets = loaded.engine().targets();
        assertEquals(List.of(new LunMapping(0, "db01", false)), targets.get(0).defaultLuns());
        assertEquals(List.of(new GroupSpec("reporting",
                        List.of("iqn.1994-05.com.redhat:report*", "iqn.1994-05.com.redhat:bi-0?"),
                        List.of(new LunMapping(0, "db01", true)))),
                targets.get(0).groups());
        assertEquals(List.of(new LunMapping(0, "logs.archive", false), new LunMapping(3, "scratch", false)),
                targets.get(1).groups().getFirst().luns());
        assertEquals(8L << 20, dir.resolve("db01.img").toFile().length());
    }

    @Test
    void unterminatedBrace_namesTheLineOfTheOpenBlock() {
        ImportException e = assertThrows(ImportException.class, () -> ScstConfImporter.importText(
                "HANDLER vdisk_nullio {\n  DEVICE n0 {\n    size_mb 1\n  }\n\nTARGET_DRIVER iscsi {\n}\n"));
        assertEquals("1", e.location());
        assertTrue(e.reason().contains("HANDLER vdisk_nullio"), e.getMessage());
    }

    @Test
    void strayClosingBrace_namesLineAndColumn() {
        ImportException e = assertThrows(ImportException.class,
                () -> ScstConfImporter.importText("HANDLER vdisk_nullio {\n}\n  }\n"));
        assertEquals("3:3", e.location());
    }

    @Test
    void unterminatedQuote_namesLineAndColumn() {
        ImportException e = assertThrows(ImportException.class, () -> ScstConfImporter.importText(
                "TARGET_DRIVER iscsi {\n\tIncomingUser \"joe secret-of-joe\n}\n"));
        assertEquals("2:15", e.location());
    }

    @Test
    void unknownTopLevelKeyword_isRefusedWithItsLine() {
        ImportException e = assertThrows(ImportException.class,
                () -> ScstConfImporter.importText("# c\nHANDLER vdisk_nullio {\n}\nTARGETS iscsi {\n}\n"));
        assertEquals("4", e.location());
        assertTrue(e.reason().contains("TARGETS"), e.getMessage());
    }

    @Test
    void lunWithoutDevice_isRefused() {
        ImportException e = assertThrows(ImportException.class, () -> ScstConfImporter.importText(
                "TARGET_DRIVER iscsi {\n TARGET iqn.2024-01.a.b:c {\n  LUN 0\n }\n}\n"));
        assertEquals("3", e.location());
    }

    @Test
    void braceOnTheNextLine_bareFlag_andQuotedMultiWordValues() throws Exception {
        ImportedConfig c = ScstConfImporter.importText("""
                HANDLER vdisk_nullio
                {
                    DEVICE n0 { size 1048576 }
                }
                TARGET_DRIVER iscsi {
                    TARGET iqn.2024-01.org.example:t {
                        IncomingUser joe joes-long-secret
                        OutgoingUser "tgt target secret with spaces"
                        LUN 7 n0 { read_only }
                    }
                }
                """);
        assertEquals(List.of(new ImportedDevice("n0", "vdisk_nullio", true, null, 1L << 20, null, null, null, null, null)),
                c.devices());
        ImportedTarget t = c.targets().getFirst();
        assertEquals(List.of(new ImportedLun(7, "n0", true)), t.luns());
        assertEquals(new ChapCredentials("joe", "joes-long-secret", "tgt", "target secret with spaces"), t.auth());
        assertNull(c.discoveryAuth());
    }

    @Test
    void otherTargetDrivers_areNotedNotImported() throws Exception {
        ImportedConfig c = ScstConfImporter.importText(
                "TARGET_DRIVER qla2x00t {\n TARGET 50:01:43:80:12:34:56:78 {\n  enabled 1\n }\n}\n");
        assertEquals(List.of(), c.targets());
        assertEquals(List.of("1"), c.notes().stream().map(ImportNote::location).toList());
        assertTrue(c.notes().getFirst().message().contains("qla2x00t"));
    }
}
