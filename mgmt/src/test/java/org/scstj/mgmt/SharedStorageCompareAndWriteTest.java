package org.scstj.mgmt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * COMPARE AND WRITE across processes sharing one backing file (docs/design/cluster.md 4.7): two
 * JVMs, each an engine started as a cluster node's ({@code vdisk_fileio} on the same file), race
 * COMPARE AND WRITEs that move a counter in LBA 0 on by one; each value is written by exactly one
 * of them, every other attempt ends MISCOMPARE. A lock held by another process holds back COMPARE
 * AND WRITE and ORWRITE on its bytes, never a plain WRITE, nor a COMPARE AND WRITE of a single node
 * (which takes no lock). The other processes are {@link SharedStorageProcess}.
 */
class SharedStorageCompareAndWriteTest extends EngineThroughLoopback {
    private static final long LUN0 = SharedStorageProcess.LUN0;
    private static final int BLOCK = SharedStorageProcess.BLOCK;
    private final List<Child> children = new ArrayList<>();

    /** A {@link SharedStorageProcess}: its stdout lines queued, a line written to its stdin moves it on. */
    private static final class Child {
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        final Writer stdin;

        Child(String... args) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SharedStorageProcess.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        all.add(line);
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            }, "child-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for the line {@code expected}, skipping others (log lines of the engine). */
        void expect(String expected, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no '" + expected + "' from process " + process.pid() + " within " + seconds + " s: " + all);
                }
                if (line.equals(expected)) {
                    return;
                }
            }
        }

        void go() throws java.io.IOException {
            stdin.write("go\n");
            stdin.flush();
        }

        int exit(long seconds) throws InterruptedException {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "process " + process.pid() + " still running: " + all);
            return process.exitValue();
        }
    }

    private Child child(String... args) throws Exception {
        Child c = new Child(args);
        children.add(c);
        return c;
    }

    @AfterEach
    void stopChildren() {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
    }

    private static long counter(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, 0);
            return b.getLong(0);
        }
    }

    @Test
    void twoProcesses_raceCompareAndWrites_eachCounterValueWrittenOnce_theRestMiscompare() throws Exception {
        Path file = dir.resolve("shared.img");
        long target = 300;
        Child a = child("race", file.toString(), dir.resolve("state-a").toString(), "shared", "1", Long.toString(target));
        a.expect("ready", 60); // the first engine creates the file; the second opens it
        Child b = child("race", file.toString(), dir.resolve("state-b").toString(), "shared", "2", Long.toString(target));
        b.expect("ready", 60);
        a.go();
        b.go();
        assertEquals(0, a.exit(120), "racer 1: " + a.all);
        assertEquals(0, b.exit(120), "racer 2: " + b.all);
        Set<Long> won = new HashSet<>();
        int miscompares = 0;
        for (Child c : List.of(a, b)) {
            assertTrue(c.all.contains("done"), "racer ended early: " + c.all);
            for (String line : c.all) {
                assertFalse(line.startsWith("error"), line);
                if (line.startsWith("won ")) {
                    long value = Long.parseLong(line.substring(4));
                    assertTrue(won.add(value), "counter value " + value + " written by both processes (a lost update)");
                } else if (line.equals("miscompare")) {
                    miscompares++;
                }
            }
        }
        assertEquals(target, counter(file));
        for (long v = 1; v <= target; v++) {
            assertTrue(won.contains(v), "nobody reports writing " + v);
        }
        assertEquals(target, won.size());
        System.out.printf("two processes, %d counter values: %d COMPARE AND WRITEs won by process 1, %d by process 2, %d miscompared%n",
                target, a.all.stream().filter(l -> l.startsWith("won ")).count(),
                b.all.stream().filter(l -> l.startsWith("won ")).count(), miscompares);
    }

    private void startEngine(Path file, boolean shared) throws Exception {
        running = LoopbackEngine.start("shared-caw", SharedStorageProcess.hocon(file, dir.resolve("state")),
                SharedStorageProcess.TARGET, "iqn.2026-12.org.scstj:initiator", shared);
        engine = running.engine;
        session = running.session;
        SharedStorageProcess.clearAttentions(session);
    }

    private CompletableFuture<LoopbackResult> send(byte[] cdb, byte[] dataOut) {
        return session.execute(LUN0, cdb, ByteBuffer.wrap(dataOut), 0).toCompletableFuture();
    }

    private static byte[] write16(long lba) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x8A; // SBC-4 5.41 WRITE(16)
        ByteBuffer.wrap(cdb).putLong(2, lba);
        cdb[13] = 1;
        return cdb;
    }

    private static byte[] orWrite16(long lba) {
        byte[] cdb = write16(lba);
        cdb[0] = (byte) 0x8B; // SBC-4 5.12 ORWRITE(16)
        return cdb;
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[BLOCK];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    private static void good(CompletableFuture<LoopbackResult> f) throws Exception {
        try (LoopbackResult r = f.get(30, TimeUnit.SECONDS)) {
            assertTrue(r.good(), r.toString());
        }
    }

    @Test
    void aClusterNode_compareAndWriteAndOrwrite_waitForAnotherProcessesLock_aPlainWriteDoesNot() throws Exception {
        Path file = dir.resolve("held.img");
        startEngine(file, true);
        Child holder = child("hold", file.toString(), "0", Integer.toString(BLOCK)); // LBA 0 only
        holder.expect("locked", 60);

        good(send(write16(0), filled(0x11))); // plain WRITE: no lock, not held back
        CompletableFuture<LoopbackResult> caw = send(SharedStorageProcess.compareAndWrite(0, 1),
                concat(filled(0x11), filled(0x22)));
        good(send(SharedStorageProcess.compareAndWrite(1, 1), concat(filled(0), filled(0x33)))); // LBA 1 is not locked
        Thread.sleep(1000);
        assertFalse(caw.isDone(), "COMPARE AND WRITE of LBA 0 ran while another process held its lock");

        holder.go();
        holder.expect("released", 30);
        good(caw);
        assertEquals(0, holder.exit(30));
        assertEquals(0x22, SharedStorageProcess.read0(session)[0]);

        Child again = child("hold", file.toString(), "0", Integer.toString(BLOCK));
        again.expect("locked", 60);
        CompletableFuture<LoopbackResult> or = send(orWrite16(0), filled(0x41));
        Thread.sleep(1000);
        assertFalse(or.isDone(), "ORWRITE of LBA 0 ran while another process held its lock");
        again.go();
        good(or);
        assertEquals(0x22 | 0x41, SharedStorageProcess.read0(session)[0]);
    }

    @Test
    void aSingleNode_takesNoLock() throws Exception {
        Path file = dir.resolve("single.img");
        startEngine(file, false);
        Child holder = child("hold", file.toString(), "0", Integer.toString(BLOCK));
        holder.expect("locked", 60);
        // with the lock still held elsewhere, a single node's COMPARE AND WRITE goes through at once
        CompletableFuture<LoopbackResult> caw = send(SharedStorageProcess.compareAndWrite(0, 1),
                concat(filled(0), filled(0x55)));
        good(caw);
        assertTrue(holder.process.isAlive() && !holder.all.contains("released"));
        assertEquals(0x55, SharedStorageProcess.read0(session)[0]);
        holder.go();
        holder.expect("released", 30);
    }
}
