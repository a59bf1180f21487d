package org.scstj.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.scstj.bench.compare.BenchFailure;
import org.scstj.bench.compare.ChildProcesses;
import org.scstj.bench.compare.ScstjLaunch;

/**
 * One scstj daemon of the benchmark (a cluster node or the single-node daemon): its home (the
 * configuration, the state directory, one log per launch), its portal, its process. It can be
 * launched again after it ended; every launch goes through {@link ChildProcesses}, so whatever
 * still runs is killed on failure. The admin CLI talks to it in this JVM through its state
 * directory (the admin API's address and token are there).
 */
final class BenchDaemon {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    final String name;
    final String host;
    final int port;
    final Path home;
    private final ScstjLaunch launch;
    private final ChildProcesses children;
    private int launches;
    private volatile Process process;

    /** A daemon named {@code name} on {@code host:port} whose configuration is {@code home/scstj.conf} (written here). */
    BenchDaemon(String name, String host, int port, Path home, String config, ScstjLaunch launch, ChildProcesses children)
            throws BenchFailure {
        this.name = name;
        this.host = host;
        this.port = port;
        this.home = home;
        this.launch = launch;
        this.children = children;
        try {
            Files.createDirectories(home);
            Files.writeString(config(), config);
        } catch (IOException e) {
            throw new BenchFailure("cannot write " + config() + ": " + e.getMessage(), e);
        }
    }

    Path config() {
        return home.resolve("scstj.conf");
    }

    Path state() {
        return home.resolve("state");
    }

    /** The log of the current (last) launch. */
    Path log() {
        return home.resolve("daemon-" + launches + ".log");
    }

    /** Starts the daemon (the previous run's admin address removed first, so that no stale one is read). */
    synchronized void launch() throws BenchFailure {
        if (process != null && process.isAlive()) {
            throw new BenchFailure(name + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.deleteIfExists(state().resolve("admin").resolve("url"));
        } catch (IOException e) {
            throw new BenchFailure("cannot remove " + name + "'s old admin address: " + e.getMessage(), e);
        }
        launches++;
        process = children.start(launch.command(config()), log());
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Whether its portal accepts a TCP connection now. */
    boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until its portal listens; fails with the end of its log if it exits first or {@code bound} passes. */
    void awaitListening(Duration bound) throws BenchFailure {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            if (!alive()) {
                throw new BenchFailure(name + " exited before its portal " + host + ":" + port + " listened; end of "
                        + log() + ":\n" + ChildProcesses.tail(log(), 30));
            }
            if (listening()) {
                return;
            }
            sleep(200);
        }
        throw new BenchFailure(name + "'s portal " + host + ":" + port + " did not listen within " + bound.toSeconds()
                + " s; end of " + log() + ":\n" + ChildProcesses.tail(log(), 30));
    }

    /** SIGKILL to the daemon's JVM (the launcher execs it); {@link #awaitExit} waits for its end. */
    void signalKill() {
        process.destroyForcibly();
    }

    /** Waits for the daemon's process to end; fails after {@code bound}. Returns its exit status. */
    int awaitExit(Duration bound) throws BenchFailure {
        Process p = process;
        try {
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BenchFailure(name + " (pid " + p.pid() + ") did not exit within " + bound.toSeconds() + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /** SIGTERM (the daemon stops in order; a cluster node leaves first), SIGKILL after 30 s. */
    void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.kill(p.toHandle());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.kill(p.toHandle());
        }
    }

    /** {@code scstj admin --state-dir STATE ARGS} in this JVM: its exit status and its output. */
    AdminResult admin(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", state().toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, out, out);
        return new AdminResult(exit, buf.toString(StandardCharsets.UTF_8));
    }

    /** The JSON an admin command printed with {@code --json}, or empty while the daemon cannot answer. */
    Optional<JsonNode> adminJson(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        AdminResult r = admin(all.toArray(String[]::new));
        if (r.exit() != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.output()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * An admin command's result.
     *
     * @param exit   its exit status
     * @param output what it printed
     */
    record AdminResult(int exit, String output) {
    }

    static void sleep(long millis) throws BenchFailure {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + host + ":" + port + ")";
    }
}
