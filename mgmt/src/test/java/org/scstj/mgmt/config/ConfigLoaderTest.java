package org.scstj.mgmt.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private static final String VALID = """
            scstj {
              state-dir = "%s"
              handlers {
                vdisk_fileio {
                  disk01 { filename = "%s", size = 10G, thin-provisioned = true }
                }
                vdisk_nullio { null0 { size = 1T } }
              }
              target-drivers {
                iscsi {
                  portals = ["0.0.0.0:3260", "[::1]:3261"]
                  targets {
                    "iqn.2026-11.org.scstj:storage" {
                      luns { 0 = disk01, 1 = null0 }
                      groups {
                        backup-hosts {
                          initiators = ["iqn.1993-08.org.debian:01:*"]
                          luns { 0 { device = disk01, read-only = true } }
                        }
                      }
                    }
                    "iqn.2026-11.org.scstj:second" { luns { 7 = null0 } }
                  }
                }
              }
            }
            """;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, text);
        return file;
    }

    private String valid() {
        return VALID.formatted(dir.resolve("state"), dir.resolve("disk01.img"));
    }

    /** Loads text that must be refused; returns the message, one problem a line. */
    private String refused(String text) throws IOException {
        Path file = write(text);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        for (ConfigProblem p : e.problems()) {
            assertEquals(file.toString(), p.source(), p.toString());
        }
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    @Test
    void validConfig_becomesTheEngineSpec() throws Exception {
        ScstjConfig c = loader.load(write(valid()));
        EngineSpec spec = c.engine();
        assertEquals(dir.resolve("state"), spec.stateDir());
        assertEquals(List.of("disk01", "null0"), spec.devices().stream().map(DeviceSpec::name).toList());
        DeviceSpec disk = spec.devices().getFirst();
        assertEquals("vdisk_fileio", disk.handlerType());
        assertEquals(10L << 30, disk.config().getBytes("size"));
        assertTrue(disk.config().getBoolean("thin-provisioned"));
        assertEquals("vdisk_nullio", spec.devices().get(1).handlerType());

        assertEquals(List.of(
                new TargetSpec("iqn.2026-11.org.scstj:storage",
                        List.of(new LunMapping(0, "disk01", false), new LunMapping(1, "null0", false)),
                        List.of(new GroupSpec("backup-hosts", List.of("iqn.1993-08.org.debian:01:*"),
                                List.of(new LunMapping(0, "disk01", true)))),
                        1, Map.of(1, 1)),
                new TargetSpec("iqn.2026-11.org.scstj:second", List.of(new LunMapping(7, "null0", false)), List.of(), 2,
                        Map.of(1, 2))),
                spec.targets(), "one port each, in the default portal group (tag 1)");
        assertEquals(List.of(new Portal("0.0.0.0", 3260), new Portal("::1", 3261)), c.portals());
        assertTrue(c.iscsi().hasPath("targets"));
        assertTrue(c.config().hasPath("scstj.dispatchers.engine"), "module defaults are applied");
    }

    @Test
    void targetPortIds_followTheFileOrder() throws Exception {
        String text = valid().replace("\"iqn.2026-11.org.scstj:second\" { luns { 7 = null0 } }", "")
                .replace("targets {", "targets {\n\"iqn.2026-11.org.scstj:aaa-first\" { luns { 3 = null0 } }");
        List<TargetSpec> targets = loader.load(write(text)).engine().targets();
        assertEquals("iqn.2026-11.org.scstj:aaa-first", targets.get(0).name());
        assertEquals(1, targets.get(0).relativeTargetPortId());
        assertEquals(2, targets.get(1).relativeTargetPortId());
    }

    @Test
    void unknownKey_isRefusedWithFileLineAndKey() throws IOException {
        String message = refused(valid().replace("thin-provisioned = true", "thin-provisoned = true"));
        assertMentions(message, "scstj.conf:5: scstj.handlers.vdisk_fileio.disk01.thin-provisoned: unknown key");
    }

    @Test
    void unknownKey_atTopLevelOfScstj_isRefused() throws IOException {
        String message = refused(valid().replace("state-dir =", "statedir = x\n  state-dir ="));
        assertMentions(message, "scstj.conf:2: scstj.statedir: unknown key");
    }

    @Test
    void unknownKey_inEngineSection_isRefused() throws IOException {
        String message = refused(valid().replace("handlers {", "engine { nexus-queue-depht = 3 }\n  handlers {"));
        assertMentions(message, "scstj.conf:3: scstj.engine.nexus-queue-depht: unknown key");
    }

    @Test
    void metricsPublic_isAKnownSwitch_thatMustBeTrueOrFalse() throws Exception {
        loader.load(write(valid().replace("handlers {", "admin.metrics-public = true\n  handlers {")));
        String message = refused(valid().replace("handlers {", "admin.metrics-public = sometimes\n  handlers {"));
        assertMentions(message, "scstj.conf:3: scstj.admin.metrics-public: expected true or false");
        assertMentions(refused(valid().replace("handlers {", "admin.metrics-publik = true\n  handlers {")),
                "scstj.admin.metrics-publik: unknown key");
    }

    @Test
    void knownEngineKey_isAccepted() throws Exception {
        loader.load(write(valid().replace("handlers {", "engine { nexus-queue-depth = 3 }\n  handlers {")));
    }

    @Test
    void aMailboxOfTheOperatorsOwn_andTheActorStatsKeys_areAccepted_butAMisspeltStatsKeyIsNot() throws Exception {
        loader.load(write(valid().replace("handlers {", """
                mailboxes { mine { mailbox-type = "org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox" } }
                engine { mailbox = "scstj.mailboxes.mine", actor-stats { sample-interval = 1 } }
                handlers {""")));
        String message = refused(valid().replace("handlers {", "engine { actor-stats { sample-intervall = 1 } }\n  handlers {"));
        assertMentions(message, "scstj.engine.actor-stats.sample-intervall: unknown key");
    }

    @Test
    void unknownKey_inTargetAndGroup_isRefused() throws IOException {
        String message = refused(valid()
                .replace("luns { 0 = disk01, 1 = null0 }", "lun { 0 = disk01 }")
                .replace("initiators =", "initiator ="));
        assertMentions(message,
                "scstj.conf:14: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:storage\".lun: unknown key",
                "scstj.conf:17: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:storage\".groups.backup-hosts.initiator: unknown key");
    }

    @Test
    void unknownTargetDriver_isRefused() throws IOException {
        assertMentions(refused(valid().replace("target-drivers {", "target-drivers {\n fcoe { }")),
                "scstj.conf:10: scstj.target-drivers.fcoe: unknown target driver");
    }

    @Test
    void missingDevice_isRefused() throws IOException {
        String message = refused(valid().replace("7 = null0", "7 = null1"));
        assertMentions(message,
                "scstj.conf:22: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:second\".luns.7: device 'null1' is not defined");
    }

    @Test
    void missingDevice_inGroupLunObject_isRefused() throws IOException {
        assertMentions(refused(valid().replace("device = disk01", "device = disk02")),
                "scstj.conf:18: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:storage\".groups.backup-hosts.luns.0: device 'disk02'");
    }

    @Test
    void duplicateLun_thatHoconWouldMerge_isRefused() throws IOException {
        String message = refused(valid().replace("luns { 0 = disk01, 1 = null0 }", "luns { 0 = disk01,\n 0 = null0 }"));
        assertMentions(message,
                "scstj.conf:15: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:storage\".luns.0: duplicate LUN 0 (also at line 14)");
    }

    @Test
    void duplicateLun_asObjects_isRefused() throws IOException {
        String message = refused(valid().replace("luns { 7 = null0 }", "luns {\n 7 { device = null0 }\n 7 { device = disk01 } }"));
        assertMentions(message, "scstj.conf:24: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:second\".luns.7: duplicate LUN 7 (also at line 23)");
    }

    @Test
    void duplicateLun_writtenTwoWays_isRefused() throws IOException {
        assertMentions(refused(valid().replace("1 = null0", "00 = null0")), "duplicate LUN 0");
    }

    @Test
    void duplicateDeviceName_acrossHandlers_isRefused() throws IOException {
        String message = refused(valid().replace("null0 { size = 1T }", "null0 { size = 1T }\n disk01 { size = 1G }"));
        assertMentions(message, "scstj.conf:8: scstj.handlers.vdisk_nullio.disk01: device name already used under scstj.handlers.vdisk_fileio (line 5)");
    }

    @Test
    void deviceDefinedTwiceInOneHandler_isRefused() throws IOException {
        assertMentions(refused(valid().replace("vdisk_nullio { null0 { size = 1T } }", "vdisk_nullio { null0 { size = 1T }\n null0 { size = 2T } }")),
                "scstj.conf:8: scstj.handlers.vdisk_nullio.null0: device defined twice (lines 7 and 8)");
    }

    @Test
    void sizeThatIsNotASize_isRefused() throws IOException {
        assertMentions(refused(valid().replace("size = 1T", "size = lots")),
                "scstj.conf:7: scstj.handlers.vdisk_nullio.null0.size: not a size: \"lots\"");
    }

    @Test
    void sizeSmallerThanTheExistingFile_isRefusedByTheHandler() throws IOException {
        Files.write(dir.resolve("disk01.img"), new byte[8192]);
        assertMentions(refused(valid().replace("size = 10G", "size = 4096")),
                "scstj.conf:5: scstj.handlers.vdisk_fileio.disk01.size: 4096 bytes is smaller than the existing file (8192 bytes)");
    }

    @Test
    void handlerProblemOnAMissingKey_namesTheDevice() throws IOException {
        assertMentions(refused(valid().replace("filename = \"" + dir.resolve("disk01.img") + "\", ", "")),
                "scstj.conf:5: scstj.handlers.vdisk_fileio.disk01: filename: missing");
    }

    @Test
    void badIqn_isRefused() throws IOException {
        assertMentions(refused(valid().replace("iqn.2026-11.org.scstj:second", "iqn.2026-13.org.scstj:second")),
                "scstj.conf:22: scstj.target-drivers.iscsi.targets.\"iqn.2026-13.org.scstj:second\": 'iqn.2026-13.org.scstj:second' is not an iSCSI name");
    }

    @Test
    void lunOutOfRange_isRefused() throws IOException {
        assertMentions(refused(valid().replace("7 = null0", "16384 = null0")),
                "scstj.conf:22: scstj.target-drivers.iscsi.targets.\"iqn.2026-11.org.scstj:second\".luns.16384: a LUN number is an integer 0..16383");
    }

    @Test
    void lunNotAnInteger_isRefused() throws IOException {
        assertMentions(refused(valid().replace("7 = null0", "seven = null0")), ".luns.seven: a LUN number is an integer 0..16383");
    }

    @Test
    void unknownHandler_isRefused() throws IOException {
        assertMentions(refused(valid().replace("vdisk_nullio {", "vdisk_nulio {")),
                "scstj.conf:7: scstj.handlers.vdisk_nulio: unknown handler type (known: dev_cdrom, dev_changer, dev_disk,"
                        + " dev_iscsi, dev_modisk, dev_processor, dev_raid, dev_tape, user, vcdrom, vchanger, vdisk_blockio, vdisk_fileio,"
                        + " vdisk_nullio, vtape)");
    }

    @Test
    void badPortal_isRefused() throws IOException {
        assertMentions(refused(valid().replace("\"0.0.0.0:3260\"", "\"0.0.0.0:99999\"")),
                "scstj.conf:11: scstj.target-drivers.iscsi.portals: not HOST:PORT with a port 1..65535: 0.0.0.0:99999");
    }

    @Test
    void everyProblem_isReportedAtOnce_oneALine() throws IOException {
        String message = refused(valid()
                .replace("thin-provisioned", "thin")
                .replace("size = 1T", "size = big")
                .replace("7 = null0", "7 = nothing"));
        assertEquals(3, message.lines().count(), message);
    }

    @Test
    void syntaxError_namesFileAndLine() throws IOException {
        String message = refused("scstj {\n  state-dir = \"x\"\n  handlers { \n}\n");
        assertMentions(message, "scstj.conf:");
    }

    @Test
    void missingFile_isRefused() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(dir.resolve("nope.conf")));
        assertMentions(e.getMessage(), "nope.conf", "cannot read");
    }

    @Test
    void overrides_replaceTheTextWithoutCountingAsRepeats() throws Exception {
        String text = "scstj { target-drivers.iscsi { portals = [\"127.0.0.1:3260\"], targets { \"iqn.2026-11.org.scstj:x\" { luns { 0 = n } } } }\n"
                + "handlers.vdisk_nullio.n.size = 1G }";
        ScstjConfig c = loader.load("embedded.conf", text,
                ConfigFactory.parseMap(java.util.Map.of("scstj.target-drivers.iscsi.portals", List.of("127.0.0.2:3262"))));
        assertEquals(List.of(new Portal("127.0.0.2", 3262)), c.portals());
    }

    @Test
    void measureLatency_isAnEngineKey_offUnlessSet() throws Exception {
        String text = "scstj { target-drivers.iscsi { portals = [\"127.0.0.1:3260\"], targets { \"iqn.2026-11.org.scstj:x\" { luns { 0 = n } } } }\n"
                + "handlers.vdisk_nullio.n.size = 1G }";
        assertEquals(false, org.scstj.engine.EngineSettings.from(loader.load("a.conf", text, ConfigFactory.empty()).config()).measureLatency());
        ScstjConfig on = loader.load("b.conf", text + "\nscstj.engine.measure-latency = true", ConfigFactory.empty());
        assertEquals(true, org.scstj.engine.EngineSettings.from(on.config()).measureLatency());
    }
}
