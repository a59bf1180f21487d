package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Portal groups (RFC 7143 4.4.1), SendTargets per initiator and per group (Appendix C) and login
 * redirection (6.2, 11.13.5) against the real daemon with libiscsi's tools. Group one is
 * 127.0.0.1:P1 (tag 1), group two [::1]:P2 (tag 2; 127.0.0.2:P2 where the machine has no IPv6
 * loopback). Target A is on group one only and seen by host-a only; target B is on both groups and
 * seen by both hosts; target C is on group one and redirected (temporarily) there from group two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class PortalsTest {
    static final String A = "iqn.2026-11.org.scstj:portals-a";
    static final String B = "iqn.2026-11.org.scstj:portals-b";
    static final String C = "iqn.2026-11.org.scstj:portals-c";
    static final String HOST_A = "iqn.2026-11.org.example:host-a";
    static final String HOST_B = "iqn.2026-11.org.example:host-b";

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_nullio { a { size = 8M }, b { size = 16M }, c { size = 24M } }
              target-drivers.iscsi {
                portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:@PORT@"] }
                  two { tag = 2, portals = ["@HOST2@:@PORT2@"] }
                }
                targets {
                  "iqn.2026-11.org.scstj:portals-a" {
                    portal-groups = [one]
                    groups { only-a { initiators = ["iqn.2026-11.org.example:host-a"], luns { 0 = a } } }
                  }
                  "iqn.2026-11.org.scstj:portals-b" { luns { 0 = b } }
                  "iqn.2026-11.org.scstj:portals-c" {
                    portal-groups = [one]
                    redirect { to = "127.0.0.1:@PORT@" }
                    luns { 0 = c }
                  }
                }
              }
            }
            """;

    @TempDir
    static Path dir;
    private Daemon daemon;
    private String portal2;
    private String address2;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-ls", "libiscsi-bin");
        Tools.require("iscsi-inq", "libiscsi-bin");
        String host2 = ipv6Loopback() ? "[::1]" : "127.0.0.2";
        int port2 = Daemon.freePort();
        daemon = Daemon.start(dir, TEMPLATE.replace("@HOST2@", host2).replace("@PORT2@", Integer.toString(port2)));
        address2 = host2 + ":" + port2;
        portal2 = "iscsi://" + address2;
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private static boolean ipv6Loopback() {
        try {
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("::1"));
            return lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress());
        } catch (IOException e) {
            return false;
        }
    }

    /** The "Target:... Portal:..." lines iscsi-ls prints for one initiator. */
    private Set<String> listed(String initiator, String portal) {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-i", initiator, portal), 60);
        assertEquals(0, r.exit(), r.output());
        Set<String> out = new TreeSet<>();
        for (String line : r.output().split("\n")) {
            if (line.startsWith("Target:")) {
                out.add(line.strip());
            }
        }
        return out;
    }

    private String p1() {
        return "127.0.0.1:" + daemon.port;
    }

    @Test
    void sendTargets_listsPerInitiatorOnlyItsTargets_eachWithItsGroupsPortalsAndTags() {
        Set<String> forA = Set.of(
                "Target:" + A + " Portal:" + p1() + ",1",
                "Target:" + B + " Portal:" + p1() + ",1",
                "Target:" + B + " Portal:" + address2 + ",2",
                "Target:" + C + " Portal:" + p1() + ",1");
        assertEquals(new TreeSet<>(forA), listed(HOST_A, daemon.portal()));
        assertEquals(new TreeSet<>(forA), listed(HOST_A, portal2)); // discovery answers the same on every portal
        Set<String> forB = Set.of(
                "Target:" + B + " Portal:" + p1() + ",1",
                "Target:" + B + " Portal:" + address2 + ",2",
                "Target:" + C + " Portal:" + p1() + ",1");
        assertEquals(new TreeSet<>(forB), listed(HOST_B, daemon.portal()));
    }

    @Test
    void loginToATargetOnAPortalOfAnotherGroup_isRefused_andOnItsOwnGroupWorks() {
        Tools.Result there = Tools.run(List.of("iscsi-inq", "-i", HOST_A, daemon.portal() + "/" + A + "/0"), 60);
        assertEquals(0, there.exit(), there.output());
        Tools.Result elsewhere = Tools.run(List.of("iscsi-inq", "-i", HOST_A, portal2 + "/" + A + "/0"), 60);
        assertNotEquals(0, elsewhere.exit(), elsewhere.output());
        assertTrue(elsewhere.output().toLowerCase().contains("not found") || elsewhere.output().contains("0x0203")
                || elsewhere.output().contains("515"), elsewhere.output());
        Tools.Result b = Tools.run(List.of("iscsi-inq", "-i", HOST_B, portal2 + "/" + B + "/0"), 60);
        assertEquals(0, b.exit(), b.output());
    }

    @Test
    void loginToARedirectedTarget_isFollowedByIscsiInqToTheNewPortal() throws Exception {
        // C is on group one only: without the redirect this login would be refused like A's above
        Tools.Result r = Tools.run(List.of("env", "LIBISCSI_DEBUG=2", "iscsi-inq", "-i", HOST_B, portal2 + "/" + C + "/0"), 60);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("target requests redirect to " + p1() + ",1"), r.output());
        assertTrue(r.output().contains("connecting to portal " + p1() + ",1"), r.output());
        assertTrue(r.output().contains("Device Type"), r.output());
    }
}
