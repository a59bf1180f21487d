package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-stage latency and JFR against the real daemon (docs/latency.md): switched on and off with
 * `scstj admin latency`, read through {@code /api/v1/latency}, counted against the commands the
 * project's initiator sent; a JFR recording through `scstj admin jfr` and through the JDK's jcmd
 * while libiscsi's iscsi-perf runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LatencyTest {
    static final String TARGET = "iqn.2026-12.org.scstj:latency";
    static final String HOST = "iqn.2026-12.org.example:host";
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              admin.listen = "127.0.0.1:0"
              handlers {
                vdisk_fileio { disk0 { filename = "@DIR@/disk0.img", size = 16M, thin-provisioned = true } }
                vdisk_nullio { null0 { size = 1G } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-12.org.scstj:latency" { luns { 0 = disk0, 1 = null0 } } }
              }
            }
            """;
    static final Duration T = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-perf", "libiscsi-bin");
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    record Cli(int exit, String out) {
    }

    Cli admin(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", dir.resolve("state").toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, ps, ps);
        return new Cli(exit, buf.toString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> request(String method, String path, String body, String tokenFile) throws Exception {
        Path admin = dir.resolve("state").resolve("admin");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Files.readString(admin.resolve("url")).trim() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + Files.readString(admin.resolve(tokenFile)).trim());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode latency(String device) throws Exception {
        HttpResponse<String> r = request("GET", "/api/v1/latency?device=" + device, null, "readonly.token");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode devices = JSON.readTree(r.body()).get("devices");
        assertEquals(1, devices.size(), r.body());
        return devices.get(0);
    }

    /** Commands counted in {@code stage} for this operation and size class (0 when none). */
    static long count(JsonNode device, String stage, String op, String size) {
        for (JsonNode e : device.get("stages")) {
            if (e.get("stage").asText().equals(stage) && e.get("op").asText().equals(op) && e.get("size").asText().equals(size)) {
                return e.get("count").asLong();
            }
        }
        return 0;
    }

    static long count(JsonNode device, String stage) {
        long n = 0;
        for (JsonNode e : device.get("stages")) {
            if (e.get("stage").asText().equals(stage)) {
                n += e.get("count").asLong();
            }
        }
        return n;
    }

    Session open() throws IOException {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), LoginSpec.normal(HOST, TARGET), T);
        for (int lun = 0; lun < 2; lun++) {
            for (int i = 0; i < 4 && !s.scsi(lun, new byte[6], 0, T).good(); i++) {
                // the power-on unit attention, out of the way
            }
        }
        return s;
    }

    @Test
    @Order(1)
    void switchedOn_countsEachCommandSentByStageOperationAndSize() throws Exception {
        try (Session s = open()) {
            Cli on = admin("latency", "--on", "disk0");
            assertEquals(0, on.exit(), on.out());
            assertTrue(on.out().contains("on: disk0"), on.out());
            for (int i = 0; i < 20; i++) {
                assertTrue(s.scsi(0, Cdbs.read10(i * 8L, 8), 4096, T).good()); // 4 KiB
            }
            for (int i = 0; i < 5; i++) {
                assertTrue(s.scsiWrite(0, Cdbs.write10(i * 128L, 128), new byte[65536], T).good()); // 64 KiB
            }
            for (int i = 0; i < 3; i++) {
                assertTrue(s.scsi(0, new byte[6], 0, T).good()); // TEST UNIT READY
                assertTrue(s.scsi(1, Cdbs.read10(0, 8), 4096, T).good()); // null0: not measured
            }
            JsonNode disk = latency("disk0");
            assertTrue(disk.get("enabled").asBoolean());
            for (String stage : List.of("receive", "parse", "checks", "task-set", "exec", "xmit", "total")) {
                assertEquals(20, count(disk, stage, "read", "<=4k"), stage + ": " + disk);
                assertEquals(5, count(disk, stage, "write", "<=64k"), stage + ": " + disk);
                assertEquals(3, count(disk, stage, "other", "<=4k"), stage + ": " + disk);
                assertEquals(28, count(disk, stage), stage + ": " + disk);
            }
            JsonNode none = latency("null0");
            assertFalse(none.get("enabled").asBoolean());
            assertEquals(0, none.get("stages").size(), none.toString());

            Cli table = admin("latency", "--device", "disk0");
            assertEquals(0, table.exit(), table.out());
            assertTrue(table.out().contains("disk0  measurement on"), table.out());
            assertTrue(table.out().lines().anyMatch(l -> l.matches("\\s+exec\\s+read\\s+<=4k\\s+20\\s.*")), table.out());

            // the read-only token reads, but may not switch or reset
            assertEquals(403, request("PUT", "/api/v1/latency", "{\"device\":\"disk0\",\"enabled\":false}",
                    "readonly.token").statusCode());
            assertEquals(403, request("DELETE", "/api/v1/latency", null, "readonly.token").statusCode());
            assertEquals(422, request("PUT", "/api/v1/latency", "{\"device\":\"disk0\"}", "admin.token").statusCode());
            assertEquals(404, request("PUT", "/api/v1/latency", "{\"device\":\"nope\",\"enabled\":true}",
                    "admin.token").statusCode());

            Cli reset = admin("latency", "--reset", "--device", "disk0");
            assertEquals(0, reset.exit(), reset.out());
            assertTrue(reset.out().contains("now empty"), reset.out());
            assertEquals(0, latency("disk0").get("stages").size());

            assertEquals(0, admin("latency", "--off", "disk0").exit());
            s.scsi(0, Cdbs.read10(0, 8), 4096, T);
            JsonNode off = latency("disk0");
            assertFalse(off.get("enabled").asBoolean());
            assertEquals(0, off.get("stages").size(), off.toString());

            Cli target = admin("latency", "--on", "--target", TARGET);
            assertEquals(0, target.exit(), target.out());
            assertTrue(target.out().contains("disk0, null0"), target.out());
            s.scsi(1, Cdbs.read10(0, 8), 4096, T);
            assertEquals(1, count(latency("null0"), "exec", "read", "<=4k"));
            assertEquals(0, admin("latency", "--off", "--target", TARGET).exit());
        }
    }

    @Test
    @Order(2)
    void aJfrRecording_hasAnExecEventForEachCommandTheHistogramsCounted() throws Exception {
        assertEquals(0, admin("latency", "--on", "disk0").exit());
        assertEquals(0, admin("latency", "--reset").exit());
        Cli start = admin("jfr", "start");
        assertEquals(0, start.exit(), start.out());
        assertTrue(start.out().startsWith("recording scstj-admin"), start.out());
        assertEquals(409, request("POST", "/api/v1/jfr/start", "{}", "admin.token").statusCode());
        Tools.Result perf = Tools.run(List.of("iscsi-perf", "-t", "2", "-m", "8", "-b", "8",
                daemon.url(TARGET, 0)), 60);
        assertEquals(0, perf.exit(), perf.output());
        Path file = dir.resolve("admin.jfr");
        Cli stop = admin("jfr", "stop", file.toString());
        assertEquals(0, stop.exit(), stop.out());
        assertFalse(JSON.readTree(request("GET", "/api/v1/jfr", null, "readonly.token").body()).get("recording").asBoolean());
        JsonNode counted = JSON.readTree(request("DELETE", "/api/v1/latency?device=disk0", null, "admin.token").body())
                .get("devices").get(0);
        assertEquals(0, admin("latency", "--off", "disk0").exit());

        List<RecordedEvent> exec = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("org.scstj.CommandStage"))
                .filter(e -> e.getString("stage").equals("exec") && e.getString("device").equals("disk0")).toList();
        assertTrue(count(counted, "exec", "read", "<=4k") > 100, counted.toString());
        assertEquals(count(counted, "exec"), exec.size());
        assertTrue(exec.stream().anyMatch(e -> e.getString("command").equals("READ(16)")
                || e.getString("command").equals("READ(10)")), exec.getFirst().toString());
    }

    @Test
    @Order(3)
    void theJdksJcmd_recordsTheEventsToo() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Path file = dir.resolve("jcmd.jfr");
        String pid = Long.toString(daemon.pid());
        Tools.Result started = Tools.run(List.of(jcmd, pid, "JFR.start", "name=scstj",
                "+org.scstj.CommandStage#enabled=true", "+org.scstj.TaskManagement#enabled=true"), 60);
        assertEquals(0, started.exit(), started.output());
        try (Session s = open()) {
            for (int i = 0; i < 7; i++) {
                assertTrue(s.scsi(1, Cdbs.read10(i, 1), 512, T).good());
            }
        }
        Tools.Result dumped = Tools.run(List.of(jcmd, pid, "JFR.stop", "name=scstj", "filename=" + file), 60);
        assertEquals(0, dumped.exit(), dumped.output());
        long reads = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("org.scstj.CommandStage"))
                .filter(e -> e.getString("stage").equals("exec") && e.getString("device").equals("null0")
                        && e.getString("command").equals("READ(10)")).count();
        assertEquals(7, reads);
        assertEquals(0, latency("null0").get("stages").size()); // the histograms stayed off
    }
}
