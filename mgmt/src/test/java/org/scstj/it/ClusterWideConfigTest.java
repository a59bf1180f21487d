package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster-wide configuration on three real daemons (docs/cluster.md, docs/design/cluster.md 5.3 and
 * 6.3 item 5): a LUN added through n2's admin API is mapped on n1 and n3 as well (REPORT LUNS and
 * the admin API of each), and an existing session on n3 gets REPORTED LUNS DATA HAS CHANGED; a
 * change that one node refuses (its backing file is missing there) is applied on no node; a node
 * stopped during a change gets it when it starts again. With every node's portal groups listed in
 * the cluster-wide part, REPORT TARGET PORT GROUPS through any node lists every node's port
 * (relative target port identifiers 1, 2, 3 numbered across the cluster) and INQUIRY VPD 83h
 * gives each node's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterWideConfigTest {
    static final String TARGET = "iqn.2026-12.org.scstj:clcfg";
    static final String HOST = "iqn.2026-12.org.example:cfg-host";
    static final Duration T = Duration.ofSeconds(30);
    static final String CONFIG = """
            scstj {
              state-dir = "@HOME@/state"
              admin.listen = "127.0.0.1:0"
              handlers.vdisk_nullio { d0 { size = 64M } }
              target-drivers.iscsi {
                portal-groups { p@N@ { tag = @N@, portals = ["@HOST@:@PORT@"] } }
                targets { "iqn.2026-12.org.scstj:clcfg" { luns { 0 = d0 } } }
              }
              # every node's portal groups: ports numbered across the cluster (cluster-wide keys)
              cluster.nodes.n1.portal-groups { p1 = 1 }
              cluster.nodes.n2.portal-groups { p2 = 2 }
              cluster.nodes.n3.portal-groups { p3 = 3 }
            }
            """;

    @TempDir
    static Path dir;
    private final NodeProcess[] nodes = new NodeProcess[3];

    @BeforeAll
    void start() throws Exception {
        int[] artery = NodeProcess.arteryPorts();
        for (int i = 0; i < 3; i++) {
            int n = i;
            int port = Daemon.freePort();
            nodes[i] = new NodeProcess(dir, i, port, artery, home -> CONFIG.replace("@HOME@", home.toString())
                    .replace("@N@", Integer.toString(n + 1)).replace("@HOST@", "127.0.0." + (n + 1))
                    .replace("@PORT@", Integer.toString(port)));
        }
        for (NodeProcess n : nodes) {
            n.launch();
        }
        for (NodeProcess n : nodes) {
            awaitServing(n);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (NodeProcess n : nodes) {
            if (n != null && n.process != null) {
                n.process.destroy();
            }
        }
        for (NodeProcess n : nodes) {
            if (n != null && n.process != null && !n.process.waitFor(30, TimeUnit.SECONDS)) {
                n.process.destroyForcibly();
            }
        }
    }

    private static Session login(NodeProcess n) throws IOException {
        return Session.open(new InetSocketAddress(n.host, n.iscsiPort), LoginSpec.normal(HOST, TARGET), T);
    }

    /** Until the node's admin API answers and a session through it gets GOOD for TEST UNIT READY. */
    private static void awaitServing(NodeProcess n) throws Exception {
        ClusterScsi.awaitServing(n, () -> {
            if (n.adminGet("/api/v1") == null) {
                throw new IOException("admin API not answering yet");
            }
            return login(n);
        }, Duration.ofSeconds(120));
    }

    /** SPC-5 6.33 REPORT LUNS (select report 0): the LUNs listed, in order. */
    private static List<Integer> reportLuns(Session s) throws IOException {
        ScsiResult r = s.scsi(0, new byte[] {(byte) 0xA0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, 4096, T);
        assertTrue(r.good(), "REPORT LUNS " + r);
        byte[] d = r.data();
        int length = ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        List<Integer> luns = new ArrayList<>();
        for (int off = 8; off < 8 + length; off += 8) {
            luns.add(((d[off] & 0x3f) << 8) | (d[off + 1] & 0xff)); // peripheral / flat addressing (SAM-6 4.7)
        }
        return luns;
    }

    private static List<Integer> reportLuns(NodeProcess n) throws IOException {
        try (Session s = login(n)) {
            for (int i = 0; i < 8 && !s.scsi(0, new byte[6], 0, T).good(); i++) {
                // power-on and other unit attentions out of the way
            }
            return reportLuns(s);
        }
    }

    private static String[] send(NodeProcess n, String method, String path, String json) throws Exception {
        String[] r = n.adminSend(method, path, json);
        System.out.printf("ClusterWideConfigTest: %s %s %s via %s -> %s %s%n", method, path, json, n.name, r[0], r[1]);
        return r;
    }

    /** SPC-5 6.37 REPORT TARGET PORT GROUPS (length format): TPG id to its relative target port ids. */
    private static java.util.Map<Integer, List<Integer>> rtpg(Session s) throws IOException {
        ScsiResult r = s.scsi(0, new byte[] {(byte) 0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, 4096, T);
        assertTrue(r.good(), "REPORT TARGET PORT GROUPS " + r);
        byte[] d = r.data();
        int length = ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        java.util.Map<Integer, List<Integer>> out = new java.util.TreeMap<>();
        int off = 4;
        while (off < 4 + length) {
            int id = ((d[off + 2] & 0xff) << 8) | (d[off + 3] & 0xff);
            int count = d[off + 7] & 0xff;
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int p = off + 8 + 4 * i;
                ports.add(((d[p + 2] & 0xff) << 8) | (d[p + 3] & 0xff));
            }
            out.put(id, ports);
            off += 8 + 4 * count;
        }
        return out;
    }

    /** SPC-5 7.7.6.4: the relative target port designator (type 4h) of INQUIRY VPD page 83h. */
    private static int ownPort(Session s) throws IOException {
        ScsiResult r = s.scsi(0, new byte[] {0x12, 1, (byte) 0x83, 0, (byte) 0xff, 0}, 255, T);
        assertTrue(r.good(), "INQUIRY VPD 83h " + r);
        byte[] d = r.data();
        int end = 4 + (((d[2] & 0xff) << 8) | (d[3] & 0xff));
        for (int off = 4; off < end; off += 4 + (d[off + 3] & 0xff)) {
            if ((d[off + 1] & 0x0f) == 4) {
                return ((d[off + 6] & 0xff) << 8) | (d[off + 7] & 0xff);
            }
        }
        return -1;
    }

    @Test
    @Order(0)
    void reportTargetPortGroupsThroughAnyNodeListsEveryNodesPort() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Session s = login(nodes[i])) {
                for (int k = 0; k < 8 && !s.scsi(0, new byte[6], 0, T).good(); k++) {
                    // power-on unit attention out of the way
                }
                assertEquals(java.util.Map.of(1, List.of(1), 2, List.of(2), 3, List.of(3)), rtpg(s), "RTPG on " + nodes[i]);
                assertEquals(i + 1, ownPort(s), "relative target port of " + nodes[i]);
            }
        }
    }

    @Test
    @Order(1)
    void aLunAddedThroughN2IsMappedOnEveryNodeAndAnExistingSessionOnN3SeesTheChange() throws Exception {
        try (Session onN3 = login(nodes[2])) {
            for (int i = 0; i < 8 && !onN3.scsi(0, new byte[6], 0, T).good(); i++) {
                // power-on unit attention out of the way
            }
            long t0 = System.nanoTime();
            String[] dev = send(nodes[1], "PUT", "/api/v1/devices/d1",
                    "{\"handler\":\"vdisk_nullio\",\"attributes\":{\"size\":\"32M\"}}");
            assertEquals("201", dev[0], dev[1]);
            String[] lun = send(nodes[1], "PUT", "/api/v1/targets/" + TARGET + "/luns/1", "{\"device\":\"d1\"}");
            assertEquals("200", lun[0], lun[1]);
            System.out.printf("ClusterWideConfigTest: two cluster-wide changes through n2 in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            // the session on n3, logged in before: REPORTED LUNS DATA HAS CHANGED (SPC-5 table 49), then LUN 1 listed
            ScsiResult ua = onN3.scsi(0, new byte[6], 0, T);
            assertEquals(ScsiResult.CHECK_CONDITION, ua.status(), "TEST UNIT READY on n3 after the change: " + ua);
            assertEquals("06/3F/0E", Daemon.sense(ua));
            assertEquals(List.of(0, 1), reportLuns(onN3));
        }
        for (NodeProcess n : nodes) {
            assertEquals(List.of(0, 1), reportLuns(n), "REPORT LUNS on " + n);
            JsonNode d1 = n.adminGet("/api/v1/devices/d1");
            assertNotNull(d1, "GET /api/v1/devices/d1 on " + n);
            assertTrue(Files.readString(n.home.resolve("scstj.conf")).contains("d1"), n + "'s file");
            assertTrue(Files.readString(n.home.resolve("scstj.conf")).contains(n.host + ":" + n.iscsiPort),
                    n + " keeps its own portal group");
        }
    }

    @Test
    @Order(2)
    void aChangeRefusedOnOneNodeChangesNoNode() throws Exception {
        // a file-backed device whose file (relative: the node's working directory) exists on n1 and n2 only
        for (int i = 0; i < 2; i++) {
            try (var f = new java.io.RandomAccessFile(nodes[i].home.resolve("only-here.img").toFile(), "rw")) {
                f.setLength(8L << 20);
            }
        }
        List<String> before = new ArrayList<>();
        for (NodeProcess n : nodes) {
            before.add(Files.readString(n.home.resolve("scstj.conf")));
        }
        String[] r = send(nodes[0], "PUT", "/api/v1/devices/x1",
                "{\"handler\":\"vdisk_fileio\",\"attributes\":{\"filename\":\"only-here.img\"}}");
        assertEquals("422", r[0], r[1]);
        assertTrue(r[1].contains("n3"), "the refusing node is named: " + r[1]);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = nodes[i];
            assertEquals(before.get(i), Files.readString(n.home.resolve("scstj.conf")), n + "'s file is unchanged");
            assertEquals(null, n.adminGet("/api/v1/devices/x1"), "x1 on " + n);
            assertEquals(List.of(0, 1), reportLuns(n), "REPORT LUNS on " + n);
        }
    }

    @Test
    @Order(3)
    void aNodeStoppedDuringAChangeGetsItWhenItStartsAgain() throws Exception {
        NodeProcess n3 = nodes[2];
        n3.signal("TERM");
        assertTrue(n3.process.waitFor(60, TimeUnit.SECONDS), "n3 stops");
        // the others see it gone (planned leave), then a change through n1
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String[] r;
        do {
            r = send(nodes[0], "PUT", "/api/v1/devices/d2", "{\"handler\":\"vdisk_nullio\",\"attributes\":{\"size\":\"16M\"}}");
            if (!r[0].equals("201")) {
                Thread.sleep(1000);
            }
        } while (!r[0].equals("201") && System.nanoTime() < end);
        assertEquals("201", r[0], r[1]);
        String[] lun = send(nodes[0], "PUT", "/api/v1/targets/" + TARGET + "/luns/2", "{\"device\":\"d2\"}");
        assertEquals("200", lun[0], lun[1]);
        assertFalse(Files.readString(n3.home.resolve("scstj.conf")).contains("d2"), "n3 was down");
        n3.launch();
        awaitServing(n3);
        assertEquals(List.of(0, 1, 2), reportLuns(n3), "REPORT LUNS on the restarted n3");
        assertNotNull(n3.adminGet("/api/v1/devices/d2"));
        assertTrue(Files.readString(n3.home.resolve("scstj.conf")).contains("d2"), "written to n3's file");
        assertTrue(n3.log().contains("applied the cluster's configuration revision"), "n3's log says so");
        for (NodeProcess n : nodes) {
            assertEquals(List.of(0, 1, 2), reportLuns(n), "REPORT LUNS on " + n);
        }
    }

    @Test
    @Order(4)
    void changesThroughTwoNodesAtOnceBothApplyEverywhere() throws Exception {
        // the authority takes one at a time; the second finds its base stale, re-applies its edit and goes through
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> send(nodes[0], "PUT", "/api/v1/devices/d3",
                    "{\"handler\":\"vdisk_nullio\",\"attributes\":{\"size\":\"16M\"}}"));
            var b = pool.submit(() -> send(nodes[1], "PUT", "/api/v1/devices/d4",
                    "{\"handler\":\"vdisk_nullio\",\"attributes\":{\"size\":\"16M\"}}"));
            assertEquals("201", a.get(120, TimeUnit.SECONDS)[0]);
            assertEquals("201", b.get(120, TimeUnit.SECONDS)[0]);
        } finally {
            pool.shutdownNow();
        }
        for (NodeProcess n : nodes) {
            assertNotNull(n.adminGet("/api/v1/devices/d3"), "d3 on " + n);
            assertNotNull(n.adminGet("/api/v1/devices/d4"), "d4 on " + n);
            JsonNode lus = n.adminGet("/api/v1/cluster/lus");
            assertNotNull(lus, "cluster lus on " + n);
            assertEquals(lus.path("configRevision").asLong(), nodes[0].adminGet("/api/v1/cluster/lus")
                    .path("configRevision").asLong(), "every node runs the same revision");
            System.out.printf("ClusterWideConfigTest: cluster lus on %s: %s%n", n.name, lus);
        }
    }
}
