package org.scstj.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real scstj daemon ({@code org.scstj.mgmt.Main serve -c FILE}) in a child JVM, listening on
 * 127.0.0.1 at a free port. Stopped with SIGTERM, as an operator would.
 */
final class Daemon implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;
    final Path dir;

    private Daemon(Process process, Path log, int port, Path dir) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts the daemon with a configuration whose text may use {@code @PORT@} and {@code @DIR@}.
     */
    static Daemon start(Path dir, String configTemplate) throws IOException {
        int port = freePort();
        String config = withAdmin(configTemplate.replace("@PORT@", Integer.toString(port)).replace("@DIR@", dir.toString()));
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, config);
        return launch(dir, port, file);
    }

    /** Starts the daemon again after it stopped, from the file as it is now (an admin change may have rewritten it). */
    static Daemon restart(Daemon stopped) throws IOException {
        return launch(stopped.dir, stopped.port, stopped.configFile());
    }

    private static Daemon launch(Path dir, int port, Path file) throws IOException {
        Path log = dir.resolve("daemon.log");
        int logFrom = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).length() : 0;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=paranoid", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "org.scstj.mgmt.Main", "serve", "-c", file.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).directory(dir.toFile())
                .start();
        Daemon d = new Daemon(p, log, port, dir);
        d.awaitListening(logFrom);
        return d;
    }

    /** Every test daemon's admin API takes a free port (written to state-dir/admin/url) unless the test sets one. */
    static String withAdmin(String config) {
        return config.contains("admin") ? config : config + "\nscstj.admin.listen = \"127.0.0.1:0\"\n";
    }

    private void awaitListening(int logFrom) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("daemon exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                // the port alone could be another process's (freePort() is only a guess): this
                // daemon says when every portal is bound and SIGHUP applies the file
                if (log().substring(logFrom).contains("INFO  org.scstj.mgmt.Daemon - ready: ")) {
                    return;
                }
                sleepQuietly(100);
            } catch (IOException notYet) {
                sleepQuietly(100);
            }
        }
        process.destroyForcibly();
        fail("daemon did not listen on " + port + " within 60 s:\n" + log());
    }

    String url(String target, int lun) {
        return "iscsi://127.0.0.1:" + port + "/" + target + "/" + lun;
    }

    String portal() {
        return "iscsi://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /**
     * Stops the daemon as an operator would and checks it ended well: exit status 0 after SIGTERM,
     * and no buffer leak reported by Netty's paranoid leak detector in its log.
     */
    void stopCleanly() throws Exception {
        int status = terminate();
        String log = log();
        org.junit.jupiter.api.Assertions.assertEquals(0, status, "daemon exit status after SIGTERM; log:\n" + log);
        org.junit.jupiter.api.Assertions.assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /** The configuration file the daemon serves (tests rewrite it before a reload). */
    Path configFile() {
        return dir.resolve("scstj.conf");
    }

    /**
     * Rewrites the configuration from {@code template} (same {@code @PORT@} and {@code @DIR@}), sends
     * SIGHUP, and waits (bounded) until the log has a new line containing {@code expect}.
     */
    void reload(String template, String expect) throws Exception {
        String before = log();
        Files.writeString(configFile(), withAdmin(template.replace("@PORT@", Integer.toString(port))
                .replace("@DIR@", dir.toString())));
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -HUP " + process.pid() + " failed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String now = log();
            if (now.length() > before.length() && now.substring(before.length()).contains(expect)) {
                return;
            }
            sleepQuietly(100);
        }
        String why = log().contains("SIGHUP is ignored by this process")
                ? " (the test runs with SIGHUP ignored, e.g. under nohup: start it without)" : "";
        fail("no '" + expect + "' in the daemon log within 30 s after SIGHUP" + why + ":\n" + log());
    }

    /** SIGTERM, then the exit status (or -1 if it had to be killed). */
    int terminate() throws InterruptedException {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy(); // SIGTERM
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        terminate();
    }

    /** A session with {@code target} through 127.0.0.1:{@code port}, its power-on unit attentions read (at most 8 commands). */
    static org.scstj.transports.iscsi.initiator.Session sessionPastAttentions(String target, String initiator, int port)
            throws IOException {
        java.time.Duration t = java.time.Duration.ofSeconds(20);
        org.scstj.transports.iscsi.initiator.Session s = org.scstj.transports.iscsi.initiator.Session.open(
                new InetSocketAddress("127.0.0.1", port),
                org.scstj.transports.iscsi.initiator.LoginSpec.normal(initiator, target), t);
        for (int i = 0; i < 8 && !s.scsi(0, new byte[6], 0, t).good(); i++) {
            // unit attentions (power on) out of the way
        }
        return s;
    }

    /** KEY/ASC/ASCQ of a result, in hex: "06/2A/06". */
    static String sense(org.scstj.transports.iscsi.initiator.ScsiResult r) {
        return String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
