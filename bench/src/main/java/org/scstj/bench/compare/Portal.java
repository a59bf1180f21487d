package org.scstj.bench.compare;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/** Loopback TCP ports: finding a free one, waiting until a target listens on one. */
public final class Portal {
    /** The address both targets listen on and every client connects to. */
    public static final String HOST = "127.0.0.1";

    private Portal() {
    }

    /** A TCP port free on 127.0.0.1 right now (the kernel's pick). */
    public static int freePort() throws BenchFailure {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BenchFailure("no free TCP port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    /** True when something accepts connections on 127.0.0.1:{@code port}. */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until {@code process} listens on {@code port}; fails, with the end of its log, if it
     * exits first or takes longer than {@code timeout}.
     */
    public static void await(String what, Process process, int port, Path log, Duration timeout) throws BenchFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchFailure(what + " exited with " + process.exitValue() + " before listening on " + HOST + ":"
                        + port + "; end of " + log + ":\n" + ChildProcesses.tail(log, 30));
            }
            if (listening(port)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchFailure("interrupted while waiting for " + what, e);
            }
        }
        throw new BenchFailure(what + " did not listen on " + HOST + ":" + port + " within " + timeout.toSeconds()
                + " s; end of " + log + ":\n" + ChildProcesses.tail(log, 30));
    }
}
