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
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LU control records kept on the nodes' disks (docs/cluster.md, docs/design/cluster.md 4.3, 4.8):
 * three real daemons sharing one backing file; after every daemon was stopped (SIGTERM, or kill -9)
 * and started again, persistent reservations made with APTPL 1 are there through every node and
 * enforced, those made with APTPL 0 are gone as after a power loss (SPC-5 5.14.4) with PRGENERATION
 * not going back; the restart of one node while the others stay up is no power loss and loses
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterDurabilityTest {
    static final String TARGET = "iqn.2026-12.org.scstj:cldur";
    static final String HOST_A = "iqn.2026-12.org.example:host-a";
    static final String HOST_B = "iqn.2026-12.org.example:host-b";
    static final Duration T = Duration.ofSeconds(30);
    static final String CONFIG = """
            scstj {
              state-dir = "@HOME@/state"
              admin.listen = "127.0.0.1:0"
              handlers.vdisk_fileio { disk0 { filename = "@DIR@/disk0.img", size = 16M, thin-provisioned = true } }
              target-drivers.iscsi {
                portal-groups { p@N@ { tag = @N@, portals = ["@HOST@:@PORT@"] } }
                targets { "iqn.2026-12.org.scstj:cldur" { luns { 0 = disk0 } } }
              }
            }
            """;

    private static final int RESERVATION_CONFLICT = 0x18;
    private static final byte[] READ_KEYS = {0x5E, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0};
    private static final byte[] READ_RESERVATION = {0x5E, 0x01, 0, 0, 0, 0, 0, 0x10, 0, 0};

    @TempDir
    static Path dir;
    private final Node[] nodes = new Node[3];

    static final class Node extends NodeProcess {
        Node(int i, int iscsiPort, int[] artery) throws IOException {
            super(dir, i, iscsiPort, artery, home -> CONFIG.replace("@HOME@", home.toString())
                    .replace("@DIR@", dir.toString()).replace("@N@", Integer.toString(i + 1))
                    .replace("@HOST@", "127.0.0." + (i + 1)).replace("@PORT@", Integer.toString(iscsiPort)));
        }

        /** A session of {@code initiator} with its fixed ISID: the same I_T nexus again after a restart (SPC-5 5.14.4). */
        Session login(String initiator) throws IOException {
            long isid = 0x40_0000_0000L | (initiator.equals(HOST_A) ? 0xA : 0xB);
            return Session.open(new InetSocketAddress(host, iscsiPort), LoginSpec.normal(initiator, TARGET).isid(isid), T);
        }
    }

    @BeforeAll
    void start() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("disk0.img").toFile(), "rw")) {
            f.setLength(16L << 20);
        }
        int[] artery = NodeProcess.arteryPorts();
        for (int i = 0; i < 3; i++) {
            nodes[i] = new Node(i, Daemon.freePort(), artery);
        }
        for (Node n : nodes) {
            n.launch();
        }
        for (Node n : nodes) {
            awaitServing(n);
        }
    }

    @AfterAll
    void stop() throws Exception {
        NodeProcess.killAll(nodes);
        for (Node n : nodes) { // kept for a look after the run (the test's directory goes)
            if (n != null) {
                Files.writeString(Path.of("target", "ClusterDurabilityTest-" + n.name + ".log"), n.log());
            }
        }
    }

    /**
     * Until a session through {@code n} gets GOOD for TEST UNIT READY (the LU holds commands until it
     * knows its state). Generous: three JVMs starting at once on two loaded cores take a while.
     */
    private static void awaitServing(Node n) throws Exception {
        ClusterScsi.awaitServing(n, () -> n.login(HOST_A), Duration.ofSeconds(240));
    }

    private static Session ready(Node n, String initiator) throws IOException {
        return ClusterScsi.ready(() -> n.login(initiator));
    }

    private static ScsiResult prOut(Session s, int serviceAction, int type, long key, long serviceActionKey,
                                    boolean aptpl) throws IOException {
        return ClusterScsi.prOut(s, serviceAction, type, key, serviceActionKey, aptpl);
    }

    private static byte[] prIn(Session s, byte[] cdb) throws IOException {
        return ClusterScsi.prIn(s, cdb);
    }

    private static void expect(int status, ScsiResult r, String what) {
        assertEquals(status, r.status(), what + ": " + r);
    }

    private static void write(Session s, int status, String what) throws IOException {
        expect(status, s.scsiWrite(0, Cdbs.write10(0, 1), new byte[512], T), what);
    }

    /** Stops every node at once (SIGTERM, or SIGKILL when {@code kill}), then starts all three again. */
    private double restartAll(boolean kill) throws Exception {
        for (Node n : nodes) {
            if (kill) {
                n.process.destroyForcibly();
            } else {
                n.process.destroy();
            }
        }
        for (Node n : nodes) {
            assertTrue(n.process.waitFor(60, TimeUnit.SECONDS), n + " did not stop:\n" + n.log());
        }
        long t0 = System.nanoTime();
        for (Node n : nodes) {
            n.launch();
        }
        for (Node n : nodes) {
            awaitServing(n);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A's registration and WRITE EXCLUSIVE reservation through n1, with {@code aptpl}; B registered through n2. */
    private byte[][] registerAndReserve(boolean aptpl, long keyA, long keyB) throws IOException {
        try (Session a = ready(nodes[0], HOST_A); Session b = ready(nodes[1], HOST_B)) {
            expect(ScsiResult.GOOD, prOut(a, 0x06, 0, 0, keyA, aptpl), "REGISTER AND IGNORE EXISTING KEY A via n1");
            expect(ScsiResult.GOOD, prOut(b, 0x06, 0, 0, keyB, aptpl), "REGISTER AND IGNORE EXISTING KEY B via n2");
            expect(ScsiResult.GOOD, prOut(a, 0x01, 0x01, keyA, 0, aptpl), "PR RESERVE WRITE EXCLUSIVE via n1");
            return new byte[][]{prIn(a, READ_KEYS), prIn(a, READ_RESERVATION)};
        }
    }

    /** PR IN READ KEYS and READ RESERVATION through every node give {@code expected}; returns them. */
    private byte[][] sameEverywhere(byte[][] expected, String when) throws IOException {
        byte[][] first = null;
        for (Node n : nodes) {
            try (Session s = ready(n, HOST_B)) {
                byte[][] got = {prIn(s, READ_KEYS), prIn(s, READ_RESERVATION)};
                if (expected != null) {
                    assertArrayEquals(expected[0], got[0], "READ KEYS via " + n + " " + when);
                    assertArrayEquals(expected[1], got[1], "READ RESERVATION via " + n + " " + when);
                } else if (first != null) {
                    assertArrayEquals(first[0], got[0], "READ KEYS via " + n + " " + when);
                    assertArrayEquals(first[1], got[1], "READ RESERVATION via " + n + " " + when);
                }
                first = first == null ? got : first;
            }
        }
        return first;
    }

    private static int generation(byte[] prIn) {
        return ByteBuffer.wrap(prIn).getInt();
    }

    private static int additionalLength(byte[] prIn) {
        return ByteBuffer.wrap(prIn, 4, 4).getInt();
    }

    /** CLEAR with A's key through n1 (SPC-5 5.14.11.6), for the next case. */
    private void clear(long keyA) throws IOException {
        try (Session a = ready(nodes[0], HOST_A)) {
            expect(ScsiResult.GOOD, prOut(a, 0x03, 0, keyA, 0, false), "PR CLEAR via n1");
        }
    }

    private void aptpl1SurvivesRestartOfTheWholeCluster(boolean kill, long keyA, long keyB) throws Exception {
        byte[][] before = registerAndReserve(true, keyA, keyB);
        assertEquals(16, additionalLength(before[0]), "two keys");
        assertEquals(16, additionalLength(before[1]), "one reservation");
        double took = restartAll(kill);
        System.out.printf("ClusterDurabilityTest: whole cluster %s and started again: serving after %.1f s%n",
                kill ? "killed (-9)" : "stopped (SIGTERM)", took);
        sameEverywhere(before, "after the whole cluster was " + (kill ? "killed" : "stopped") + " (APTPL 1)");
        for (int i = 0; i < 3; i++) {
            try (Session b = ready(nodes[i], HOST_B)) {
                write(b, RESERVATION_CONFLICT, "B's WRITE via " + nodes[i] + " under A's WRITE EXCLUSIVE kept with APTPL 1");
            }
        }
        assertTrue(Files.exists(nodes[0].state().resolve("cluster").resolve("ddata").resolve("lu-ctl-disk0.ddata")),
                "the LU's record is kept in n1's state-dir");
        clear(keyA);
    }

    @Test
    @Order(1)
    void aptpl1_persistentReservationSurvivesSigtermOfEveryNode() throws Exception {
        aptpl1SurvivesRestartOfTheWholeCluster(false, 0xA1, 0xB1);
    }

    @Test
    @Order(2)
    void aptpl1_persistentReservationSurvivesKill9OfEveryNode() throws Exception {
        aptpl1SurvivesRestartOfTheWholeCluster(true, 0xA2, 0xB2);
    }

    @Test
    @Order(3)
    void aptpl0_restartOfTheWholeClusterIsAPowerLoss_generationDoesNotGoBack() throws Exception {
        byte[][] before = registerAndReserve(false, 0xA3, 0xB3);
        int generation = generation(before[0]);
        restartAll(false);
        byte[][] after = sameEverywhere(null, "after the whole cluster was stopped (APTPL 0)");
        assertEquals(0, additionalLength(after[0]), "SPC-5 5.14.4: APTPL 0, no registration after power on");
        assertEquals(0, additionalLength(after[1]), "no reservation after power on");
        assertTrue(Integer.compareUnsigned(generation(after[0]), generation) >= 0,
                "PRGENERATION " + generation(after[0]) + " not below " + generation + " (SPC-5 6.16.2)");
        try (Session b = ready(nodes[2], HOST_B)) {
            write(b, ScsiResult.GOOD, "B's WRITE via n3: no reservation left");
        }
    }

    @Test
    @Order(4)
    void aptpl0_restartOfOneNodeWhileTheOthersServe_losesNothing() throws Exception {
        byte[][] before = registerAndReserve(false, 0xA4, 0xB4);
        // n2, not the first seed: a restarted n1 that hears no other seed within seed-node-timeout
        // joins itself (seen under load), a separate one-node cluster that never gets Up
        Node restarted = nodes[1];
        restarted.process.destroy();
        // a node that left alone may wait out the daemon's 60 s engine stop (seen under load)
        assertTrue(restarted.process.waitFor(120, TimeUnit.SECONDS), restarted + " did not stop:\n" + restarted.log());
        restarted.launch();
        awaitServing(restarted);
        sameEverywhere(before, "after n2 alone was restarted (APTPL 0)");
        try (Session b = ready(restarted, HOST_B)) {
            write(b, RESERVATION_CONFLICT, "B's WRITE via the restarted n2 under A's WRITE EXCLUSIVE");
        }
        clear(0xA4);
    }
}
