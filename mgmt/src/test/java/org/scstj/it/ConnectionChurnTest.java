package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * faults.md "a thousand connections opened and dropped at once": against the real daemon, a
 * thousand TCP connections from 32 loopback addresses (some silent, some with half a Login PDU,
 * some with a whole login header and no more) are opened together and reset together, then 96
 * sessions log in completely and vanish with a TCP reset. Meanwhile a well-behaved session keeps
 * writing and verifying its data ({@link BadPduTest.Steady}). Afterwards the daemon's threads and
 * file descriptors are back near where they started (memory and threads bounded, nothing leaked),
 * the log holds no stack trace, and the steady session never saw an error.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ConnectionChurnTest {
    static final String TARGET = "iqn.2026-11.org.scstj:churn";
    static final Duration T = Duration.ofSeconds(20);
    static final int CONNECTIONS = 1000;
    static final int SOURCES = 32;
    static final int SESSIONS = 96;

    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { churn0 { filename = "@DIR@/churn0.img", size = 16M, thin-provisioned = true } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                login-timeout = 3s
                targets { "iqn.2026-11.org.scstj:churn" { luns { 0 = churn0 } } }
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aThousandConnectionsOpenedAndDroppedAtOnce_leaveThreadsAndDescriptorsBounded_andASessionUndisturbed()
            throws Exception {
        try (Daemon daemon = Daemon.start(dir, CONFIG)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.port);
            BadPduTest.Steady steady = new BadPduTest.Steady(BadPduTest.clearUnitAttention(
                    Session.open(address, LoginSpec.normal("iqn.2026-11.test:steady", TARGET), T)));
            Thread steadyThread = new Thread(steady, "steady-session");
            steadyThread.start();
            try {
                steady.awaitCycles(3, T);
                long threadsBefore = threads(daemon.pid());
                long fdsBefore = descriptors(daemon.pid());

                // wave 1: a thousand raw connections at once, then all reset at once
                List<Socket> sockets = new ArrayList<>(CONNECTIONS);
                byte[] loginHeader = loginHeader();
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(InetAddress.getByName("127.0.1." + (1 + i % SOURCES)), 0));
                    s.connect(address, 5000);
                    OutputStream out = s.getOutputStream();
                    switch (i % 3) {
                        case 0 -> { } // silent
                        case 1 -> out.write(loginHeader, 0, 20); // half a BHS
                        default -> out.write(loginHeader); // a header announcing data that never comes
                    }
                    sockets.add(s);
                }
                for (Socket s : sockets) {
                    s.setSoLinger(true, 0); // RST, as a crashed host
                    s.close();
                }

                // wave 2: whole sessions that vanish without logging out
                long cyclesMid = steady.cycles();
                try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                    List<Future<Session>> logins = new ArrayList<>();
                    for (int i = 0; i < SESSIONS; i++) {
                        String initiator = "iqn.2026-11.test:churn-" + (i % 8);
                        long isid = 0x80_0000_0000L | (i + 1);
                        logins.add(pool.submit(() -> Session.open(address,
                                LoginSpec.normal(initiator, TARGET).isid(isid), T)));
                    }
                    for (Future<Session> f : logins) {
                        Session s = f.get();
                        s.connection(0).kill();
                    }
                }
                steady.awaitCycles(cyclesMid + 3, T);

                // the target lets go of everything: threads and descriptors return near the start
                long deadline = System.nanoTime() + T.toNanos();
                long threads;
                long fds;
                do {
                    threads = threads(daemon.pid());
                    fds = descriptors(daemon.pid());
                    if (threads <= threadsBefore + 4 && fds <= fdsBefore + 8) {
                        break;
                    }
                    steady.awaitCycles(steady.cycles() + 1, T); // paced by real work, not a sleep
                } while (System.nanoTime() < deadline);
                assertTrue(threads <= threadsBefore + 4, "daemon threads " + threadsBefore + " -> " + threads + ": "
                        + threadNames(daemon.pid()));
                assertTrue(fds <= fdsBefore + 8, "daemon file descriptors " + fdsBefore + " -> " + fds);
                assertTrue(daemon.alive(), "the daemon died");
            } finally {
                steady.stop = true;
                steadyThread.join(30_000);
            }
            assertNull(steady.failure, () -> "the well-behaved session failed: " + steady.failure);
            assertEquals(0, steady.session.logout(T).response());
            String log = daemon.log();
            assertFalse(log.contains("\tat "), "a stack trace in the daemon log:\n" + log);
            daemon.stopCleanly();
        }
    }

    /** A Login Request BHS (RFC 7143 11.12) that announces 4 KiB of key text. */
    private static byte[] loginHeader() {
        byte[] bhs = new byte[48];
        bhs[0] = 0x43; // immediate Login Request
        bhs[1] = (byte) 0x87; // T, CSG 1, NSG 3
        bhs[6] = 0x10; // DataSegmentLength 4096
        bhs[8] = (byte) 0x80; // ISID type random
        return bhs;
    }

    /**
     * The daemon's threads, but for the JIT compiler's and the fixed-size pools': the JVM adds
     * compiler threads under load and retires them on its own schedule
     * (UseDynamicNumberOfCompilerThreads), and a fixed pool of the configuration
     * ({@code scstj.dispatchers.*}, e.g. blocking-io's 8 threads, "scstj-scstj.dis" in
     * /proc's 15 characters) starts its threads one task at a time up to its size and keeps them;
     * neither says anything about what the target keeps per connection, which is what this counts.
     */
    private static long threads(long pid) throws IOException {
        return threadNames(pid).stream().filter(n -> !n.startsWith("C1 CompilerThre") && !n.startsWith("C2 CompilerThre")
                && !n.startsWith("scstj-scstj.dis")).count();
    }

    /** Every thread's name, from /proc/PID/task/TID/comm (15 characters at most). */
    private static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return names;
    }

    private static long descriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }
}
