package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 during verified writes through every node (docs/design/cluster.md 6.3 item 2): three
 * real daemons on 127.0.0.1, .2 and .3 serve one backing file on tmpfs ({@code /dev/shm}); the LU's
 * device group is active-active, so every node's port is active (optimized on the owner,
 * non-optimized elsewhere, SPC-5 5.16.2.4) and takes writes. One writer per node, each with its
 * own session through its node's portal, writes verified blocks to its own LBA range as fast as
 * it can: every 512-byte block holds a magic, the writer id, its LBA, the WRITE's sequence number,
 * filler derived from them and a CRC32C. A WRITE that does not end GOOD is sent again unchanged
 * (same sequence number), so at any moment each slot of a writer may hold only its last
 * acknowledged content or the one WRITE in flight.
 *
 * <p>Each round kills one node with SIGKILL at a seeded random moment (the seed is printed;
 * {@code -Dscstj.it.seed=N} repeats a run), lets the survivors write on until REPORT TARGET PORT
 * GROUPS through a survivor shows the victim's group unavailable (the membership change is
 * done), stops the writers and reads all three ranges back through a survivor: every block must
 * be intact (CRC, magic, writer, LBA) and hold its slot's last acknowledged sequence number, or
 * the sequence number of the WRITE that was in flight (not acknowledged, so either is allowed).
 * The survivors' longest time without a GOOD, the writes acknowledged and the time until the
 * relaunched node serves a WRITE again are printed. The victim rotates over the three nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ClusterKillWritesTest {
    static final String TARGET = "iqn.2026-12.org.scstj:killwrites";
    static final Duration T = Duration.ofSeconds(30);
    static final int ROUNDS = 4;
    static final int BLOCK = 512;
    /** Blocks per WRITE(10), and WRITEs (slots) per writer's range. */
    static final int BLOCKS = 8, SLOTS = 128;
    static final int MAGIC = 0x5C57_7EA1;
    static final int UNAVAILABLE = 3;
    /** Bounds, generous for a 2-core machine under load: the survivors' longest stall, a relaunch. */
    static final Duration MAX_GAP = Duration.ofSeconds(30), RELAUNCH = Duration.ofSeconds(180);
    static final byte[] RTPG = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    static final String CONFIG = """
            scstj {
              state-dir = "@HOME@/state"
              admin.listen = "127.0.0.1:0"
              handlers.vdisk_fileio { d { filename = "@SHARED@", size = 8M } }
              target-drivers.iscsi {
                portal-groups { pg@I@ { tag = @I@, portals = ["@HOST@:@PORT@"] } }
                targets { "iqn.2026-12.org.scstj:killwrites" { luns { 0 = d } } }
              }
              alua {
                transition-delay = 300ms
                target-groups {
                  t1 { id = 1, node = n1, portal-groups = [pg1] }
                  t2 { id = 2, node = n2, portal-groups = [pg2] }
                  t3 { id = 3, node = n3, portal-groups = [pg3] }
                }
                device-groups {
                  all { devices = [d], policy = active-active, preferred-nodes = [n2, n3, n1], failback = on }
                }
              }
            }
            """;

    @org.junit.jupiter.api.io.TempDir
    static Path dir;
    private Path shared;
    private final NodeProcess[] nodes = new NodeProcess[3];
    private final Writer[] writers = new Writer[3];
    private final List<String> report = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        // tmpfs, as the brief of the test says: the three processes share the page cache of one file
        shared = Path.of("/dev/shm", "scstj-killwrites-" + ProcessHandle.current().pid() + ".img");
        try (RandomAccessFile f = new RandomAccessFile(shared.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        int[] artery = NodeProcess.arteryPorts();
        for (int i = 0; i < 3; i++) {
            int n = i;
            int port = Daemon.freePort();
            nodes[i] = new NodeProcess(dir, i, port, artery, home -> CONFIG.replace("@HOME@", home.toString())
                    .replace("@SHARED@", shared.toString()).replace("@I@", Integer.toString(n + 1))
                    .replace("@HOST@", "127.0.0." + (n + 1)).replace("@PORT@", Integer.toString(port)));
            writers[i] = new Writer(i + 1, (long) i * SLOTS * BLOCKS);
        }
        for (NodeProcess n : nodes) {
            n.launch();
        }
    }

    @AfterAll
    void stop() throws Exception {
        report.forEach(System.out::println);
        for (Writer w : writers) {
            if (w != null) {
                w.halt();
            }
        }
        NodeProcess.killAll(nodes);
        Files.deleteIfExists(shared);
    }

    @Test
    void killNineDuringVerifiedWritesThroughEveryNode_everyAcknowledgedWriteReadsBack() throws Exception {
        long seed = Long.getLong("scstj.it.seed", System.currentTimeMillis());
        Random random = new Random(seed);
        report.add("ClusterKillWritesTest: seed " + seed + " (-Dscstj.it.seed=" + seed + " repeats the kill moments)");
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            writers[i].begin(nodes[i], RELAUNCH.toSeconds());
        }
        report.add(String.format("ClusterKillWritesTest: three nodes serving writes after %.1f s", secondsSince(t0)));
        int first = random.nextInt(3);
        for (int round = 1; round <= ROUNDS; round++) {
            int v = (first + round) % 3;
            NodeProcess victim = nodes[v];
            long delayMs = 1500 + random.nextInt(4000);
            Thread.sleep(delayMs);
            victim.process.destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            assertTrue(victim.process.waitFor(10, TimeUnit.SECONDS), victim + " did not die");
            List<Integer> survivors = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (i != v) {
                    survivors.add(i);
                }
            }
            // the survivors write on until the membership change is visible through a survivor
            double removed;
            try (Session probe = session(nodes[survivors.getFirst()], "iqn.2026-12.org.example:probe")) {
                removed = awaitUnavailable(probe, v + 1, killed, Duration.ofSeconds(60));
            }
            Thread.sleep(1000);
            writers[v].halt();
            List<String> gaps = new ArrayList<>();
            long longest = 0;
            for (int s : survivors) {
                writers[s].halt();
                long gap = writers[s].longestGapNanos();
                longest = Math.max(longest, gap);
                gaps.add(String.format("w%d %.2f s", s + 1, gap / 1e9));
            }
            String verified;
            try (Session reader = session(nodes[survivors.getLast()], "iqn.2026-12.org.example:verify")) {
                verified = verify(reader);
            }
            report.add(String.format("ClusterKillWritesTest: round %d: kill -9 of %s after %d ms of writes; "
                            + "its group unavailable after %.2f s; acked writes w1 %d, w2 %d, w3 %d; "
                            + "longest time without GOOD on survivors: %s (senses %s); read back %s",
                    round, victim.name, delayMs, removed, writers[0].ackedThisRound, writers[1].ackedThisRound,
                    writers[2].ackedThisRound, String.join(", ", gaps), survivorSenses(survivors), verified));
            assertTrue(longest < MAX_GAP.toNanos(), "a survivor's writer got no GOOD for " + longest / 1e9 + " s");
            victim.launch();
            long relaunched = System.nanoTime();
            for (int s : survivors) {
                writers[s].begin(nodes[s], 60);
            }
            writers[v].begin(victim, RELAUNCH.toSeconds());
            report.add(String.format("ClusterKillWritesTest: round %d: relaunched %s serves a WRITE after %.1f s",
                    round, victim.name, writers[v].firstGoodSeconds(relaunched)));
        }
        Thread.sleep(1000);
        for (Writer w : writers) {
            w.halt();
        }
        try (Session reader = session(nodes[0], "iqn.2026-12.org.example:verify")) {
            report.add("ClusterKillWritesTest: after the last round, read back through n1: " + verify(reader));
        }
    }

    private String survivorSenses(List<Integer> survivors) {
        StringBuilder b = new StringBuilder();
        for (int s : survivors) {
            b.append(b.isEmpty() ? "" : "; ").append("w").append(s + 1).append(' ')
                    .append(writers[s].notGood.isEmpty() ? "none" : compact(writers[s].notGood));
        }
        return b.toString();
    }

    /** The senses seen, repeats folded: 02/04/0A x212, 06/2A/06. */
    static String compact(List<String> seen) {
        List<String> copy;
        synchronized (seen) {
            copy = new ArrayList<>(seen);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < copy.size(); ) {
            int j = i;
            while (j < copy.size() && copy.get(j).equals(copy.get(i))) {
                j++;
            }
            b.append(b.isEmpty() ? "" : ", ").append(copy.get(i)).append(j - i > 1 ? " x" + (j - i) : "");
            i = j;
        }
        return b.toString();
    }

    /**
     * Reads every writer's range through {@code reader} and checks each block against the writer's
     * model (SBC-4 4.12: a WRITE acknowledged with GOOD is on the medium; one not acknowledged may
     * or may not be). Returns a summary; fails on the first block that is neither.
     */
    private String verify(Session reader) throws IOException {
        int blocks = 0, inflightLanded = 0, never = 0;
        for (Writer w : writers) {
            for (int slot = 0; slot < SLOTS; slot += 16) {
                ScsiResult r = readSkippingAttention(reader, w.base + (long) slot * BLOCKS, 16 * BLOCKS);
                for (int k = 0; k < 16 * BLOCKS; k++) {
                    int s = slot + k / BLOCKS;
                    long lba = w.base + (long) s * BLOCKS + k % BLOCKS;
                    long seq = blockSeq(r.data(), k * BLOCK, w.id, lba);
                    long acked = w.acked[s];
                    long inflight = w.inflight[s];
                    if (seq == acked) {
                        never += seq == 0 ? 1 : 0;
                    } else if (inflight != 0 && seq == inflight) {
                        inflightLanded++;
                    } else {
                        fail(String.format("writer %d slot %d lba %d holds sequence %d; acknowledged %d, in flight %d",
                                w.id, s, lba, seq, acked, inflight));
                    }
                    blocks++;
                }
            }
        }
        return String.format("%d blocks intact (%d of an unacknowledged WRITE that landed, %d never written)",
                blocks, inflightLanded, never);
    }

    private static ScsiResult readSkippingAttention(Session s, long lba, int blocks) throws IOException {
        ScsiResult r = null;
        for (int i = 0; i < 6; i++) {
            r = s.scsi(0, Cdbs.read10(lba, blocks), blocks * BLOCK, T);
            if (r.good()) {
                assertEquals(blocks * BLOCK, r.received(), "READ(10) data");
                return r;
            }
        }
        fail("READ(10) at " + lba + " not GOOD: " + r);
        return r;
    }

    /** The sequence number in the block at {@code off}, 0 for a block never written; fails if it is torn or foreign. */
    private static long blockSeq(byte[] data, int off, int writer, long lba) {
        ByteBuffer b = ByteBuffer.wrap(data, off, BLOCK).slice();
        boolean zero = true;
        for (int i = 0; i < BLOCK && zero; i++) {
            zero = data[off + i] == 0;
        }
        if (zero) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        crc.update(data, off, BLOCK - 8);
        assertEquals(crc.getValue(), b.getLong(BLOCK - 8), "torn block: CRC of writer " + writer + " lba " + lba);
        assertEquals(MAGIC, b.getInt(0), "magic at lba " + lba);
        assertEquals(writer, b.getInt(4), "writer at lba " + lba);
        assertEquals(lba, b.getLong(8), "lba in the block at lba " + lba);
        return b.getLong(16);
    }

    /** Fills one 512-byte block: magic, writer, LBA, sequence number, filler from them, CRC32C of the rest. */
    static void fill(byte[] into, int off, int writer, long lba, long seq) {
        ByteBuffer b = ByteBuffer.wrap(into, off, BLOCK).slice();
        b.putInt(MAGIC).putInt(writer).putLong(lba).putLong(seq);
        long x = seq * 0x9E3779B97F4A7C15L ^ lba ^ ((long) writer << 56);
        while (b.position() < BLOCK - 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(x);
        }
        CRC32C crc = new CRC32C();
        crc.update(into, off, BLOCK - 8);
        b.putLong(crc.getValue());
    }

    /**
     * A session through {@code n} past its power-on unit attention, retried while the node starts
     * (bounded by {@link #RELAUNCH}: three JVMs starting under load average 20 took 100 s to be Up).
     */
    static Session session(NodeProcess n, String initiator) throws Exception {
        long end = System.nanoTime() + RELAUNCH.toNanos();
        IOException last = null;
        while (System.nanoTime() < end) {
            try {
                Session s = Session.open(new InetSocketAddress(n.host, n.iscsiPort), LoginSpec.normal(initiator, TARGET), T);
                for (int i = 0; i < 4 && !s.scsi(0, new byte[6], 0, T).good(); i++) {
                    // 29/00, 2A/06
                }
                return s;
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        fail(n + " takes no session: " + last + "\n" + n.log());
        return null;
    }

    /** Polls REPORT TARGET PORT GROUPS until group {@code group} is unavailable; seconds since {@code since}. */
    private double awaitUnavailable(Session probe, int group, long since, Duration bound) throws Exception {
        long end = since + bound.toNanos();
        Map<Integer, Integer> last = Map.of();
        while (System.nanoTime() < end) {
            ScsiResult r = probe.scsi(0, RTPG, 256, T);
            if (r.good()) {
                last = groups(r);
                assertTrue(last.values().stream().filter(x -> x == 0).count() <= 1, "two active/optimized: " + last);
                if (Integer.valueOf(UNAVAILABLE).equals(last.get(group))) {
                    return secondsSince(since);
                }
            }
            Thread.sleep(100);
        }
        fail("group " + group + " not unavailable within " + bound.toSeconds() + " s: " + last);
        return -1;
    }

    /** SPC-5 6.37: target port group id → asymmetric access state. */
    static Map<Integer, Integer> groups(ScsiResult r) {
        byte[] d = r.data();
        int end = Math.min(r.received(), 4 + ByteBuffer.wrap(d, 0, 4).getInt());
        Map<Integer, Integer> out = new TreeMap<>();
        for (int p = 8; p + 8 <= end; p += 8 + 4 * (d[p + 7] & 0xFF)) {
            out.put(((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF), d[p] & 0x0F);
        }
        return out;
    }

    static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /**
     * One writer: its own range of {@link #SLOTS} WRITEs of {@link #BLOCKS} blocks from {@code base},
     * written in turn with a rising sequence number through one node. The model ({@code acked},
     * {@code inflight}) is only changed by the writer's thread while it runs and read by the test
     * after {@link #halt()} joined it.
     */
    static final class Writer {
        final int id;
        final long base;
        final long[] acked = new long[SLOTS];
        final long[] inflight = new long[SLOTS];
        final List<String> notGood = Collections.synchronizedList(new ArrayList<>());
        private long seq;
        private int slot;
        private volatile boolean stop;
        private Thread thread;
        private NodeProcess node;
        volatile long ackedThisRound;
        private volatile long firstGood, lastGood, longestGap;

        Writer(int id, long base) {
            this.id = id;
            this.base = base;
        }

        /** Starts writing through {@code n}, returning once the first WRITE is GOOD (bounded). */
        void begin(NodeProcess n, long boundSeconds) throws Exception {
            node = n;
            stop = false;
            ackedThisRound = 0;
            firstGood = 0;
            lastGood = 0;
            longestGap = 0;
            notGood.clear();
            Session s = session(n, "iqn.2026-12.org.example:writer-" + id);
            thread = Thread.ofPlatform().name("writer-" + id).start(() -> run(s));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(boundSeconds);
            while (firstGood == 0) {
                if (System.nanoTime() > end || !thread.isAlive()) {
                    fail("writer " + id + " got no GOOD through " + n + " (" + notGood + ")\n" + n.log());
                }
                Thread.sleep(20);
            }
        }

        double firstGoodSeconds(long since) {
            return (firstGood - since) / 1e9;
        }

        long longestGapNanos() {
            return longestGap;
        }

        private void run(Session first) {
            Session s = first;
            byte[] data = new byte[BLOCKS * BLOCK];
            try {
                while (!stop) {
                    if (inflight[slot] == 0) {
                        inflight[slot] = ++seq;
                        long lba = base + (long) slot * BLOCKS;
                        for (int k = 0; k < BLOCKS; k++) {
                            fill(data, k * BLOCK, id, lba + k, seq);
                        }
                    }
                    ScsiResult r;
                    try {
                        r = s.scsiWrite(0, Cdbs.write10(base + (long) slot * BLOCKS, BLOCKS), data, T);
                    } catch (IOException e) {
                        // the node died (the victim's writer ends) or the connection failed: a new
                        // session, the same WRITE again; a dead node refuses it and the writer ends
                        notGood.add(e.getClass().getSimpleName());
                        s.close();
                        if (stop || !node.process.isAlive()) {
                            return;
                        }
                        s = reconnect();
                        if (s == null) {
                            return;
                        }
                        continue;
                    }
                    if (!r.good()) {
                        notGood.add(r.status() == 2 ? Daemon.sense(r) : "status " + r.status());
                        continue; // the same sequence number again
                    }
                    long now = System.nanoTime();
                    if (firstGood == 0) {
                        firstGood = now;
                    } else {
                        longestGap = Math.max(longestGap, now - lastGood);
                    }
                    lastGood = now;
                    acked[slot] = inflight[slot];
                    inflight[slot] = 0;
                    ackedThisRound++;
                    slot = (slot + 1) % SLOTS;
                }
            } catch (IOException e) {
                notGood.add("gave up: " + e);
            } finally {
                try {
                    s.close();
                } catch (IOException | RuntimeException ignored) {
                    // the node may be gone
                }
            }
        }

        /**
         * A new session through the writer's node, tried every 200 ms for up to 60 s while the node
         * runs (a portal closed by a transient fence opens again); null once the node is gone or
         * the writer is stopped.
         */
        private Session reconnect() throws IOException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    return Session.open(new InetSocketAddress(node.host, node.iscsiPort),
                            LoginSpec.normal("iqn.2026-12.org.example:writer-" + id, TARGET), T);
                } catch (IOException e) {
                    notGood.add("login: " + e.getClass().getSimpleName());
                    if (stop || !node.process.isAlive()) {
                        return null;
                    }
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
            }
        }

        /** Stops the thread and waits for it (bounded by one command's timeout). */
        void halt() throws InterruptedException {
            stop = true;
            if (thread != null) {
                thread.join(T.toMillis() + 5000);
                assertTrue(!thread.isAlive(), "writer " + id + " did not stop");
                if (lastGood != 0) { // a stall at the end counts as well
                    longestGap = Math.max(longestGap, System.nanoTime() - lastGood);
                }
            }
        }
    }
}
