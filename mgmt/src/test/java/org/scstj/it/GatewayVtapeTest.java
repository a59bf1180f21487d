package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scstj in front of another scstj's virtual tape (issue 16): the back daemon serves a {@code vtape}
 * drive, the front daemon a {@code dev_iscsi} device on it. Records and filemarks go through the
 * gateway and come back with the drive's own ILI and FILEMARK sense and residuals (SSC-3 4.2.5,
 * SAM-5 5.4.3); a back daemon that stops and starts again costs NOT READY meanwhile and one unit
 * attention.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayVtapeTest {
    private static final String BACK = "iqn.2026-11.org.scstj:tapes";
    private static final String FRONT = "iqn.2026-11.org.scstj:gw-tapes";
    private static final Duration T = Duration.ofSeconds(30);
    private static final byte[] REWIND = {0x01, 0, 0, 0, 0, 0};
    private static final byte[] TUR = new byte[6];

    @TempDir
    static Path dir;
    private Daemon back;
    private Daemon front;

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-inq", "libiscsi-bin");
        Path backDir = Files.createDirectories(dir.resolve("back"));
        Path frontDir = Files.createDirectories(dir.resolve("front"));
        back = Daemon.start(backDir, """
                scstj {
                  state-dir = "@DIR@/state"
                  handlers.vtape.tape0 { library = "@DIR@/library", cartridge = "A00001L8", capacity = 64M }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:@PORT@"]
                    targets { "%s" { luns { 0 = tape0 } } }
                  }
                }
                """.formatted(BACK));
        front = Daemon.start(frontDir, """
                scstj {
                  state-dir = "@DIR@/state"
                  handlers.dev_iscsi.gwtape {
                    portal = "127.0.0.1:%d", target = "%s", type = tape
                    reconnect-min = 100ms, reconnect-max = 500ms, nop-interval = 1s, timeout = 20s
                  }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:@PORT@"]
                    targets { "%s" { luns { 0 = gwtape } } }
                  }
                }
                """.formatted(back.port, BACK, FRONT));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (front != null) {
                front.stopCleanly();
            }
        } finally {
            if (back != null) {
                back.stopCleanly();
            }
        }
    }

    @Test
    @Order(1)
    void libiscsiInquiry_seesTheBackDaemonsTapeDrive() {
        Tools.Result r = Tools.run(List.of("iscsi-inq", front.url(FRONT, 0)), 60);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SEQUENTIAL_ACCESS") || r.output().contains("Type:1"),
                "a sequential-access device:\n" + r.output());
    }

    @Test
    @Order(2)
    void recordsAndAFilemark_readBack_withIliAndFilemarkSenseAndResiduals() throws Exception {
        byte[] r1 = record(10240, 1);
        byte[] r2 = record(10240, 2);
        byte[] r3 = record(3000, 3);
        try (Session s = front()) {
            clearUnitAttentions(s);
            good(s, REWIND);
            for (byte[] r : List.of(r1, r2, r3)) {
                assertTrue(s.scsiWrite(0, cdb6(0x0A, r.length), r, T).good(), "WRITE(6) variable");
            }
            good(s, cdb6(0x10, 1)); // WRITE FILEMARKS(6) 1
            good(s, REWIND);

            ScsiResult exact = s.scsi(0, cdb6(0x08, r1.length), r1.length, T);
            assertTrue(exact.good(), exact.toString());
            assertArrayEquals(r1, exact.data());

            // SSC-3 4.2.5: a record shorter than asked: ILI, INFORMATION = the difference, the residual too
            ScsiResult longer = s.scsi(0, cdb6(0x08, 20000), 20000, T);
            assertEquals(ScsiResult.CHECK_CONDITION, longer.status(), longer.toString());
            assertEquals(0, longer.senseKey(), longer.toString());
            assertEquals(0x20, longer.sense()[2] & 0x20, "ILI: " + longer);
            assertEquals(20000 - 10240, ByteBuffer.wrap(longer.sense()).getInt(3), "INFORMATION");
            assertTrue(longer.underflow(), longer.toString());
            assertEquals(20000 - 10240, longer.residual(), "residual passes through: " + longer);
            assertArrayEquals(r2, Arrays.copyOf(longer.data(), 10240));

            // a record longer than asked: ILI with a negative INFORMATION, the asked length transferred
            ScsiResult shorter = s.scsi(0, cdb6(0x08, 1000), 1000, T);
            assertEquals(ScsiResult.CHECK_CONDITION, shorter.status(), shorter.toString());
            assertEquals(0x20, shorter.sense()[2] & 0x20, "ILI: " + shorter);
            assertEquals(1000 - 3000, ByteBuffer.wrap(shorter.sense()).getInt(3), "INFORMATION");
            assertArrayEquals(Arrays.copyOf(r3, 1000), Arrays.copyOf(shorter.data(), 1000));

            ScsiResult fm = s.scsi(0, cdb6(0x08, 10240), 10240, T);
            assertEquals(ScsiResult.CHECK_CONDITION, fm.status(), fm.toString());
            assertEquals(0x80, fm.sense()[2] & 0x80, "FILEMARK: " + fm);
            assertEquals(0x00, fm.asc(), fm.toString());
            assertEquals(0x01, fm.ascq(), "FILEMARK DETECTED 00/01: " + fm);
            assertEquals(10240, fm.residual(), "nothing transferred: " + fm);
        }
    }

    @Test
    @Order(3)
    void backDaemonRestart_notReadyMeanwhile_thenOneUnitAttention_thenTheTapeReadsAgain() throws Exception {
        try (Session s = front()) {
            clearUnitAttentions(s);
            assertEquals(0, back.terminate(), "the back daemon stops");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                ScsiResult r = s.scsi(0, TUR, 0, T);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(2, r.senseKey(), "NOT READY: " + r);
                assertEquals(0x04, r.asc(), r.toString());
                assertTrue(ms < 1000, "fast, not a timeout: " + ms + " ms");
            }
            back = Daemon.restart(back);
            ScsiResult ua = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ScsiResult r = s.scsi(0, TUR, 0, T);
                if (r.senseKey() != 2 || r.asc() != 0x04) {
                    ua = r;
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(ua != null, "logged in again within 30 s:\n" + front.log());
            assertEquals(6, ua.senseKey(), "one unit attention: " + ua);
            good(s, REWIND);
            ScsiResult first = s.scsi(0, cdb6(0x08, 10240), 10240, T);
            assertTrue(first.good(), first.toString());
            assertArrayEquals(record(10240, 1), first.data(), "the cartridge kept its records");
        }
        String log = front.log();
        assertEquals(1, log.split("lost the session", -1).length - 1, "one warning, not a storm:\n" + log);
        assertTrue(log.contains("logged in to " + BACK), log);
    }

    private Session front() throws Exception {
        return Session.open(new InetSocketAddress("127.0.0.1", front.port),
                LoginSpec.normal("iqn.2026-11.org.scstj.it:tape-host", FRONT), T);
    }

    private static void good(Session s, byte[] cdb) throws Exception {
        ScsiResult r = s.scsi(0, cdb, 0, T);
        assertTrue(r.good(), String.format("opcode %02Xh: %s", cdb[0], r));
    }

    private static void clearUnitAttentions(Session s) throws Exception {
        for (int i = 0; i < 8; i++) {
            if (s.scsi(0, TUR, 0, T).senseKey() != 6) {
                return;
            }
        }
    }

    /** A 6-byte SSC-3 CDB with a 24-bit transfer length (variable block mode: FIXED 0). */
    private static byte[] cdb6(int opcode, int length) {
        return new byte[] {(byte) opcode, 0, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 0};
    }

    private static byte[] record(int length, long seed) {
        byte[] d = new byte[length];
        new Random(seed).nextBytes(d);
        return d;
    }
}
