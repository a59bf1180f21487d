package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real daemon on loopback, driven by libiscsi's tools and QEMU: discovery, login, INQUIRY,
 * READ CAPACITY, LUN masking, and a 64 MiB image written through QEMU and read back intact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class InitiatorToolsTest {
    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-ls", "libiscsi-bin");
        Tools.require("qemu-img", "qemu-utils");
        daemon = Daemon.start(dir, ItConfig.TEMPLATE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    @Test
    void iscsiLs_discoversTargetsAndTheirLuns() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-s", daemon.portal()), 60);
        assertEquals(0, r.exit(), r.output() + daemon.log());
        assertTrue(r.output().contains("Target:" + ItConfig.TARGET), r.output());
        assertTrue(r.output().contains("Lun:0"), r.output());
        assertTrue(r.output().contains("Lun:3"), r.output());
        // SendTargets lists only targets this initiator may log in to.
        assertFalse(r.output().contains(ItConfig.CLOSED), r.output());
    }

    @Test
    void iscsiLs_showsOnlyTheGroupsLunsOnAMaskedTarget() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-s", daemon.portal()), 60);
        int masked = r.output().indexOf("Target:" + ItConfig.MASKED);
        assertTrue(masked >= 0, r.output());
        String section = r.output().substring(masked);
        int next = section.indexOf("Target:", 7);
        section = next > 0 ? section.substring(0, next) : section;
        assertTrue(section.contains("Lun:5"), section);
        assertFalse(section.contains("Lun:0"), section);
    }

    @Test
    void login_refusedWhereTheInitiatorMaySeeNothing() {
        Tools.Result r = Tools.run(List.of("iscsi-inq", daemon.url(ItConfig.CLOSED, 0)), 60);
        assertNotEquals(0, r.exit(), r.output());
    }

    @Test
    void iscsiInq_returnsStandardDataAndVpdPages() {
        Tools.Result std = Tools.run(List.of("iscsi-inq", daemon.url(ItConfig.TARGET, 0)), 60);
        assertEquals(0, std.exit(), std.output());
        assertTrue(std.output().contains("SCSTJ"), std.output());
        Tools.Result supported = Tools.run(List.of("iscsi-inq", "-e", "1", "-c", "0", daemon.url(ItConfig.TARGET, 0)), 60);
        assertEquals(0, supported.exit(), supported.output());
        for (String page : List.of("BLOCK_LIMITS", "BLOCK_DEVICE_CHARACTERISTICS", "LOGICAL_BLOCK_PROVISIONING",
                "UNIT_SERIAL_NUMBER", "DEVICE_IDENTIFICATION")) {
            assertTrue(supported.output().contains(page), supported.output());
        }
        // iscsi-inq takes the page code in decimal: 0x80 = 128, 0x83 = 131, 0xB0..0xB2 = 176..178
        for (String page : List.of("128", "131", "176", "177", "178")) {
            Tools.Result p = Tools.run(List.of("iscsi-inq", "-e", "1", "-c", page, daemon.url(ItConfig.TARGET, 0)), 60);
            assertEquals(0, p.exit(), "VPD " + page + ": " + p.output());
        }
        // SPC-5 7.7.6: an NAA designator for the LU, and the target port's relative port identifier
        Tools.Result ids = Tools.run(List.of("iscsi-inq", "-e", "1", "-c", "131", daemon.url(ItConfig.TARGET, 0)), 60);
        assertTrue(ids.output().contains("Designator Type:(3) NAA"), ids.output());
        assertTrue(ids.output().contains("RELATIVE_TARGET_PORT"), ids.output());
        assertTrue(ids.output().contains("Designator:[" + ItConfig.TARGET + ",t,0x0001]"), ids.output());
    }

    @Test
    void iscsiReadcapacity16_reportsSizeAndBlockLength() {
        Tools.Result r = Tools.run(List.of("iscsi-readcapacity16", daemon.url(ItConfig.TARGET, 3)), 60);
        assertEquals(0, r.exit(), r.output());
        // 64 MiB of 4096-byte blocks: last LBA 16383
        assertTrue(r.output().contains("RETURNED LOGICAL BLOCK ADDRESS:16383"), r.output());
        assertTrue(r.output().contains("LOGICAL BLOCK LENGTH IN BYTES:4096"), r.output());
        assertTrue(r.output().contains("Total size:67108864"), r.output());
    }

    @Test
    void qemuImgConvert_roundTripsA64MiBImageIntact() throws Exception {
        Tools.require("qemu-img", "qemu-utils");
        byte[] data = new byte[64 << 20];
        new Random(20261121L).nextBytes(data);
        Path src = dir.resolve("src.img");
        Path back = dir.resolve("back.img");
        Files.write(src, data);
        String lun = daemon.url(ItConfig.TARGET, 2);
        Tools.Result w = Tools.run(List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), lun), 300);
        assertEquals(0, w.exit(), "write: " + w.output() + daemon.log());
        Tools.Result r = Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", lun, back.toString()), 300);
        assertEquals(0, r.exit(), "read: " + r.output() + daemon.log());
        assertEquals(sha256(src), sha256(back));
        // the bytes went through the daemon to its backing file
        assertEquals(sha256(src), sha256(dir.resolve("disk64.img")));
    }

    @Test
    void manySessionsAtOnce_eachWritesAndReadsBackItsOwnLunIntact() throws Exception {
        int n = ItConfig.MANY_LUNS;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int lun = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[8 << 20];
                    new Random(lun).nextBytes(data);
                    Path src = dir.resolve("many-src-" + lun + ".img");
                    Path back = dir.resolve("many-back-" + lun + ".img");
                    Files.write(src, data);
                    String url = daemon.url(ItConfig.MANY, lun);
                    Tools.Result w = Tools.run(List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), url), 300);
                    if (w.exit() != 0) {
                        return "LUN " + lun + " write: " + w.output();
                    }
                    Tools.Result r = Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", url, back.toString()), 300);
                    if (r.exit() != 0) {
                        return "LUN " + lun + " read: " + r.output();
                    }
                    return sha256(src).equals(sha256(back)) ? "" : "LUN " + lun + ": data differs";
                }));
            }
            for (java.util.concurrent.Future<String> f : results) {
                assertEquals("", f.get(600, java.util.concurrent.TimeUnit.SECONDS), daemon.log());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(daemon.alive());
    }

    @Test
    void qemuImgInfo_seesTheNullLunsTerabyte() {
        Tools.Result r = Tools.run(List.of("qemu-img", "info", daemon.url(ItConfig.TARGET, 1)), 60);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("1 TiB"), r.output());
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
