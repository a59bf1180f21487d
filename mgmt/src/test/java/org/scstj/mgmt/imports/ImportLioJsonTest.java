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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportLioJsonTest {
    private static final String STORE = "iqn.2003-01.org.linux-iscsi.store1.x8664:sn.4b1e2f3a9c0d";
    private static final String DEMO = "iqn.2003-01.org.linux-iscsi.store1.x8664:sn.demo";

    @TempDir
    Path dir;

    private ImportedConfig fixture() throws Exception {
        return LioJsonImporter.importText(Fixtures.read("saveconfig.json").replace("/srv/lio/", dir + "/"));
    }

    @Test
    void fixture_backstoresMapToHandlers_memoryRamdiskUnsupported() throws Exception {
        assertEquals(List.of(
                new ImportedDevice("vm-images", "vdisk_fileio", true, Map.of("filename", dir + "/vm-images.img",
                        "size", 16L << 20, "thin-provisioned", true, "write-back", false)),
                new ImportedDevice("mail", "vdisk_blockio", true, Map.of("filename", dir + "/mail.img",
                        "block-size", 512, "thin-provisioned", true, "read-only", false, "write-through", true)),
                new ImportedDevice("swap", "ramdisk", false, Map.of("size", 1L << 30)),
                new ImportedDevice("bench", "vdisk_nullio", true, Map.of("size", 100L << 40))),
                fixture().devices());
    }

    @Test
    void blockStorageObject_sizeIsTheDevicesOwn_writeBackIsTheDefault_tpuZeroStatesNoThinProvisioning()
            throws Exception {
        ImportedConfig c = LioJsonImporter.importText("""
                { "storage_objects": [ { "name": "b", "plugin": "block", "dev": "/dev/sdb", "size": 1048576,
                                         "write_back": true, "readonly": true,
                                         "attributes": { "block_size": 4096, "emulate_tpu": 0 } } ] }
                """);
        assertEquals(List.of(new ImportedDevice("b", "vdisk_blockio", true, Map.of("filename", "/dev/sdb",
                "block-size", 4096, "thin-provisioned", false, "read-only", true))), c.devices());
        assertEquals(List.of("$.storage_objects[0].size"), c.notes().stream().map(ImportNote::location).toList());
        ImportException e = assertThrows(ImportException.class, () -> LioJsonImporter.importText(
                "{ \"storage_objects\": [ { \"name\": \"b\", \"plugin\": \"block\" } ] }"));
        assertEquals("$.storage_objects[0].dev", e.location());
    }

    @Test
    void fixture_aclsWithTheSameMappingAndChapShareAGroup_demoModeBecomesDefaultLuns() throws Exception {
        ImportedConfig c = fixture();
        ChapCredentials hv = new ChapCredentials("hypervisors", "hv-shared-secret", "store1", "store1-answers-hv");
        assertEquals(List.of(
                new ImportedTarget(STORE, List.of(), List.of(
                        new ImportedGroup("acl1", List.of("iqn.1994-05.com.redhat:hv1", "iqn.1994-05.com.redhat:hv2"),
                                List.of(new ImportedLun(0, "vm-images", false), new ImportedLun(1, "mail", false)), hv),
                        new ImportedGroup("acl2", List.of("iqn.1993-08.org.debian:01:backup"),
                                List.of(new ImportedLun(0, "vm-images", true), new ImportedLun(5, "bench", false)),
                                new ChapCredentials("backup", "backup-reads-only", null, null))),
                        null, List.of()),
                new ImportedTarget(DEMO,
                        List.of(new ImportedLun(0, "bench", false), new ImportedLun(1, "swap", false)), List.of(),
                        new ChapCredentials("anyone", "demo-mode-secret", null, null), List.of("tpg1"))),
                c.targets());
        assertEquals(List.of(new ImportedPortalGroup("tpg1", 1, List.of("0.0.0.0:3260")),
                new ImportedPortalGroup("tpg2", 2, List.of("[::0]:3261"))), c.portalGroups());
        assertEquals(List.of(), c.portals());
        assertEquals(new ChapCredentials("finder", "finder-secret-9", null, null), c.discoveryAuth());
    }

    @Test
    void fixture_notesNameJsonPaths() throws Exception {
        assertEquals(List.of(
                "$.storage_objects[0].wwn",
                "$.storage_objects[0].attributes.is_nonrot",
                "$.storage_objects[1].wwn",
                "$.storage_objects[2]",
                "$.targets[0].tpgs[0].parameters.TargetAlias",
                "$.targets[0].tpgs[0].node_acls[2].attributes.nopin_timeout",
                "$.targets[0].tpgs[1]",
                "$.targets[2]"), fixture().notes().stream().map(ImportNote::location).toList());
    }

    @Test
    void fixture_importedTextPassesScstjsValidator() throws Exception {
        Files.write(dir.resolve("vm-images.img"), new byte[16 << 20]);
        Files.write(dir.resolve("mail.img"), new byte[1 << 20]);
        ScstjConfig loaded = Fixtures.validate(Fixtures.hocon(fixture()));
        assertEquals(List.of("vm-images", "mail", "bench"),
                loaded.engine().devices().stream().map(d -> d.name()).toList());
        List<TargetSpec> targets = loaded.engine().targets();
        assertEquals(List.of(STORE, DEMO), targets.stream().map(TargetSpec::name).toList());
        assertEquals(List.of(new GroupSpec("acl1", List.of("iqn.1994-05.com.redhat:hv1", "iqn.1994-05.com.redhat:hv2"),
                        List.of(new LunMapping(0, "vm-images", false), new LunMapping(1, "mail", false))),
                new GroupSpec("acl2", List.of("iqn.1993-08.org.debian:01:backup"),
                        List.of(new LunMapping(0, "vm-images", true), new LunMapping(5, "bench", false)))),
                targets.get(0).groups());
        assertEquals(List.of(new LunMapping(0, "bench", false)), targets.get(1).defaultLuns());
    }

    @Test
    void oneTagEverywhere_isThePlainPortalsList_andATargetsNarrowerListIsNoted() throws Exception {
        ImportedConfig c = LioJsonImporter.importText("""
                { "storage_objects": [ { "name": "z", "plugin": "ramdisk", "nullio": true, "size": 1048576 } ],
                  "targets": [
                    { "fabric": "iscsi", "wwn": "iqn.2024-01.org.example:a",
                      "tpgs": [ { "tag": 1, "portals": [ { "ip_address": "0.0.0.0", "port": 3260 },
                                                           { "ip_address": "10.0.0.1", "port": 3260 } ] } ] },
                    { "fabric": "iscsi", "wwn": "iqn.2024-01.org.example:b",
                      "tpgs": [ { "tag": 1, "portals": [ { "ip_address": "192.0.2.1", "port": 3262 } ] } ] } ] }
                """);
        assertEquals(List.of("0.0.0.0:3260", "192.0.2.1:3262"), c.portals());
        assertEquals(List.of("$.targets[0].tpgs[0].portals[1]", "$.targets[0].tpgs[0].portals",
                        "$.targets[1].tpgs[0].portals"),
                c.notes().stream().map(ImportNote::location).toList());
        Fixtures.validate(Fixtures.hocon(c));
    }

    @Test
    void badJson_namesLineAndColumn() {
        ImportException e = assertThrows(ImportException.class,
                () -> LioJsonImporter.importText("{\n  \"targets\": [\n    { \"wwn\": \"iqn.x\" \n  ]\n}\n"));
        assertEquals("4:3", e.location());
        assertTrue(e.reason().startsWith("not valid JSON"), e.getMessage());
    }

    @Test
    void wrongShape_namesTheJsonPath() {
        ImportException e = assertThrows(ImportException.class, () -> LioJsonImporter.importText(
                "{ \"storage_objects\": [ { \"name\": \"a\", \"plugin\": \"fileio\", \"dev\": \"/x\" }, { \"plugin\": \"fileio\", \"name\": 7 } ] }"));
        assertEquals("$.storage_objects[1].name", e.location());
    }

    @Test
    void lunNamingAMissingStorageObject_isRefusedAtItsPath() {
        ImportException e = assertThrows(ImportException.class, () -> LioJsonImporter.importText("""
                { "targets": [ { "fabric": "iscsi", "wwn": "iqn.2024-01.org.example:a",
                  "tpgs": [ { "tag": 1, "luns": [ { "index": 0, "storage_object": "/backstores/fileio/gone" } ] } ] } ] }
                """));
        assertEquals("$.targets[0].tpgs[0].luns[0].storage_object", e.location());
    }

    @Test
    void sameNameUnderTwoPlugins_getsADistinctDeviceName() throws Exception {
        ImportedConfig c = LioJsonImporter.importText("""
                { "storage_objects": [ { "name": "d1", "plugin": "fileio", "dev": "/a.img", "size": 4096 },
                                       { "name": "d1", "plugin": "ramdisk", "nullio": true, "size": 4096 } ] }
                """);
        assertEquals(List.of("d1", "d1-ramdisk"), c.devices().stream().map(ImportedDevice::name).toList());
        assertEquals("$.storage_objects[1].name", c.notes().getFirst().location());
    }
}
