package org.scstj.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A private tgtd (STGT) on 127.0.0.1 for the gateway tests: {@code tgtd -f -C N --iscsi
 * portal=127.0.0.1:PORT} with a control port of its own, target {@link #IQN} with LUN 1 on a
 * backing file ({@code --bstype rdwr}), open to every initiator. {@link #kill} ends it abruptly (a
 * backend that vanishes); {@link #stop} deletes the target and the system as tgtd wants.
 */
final class Tgtd implements AutoCloseable {
    static final String IQN = "iqn.2026-11.org.scstj.it:tgtd";
    private static final Path SOCKETS = Path.of("/var/run/tgtd");

    private final Process process;
    private final int controlPort;
    final int port;

    private Tgtd(Process process, int controlPort, int port) {
        this.process = process;
        this.controlPort = controlPort;
        this.port = port;
    }

    /** Starts tgtd on {@code port} serving {@code backing} as LUN 1 and waits until it is configured. */
    static Tgtd start(Path dir, int port, Path backing) throws Exception {
        Tools.require("tgtd", "tgt");
        int control = ThreadLocalRandom.current().nextInt(20_000, 32_768);
        Process p = new ProcessBuilder(List.of("tgtd", "-f", "-C", Integer.toString(control), "--iscsi",
                "portal=127.0.0.1:" + port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("tgtd.log").toFile())).start();
        Tgtd t = new Tgtd(p, control, port);
        try {
            t.tgtadm(true, "--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "--targetname", IQN);
            t.tgtadm(false, "--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "1",
                    "--backing-store", backing.toString(), "--bstype", "rdwr");
            t.tgtadm(false, "--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "-I", "ALL");
            t.awaitListening();
        } catch (Exception | AssertionError e) {
            t.kill();
            throw e;
        }
        return t;
    }

    private void tgtadm(boolean retry, String... args) {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(controlPort)));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(command, 30);
        for (int i = 0; retry && r.exit() != 0 && i < 50 && process.isAlive(); i++) {
            sleep(100);
            r = Tools.run(command, 30);
        }
        if (r.exit() != 0) {
            fail(command + ": " + r.output());
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        fail("tgtd does not listen on " + port);
    }

    /** SIGSTOP / SIGCONT: a backend that stops answering with its connections open, and comes back. */
    void signal(String name) {
        Tools.Result r = Tools.run(List.of("kill", "-" + name, Long.toString(process.pid())), 10);
        if (r.exit() != 0) {
            fail("kill -" + name + ": " + r.output());
        }
    }

    /** SIGKILL: the backend vanishes, its connections reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        removeSockets();
    }

    /** The orderly way: delete the target and the system (tgtd ignores SIGTERM), SIGKILL as a fallback. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            Tools.run(List.of("tgtadm", "-C", Integer.toString(controlPort), "--lld", "iscsi", "--mode", "target",
                    "--op", "delete", "--force", "--tid", "1"), 30);
            Tools.run(List.of("tgtadm", "-C", Integer.toString(controlPort), "--mode", "system", "--op", "delete"), 30);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        removeSockets();
    }

    private void removeSockets() {
        for (String name : List.of("socket." + controlPort, "socket." + controlPort + ".lock")) {
            try {
                Files.deleteIfExists(SOCKETS.resolve(name));
            } catch (IOException ignored) {
                // a stale socket file of ours is harmless
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
