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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void fixture_devicesMapByHandler_fileioSizeLeftToTheFile_blockioSizeLeftToTheDevice() throws Exception {
        assertEquals(List.of(
                new ImportedDevice("db01", "vdisk_fileio", true, Map.of("filename", dir + "/db01.img",
                        "block-size", 4096, "thin-provisioned", true)),
                new ImportedDevice("logs.archive", "vdisk_fileio", true, Map.of("filename", dir + "/logs archive.img",
                        "read-only", true, "write-back", false)),
                new ImportedDevice("scratch", "vdisk_nullio", true, Map.of("size", 2048L << 20, "block-size", 512)),
                new ImportedDevice("fast0", "vdisk_blockio", true, Map.of("filename", dir + "/fast0.img",
                        "block-size", 4096, "rotational", false, "nv-cache", true, "write-through", true,
                        "thin-provisioned", true)),
                new ImportedDevice("cd0", "vcdrom", true, Map.of("image", dir + "/install.iso")),
                new ImportedDevice("cd1", "vcdrom", true, Map.of())),
                fixture().devices());
    }

    @Test
    void fixture_writtenWithEachHandlersKeys() throws Exception {
        String hocon = Fixtures.hocon(fixture());
        assertTrue(hocon.contains("    vdisk_blockio {\n      fast0 { filename = \"" + dir + "/fast0.img\", block-size = 4096, "
                + "thin-provisioned = true, write-through = true, nv-cache = true, rotational = false }\n    }\n"), hocon);
        assertTrue(hocon.contains("    vcdrom {\n      cd0 { image = \"" + dir + "/install.iso\" }\n      cd1 { }\n    }\n"),
                hocon);
        assertTrue(hocon.contains("            2 = cd0\n"), hocon);
        assertFalse(hocon.contains("Not served by scstj"), hocon);
    }

    @Test
    void vcdromEmptyDrive_absentEmptyOrNone_andItsOtherAttributesNoted() throws Exception {
        ImportedConfig c = ScstConfImporter.importText("""
                HANDLER vcdrom {
                    DEVICE a {
                    }
                    DEVICE b {
                        filename ""
                    }
                    DEVICE c {
                        filename none
                        read_only 1
                    }
                }
                """);
        assertEquals(List.of(new ImportedDevice("a", "vcdrom", true, Map.of()),
                        new ImportedDevice("b", "vcdrom", true, Map.of()), new ImportedDevice("c", "vcdrom", true, Map.of())),
                c.devices());
        assertEquals(List.of("9"), c.notes().stream().map(ImportNote::location).toList());
        Fixtures.validate(Fixtures.hocon(c));
    }

    @Test
    void blockioWithoutFilename_isRefused_andNvCacheStaysUnimportedForFileio() throws Exception {
        ImportException e = assertThrows(ImportException.class, () -> ScstConfImporter.importText(
                "HANDLER vdisk_blockio {\n DEVICE b {\n  nv_cache 1\n }\n}\n"));
        assertEquals("2", e.location());
        ImportedConfig c = ScstConfImporter.importText(
                "HANDLER vdisk_fileio {\n DEVICE f {\n  filename /f.img\n  nv_cache 1\n  rotational 1\n }\n}\n");
        assertEquals(List.of(new ImportedDevice("f", "vdisk_fileio", true, Map.of("filename", "/f.img"))), c.devices());
        assertEquals(List.of("4", "5"), c.notes().stream().map(ImportNote::location).toList());
        assertTrue(c.notes().getFirst().message().contains("nv_cache"), c.notes().toString());
    }

    @Test
    void fixture_targetsLunsGroupsAndChapBothWays() throws Exception {
        ImportedConfig c = fixture();
        assertEquals(List.of(
                new ImportedTarget(DB,
                        List.of(new ImportedLun(0, "db01", false), new ImportedLun(1, "fast0", false),
                                new ImportedLun(2, "cd0", false)),
                        List.of(new ImportedGroup("reporting",
                                List.of("iqn.1994-05.com.redhat:report*", "iqn.1994-05.com.redhat:bi-0?"),
                                List.of(new ImportedLun(0, "db01", true)), null)),
                        new ChapCredentials("dbhost", "db-host-secret-1", "dbtarget", "db-target-secret"), List.of()),
                new ImportedTarget(LOGS, List.of(),
                        List.of(new ImportedGroup("collectors", List.of("iqn.1993-08.org.debian:01:*"),
                                List.of(new ImportedLun(0, "logs.archive", false), new ImportedLun(3, "scratch", false),
                                        new ImportedLun(4, "cd1", false)),
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
        assertEquals(List.of("4", "15", "41", "42", "49", "66", "82", "83", "84", "91", "96"),
                notes.stream().map(ImportNote::location).toList());
        List<String> expected = List.of("setup_id", "t10_dev_id", "the block device's own", "usn fast0-usn",
                "t10_dev_id cd0-17", "allowed_portal 192.0.2.10", "disabled", "rel_tgt_id 5", "QueuedCommands",
                "!iqn.1993-08.org.debian:01:old*", "ALUA device group 'dg_db'");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(notes.get(i).message().contains(expected.get(i)), notes.get(i).toString());
        }
    }

    @Test
    void fixture_importedTextPassesScstjsValidator() throws Exception {
        Files.write(dir.resolve("db01.img"), new byte[8 << 20]);
        Files.write(dir.resolve("logs archive.img"), new byte[1 << 20]);
        Files.write(dir.resolve("fast0.img"), new byte[1 << 20]);
        Files.write(dir.resolve("install.iso"), new byte[2048 * 4]);
        ScstjConfig loaded = Fixtures.validate(Fixtures.hocon(fixture()));
        assertEquals(List.of("db01", "logs.archive", "fast0", "scratch", "cd0", "cd1"),
                loaded.engine().devices().stream().map(d -> d.name()).toList());
        List<TargetSpec> targets = loaded.engine().targets();
        assertEquals(List.of(new LunMapping(0, "db01", false), new LunMapping(1, "fast0", false),
                new LunMapping(2, "cd0", false)), targets.get(0).defaultLuns());
        assertEquals(List.of(new GroupSpec("reporting",
                        List.of("iqn.1994-05.com.redhat:report*", "iqn.1994-05.com.redhat:bi-0?"),
                        List.of(new LunMapping(0, "db01", true)))),
                targets.get(0).groups());
        assertEquals(List.of(new LunMapping(0, "logs.archive", false), new LunMapping(3, "scratch", false),
                        new LunMapping(4, "cd1", false)),
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
        assertEquals(List.of(new ImportedDevice("n0", "vdisk_nullio", true, Map.of("size", 1L << 20))),
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
