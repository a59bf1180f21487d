package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * scstj.alua.target-groups against the real daemon (SPC-5 5.16.2.1): portal groups one and two
 * are one target port group, id 100; three is its own (id 3, its tag). A session through two
 * reports target port group 100 in VPD 83h's designator (SPC-5 7.7.6.6); REPORT TARGET PORT GROUPS
 * gives both groups with their relative target ports; a SIGHUP reload that swaps the states is
 * an implicit change: 2A/06 on every path, then the new states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class AluaTargetGroupsTest {
    static final String TARGET = "iqn.2026-12.org.scstj:tg";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_nullio { disk { size = 8M } }
              alua {
                target-groups { front { id = 100, portal-groups = [one, two] } }
                device-groups.db { devices = [disk], states { "3" = @THREE@, front = @FRONT@ } }
              }
              target-drivers.iscsi {
                portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:@PORT@"] }
                  two { tag = 2, portals = ["127.0.0.1:@PORT2@"] }
                  three { tag = 3, portals = ["127.0.0.1:@PORT3@"] }
                }
                targets { "iqn.2026-12.org.scstj:tg" { luns { 0 = disk } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(20);
    private static final byte[] RTPG_EXTENDED = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};

    @TempDir
    static Path dir;
    private Daemon daemon;
    private int port2;
    private int port3;

    private String config(String three, String front) {
        return TEMPLATE.replace("@PORT2@", Integer.toString(port2)).replace("@PORT3@", Integer.toString(port3))
                .replace("@THREE@", three).replace("@FRONT@", front);
    }

    @BeforeAll
    void startDaemon() throws Exception {
        port2 = Daemon.freePort();
        port3 = Daemon.freePort();
        daemon = Daemon.start(dir, config("standby", "active-optimized"));
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private Session open(String initiator, int port) throws IOException {
        return Daemon.sessionPastAttentions(TARGET, initiator, port);
    }

    private static String sense(ScsiResult r) {
        return Daemon.sense(r);
    }

    /** The TARGET PORT GROUP designator (type 5h) of VPD 83h, or -1. */
    private static int targetPortGroupDesignator(byte[] page) {
        int end = 4 + ((page[2] & 0xFF) << 8 | page[3] & 0xFF);
        for (int i = 4; i + 4 <= end; i += 4 + (page[i + 3] & 0xFF)) {
            if ((page[i + 1] & 0x0F) == 5) {
                return (page[i + 6] & 0xFF) << 8 | page[i + 7] & 0xFF;
            }
        }
        return -1;
    }

    @Test
    @Order(1)
    void twoPortalGroupsAreOneTargetPortGroup_inVpd83hAndRtpg() throws Exception {
        Session two = open("iqn.2026-12.org.example:two", port2);
        Session three = open("iqn.2026-12.org.example:three", port3);
        try {
            ScsiResult vpd = two.scsi(0, new byte[] {0x12, 1, (byte) 0x83, 0, (byte) 255, 0}, 255, T);
            assertEquals(100, targetPortGroupDesignator(Arrays.copyOf(vpd.data(), vpd.received())), "through two");
            ScsiResult vpd3 = three.scsi(0, new byte[] {0x12, 1, (byte) 0x83, 0, (byte) 255, 0}, 255, T);
            assertEquals(3, targetPortGroupDesignator(Arrays.copyOf(vpd3.data(), vpd3.received())), "through three");

            ScsiResult rtpg = two.scsi(0, RTPG_EXTENDED, 256, T);
            assertArrayEquals(new byte[] {0, 0, 0, 32, 0x10, 10, 0, 0,
                    0x02, (byte) 0x8F, 0, 3, 0, 0, 0, 1, 0, 0, 0, 3,
                    0x00, (byte) 0x8F, 0, 100, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2},
                    Arrays.copyOf(rtpg.data(), rtpg.received()), "group 3 standby with port 3; group 100 with ports 1 and 2");
            assertEquals("02/04/0B", sense(three.scsi(0, Cdbs.read10(0, 1), 512, T)));
            assertEquals(ScsiResult.GOOD, two.scsi(0, Cdbs.read10(0, 1), 512, T).status());
        } finally {
            two.close();
            three.close();
        }
    }

    @Test
    @Order(2)
    void aReloadSwappingTheStates_isAnImplicitChange() throws Exception {
        Session one = open("iqn.2026-12.org.example:one", daemon.port);
        Session three = open("iqn.2026-12.org.example:three", port3);
        try {
            daemon.reload(config("active-optimized", "standby"), "reload applied");
            assertEquals("06/2A/06", sense(one.scsi(0, Cdbs.read10(0, 1), 512, T)));
            assertEquals("02/04/0B", sense(one.scsi(0, Cdbs.read10(0, 1), 512, T)), "group 100 standby now");
            assertEquals("06/2A/06", sense(three.scsi(0, Cdbs.read10(0, 1), 512, T)));
            assertEquals(ScsiResult.GOOD, three.scsi(0, Cdbs.read10(0, 1), 512, T).status(), "group 3 active now");
        } finally {
            one.close();
            three.close();
        }
    }
}
