package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session with several connections (MC/S, RFC 7143 4.3) against the real daemon, with the
 * project's initiator: three connections of one session write and read back a file-backed LU,
 * each command's data on the connection it was sent on; logging one connection out (11.14.1
 * reason 1) leaves the others working.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class McsTest {
    static final String TARGET = "iqn.2026-11.org.scstj:mcs";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { d { filename = "@DIR@/d.img", size = 8M } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                negotiation.max-connections = 4
                targets { "iqn.2026-11.org.scstj:mcs" { luns { 0 = d } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(20);
    private static final int BLOCK = 512;

    @TempDir
    Path dir;

    @Test
    void threeConnectionsOfOneSession_writeAndVerify_andOneLogsOut() throws Exception {
        Daemon daemon = Daemon.start(dir, TEMPLATE);
        try (Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port),
                LoginSpec.normal("iqn.2026-11.org.example:mcs", TARGET).key("MaxConnections", "4"), T)) {
            assertEquals(4, s.negotiated().maxConnections());
            s.addConnection(2, null, T);
            s.addConnection(3, null, T);
            s.scsi(0, new byte[6], 0, T); // TEST UNIT READY takes the power-on unit attention (SAM-6 5.14)
            Random random = new Random(3);
            byte[][] written = new byte[12][];
            for (int i = 0; i < written.length; i++) {
                written[i] = new byte[16 * BLOCK];
                random.nextBytes(written[i]);
                ScsiResult w = s.scsi(s.connection(i % 3), 0, Cdbs.write10(i * 16, 16), written[i], 0, T);
                assertTrue(w.good(), "write " + i + ": " + w);
            }
            for (int i = 0; i < written.length; i++) {
                ScsiResult r = s.scsi(s.connection((i + 2) % 3), 0, Cdbs.read10(i * 16, 16), null, 16 * BLOCK, T);
                assertTrue(r.good(), "read " + i + ": " + r);
                assertArrayEquals(written[i], r.data(), "blocks " + i * 16);
            }
            var middle = s.connection(1);
            assertEquals(0, s.logout(middle, 1, middle.cid(), T).response());
            ScsiResult again = s.scsi(s.connection(1), 0, Cdbs.read10(0, 16), null, 16 * BLOCK, T);
            assertArrayEquals(written[0], again.data());
            assertEquals(0, s.logout(T).response());
        } finally {
            daemon.close();
        }
    }
}
