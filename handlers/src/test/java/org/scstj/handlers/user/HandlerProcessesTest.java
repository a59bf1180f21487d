package org.scstj.handlers.user;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.BlockDevice.IoFailure;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java core against the reference handlers as real processes (user-handlers/: the C
 * {@code ramdisk} and {@code filedisk}, the Python {@code sparse_disk.py}): data round trips
 * through the rings of another process; kill -9 of the handler under I/O fails the commands at it
 * at once (not at their deadline) and a restarted handler serves again with a new epoch; and the
 * handler side's own suites (the Python test core against every handler) pass.
 */
class HandlerProcessesTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path C = REPO.resolve("user-handlers/c");
    private static final Path PYTHON = REPO.resolve("user-handlers/python");
    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;
    private UserDevice device;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        Process make = new ProcessBuilder("make", "-s", "-C", C.toString()).redirectErrorStream(true).start();
        String out = new String(make.getInputStream().readAllBytes());
        assertTrue(make.waitFor(300, TimeUnit.SECONDS) && make.exitValue() == 0, "make user-handlers/c:\n" + out);
    }

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        processes.forEach(Process::destroyForcibly);
    }

    private UserDevice open() throws IOException {
        return open(Map.of());
    }

    private UserDevice open(Map<String, Object> keys) throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("socket", dir.resolve("h.sock").toString(), "size", "64M",
                "queue-depth", 32, "thin-provisioned", true));
        m.putAll(keys);
        device = (UserDevice) new UserHandler().open("h0", ConfigFactory.parseMap(m),
                new DeviceHandlerFactory.Context(Runnable::run, dir));
        return device;
    }

    private Process start(List<String> command) throws Exception {
        long epoch = device.epoch(); // before the process starts: a fast handler attaches at once
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("handler-" + processes.size() + ".log").toFile()).start();
        processes.add(p);
        for (int i = 0; i < 1000 && (device.epoch() == epoch || !device.ready()); i++) {
            Thread.sleep(10);
        }
        assertTrue(device.ready() && device.epoch() > epoch, "the handler attached: " + log());
        return p;
    }

    private String log() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            Path f = dir.resolve("handler-" + i + ".log");
            if (Files.exists(f)) {
                b.append(Files.readString(f));
            }
        }
        return b.toString();
    }

    private List<String> ramdisk() {
        return List.of(C.resolve("build/ramdisk").toString(), "--size", "64M", "--block-size", "512",
                dir.resolve("h.sock").toString());
    }


    /** Writes random data at random aligned places, reads it back, flushes, unmaps one range. */
    private void roundTrip(long seed) throws Exception {
        Random r = new Random(seed);
        for (int round = 0; round < 16; round++) {
            byte[] data = new byte[(1 + r.nextInt(512)) * 512]; // up to 256 KiB: several pieces
            r.nextBytes(data);
            long offset = (long) r.nextInt((int) ((SIZE - data.length) / 512)) * 512;
            IoOutcome w = new IoOutcome();
            device.write(offset, ByteBuffer.wrap(data), false, w);
            assertNull(w.await(), "write");
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            IoOutcome rd = new IoOutcome();
            device.read(offset, back, rd);
            assertNull(rd.await(), "read");
            byte[] got = new byte[data.length];
            back.flip().get(got);
            assertArrayEquals(data, got, "round " + round + " at " + offset);
        }
        IoOutcome f = new IoOutcome();
        device.flush(f);
        assertNull(f.await(), "flush");
        IoOutcome u = new IoOutcome();
        device.unmap(0, 1 << 20, u);
        assertNull(u.await(), "unmap");
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        IoOutcome z = new IoOutcome();
        device.read(0, zeros, z);
        assertNull(z.await());
        assertArrayEquals(new byte[1 << 20], zeros.array(), "UNMAP: zeros");
    }

    @Test
    void cRamdisk_roundTrips() throws Exception {
        open();
        start(ramdisk());
        roundTrip(1);
        writeSameThroughTheHandler(2);
    }

    /** WRITE SAME offloaded to the process (the C handlers ask for WRITE_SAME): one submission, every block written. */
    private void writeSameThroughTheHandler(long seed) throws Exception {
        byte[] block = new byte[512];
        new Random(seed).nextBytes(block);
        IoOutcome ws = new IoOutcome();
        assertTrue(device.writeSame(3 << 20, 1 << 20, block.clone(), ws), "the handler asked for WRITE_SAME");
        assertNull(ws.await(), "write same");
        ByteBuffer back = ByteBuffer.allocate(1 << 20);
        IoOutcome rd = new IoOutcome();
        device.read(3 << 20, back, rd);
        assertNull(rd.await());
        for (int i = 0; i < 2048; i++) {
            assertArrayEquals(block, java.util.Arrays.copyOfRange(back.array(), i * 512, (i + 1) * 512), "block " + i);
        }
    }

    @Test
    void cFiledisk_roundTrips_intoItsFile() throws Exception {
        open();
        Path file = dir.resolve("disk.img");
        start(List.of(C.resolve("build/filedisk").toString(), "--file", file.toString(), "--size", "64M",
                dir.resolve("h.sock").toString()));
        roundTrip(2);
        writeSameThroughTheHandler(3);
        assertEquals(SIZE, Files.size(file));
    }

    @Test
    void pythonSparseDisk_roundTrips() throws Exception {
        open();
        start(List.of("python3", PYTHON.resolve("examples/sparse_disk.py").toString(), "--size", "64M",
                "--block-size", "512", dir.resolve("h.sock").toString()));
        roundTrip(3);
    }

    @Test
    void killMinus9UnderIo_failsTheCommandsAtOnce_andARestartedHandlerServes() throws Exception {
        open();
        Process first = start(ramdisk());
        long epoch = device.epoch();
        List<IoOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // more than the ring holds: some at the handler, some waiting
            IoOutcome o = new IoOutcome();
            device.write((long) i * 65536, ByteBuffer.wrap(new byte[65536]), false, o);
            outcomes.add(o);
        }
        first.destroyForcibly(); // SIGKILL
        long killed = System.nanoTime();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        List<IoOutcome> after = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // the handler is gone: none of these can end GOOD
            IoOutcome o = new IoOutcome();
            device.write((long) i * 512, ByteBuffer.wrap(new byte[512]), false, o);
            after.add(o);
        }
        for (IoOutcome o : after) {
            assertEquals(IoFailure.NOT_READY, o.await(), "a write after the handler died");
        }
        int failed = 0;
        for (IoOutcome o : outcomes) {
            IoFailure f = o.await();
            if (f != null) {
                assertEquals(IoFailure.NOT_READY, f);
                failed++;
            }
        }
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("HandlerProcessesTest: kill -9 with 200 writes submitted: %d of them failed NOT READY,"
                + " the rest completed; all ended %.3f s after the kill%n", failed, seconds);
        assertTrue(seconds < 5, "ended when the handler died, not at their 30 s deadline: " + seconds);
        for (int i = 0; i < 500 && device.ready(); i++) {
            Thread.sleep(10);
        }
        assertFalse(device.ready(), "NOT READY between handlers");

        start(ramdisk());
        assertTrue(device.epoch() > epoch, "a new epoch");
        roundTrip(4);
    }

    @Test
    void aSupervisedHandler_isStartedByTheDevice_andStartedAgainAfterKillMinus9() throws Exception {
        UserDevice d = open(Map.of("command", ramdisk()));
        for (int i = 0; i < 1000 && !d.ready(); i++) {
            Thread.sleep(10);
        }
        assertTrue(d.ready(), "the device started its handler and it attached");
        long pid = d.supervisedPid();
        assertTrue(pid > 0);
        roundTrip(5);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
        for (int i = 0; i < 1000 && (d.epoch() < 2 || !d.ready()); i++) {
            Thread.sleep(10);
        }
        assertEquals(2, d.epoch(), "started again, attached with a new epoch");
        assertTrue(d.supervisedPid() > 0 && d.supervisedPid() != pid, "a new process");
        roundTrip(6);
        long second = d.supervisedPid();
        d.close();
        device = null;
        ProcessHandle h = ProcessHandle.of(second).orElse(null);
        if (h != null) {
            h.onExit().get(10, TimeUnit.SECONDS); // GOODBYE: it stops, and is not started again
        }
        Thread.sleep(500);
        assertTrue(ProcessHandle.current().children().noneMatch(c -> c.info().command().orElse("").endsWith("ramdisk")),
                "no handler left running");
    }

    /**
     * docs/user-handlers.md "when the handler goes": a handler whose process exits while a child it
     * forked keeps its socket and memory open (so no EOF comes) is gone all the same: the core
     * watches the connecting process (pidfd) and ends the epoch at once, not at a deadline.
     */
    @Test
    void aHandlerProcessThatExits_whileAForkedChildHoldsItsSocket_endsTheEpochAtOnce() throws Exception {
        open(Map.of("thin-provisioned", false)); // deadline 30 s: only the process's exit can end this epoch in time
        Path childPid = dir.resolve("child.pid");
        String script = String.join("\n",
                "import os, sys, time",
                "sys.path.insert(0, sys.argv[1])",
                "from scstj_user import Device",
                "from scstj_user.handler import Handler",
                "h = Handler(sys.argv[2], Device(64 << 20, 512))",
                "time.sleep(0.5)",
                "pid = os.fork()",
                "if pid == 0:",
                "    time.sleep(20)  # holds the socket, the memfd and the doorbells; serves nothing",
                "    os._exit(0)",
                "open(sys.argv[3], 'w').write(str(pid))",
                "os._exit(0)");
        Process parent = start(List.of("python3", "-c", script, PYTHON.toString(), dir.resolve("h.sock").toString(),
                childPid.toString()));
        try {
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS), "the handler's process exited: " + log());
            long exited = System.nanoTime();
            for (int i = 0; i < 500 && device.ready(); i++) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - exited) / 1e9;
            assertFalse(device.ready(), "NOT READY once the handler's process exited, its socket still open in"
                    + " the child: " + log());
            assertTrue(seconds < 5, "within " + seconds + " s, not at the 30 s deadline");
            IoOutcome o = new IoOutcome();
            device.read(0, ByteBuffer.allocate(512), o);
            assertEquals(IoFailure.NOT_READY, o.await(), "a command after the handler's process exited");
            assertEquals(0, device.epoch(), "that epoch ended; no other began");
        } finally {
            if (Files.exists(childPid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(childPid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void theHandlerSidesOwnSuites_pass() throws Exception {
        Process p = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", PYTHON.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the suites end");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK"), out);
    }
}
