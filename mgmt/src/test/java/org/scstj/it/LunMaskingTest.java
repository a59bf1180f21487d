package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCST's masking example, with two real initiator names against the daemon: initiator A sees X and
 * Y read-write, initiator B sees Y read-only and Z, each under its own LUN numbers; an initiator in
 * neither group sees the default set (here: nothing, so its login is refused). What A writes to Y,
 * B reads through its own LUN for Y; B cannot write Y (DATA PROTECT) but writes Z.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LunMaskingTest {
    static final String TARGET = "iqn.2026-11.org.scstj:masking";
    static final String A = "iqn.2026-11.org.example:host-a";
    static final String B = "iqn.2026-11.org.example:host-b";
    static final String STRANGER = "iqn.2026-11.org.example:stranger";

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio {
                x { filename = "@DIR@/x.img", size = 8M }
                y { filename = "@DIR@/y.img", size = 12M }
                z { filename = "@DIR@/z.img", size = 16M }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:masking" {
                    luns { }
                    groups {
                      a { initiators = ["iqn.2026-11.org.example:host-a"], luns { 0 = x, 1 = y } }
                      b {
                        initiators = ["iqn.2026-11.org.example:host-b"]
                        luns { 0 { device = y, read-only = true }, 1 = z }
                      }
                    }
                  }
                }
              }
            }
            """;

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-ls", "libiscsi-bin");
        Tools.require("qemu-img", "qemu-utils");
        daemon = Daemon.start(dir, TEMPLATE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    /** "LUN:size" for every LUN the initiator sees on the target, from iscsi-ls -s. */
    private List<String> lunsSeenBy(String initiator) {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-i", initiator, "-s", daemon.portal()), 60);
        assertEquals(0, r.exit(), r.output());
        List<String> luns = new ArrayList<>();
        boolean inTarget = false;
        for (String line : r.output().split("\n")) {
            if (line.startsWith("Target:")) {
                inTarget = line.startsWith("Target:" + TARGET);
            } else if (inTarget && line.contains("Lun:")) {
                String lun = line.replaceAll(".*Lun:(\\d+).*", "$1");
                String size = line.replaceAll(".*\\(Size:([^)]*)\\).*", "$1");
                luns.add(lun + ":" + size);
            }
        }
        return luns;
    }

    private static String qemuOpts(int port, String initiator, int lun) {
        return "driver=raw,file.driver=iscsi,file.transport=tcp,file.portal=127.0.0.1:" + port
                + ",file.target=" + TARGET + ",file.lun=" + lun + ",file.initiator-name=" + initiator;
    }

    private Tools.Result write(String initiator, int lun, Path from) {
        return Tools.run(List.of("qemu-img", "convert", "-n", "-f", "raw", "--target-image-opts",
                from.toString(), qemuOpts(daemon.port, initiator, lun)), 120);
    }

    private byte[] read(String initiator, int lun) throws Exception {
        Path to = dir.resolve("read-" + initiator.hashCode() + "-" + lun + ".img");
        Tools.Result r = Tools.run(List.of("qemu-img", "convert", "--image-opts", qemuOpts(daemon.port, initiator, lun),
                "-O", "raw", to.toString()), 120);
        assertEquals(0, r.exit(), r.output() + daemon.log());
        return Files.readAllBytes(to);
    }

    @Test
    void eachInitiatorSeesOnlyItsGroupsLuns_underItsOwnNumbers() {
        // iscsi-ls prints RETURNED LOGICAL BLOCK ADDRESS × block length, whole MiB rounded down:
        // 7M for X (8 MiB), 11M for Y (12 MiB), 15M for Z (16 MiB)
        assertEquals(List.of("0:7M", "1:11M"), lunsSeenBy(A), "A: X and Y");
        assertEquals(List.of("0:11M", "1:15M"), lunsSeenBy(B), "B: Y and Z");
    }

    @Test
    void anInitiatorInNoGroup_seesNothing_andCannotLogIn() {
        Tools.Result ls = Tools.run(List.of("iscsi-ls", "-i", STRANGER, "-s", daemon.portal()), 60);
        assertFalse(ls.output().contains("Target:" + TARGET), "SendTargets hides it: " + ls.output());
        Tools.Result inq = Tools.run(List.of("iscsi-inq", "-i", STRANGER,
                "iscsi://127.0.0.1:" + daemon.port + "/" + TARGET + "/0"), 60);
        assertNotEquals(0, inq.exit(), inq.output());
    }

    @Test
    void whatAWritesToY_BReadsThroughItsOwnLun_butBCannotWriteY_andWritesZ() throws Exception {
        byte[] data = new byte[12 << 20];
        new Random(5).nextBytes(data);
        Path image = dir.resolve("y-data.img");
        Files.write(image, data);
        Tools.Result w = write(A, 1, image);
        assertEquals(0, w.exit(), "A writes Y at its LUN 1: " + w.output() + daemon.log());
        assertArrayEquals(data, read(B, 0), "B reads A's data from Y at its LUN 0");

        Path other = dir.resolve("other.img");
        Files.write(other, new byte[12 << 20]);
        Tools.Result denied = write(B, 0, other);
        assertNotEquals(0, denied.exit(), "B's mapping of Y is read-only: " + denied.output());
        assertArrayEquals(data, read(A, 1), "Y is unchanged");

        byte[] z = new byte[16 << 20];
        new Random(6).nextBytes(z);
        Path zImage = dir.resolve("z-data.img");
        Files.write(zImage, z);
        Tools.Result wz = write(B, 1, zImage);
        assertEquals(0, wz.exit(), "B writes Z: " + wz.output() + daemon.log());
        assertArrayEquals(z, Files.readAllBytes(dir.resolve("z.img")));
        assertTrue(daemon.alive());
    }
}
