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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ALUA on one node (SPC-5 5.16) against the real daemon with the project's initiator: two portal
 * groups (tags 1 and 2) are two target port groups; scstj.alua puts group 2 in standby; INQUIRY
 * says TPGS 11b, REPORT TARGET PORT GROUPS reports both, a READ through group 2 is 04/0B, and SET
 * TARGET PORT GROUPS through group 2 makes it active (2A/06 for the session on group 1). Before
 * any login through group 2, RTPG already lists it with its port; the admin API (and `scstj admin
 * alua`) puts group 2 back in standby as an implicit change (2A/06 on both paths, then 04/0B
 * through group 2), written to the file, so it holds after a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    private static final byte[] RTPG_EXTENDED = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    /** Both groups with one port each: group 1 A/O with PREF, group 2 standby, nothing changed yet. */
    private static final byte[] CONFIGURED = {0, 0, 0, 28, 0x10, 10, 0, 0,
            (byte) 0x80, (byte) 0x8F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
            0x02, (byte) 0x8F, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};

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
        return Daemon.sessionPastAttentions(TARGET, initiator, port);
    }

    private static String sense(ScsiResult r) {
        return Daemon.sense(r);
    }

    @Test
    @Order(1)
    void rtpgBeforeAnyLoginThroughGroupTwo_listsBothGroupsWithTheirPorts() throws Exception {
        Session one = open("iqn.2026-12.org.example:first", daemon.port);
        try {
            ScsiResult rtpg = one.scsi(0, RTPG_EXTENDED, 256, T);
            assertArrayEquals(CONFIGURED, Arrays.copyOf(rtpg.data(), rtpg.received()),
                    "group 2's relative target port 2 is configured, not learnt from a login");
        } finally {
            one.close();
        }
    }

    @Test
    @Order(2)
    void standbyThroughPortalGroupTwo_thenSetTargetPortGroupsMakesItActive() throws Exception {
        Session one = open("iqn.2026-12.org.example:one", daemon.port);
        Session two = open("iqn.2026-12.org.example:two", port2);
        try {
            ScsiResult inquiry = one.scsi(0, new byte[] {0x12, 0, 0, 0, 96, 0}, 96, T);
            assertEquals(0b11, (inquiry.data()[5] >> 4) & 0b11, "TPGS");
            assertEquals("02/04/0B", sense(two.scsi(0, Cdbs.read10(0, 1), 512, T)), "standby");
            assertEquals(ScsiResult.GOOD, one.scsi(0, Cdbs.read10(0, 1), 512, T).status());

            ScsiResult rtpg = two.scsi(0, RTPG_EXTENDED, 256, T);
            assertArrayEquals(CONFIGURED, Arrays.copyOf(rtpg.data(), rtpg.received()), "both groups, one port each");

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

    private String adminFile(String name) throws IOException {
        return Files.readString(dir.resolve("state").resolve("admin").resolve(name)).trim();
    }

    private HttpResponse<String> put(String path, String body, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(adminFile("url") + path)).timeout(T)
                .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code scstj admin --state-dir DIR ARGS...} in-process: exit status, then the output. */
    private String[] admin(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", dir.resolve("state").toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, ps, ps);
        return new String[] {Integer.toString(exit), buf.toString(StandardCharsets.UTF_8)};
    }

    @Test
    @Order(3)
    void adminSetsGroupTwoToStandby_everyNexusGets2A06_thenGroupTwoIs040B() throws Exception {
        Session one = open("iqn.2026-12.org.example:one", daemon.port);
        Session two = open("iqn.2026-12.org.example:two", port2);
        try {
            assertEquals(ScsiResult.GOOD, two.scsi(0, Cdbs.read10(0, 1), 512, T).status(), "active since SET TPG");
            String path = "/api/v1/alua/device-groups/db/states/2";
            HttpResponse<String> refused = put(path, "{\"state\": \"standby\"}", adminFile("readonly.token"));
            assertEquals(403, refused.statusCode(), refused.body());
            HttpResponse<String> bad = put(path, "{\"state\": \"transitioning\"}", adminFile("admin.token"));
            assertEquals(422, bad.statusCode(), bad.body());
            assertEquals("state", new ObjectMapper().readTree(bad.body()).get("problems").get(0).get("field").asText(),
                    bad.body());
            assertEquals(ScsiResult.GOOD, two.scsi(0, Cdbs.read10(0, 1), 512, T).status(), "a refused change changes nothing");

            String[] set = admin("alua", "set", "db", "2", "standby");
            assertEquals("0", set[0], set[1]);
            assertEquals("06/2A/06", sense(one.scsi(0, Cdbs.read10(0, 1), 512, T)), "the other path learns it");
            assertEquals(ScsiResult.GOOD, one.scsi(0, Cdbs.read10(0, 1), 512, T).status());
            assertEquals("06/2A/06", sense(two.scsi(0, Cdbs.read10(0, 1), 512, T)), "an implicit change: every nexus");
            assertEquals("02/04/0B", sense(two.scsi(0, Cdbs.read10(0, 1), 512, T)), "standby");

            ScsiResult rtpg = one.scsi(0, RTPG_EXTENDED, 256, T);
            byte[] d = Arrays.copyOf(rtpg.data(), rtpg.received());
            assertEquals(0x02, d[20] & 0x0F, "group 2 standby");
            assertEquals(0x02, d[25], "STATUS CODE 02h: altered implicitly");

            String[] ls = admin("alua", "ls");
            assertEquals("0", ls[0], ls[1]);
            assertTrue(ls[1].contains("standby") && ls[1].contains("altered-implicitly"), ls[1]);
            JsonNode json = new ObjectMapper().readTree(admin("alua", "ls", "--json")[1]);
            JsonNode groups = json.get("devices").get(0).get("target-port-groups");
            assertEquals("standby", groups.get(1).get("state").asText(), json.toPrettyString());
            assertEquals("[2]", groups.get(1).get("relative-target-ports").toString());
            assertTrue(Files.readString(dir.resolve("scstj.conf")).contains("standby"), "written to the file");
        } finally {
            one.close();
            two.close();
        }
    }

    @Test
    @Order(4)
    void afterARestart_theStatesSetThroughTheApiHold() throws Exception {
        String[] set = admin("alua", "set", "db", "1", "active-non-optimized", "--no-preferred");
        assertEquals("0", set[0], set[1]);
        assertTrue(set[1].contains("alua/device-groups/db"), set[1]);
        daemon.stopCleanly();
        daemon = Daemon.restart(daemon);
        Session one = open("iqn.2026-12.org.example:one", daemon.port);
        Session two = open("iqn.2026-12.org.example:two", port2);
        try {
            assertEquals("02/04/0B", sense(two.scsi(0, Cdbs.read10(0, 1), 512, T)), "standby from the file");
            ScsiResult rtpg = one.scsi(0, RTPG_EXTENDED, 256, T);
            byte[] d = Arrays.copyOf(rtpg.data(), rtpg.received());
            assertEquals(0x01, d[8] & 0xFF, "group 1 active/non-optimized, PREF cleared, from the file");
            assertEquals(0x02, d[20] & 0xFF);
            assertEquals(ScsiResult.GOOD, one.scsi(0, Cdbs.read10(0, 1), 512, T).status(), "A/NO serves I/O");
        } finally {
            one.close();
            two.close();
        }
    }
}
