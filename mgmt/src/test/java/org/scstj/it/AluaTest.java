package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ALUA on one node (SPC-5 5.16) against the real daemon with the project's initiator: two portal
 * groups (tags 1 and 2) are two target port groups; scstj.alua puts group 2 in standby; INQUIRY
 * says TPGS 11b, REPORT TARGET PORT GROUPS reports both, a READ through group 2 is 04/0B, and SET
 * TARGET PORT GROUPS through group 2 makes it active (2A/06 for the session on group 1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class AluaTest {
    static final String TARGET = "iqn.2026-12.org.scstj:alua";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_nullio { disk { size = 8M } }
              alua.device-groups.db { devices = [disk], states { "2" = standby }, preferred = [1] }
              target-drivers.iscsi {
                portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:@PORT@"] }
                  two { tag = 2, portals = ["127.0.0.1:@PORT2@"] }
                }
                targets { "iqn.2026-12.org.scstj:alua" { luns { 0 = disk } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private Daemon daemon;
    private int port2;

    @BeforeAll
    void startDaemon() throws Exception {
        port2 = Daemon.freePort();
        daemon = Daemon.start(dir, TEMPLATE.replace("@PORT2@", Integer.toString(port2)));
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private Session open(String initiator, int port) throws IOException {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", port), LoginSpec.normal(initiator, TARGET), T);
        for (int i = 0; i < 8 && !s.scsi(0, new byte[6], 0, T).good(); i++) {
            // unit attentions (power on) out of the way
        }
        return s;
    }

    private static String sense(ScsiResult r) {
        return String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    @Test
    void standbyThroughPortalGroupTwo_thenSetTargetPortGroupsMakesItActive() throws Exception {
        Session one = open("iqn.2026-12.org.example:one", daemon.port);
        Session two = open("iqn.2026-12.org.example:two", port2);
        try {
            ScsiResult inquiry = one.scsi(0, new byte[] {0x12, 0, 0, 0, 96, 0}, 96, T);
            assertEquals(0b11, (inquiry.data()[5] >> 4) & 0b11, "TPGS");
            assertEquals("02/04/0B", sense(two.scsi(0, Cdbs.read10(0, 1), 512, T)), "standby");
            assertEquals(ScsiResult.GOOD, one.scsi(0, Cdbs.read10(0, 1), 512, T).status());

            ScsiResult rtpg = two.scsi(0, new byte[] {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, 256, T);
            byte[] d = Arrays.copyOf(rtpg.data(), rtpg.received());
            assertArrayEquals(new byte[] {0, 0, 0, 28, 0x10, 10, 0, 0,
                    (byte) 0x80, (byte) 0x8F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                    0x02, (byte) 0x8F, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}, d, "both groups, one port each");

            byte[] list = {0, 0, 0, 0, 0x00, 0, 0, 2};
            ScsiResult stpg = two.scsiWrite(0, new byte[] {(byte) 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0}, list, T);
            assertEquals(ScsiResult.GOOD, stpg.status(), String.valueOf(stpg));
            assertEquals(ScsiResult.GOOD, two.scsi(0, Cdbs.read10(0, 1), 512, T).status(), "active now");
            assertEquals("06/2A/06", sense(one.scsi(0, new byte[6], 0, T)), "the other session learns it");
        } finally {
            one.close();
            two.close();
        }
    }
}
