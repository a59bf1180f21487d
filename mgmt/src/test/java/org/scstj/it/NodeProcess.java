package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One daemon of a test cluster: node {@code i} is {@code n<i+1>} on 127.0.0.{@code i+1}, with its
 * own home (configuration, state, log) under the test's directory. Small heaps, the serial
 * collector and one processor each, so three of them fit the 2-core machine next to the test.
 * The process can be launched again after it ended (its log is appended to).
 */
class NodeProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final String host;
    final int iscsiPort;
    final Path home;
    Process process;

    /**
     * @param artery the three nodes' Artery ports ({@link #arteryPorts()})
     * @param config the node's configuration without its {@code scstj.cluster} block (added here:
     *               the three nodes in seed order, this one as {@code self}, the fast timing), given
     *               its home directory
     */
    NodeProcess(Path dir, int i, int iscsiPort, int[] artery, Function<Path, String> config) throws IOException {
        this(dir, i, iscsiPort, artery, new String[] {"storage", "storage", "storage"}, config);
    }

    /** As above, with each node's role ({@code storage} or {@code witness}) in the {@code nodes} block. */
    NodeProcess(Path dir, int i, int iscsiPort, int[] artery, String[] roles, Function<Path, String> config)
            throws IOException {
        this.name = "n" + (i + 1);
        this.host = "127.0.0." + (i + 1);
        this.iscsiPort = iscsiPort;
        this.home = dir.resolve(name);
        Files.createDirectories(home);
        Files.writeString(home.resolve("scstj.conf"), config.apply(home) + """

                scstj.cluster {
                  self = %s
                  nodes {
                    n1 { address = "127.0.0.1:%d", roles = [%s] }
                    n2 { address = "127.0.0.2:%d", roles = [%s] }
                    n3 { address = "127.0.0.3:%d", roles = [%s] }
                  }
                  lease = 2.5s
                  failover-timing = fast
                }
                """.formatted(name, artery[0], roles[0], artery[1], roles[1], artery[2], roles[2]));
    }

    /**
     * A node reached at {@code host} (its portals) whose cluster block names the given Artery
     * addresses ({@code HOST:PORT}, in seed order), e.g. a node in a network namespace of its own,
     * launched with {@link #launch(List)} through {@code ip netns exec}.
     */
    NodeProcess(Path dir, int i, String host, int iscsiPort, String[] arteryAddresses, Function<Path, String> config)
            throws IOException {
        this.name = "n" + (i + 1);
        this.host = host;
        this.iscsiPort = iscsiPort;
        this.home = dir.resolve(name);
        Files.createDirectories(home);
        Files.writeString(home.resolve("scstj.conf"), config.apply(home) + """

                scstj.cluster {
                  self = %s
                  nodes {
                    n1 { address = "%s" }
                    n2 { address = "%s" }
                    n3 { address = "%s" }
                  }
                  lease = 2.5s
                  failover-timing = fast
                }
                """.formatted(name, arteryAddresses[0], arteryAddresses[1], arteryAddresses[2]));
    }

    /** Three Artery ports, one per node, for the configurations' {@code nodes} block. */
    static int[] arteryPorts() throws IOException {
        return new int[] {Daemon.freePort(), Daemon.freePort(), Daemon.freePort()};
    }

    void launch() throws IOException {
        launch(List.of());
    }

    /**
     * Launches the daemon behind {@code wrapper}, a command that ends by executing the rest of its
     * arguments in place (e.g. {@code ip netns exec NS}), so {@link #process} is still the JVM.
     */
    void launch(List<String> wrapper) throws IOException {
        Files.deleteIfExists(state().resolve("admin").resolve("url")); // a previous run's
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1",
                "-cp", System.getProperty("java.class.path"), "org.scstj.mgmt.Main", "serve", "-c",
                home.resolve("scstj.conf").toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("daemon.log").toFile()))
                .directory(home.toFile()).start();
    }

    String log() {
        try {
            return Files.readString(home.resolve("daemon.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    Path state() {
        return home.resolve("state");
    }

    /** Whether the node's portal accepts a TCP connection now. */
    boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, iscsiPort), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String url(String target, int lun) {
        return "iscsi://" + host + ":" + iscsiPort + "/" + target + "/" + lun;
    }

    /** GET {@code path} through this node's admin API with the admin token, or null while it cannot answer 200. */
    JsonNode adminGet(String path) {
        try {
            Path url = state().resolve("admin").resolve("url");
            if (!Files.exists(url)) {
                return null;
            }
            String token = Files.readString(state().resolve("admin").resolve("admin.token")).trim();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Files.readString(url).trim() + path))
                    .timeout(Duration.ofSeconds(3)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A change through this node's admin API: {@code method path} with a JSON body; returns the status and the body. */
    String[] adminSend(String method, String path, String json) throws IOException, InterruptedException {
        Path url = state().resolve("admin").resolve("url");
        String token = Files.readString(state().resolve("admin").resolve("admin.token")).trim();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Files.readString(url).trim() + path))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new String[] {Integer.toString(r.statusCode()), r.body()};
    }

    /** {@code scstj admin ARGS} against this node (in this JVM); asserts exit status 0 and returns the output. */
    String cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", state().toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, ps, ps);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        return out;
    }

    void signal(String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + sig + " " + name);
    }

    /** Ends every node still running (a SIGSTOPped one is continued first), then waits for each (bounded). */
    static void killAll(NodeProcess... nodes) throws Exception {
        for (NodeProcess n : nodes) {
            if (n != null && n.process != null && n.process.isAlive()) {
                n.signal("CONT");
                n.process.destroyForcibly();
            }
        }
        for (NodeProcess n : nodes) {
            if (n != null && n.process != null) {
                n.process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + host + ")";
    }
}
