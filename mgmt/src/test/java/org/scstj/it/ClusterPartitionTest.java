package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A network partition of a three-node cluster made with network namespaces the test creates and
 * deletes (docs/design/cluster.md 3.3, 3.4, 5.4, 6.3 item 6), no host networking touched: a hub
 * namespace holds two bridges, the cluster network 10.218.0.0/24 (Artery) and the front network
 * 10.219.0.0/24 (portals); each node runs in a namespace of its own ({@code ip netns exec}) with a
 * veth on each bridge, and the test's initiator connects from a thread that entered an initiator
 * namespace on the front network ({@link NetNs}). Device group {@code db} is active-standby,
 * preferred n2, n3, n1, failback on: n2 owns it.
 *
 * <p>The partition takes n2's cluster link down in the hub: n2 no longer hears n1 and n3, while
 * the initiator still reaches all three portals, so it can watch the minority stop. Asserted: n2
 * resets its connection and refuses new ones within a bound (its 2.5 s lease, checked
 * generously), and the last status that left n2 precedes the first sign of the majority's
 * promotion (GOOD through n3, or n3's group reported active/optimized); n1 and n3 keep serving and
 * n3's group becomes active/optimized; REPORT TARGET PORT GROUPS sampled every ~100 ms through every
 * reachable path never shows two active/optimized groups; n2 downs itself (keep-majority: it is
 * the minority) and exits with status 255. After the link is up again, the relaunched n2 joins and
 * takes the group back. The namespaces are deleted in {@code @AfterAll}, and at the start any a
 * crashed earlier run left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterPartitionTest {
    static final String TARGET = "iqn.2026-12.org.scstj:partition";
    static final String PREFIX = "scstjp";
    static final Duration T = Duration.ofSeconds(20);
    static final byte[] RTPG = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    static final int AO = 0, STANDBY = 2, UNAVAILABLE = 3;
    static final int PORTAL = 3260, ARTERY = 25520;
    /** Generous bounds for a loaded 2-core machine: the minority's fence (lease 2.5 s), the promotion, the exit. */
    static final Duration FENCE = Duration.ofSeconds(10), PROMOTE = Duration.ofSeconds(45), EXIT = Duration.ofSeconds(60);
    static final String CONFIG = """
            scstj {
              state-dir = "@HOME@/state"
              admin.listen = "127.0.0.1:0"
              handlers.vdisk_fileio { d { filename = "@SHARED@", size = 8M } }
              target-drivers.iscsi {
                portal-groups { pg@I@ { tag = @I@, portals = ["10.219.0.@I@:3260"] } }
                targets { "iqn.2026-12.org.scstj:partition" { luns { 0 = d } } }
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
    private final String tag = PREFIX + ProcessHandle.current().pid();
    private final List<NetNs> namespaces = new ArrayList<>();
    private NetNs hub, initiator;
    private final NetNs[] nodeNs = new NetNs[3];
    private final NodeProcess[] nodes = new NodeProcess[3];
    private Path shared;
    private final List<String> report = Collections.synchronizedList(new ArrayList<>());
    /** Every REPORT TARGET PORT GROUPS answer and every status from n2, in arrival order. */
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());

    /** One answer through node {@code node} (1-3) at {@code nanos}: RTPG states, or null for another command's status. */
    record Sample(long nanos, int node, Map<Integer, Integer> states, String status) {
    }

    @BeforeAll
    void start() throws Exception {
        String why = "root".equals(System.getProperty("user.name")) ? NetNs.unavailable() : "not root";
        Assumptions.assumeTrue(why == null, "network namespaces unavailable: " + why);
        for (String stale : NetNs.named(PREFIX)) { // a crashed earlier run's, if its process is gone
            String pid = stale.substring(PREFIX.length()).replaceAll("[^0-9].*$", "");
            if (!pid.isEmpty() && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                Tools.run(List.of("ip", "netns", "del", stale), 30);
            }
        }
        hub = add(NetNs.create(tag + "hub"));
        NetNs.ip("-n", hub.name, "link", "add", "bc", "type", "bridge");
        NetNs.ip("-n", hub.name, "link", "add", "bf", "type", "bridge");
        NetNs.ip("-n", hub.name, "link", "set", "bc", "up");
        NetNs.ip("-n", hub.name, "link", "set", "bf", "up");
        for (int i = 0; i < 3; i++) {
            nodeNs[i] = add(NetNs.create(tag + "n" + (i + 1)));
            wire(nodeNs[i], "hc" + (i + 1), "bc", "10.218.0." + (i + 1));
            wire(nodeNs[i], "hf" + (i + 1), "bf", "10.219.0." + (i + 1));
        }
        initiator = add(NetNs.create(tag + "ini"));
        wire(initiator, "hfi", "bf", "10.219.0.100");

        shared = Path.of("/dev/shm", "scstj-partition-" + ProcessHandle.current().pid() + ".img");
        try (RandomAccessFile f = new RandomAccessFile(shared.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        String[] artery = {"10.218.0.1:" + ARTERY, "10.218.0.2:" + ARTERY, "10.218.0.3:" + ARTERY};
        for (int i = 0; i < 3; i++) {
            int n = i + 1;
            nodes[i] = new NodeProcess(dir, i, "10.219.0." + n, PORTAL, artery, home -> CONFIG
                    .replace("@HOME@", home.toString()).replace("@SHARED@", shared.toString())
                    .replace("@I@", Integer.toString(n)));
        }
        for (int i = 0; i < 3; i++) {
            nodes[i].launch(nodeNs[i].exec());
        }
    }

    private NetNs add(NetNs ns) {
        namespaces.add(ns);
        return ns;
    }

    /** A veth from the hub's bridge {@code bridge} (hub end {@code hubEnd}) into {@code ns}, where it gets {@code address}/24. */
    private void wire(NetNs ns, String hubEnd, String bridge, String address) {
        String inside = bridge.equals("bc") ? "cl" : "fr";
        NetNs.ip("-n", hub.name, "link", "add", hubEnd, "type", "veth", "peer", "name", inside, "netns", ns.name);
        NetNs.ip("-n", hub.name, "link", "set", hubEnd, "master", bridge, "up");
        NetNs.ip("-n", ns.name, "addr", "add", address + "/24", "dev", inside);
        NetNs.ip("-n", ns.name, "link", "set", inside, "up");
    }

    @AfterAll
    void stop() throws Exception {
        report.forEach(System.out::println);
        for (NodeProcess n : nodes) { // each node's lease, reachability and ALUA decisions, with their times
            if (n != null) {
                n.log().lines().filter(l -> l.contains("cluster lease") || l.contains("UNREACHABLE") || l.contains("ALUA: ")
                                || l.contains("as [Down]") || l.contains("Shutting down"))
                        .forEach(l -> System.out.println("ClusterPartitionTest: " + n.name + " " + l));
            }
        }
        try {
            NodeProcess.killAll(nodes);
        } finally {
            for (NetNs ns : namespaces) {
                ns.close();
            }
            if (shared != null) {
                Files.deleteIfExists(shared);
            }
        }
        assertTrue(NetNs.named(tag).isEmpty(), "namespaces left: " + NetNs.named(tag));
    }

    @Test
    void partitionOfTheOwner_theMinorityFencesBeforeTheMajorityPromotes_neverTwoActiveOptimized() throws Exception {
        long t0 = System.nanoTime();
        // the sampler: RTPG through n1 and n3 every ~100 ms for the whole test, on sessions of its
        // own (reopened if a node resets them: a transient fence on a loaded machine)
        watch[0] = session(0, "rtpg");
        watch[2] = session(2, "rtpg");
        Thread sampler = Thread.ofPlatform().name("rtpg-sampler").start(() -> {
            while (sampling) {
                sample(0);
                sample(2);
                sleep(100);
            }
        });
        try {
            partitionAndHeal(t0);
        } finally {
            sampling = false;
            sampler.join(T.toMillis() * 3);
        }
        List<Sample> all;
        synchronized (samples) {
            all = new ArrayList<>(samples);
        }
        long rtpgs = all.stream().filter(s -> s.states() != null).count();
        for (Sample s : all) {
            if (s.states() != null) {
                assertTrue(s.states().values().stream().filter(v -> v == AO).count() <= 1,
                        "two active/optimized groups through n" + s.node() + ": " + s.states());
            }
        }
        report.add("ClusterPartitionTest: " + rtpgs + " REPORT TARGET PORT GROUPS samples, none with two active/optimized groups");
        for (Session s : watch) {
            if (s != null) {
                s.close();
            }
        }
    }

    private final Session[] watch = new Session[3];
    private volatile boolean sampling = true;
    private volatile long cutAt;

    private void partitionAndHeal(long t0) throws Exception {
        awaitStates(Map.of(1, STANDBY, 2, AO, 3, STANDBY), Duration.ofSeconds(90));
        Session s1 = session(0, "io"), s3 = session(2, "io");
        Session[] s2 = {session(1, "io")};
        // n1 and n3 install n2 as the owner as soon as they derive it; n2 installs itself only once its
        // claim round is answered (AluaCoordinator), so its own port may still be standby a moment
        double n2Serves = readUntilGood(s2[0], System.nanoTime(), Duration.ofSeconds(30));
        assertEquals("02/04/0B", sense(readSkippingUa(s3)), "n3's group is standby (SPC-5 5.16.2.4.4)");
        report.add(String.format("ClusterPartitionTest: three nodes in their namespaces serving after %.1f s "
                + "(n2 GOOD %.2f s after n1 and n3 reported it active/optimized)", secondsSince(t0), n2Serves));

        // n2's path: READ and RTPG in turn until its connection ends after the cut; every status recorded
        long[] n2Ended = {0};
        String[] n2End = {null};
        Thread n2Probe = Thread.ofPlatform().name("n2-probe").start(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < end) {
                try {
                    ScsiResult r = s2[0].scsi(0, Cdbs.read10(0, 1), 512, T);
                    samples.add(new Sample(System.nanoTime(), 2, null, sense(r)));
                    ScsiResult g = s2[0].scsi(0, RTPG, 256, T);
                    samples.add(new Sample(System.nanoTime(), 2, g.good() ? ClusterKillWritesTest.groups(g) : null, sense(g)));
                    sleep(50);
                } catch (IOException e) {
                    if (cutAt != 0) {
                        n2End[0] = e.toString();
                        n2Ended[0] = System.nanoTime();
                        return;
                    }
                    // reset before the cut: a transient fence of n2 on a loaded machine; a new session
                    report.add("ClusterPartitionTest: n2 reset its connection before the cut (" + e + "): reconnected");
                    try {
                        s2[0] = session(1, "io");
                    } catch (Exception again) {
                        n2End[0] = "no session before the cut: " + again;
                        return;
                    }
                }
            }
            n2End[0] = "still answering after 120 s";
        });

        Thread.sleep(1000);
        long cut = System.nanoTime();
        cutAt = cut;
        NetNs.ip("-n", hub.name, "link", "set", "hc2", "down"); // n2 cut off from n1 and n3
        try {
            // the majority promotes n3: READ through n3 until GOOD
            double promoted = readUntilGood(s3, cut, PROMOTE);
            long promotedAt = System.nanoTime();
            n2Probe.join(FENCE.toMillis() + T.toMillis());
            assertTrue(n2Ended[0] != 0, "n2's connection still serves");
            double fenced = (n2Ended[0] - cut) / 1e9;
            // n2's portal refuses new connections (the fence closed its listener)
            String refused = initiator.call(() -> {
                try (Session again = Session.open(new InetSocketAddress(nodes[1].host, PORTAL),
                        LoginSpec.normal("iqn.2026-12.org.example:again", TARGET), Duration.ofSeconds(5))) {
                    return "n2 accepted a login while cut off: " + again.negotiated();
                } catch (IOException e) {
                    return null;
                }
            });
            assertTrue(refused == null, refused);
            List<Sample> copy;
            synchronized (samples) {
                copy = new ArrayList<>(samples);
            }
            long lastN2 = copy.stream().filter(s -> s.node() == 2).mapToLong(Sample::nanos).max().orElse(cut);
            // after the cut only: the sampler starts before n2 joins, while n3 still owns the group
            // (it fails back to n2, preferred, as n2 comes up)
            long firstOtherAo = copy.stream().filter(s -> s.nanos() > cut && s.node() != 2 && s.states() != null
                    && Integer.valueOf(AO).equals(s.states().get(3))).mapToLong(Sample::nanos).min().orElse(promotedAt);
            long firstPromotion = Math.min(firstOtherAo, promotedAt);
            report.add(String.format("ClusterPartitionTest: n2's cluster link down -> n2's connection ended after %.2f s "
                            + "(%s), its last status %.2f s after the cut; GOOD through n3 after %.2f s, "
                            + "n3's group first reported active/optimized after %.2f s",
                    fenced, n2End[0], (lastN2 - cut) / 1e9, promoted, (firstOtherAo - cut) / 1e9));
            assertTrue(fenced < FENCE.toSeconds(), "n2 fenced after " + fenced + " s");
            assertTrue(lastN2 < firstPromotion, String.format("a status left n2 %.2f s after the majority promoted n3",
                    (lastN2 - firstPromotion) / 1e9));
            // only the majority serves: n3 GOOD, n1 standby
            assertEquals("GOOD", sense(readSkippingUa(s3)));
            assertEquals("02/04/0B", sense(readSkippingUa(s1)), "n1 standby");
            awaitStates(Map.of(1, STANDBY, 2, UNAVAILABLE, 3, AO), Duration.ofSeconds(20));
            // the minority downs itself (keep-majority) and its process ends
            assertTrue(nodes[1].process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS), "n2 still runs\n" + nodes[1].log());
            report.add(String.format("ClusterPartitionTest: n2 exited with status %d %.1f s after the cut",
                    nodes[1].process.exitValue(), secondsSince(cut)));
            assertEquals(255, nodes[1].process.exitValue(), "a downed node exits 255\n" + nodes[1].log());
        } finally {
            NetNs.ip("-n", hub.name, "link", "set", "hc2", "up"); // heal
        }
        // n2 relaunched: it joins and, with failback, takes the group back
        long relaunch = System.nanoTime();
        nodes[1].launch(nodeNs[1].exec());
        Session back = session(1, "io");
        double serves = readUntilGood(back, relaunch, Duration.ofSeconds(120));
        awaitStates(Map.of(1, STANDBY, 2, AO, 3, STANDBY), Duration.ofSeconds(30));
        report.add(String.format("ClusterPartitionTest: healed, n2 relaunched -> GOOD through n2 (failback) after %.1f s",
                serves));
        for (Session s : List.of(s1, s3, back)) {
            s.close();
        }
    }

    /** One RTPG through node {@code i}'s watching session (reopened once per call if it is gone). */
    private void sample(int i) {
        try {
            if (watch[i] == null) {
                watch[i] = initiator.call(() -> Session.open(new InetSocketAddress(nodes[i].host, PORTAL),
                        LoginSpec.normal("iqn.2026-12.org.example:rtpg", TARGET), T));
            }
            ScsiResult g = watch[i].scsi(0, RTPG, 256, T);
            samples.add(new Sample(System.nanoTime(), i + 1, g.good() ? ClusterKillWritesTest.groups(g) : null, sense(g)));
        } catch (Exception e) {
            samples.add(new Sample(System.nanoTime(), i + 1, null, e.toString()));
            if (watch[i] != null) {
                try {
                    watch[i].close();
                } catch (IOException ignored) {
                    // reset already
                }
                watch[i] = null;
            }
            sleep(500);
        }
    }

    /** A session of initiator {@code who} (one per node: a second would reinstate it) through node {@code i} from the initiator namespace, past its power-on unit attention (bounded). */
    private Session session(int i, String who) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Exception last = null;
        while (System.nanoTime() < end) {
            if (!nodes[i].process.isAlive()) {
                fail(nodes[i] + " exited " + nodes[i].process.exitValue() + "\n" + nodes[i].log());
            }
            try {
                Session s = initiator.call(() -> Session.open(new InetSocketAddress(nodes[i].host, PORTAL),
                        LoginSpec.normal("iqn.2026-12.org.example:" + who, TARGET), T));
                for (int k = 0; k < 4; k++) {
                    ScsiResult r = s.scsi(0, new byte[6], 0, T);
                    if (r.good() || r.senseKey() == 2) {
                        break;
                    }
                }
                return s;
            } catch (IOException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        fail(nodes[i] + " takes no session: " + last + "\n" + nodes[i].log());
        return null;
    }

    /** Until the sampler's latest answers through n1 and n3, taken after this call began, both show {@code expected}. */
    private void awaitStates(Map<Integer, Integer> expected, Duration bound) throws Exception {
        long from = System.nanoTime();
        long end = from + bound.toNanos();
        Map<Integer, Object> last = new java.util.TreeMap<>();
        while (System.nanoTime() < end) {
            last.clear();
            synchronized (samples) {
                for (Sample s : samples) {
                    if (s.nanos() > from && s.node() != 2) {
                        last.put(s.node(), s.states() == null ? s.status() : s.states());
                    }
                }
            }
            if (last.size() == 2 && last.values().stream().allMatch(expected::equals)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("states " + last + " not " + expected + " within " + bound.toSeconds() + " s\n" + nodes[0].log()
                + nodes[1].log() + nodes[2].log());
    }

    /** READ(10) through {@code s} every 100 ms until GOOD; seconds since {@code since}. */
    private static double readUntilGood(Session s, long since, Duration bound) throws Exception {
        long end = since + bound.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            ScsiResult r = s.scsi(0, Cdbs.read10(0, 1), 512, T);
            if (r.good()) {
                return secondsSince(since);
            }
            seen.add(sense(r));
            Thread.sleep(100);
        }
        fail("no GOOD within " + bound.toSeconds() + " s: " + ClusterKillWritesTest.compact(seen));
        return -1;
    }

    private static ScsiResult readSkippingUa(Session s) throws IOException {
        ScsiResult r = null;
        for (int i = 0; i < 4; i++) {
            r = s.scsi(0, Cdbs.read10(0, 1), 512, T);
            if (r.senseKey() != 6) {
                break;
            }
        }
        return r;
    }

    private static String sense(ScsiResult r) {
        return r.good() ? "GOOD" : r.status() == 2 ? Daemon.sense(r) : "status " + r.status();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
