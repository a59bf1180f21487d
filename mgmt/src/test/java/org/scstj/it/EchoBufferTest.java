package org.scstj.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * READ BUFFER and WRITE BUFFER in echo buffer mode (SPC-5 6.17.7, 6.49.7), the command added to
 * show that a new command is one row and one executor (issue 13), over iSCSI against the real
 * daemon: an initiator reads back what it wrote, another initiator's write makes that ECHO BUFFER
 * OVERWRITTEN, the descriptor tells the capacity, and the modes the target does not offer are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class EchoBufferTest {
    static final String TARGET = "iqn.2026-12.org.scstj:echo";
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_nullio { null0 { size = 64M } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-12.org.scstj:echo" { luns { 0 = null0 } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private Session open(String initiator) throws IOException {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), LoginSpec.normal(initiator, TARGET), T);
        for (int i = 0; i < 8; i++) {
            if (s.scsi(0, new byte[6], 0, T).good()) {
                return s;
            }
        }
        throw new AssertionError("LUN 0 never became ready");
    }

    private static String sense(ScsiResult r) {
        return String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    private static byte[] writeBuffer(int mode, int length) {
        return new byte[] {0x3B, (byte) mode, 0, 0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 0};
    }

    private static byte[] readBuffer(int mode, int allocation) {
        return new byte[] {0x3C, (byte) mode, 0, 0, 0, 0, (byte) (allocation >>> 16), (byte) (allocation >>> 8),
                (byte) allocation, 0};
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void anInitiatorReadsBackWhatItWrote_andAnotherInitiatorsWriteOverwritesIt() throws Exception {
        try (Session a = open("iqn.2026-12.org.example:a"); Session b = open("iqn.2026-12.org.example:b")) {
            assertEquals("05/2C/00", sense(a.scsi(0, readBuffer(0x0A, 4096), 4096, T)),
                    "nothing written yet: COMMAND SEQUENCE ERROR");
            byte[] mine = pattern(4096, 7);
            assertTrue(a.scsiWrite(0, writeBuffer(0x0A, mine.length), mine, T).good());
            ScsiResult back = a.scsi(0, readBuffer(0x0A, 4096), 4096, T);
            assertTrue(back.good(), back.toString());
            assertArrayEquals(mine, back.data(), "the echo buffer returns every byte written");
            ScsiResult shorter = a.scsi(0, readBuffer(0x0A, 100), 100, T);
            assertArrayEquals(Arrays.copyOf(mine, 100), shorter.data(), "limited by ALLOCATION LENGTH");

            byte[] theirs = pattern(512, 99);
            assertTrue(b.scsiWrite(0, writeBuffer(0x0A, theirs.length), theirs, T).good());
            assertEquals("0B/3F/0F", sense(a.scsi(0, readBuffer(0x0A, 4096), 4096, T)),
                    "SPC-5 6.17.7: another nexus wrote since: ECHO BUFFER OVERWRITTEN");
            assertArrayEquals(theirs, b.scsi(0, readBuffer(0x0A, 4096), 4096, T).data());
        }
    }

    @Test
    void theDescriptorTellsTheCapacity_andMoreThanThatOrAnotherModeIsRefused() throws Exception {
        try (Session a = open("iqn.2026-12.org.example:c")) {
            ScsiResult descriptor = a.scsi(0, readBuffer(0x0B, 4), 4, T);
            assertTrue(descriptor.good(), descriptor.toString());
            assertArrayEquals(new byte[] {0x01, 0, 0x10, 0x00}, descriptor.data(), "EBOS 1, capacity 4096");

            ScsiResult tooLong = a.scsiWrite(0, writeBuffer(0x0A, 4097), new byte[4097], T);
            assertEquals("05/24/00", sense(tooLong), "more than the echo buffer holds");
            ScsiResult microcode = a.scsiWrite(0, writeBuffer(0x05, 512), new byte[512], T);
            assertEquals("05/24/00", sense(microcode), "no microcode download");
            assertFalse(a.scsi(0, readBuffer(0x02, 512), 512, T).good(), "no data buffer mode");
            assertTrue(a.scsi(0, new byte[6], 0, T).good(), "and the session carries on");
        }
    }
}
