package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * scstj as a gateway in front of tgtd (issue 16): a {@code dev_iscsi} device of the real daemon is
 * LUN 1 of a private tgtd on a backing file. libiscsi's tools and suites drive the daemon; the
 * project's initiator checks what only two initiators show (scstj's reservations, never sent to
 * tgtd) and what a vanished backend does: NOT READY at once, a unit attention once it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayTgtdTest {
    private static final String GATEWAY = "iqn.2026-11.org.scstj:gw";
    private static final Duration T = Duration.ofSeconds(30);
    private static final int BLOCKS = 64 * 2048; // 64 MiB of 512-byte blocks

    @TempDir
    static Path dir;
    private Path backing;
    private Tgtd tgtd;
    private Daemon daemon;

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-inq", "libiscsi-bin");
        backing = dir.resolve("tgtd-disk.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength((long) BLOCKS * 512);
        }
        tgtd = Tgtd.start(dir, Daemon.freePort(), backing);
        daemon = Daemon.start(dir, """
                scstj {
                  state-dir = "@DIR@/state"
                  handlers.dev_iscsi.gw0 {
                    portal = "127.0.0.1:%d", target = "%s", lun = 1
                    reconnect-min = 100ms, reconnect-max = 500ms, nop-interval = 1s, timeout = 10s
                  }
                  handlers.dev_iscsi.gw1 {
                    portal = "127.0.0.1:%d", target = "%s", lun = 1
                    reconnect-min = 100ms, reconnect-max = 500ms, nop-interval = 30s, timeout = 2s
                  }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:@PORT@"]
                    targets { "%s" { luns { 0 = gw0, 1 = gw1 } } }
                  }
                }
                """.formatted(tgtd.port, Tgtd.IQN, tgtd.port, Tgtd.IQN, GATEWAY));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.stopCleanly();
            }
        } finally {
            if (tgtd != null) {
                tgtd.stop();
            }
        }
    }

    @Test
    @Order(1)
    void libiscsiTools_seeTgtdsDisk_throughTheGateway() throws Exception {
        Tools.Result inq = Tools.run(List.of("iscsi-inq", daemon.url(GATEWAY, 0)), 60);
        assertEquals(0, inq.exit(), inq.output() + daemon.log());
        assertTrue(inq.output().contains("VIRTUAL-DISK"), "tgtd's product id passes through:\n" + inq.output());
        Tools.Result cap = Tools.run(List.of("iscsi-readcapacity16", daemon.url(GATEWAY, 0)), 60);
        assertEquals(0, cap.exit(), cap.output());
        assertTrue(cap.output().contains("RETURNED LOGICAL BLOCK ADDRESS:" + (BLOCKS - 1))
                && cap.output().contains("Total size:" + (long) BLOCKS * 512), "tgtd's capacity:\n" + cap.output());
    }

    @ParameterizedTest(name = "{0}")
    @Order(2)
    @ValueSource(strings = {"Inquiry", "ReadCapacity10", "ReadCapacity16", "Read10", "Read16", "Write10", "Write16",
            "TestUnitReady", "Reserve6", "PrinReadKeys", "ProutRegister", "ProutReserve"})
    void libiscsiSuite_passesThroughTheGateway(String suite) throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-i", "iqn.2026-11.org.scstj.it:initiator-1", "-I",
                "iqn.2026-11.org.scstj.it:initiator-2", "-t", "ALL." + suite, daemon.url(GATEWAY, 0)), 600);
        System.out.println(r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from " + suite + ":\n" + r.output());
        }
        assertTrue(summary.ran() > 0, suite + " ran nothing:\n" + r.output());
        assertEquals(0, summary.failed(), suite + " failed:\n" + r.output());
    }

    @Test
    @Order(3)
    void reserve_isScstjs_tgtdNeverSeesIt_andWritesLandInItsFile() throws Exception {
        byte[] data = new byte[4096];
        new Random(16).nextBytes(data);
        try (Session a = gateway("a"); Session b = gateway("b"); Session direct = Session.open(
                new InetSocketAddress("127.0.0.1", tgtd.port), LoginSpec.normal("iqn.2026-11.org.scstj.it:direct",
                        Tgtd.IQN), T)) {
            clearUnitAttentions(a);
            clearUnitAttentions(b);
            clearUnitAttentions(direct, 1);
            assertTrue(a.scsi(0, new byte[] {0x16, 0, 0, 0, 0, 0}, 0, T).good(), "RESERVE(6) through the gateway");
            ScsiResult conflict = b.scsiWrite(0, Cdbs.write10(100, 8), data, T);
            assertEquals(0x18, conflict.status(), "the other initiator meets scstj's reservation: " + conflict);
            // tgtd holds no reservation: an initiator of its own writes freely
            assertTrue(direct.scsiWrite(1, Cdbs.write10(200, 8), data, T).good(), "tgtd was never reserved");
            assertTrue(a.scsiWrite(0, Cdbs.write10(100, 8), data, T).good());
            assertTrue(a.scsi(0, new byte[] {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, T).good(), "SYNCHRONIZE CACHE");
            assertTrue(a.scsi(0, new byte[] {0x17, 0, 0, 0, 0, 0}, 0, T).good(), "RELEASE(6)");
            assertTrue(b.scsi(0, Cdbs.read10(100, 8), 4096, T).good(), "released");
        }
        byte[] file = Files.readAllBytes(backing);
        assertArrayEquals(data, Arrays.copyOfRange(file, 100 * 512, 100 * 512 + 4096), "in tgtd's backing file");
    }

    @Test
    @Order(4)
    void backendLoss_notReadyAtOnce_thenOneUnitAttention_thenIo() throws Exception {
        byte[] data = new byte[512];
        new Random(17).nextBytes(data);
        try (Session a = gateway("loss-a"); Session b = gateway("loss-b")) {
            clearUnitAttentions(a);
            clearUnitAttentions(b);
            assertTrue(a.scsiWrite(0, Cdbs.write10(300, 1), data, T).good());
            tgtd.kill();
            // the gateway notices the reset connection at once or at its next command
            ScsiResult first = a.scsi(0, Cdbs.read10(300, 1), 512, T);
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                ScsiResult r = b.scsi(0, Cdbs.read10(300, 1), 512, T);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(2, r.senseKey(), "NOT READY while tgtd is gone (first: " + first + "): " + r);
                assertEquals(0x04, r.asc(), r.toString());
                assertEquals(0x01, r.ascq(), "LOGICAL UNIT IS IN PROCESS OF BECOMING READY: " + r);
                assertTrue(ms < 1000, "fails fast, not a timeout: " + ms + " ms");
            }
            assertTrue(a.scsi(0, new byte[] {0x12, 0, 0, 0, 96, 0}, 96, T).good(), "INQUIRY still answers");
            tgtd = Tgtd.start(dir, tgtd.port, backing);
            ScsiResult ua = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ScsiResult r = a.scsi(0, new byte[6], 0, T);
                if (r.senseKey() != 2) {
                    ua = r;
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(ua != null, "the gateway logged in again within 30 s:\n" + daemon.log());
            assertEquals(6, ua.senseKey(), "a unit attention first: " + ua);
            assertTrue(a.scsi(0, new byte[6], 0, T).good(), "once");
            ScsiResult other = b.scsi(0, new byte[6], 0, T);
            assertEquals(6, other.senseKey(), "the other initiator gets it too: " + other);
            assertEquals(ua.asc(), other.asc(), other.toString());
            assertTrue(b.scsi(0, new byte[6], 0, T).good(), "once");
            ScsiResult read = b.scsi(0, Cdbs.read10(300, 1), 512, T);
            assertTrue(read.good(), read.toString());
            assertArrayEquals(data, read.data(), "the data survived in tgtd's file");
        }
        String log = daemon.log();
        assertEquals(1, log.split("lost the session", -1).length - 1, "one warning, not a storm:\n" + log);
    }

    @Test
    @Order(5)
    void backendSilent_theCommandTimesOutNotReady_theNextFailFast_thenOneUnitAttention() throws Exception {
        try (Session a = gateway("silent-a")) {
            // gw1 pings rarely: it may learn only now that tgtd was restarted by the test before
            long ready = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!a.scsi(1, new byte[6], 0, T).good() && System.nanoTime() < ready) {
                Thread.sleep(100);
            }
            assertTrue(a.scsi(1, new byte[6], 0, T).good(), "gw1 is ready");
            tgtd.signal("STOP");
            try {
                long t0 = System.nanoTime();
                ScsiResult timedOut = a.scsi(1, new byte[6], 0, T);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(2, timedOut.senseKey(), "NOT READY after gw1's 2 s timeout: " + timedOut);
                assertEquals(0x0401, timedOut.asc() << 8 | timedOut.ascq(), timedOut.toString());
                assertTrue(ms >= 1500 && ms < 6000, "ended by the timeout, not hung: " + ms + " ms");
                t0 = System.nanoTime();
                ScsiResult next = a.scsi(1, new byte[6], 0, T);
                assertEquals(2, next.senseKey(), next.toString());
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "the next one at once");
            } finally {
                tgtd.signal("CONT");
            }
            ScsiResult ua = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ScsiResult r = a.scsi(1, new byte[6], 0, T);
                if (r.senseKey() != 2) {
                    ua = r;
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(ua != null, "logged in again within 30 s:\n" + daemon.log());
            assertEquals(6, ua.senseKey(), "a unit attention first: " + ua);
            assertTrue(a.scsi(1, new byte[6], 0, T).good(), "once");
        }
    }

    private Session gateway(String who) throws Exception {
        return Session.open(new InetSocketAddress("127.0.0.1", daemon.port),
                LoginSpec.normal("iqn.2026-11.org.scstj.it:" + who, GATEWAY), T);
    }

    private static void clearUnitAttentions(Session s) throws Exception {
        clearUnitAttentions(s, 0);
    }

    private static void clearUnitAttentions(Session s, int lun) throws Exception {
        for (int i = 0; i < 8; i++) {
            if (s.scsi(lun, new byte[6], 0, T).senseKey() != 6) {
                return;
            }
        }
    }
}
