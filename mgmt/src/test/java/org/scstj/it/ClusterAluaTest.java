package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ALUA across three real daemons on 127.0.0.1, .2 and .3 sharing one backing file
 * (docs/design/cluster.md 5.4, 5.5): device group {@code db} is active-standby with preferred
 * nodes n2, n3, n1 and failback on (the owner is not the first seed node: a restarted first seed
 * that hears no other seed in time forms a cluster of its own, docs/cluster.md); each node's portal group is its own target port group (id 1,
 * 2, 3). REPORT TARGET PORT GROUPS through every node gives the same states, exactly one
 * active/optimized; a READ through a standby node's port gets 04/0B. kill -9 of the owner: the
 * next preferred node's group becomes active/optimized (the time from the kill to GOOD on its
 * path, polling every 100 ms as Linux does on 04/0A, is printed); while the survivors see the
 * owner unreachable but not yet removed, their standby paths answer 04/0A; a session on a survivor sees
 * 2A/06, and no sample shows two active/optimized groups. The killed node comes back and takes the
 * group back (failback). INQUIRY says TPGS 01b and SET TARGET PORT GROUPS is refused (05/20/00):
 * the cluster alone moves the states. Planned leave of the owner ({@code scstj admin cluster leave}): the hand-over
 * time to GOOD on the next node's path is printed. Last, SIGSTOP of the owner (a partition in
 * time): the majority promotes another group only after the paused owner's lease ran out; the
 * command sent to it during the pause is never answered, and it exits once resumed (downed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterAluaTest {
    static final String TARGET = "iqn.2026-12.org.scstj:alua";
    static final String HOST = "iqn.2026-12.org.example:host";
    static final Duration T = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] RTPG = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    static final int AO = 0, STANDBY = 2, UNAVAILABLE = 3, TRANSITIONING = 0xF;
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              admin.listen = "127.0.0.1:0"
              handlers.vdisk_fileio { d { filename = "@SHARED@", size = 8M } }
              target-drivers.iscsi {
                portal-groups { pg@I@ { tag = @I@, portals = ["@HOST@:@PORT@"] } }
                targets { "iqn.2026-12.org.scstj:alua" { luns { 0 = d } } }
              }
              alua {
                transition-delay = 300ms
                target-groups {
                  t1 { id = 1, node = n1, portal-groups = [pg1] }
                  t2 { id = 2, node = n2, portal-groups = [pg2] }
                  t3 { id = 3, node = n3, portal-groups = [pg3] }
                }
                device-groups {
                  db { devices = [d], policy = active-standby, preferred-nodes = [n2, n3, n1], failback = on }
                }
              }
            }
            """;

    @TempDir
    static Path dir;
    private final Node[] nodes = new Node[3];
    private final List<String> timings = new ArrayList<>();

    /** One daemon of the cluster, with a session past its power-on unit attention. */
    static final class Node extends NodeProcess {
        Node(int i, int iscsiPort, int[] artery, Path shared) throws IOException {
            super(dir, i, iscsiPort, artery, home -> CONFIG.replace("@DIR@", home.toString())
                    .replace("@SHARED@", shared.toString()).replace("@I@", Integer.toString(i + 1))
                    .replace("@HOST@", "127.0.0." + (i + 1)).replace("@PORT@", Integer.toString(iscsiPort)));
        }

        /** A session past its power-on unit attention. */
        Session session() throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!accepts()) {
                if (System.nanoTime() > end) {
                    fail(this + " never opened its portal\n" + log());
                }
                Thread.sleep(100);
            }
            Session s = Session.open(new InetSocketAddress(host, iscsiPort), LoginSpec.normal(HOST, TARGET), T);
            for (int i = 0; i < 4; i++) {
                ScsiResult r = s.scsi(0, new byte[6], 0, T);
                if (r.good() || r.senseKey() == 2) {
                    break;
                }
            }
            return s;
        }
    }

    @BeforeAll
    void start() throws Exception {
        Path shared = dir.resolve("shared.img");
        try (RandomAccessFile f = new RandomAccessFile(shared.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        int[] artery = NodeProcess.arteryPorts();
        for (int i = 0; i < 3; i++) {
            nodes[i] = new Node(i, Daemon.freePort(), artery, shared);
        }
        for (Node n : nodes) {
            n.launch();
        }
    }

    @AfterAll
    void stop() throws Exception {
        timings.forEach(System.out::println);
        for (Node n : nodes) { // each node's ALUA decisions and hand-overs, with their times
            n.log().lines().filter(l -> l.contains("ALUA: ") || l.contains("leave requested"))
                    .forEach(l -> System.out.println("ClusterAluaTest: " + n.name + " " + l));
        }
        NodeProcess.killAll(nodes);
    }

    private static String sense(ScsiResult r) {
        return r.good() ? "GOOD" : String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    /** REPORT TARGET PORT GROUPS (extended) through {@code s}: state by group id; 2A/06 first is noted and retried. */
    private static Map<Integer, Integer> rtpg(Session s, List<String> seen) throws IOException {
        for (int i = 0; i < 3; i++) {
            ScsiResult r = s.scsi(0, RTPG, 256, T);
            if (!r.good()) {
                seen.add(sense(r));
                continue;
            }
            byte[] d = r.data();
            int end = Math.min(r.received(), 4 + (((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8)
                    | (d[3] & 0xFF)));
            Map<Integer, Integer> out = new TreeMap<>();
            for (int p = 8; p + 8 <= end; p += 8 + 4 * (d[p + 7] & 0xFF)) {
                out.put(((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF), d[p] & 0x0F);
            }
            return out;
        }
        fail("REPORT TARGET PORT GROUPS not GOOD: " + seen);
        return null;
    }

    private static long optimized(Map<Integer, Integer> states) {
        return states.values().stream().filter(v -> v == AO).count();
    }

    /** Polls until every running node's RTPG shows {@code expected}; fails with the logs. */
    private void awaitStates(List<Session> sessions, Map<Integer, Integer> expected, Duration bound) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        List<Map<Integer, Integer>> last = new ArrayList<>();
        while (System.nanoTime() < end) {
            last.clear();
            for (Session s : sessions) {
                Map<Integer, Integer> st = rtpg(s, new ArrayList<>());
                assertTrue(optimized(st) <= 1, "two active/optimized groups: " + st);
                last.add(st);
            }
            if (last.stream().allMatch(expected::equals)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("states " + last + " not " + expected + " within " + bound.toSeconds() + " s\n" + nodes[0].log()
                + nodes[1].log() + nodes[2].log());
    }

    /**
     * Polls READ(10) through {@code path} every 100 ms until GOOD while sampling RTPG through
     * {@code watchers}; returns the seconds from {@code since}. No sample may show two
     * active/optimized groups; the senses seen are recorded (READ's as they are, the watchers'
     * RTPG unit attentions prefixed "rtpg").
     */
    private double readUntilGood(Session path, List<Session> watchers, long since, List<String> seen, Duration bound)
            throws Exception {
        long end = since + bound.toNanos();
        while (System.nanoTime() < end) {
            ScsiResult r = path.scsi(0, Cdbs.read10(0, 1), 512, T);
            if (r.good()) {
                return (System.nanoTime() - since) / 1e9;
            }
            seen.add(sense(r));
            for (Session w : watchers) {
                List<String> ua = new ArrayList<>();
                Map<Integer, Integer> st = rtpg(w, ua);
                ua.forEach(x -> seen.add("rtpg " + x)); // a watcher's REPORT TARGET PORT GROUPS met a unit attention
                assertTrue(optimized(st) <= 1, "two active/optimized groups in one sample: " + st + " (seen " + seen + ")");
            }
            Thread.sleep(100);
        }
        fail("no GOOD within " + bound.toSeconds() + " s; seen " + seen);
        return -1;
    }

    private Session s1, s2, s3;

    @Test
    @Order(1)
    void everyNodeReportsTheSameStates_oneActiveOptimized_standbyAnswers040B() throws Exception {
        long t0 = System.nanoTime();
        s1 = nodes[0].session();
        s2 = nodes[1].session();
        s3 = nodes[2].session();
        awaitStates(List.of(s1, s2, s3), Map.of(1, STANDBY, 2, AO, 3, STANDBY), Duration.ofSeconds(60));
        timings.add(String.format("ClusterAluaTest: three nodes up, same states through each after %.1f s",
                (System.nanoTime() - t0) / 1e9));
        assertEquals("GOOD", sense(readSkippingUa(s2)), "owner n2 serves");
        assertEquals("02/04/0B", sense(readSkippingUa(s1)), "n1's group is standby (SPC-5 5.16.2.4.4)");
        assertEquals("02/04/0B", sense(readSkippingUa(s3)));
        // a cluster-owned device group: implicit ALUA only (INQUIRY TPGS 01b), SET TARGET PORT GROUPS
        // not supported (SPC-5 6.47): no initiator makes n3's group active/optimized behind n2's back
        ScsiResult inquiry = s3.scsi(0, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, T);
        assertEquals("GOOD", sense(inquiry));
        assertEquals(0b01, (inquiry.data()[5] >> 4) & 0b11, "TPGS");
        ScsiResult stpg = s3.scsiWrite(0, new byte[] {(byte) 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0},
                new byte[] {0, 0, 0, 0, 0x00, 0, 0, 3}, T);
        assertEquals("05/20/00", sense(stpg), "SET TARGET PORT GROUPS refused");
        assertEquals("02/04/0B", sense(readSkippingUa(s3)), "still standby");
        String ls = nodes[0].cli("alua", "ls");
        assertTrue(ls.lines().anyMatch(l -> l.matches("db +active-standby +n2 +on +.*")), ls);
        JsonNode json = JSON.readTree(nodes[2].cli("alua", "ls", "--json"));
        assertEquals("n2", json.path("device-groups").get(0).path("owner").asText(), json.toString());
    }

    private static ScsiResult readSkippingUa(Session s) throws IOException {
        ScsiResult r = null;
        for (int i = 0; i < 3; i++) {
            r = s.scsi(0, Cdbs.read10(0, 1), 512, T);
            if (!(r.senseKey() == 6)) {
                break;
            }
        }
        return r;
    }

    @Test
    @Order(2)
    void killNineOfTheOwner_theNextPreferredNodeTakesOver() throws Exception {
        nodes[1].process.destroyForcibly();
        long killed = System.nanoTime();
        List<String> seen = new ArrayList<>();
        double s = readUntilGood(s3, List.of(s1), killed, seen, Duration.ofSeconds(40));
        timings.add(String.format("ClusterAluaTest: kill -9 of owner n2 -> GOOD through n3 after %.2f s (senses %s)",
                s, compact(seen)));
        assertTrue(seen.stream().anyMatch(x -> x.endsWith("06/2A/06")),
                "a survivor's session saw ASYMMETRIC ACCESS STATE CHANGED: " + seen);
        assertTrue(seen.contains("02/04/0B"), "standby before: " + seen);
        assertTrue(seen.contains("02/04/0A"),
                "transitioning while the owner was unreachable but not yet removed (design 5.4 step 1): " + seen);
        awaitStates(List.of(s1, s3), Map.of(1, STANDBY, 2, UNAVAILABLE, 3, AO), Duration.ofSeconds(10));
        assertTrue(s < 20, "failover took " + s + " s");
    }

    @Test
    @Order(3)
    void theKilledNodeComesBack_andTakesTheGroupBack_failback() throws Exception {
        nodes[1].launch();
        long t0 = System.nanoTime();
        s2 = nodes[1].session();
        List<String> seen = new ArrayList<>();
        double s = readUntilGood(s2, List.of(s1, s3), t0, seen, Duration.ofSeconds(90));
        timings.add(String.format("ClusterAluaTest: n2 restarted -> GOOD through n2 (failback) after %.2f s", s));
        awaitStates(List.of(s1, s2, s3), Map.of(1, STANDBY, 2, AO, 3, STANDBY), Duration.ofSeconds(10));
    }

    @Test
    @Order(4)
    void plannedLeaveOfTheOwner_handsOverToTheNextNode() throws Exception {
        readSkippingUa(s3);
        long t0 = System.nanoTime();
        nodes[1].cli("cluster", "leave");
        List<String> seen = new ArrayList<>();
        double s = readUntilGood(s3, List.of(s1), t0, seen, Duration.ofSeconds(20));
        timings.add(String.format("ClusterAluaTest: admin cluster leave of owner n2 -> GOOD through n3 after %.2f s "
                + "(senses %s)", s, compact(seen)));
        assertTrue(nodes[1].process.waitFor(30, TimeUnit.SECONDS), "n2 stops after leaving");
        assertEquals(0, nodes[1].process.exitValue(), nodes[1].log());
        awaitStates(List.of(s1, s3), Map.of(1, STANDBY, 2, UNAVAILABLE, 3, AO), Duration.ofSeconds(10));
        assertTrue(s < 5, "hand-over took " + s + " s");
    }

    @Test
    @Order(5)
    void sigstopOfTheOwner_theMajorityPromotesAnother_andThePausedOwnerNeverAnswers() throws Exception {
        nodes[1].launch(); // n2 back: failback makes it the owner again
        long t0 = System.nanoTime();
        s2 = nodes[1].session();
        double back = readUntilGood(s2, List.of(s1, s3), t0, new ArrayList<>(), Duration.ofSeconds(90));
        timings.add(String.format("ClusterAluaTest: n2 relaunched after its leave -> GOOD through n2 after %.2f s", back));
        // a partition in time: n2 stops answering anything; the majority (n1, n3) downs it after its
        // lease ran out, and only then promotes n3
        nodes[1].signal("STOP");
        long stopped = System.nanoTime();
        java.util.concurrent.CompletableFuture<ScsiResult> during = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return s2.scsi(0, Cdbs.read10(0, 1), 512, Duration.ofSeconds(60));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<String> seen = new ArrayList<>();
        double s = readUntilGood(s3, List.of(s1), stopped, seen, Duration.ofSeconds(40));
        timings.add(String.format("ClusterAluaTest: SIGSTOP of owner n2 -> GOOD through n3 after %.2f s (senses %s)",
                s, compact(seen)));
        assertTrue(!during.isDone(), "the paused owner answered: " + during);
        nodes[1].signal("CONT");
        try {
            ScsiResult r = during.get(20, TimeUnit.SECONDS);
            fail("n2 answered after SIGCONT, its lease long expired: " + sense(r));
        } catch (java.util.concurrent.ExecutionException expected) {
            // its connection was reset: no status from a node without its lease (docs/cluster.md)
        }
        assertTrue(nodes[1].process.waitFor(30, TimeUnit.SECONDS), "the downed node exits");
        awaitStates(List.of(s1, s3), Map.of(1, STANDBY, 2, UNAVAILABLE, 3, AO), Duration.ofSeconds(10));
    }

    /** The senses seen, repeats folded: 02/04/0B x12, 06/2A/06, ... */
    private static String compact(List<String> seen) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < seen.size(); ) {
            int j = i;
            while (j < seen.size() && seen.get(j).equals(seen.get(i))) {
                j++;
            }
            b.append(b.isEmpty() ? "" : ", ").append(seen.get(i)).append(j - i > 1 ? " x" + (j - i) : "");
            i = j;
        }
        return b.toString();
    }
}
