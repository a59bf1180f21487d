package org.scstj.bench.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.scstj.bench.compare.BenchFailure;
import org.scstj.bench.compare.ChildProcesses;
import org.scstj.bench.compare.Portal;
import org.scstj.bench.compare.ScstjLaunch;

/**
 * The scstj daemon serving the matrix configuration on both portals. Alive means its process runs
 * and both portals accept connections. Stopped with SIGTERM, as an operator would; it must then
 * exit 0 within 30 s.
 */
final class MatrixDaemon {
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;

    private MatrixDaemon(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the daemon with {@code config}, its output into {@code log}; returns once both portals listen. */
    static MatrixDaemon start(ScstjLaunch launch, Path config, int port, Path log, ChildProcesses children) throws BenchFailure {
        Process process = children.start(launch.command(config), log);
        try {
            // through the launcher, the project may be built first
            Portal.await("scstj", process, port, log, START);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!listening(MatrixConfig.HOST_2, port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new BenchFailure("scstj listens on " + MatrixConfig.HOST_1 + ":" + port + " but not on "
                            + MatrixConfig.HOST_2 + ":" + port + "; end of " + log + ":\n" + ChildProcesses.tail(log, 30));
                }
                process.waitFor(100, TimeUnit.MILLISECONDS); // returns early if it exits
            }
        } catch (BenchFailure e) {
            ChildProcesses.kill(process.toHandle());
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.kill(process.toHandle());
            throw new BenchFailure("interrupted while waiting for scstj", e);
        }
        return new MatrixDaemon(process, port, log);
    }

    /** True while the process runs and both portals accept connections. */
    boolean alive() {
        return process.isAlive() && listening(MatrixConfig.HOST_1, port) && listening(MatrixConfig.HOST_2, port);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** The last {@code lines} lines of the daemon's output. */
    String tail(int lines) {
        return ChildProcesses.tail(log, lines);
    }

    /**
     * SIGTERM, then waits for the exit; returns the exit status. A daemon that does not exit within
     * the grace period is killed and that is a failure.
     */
    int stop() throws BenchFailure {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.kill(process.toHandle());
                throw new BenchFailure("scstj did not stop within " + STOP_GRACE.toSeconds() + " s of SIGTERM; killed");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.kill(process.toHandle());
            throw new BenchFailure("interrupted while stopping scstj", e);
        }
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
