package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view of the actors against the real daemon: while libiscsi's iscsi-perf runs a session,
 * {@code GET /api/v1/actors} shows the target, its session and the LUN actor with what they
 * processed, each actor describes itself, {@code GET /api/v1/dispatchers} shows the inline
 * executor's batches, and {@code scstj admin actors} and {@code dispatchers} print them.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ActorsTest {
    static final String TARGET = "iqn.2026-12.org.scstj:actors";
    static final String HOST = "iqn.2026-12.org.example:perf";
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              admin.listen = "127.0.0.1:0"
              handlers {
                vdisk_nullio { null0 { size = 1G } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-12.org.scstj:actors" { luns { 0 = null0 } } }
              }
            }
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aLiveLibiscsiSession_showsItsSessionAndLunActors_andTheCliRendersThem() throws Exception {
        Tools.require("iscsi-perf", "libiscsi-bin");
        try (Daemon daemon = Daemon.start(dir, CONFIG)) {
            Process perf = new ProcessBuilder("iscsi-perf", "-i", HOST, "-t", "8", "-m", "8", "-b", "8",
                    daemon.url(TARGET, 0)).redirectErrorStream(true).redirectOutput(dir.resolve("perf.log").toFile()).start();
            try {
                JsonNode session = null;
                JsonNode lun = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                while (System.nanoTime() < deadline && (session == null || lun == null
                        || session.path("processed").asLong() < 100 || lun.path("processed").asLong() < 100)) {
                    Thread.sleep(200);
                    JsonNode tree = get("/api/v1/actors");
                    session = null;
                    lun = null;
                    for (JsonNode a : tree.path("actors")) {
                        if (a.path("kind").asText().equals("session")) {
                            session = a;
                        } else if (a.path("id").asText().equals("lun-null0")) {
                            lun = a;
                        }
                    }
                }
                assertNotNull(session, "a session actor while iscsi-perf runs: " + get("/api/v1/actors"));
                assertNotNull(lun, "the LUN actor");
                assertEquals("target-" + TARGET, session.path("parent").asText(), session.toString());
                assertEquals("open", session.path("state").asText(), session.toString());
                assertEquals("running", lun.path("state").asText(), lun.toString());
                assertTrue(lun.path("processed").asLong() >= 100, "the LUN actor handled iscsi-perf's commands: " + lun);
                assertTrue(lun.path("enqueued").asLong() >= lun.path("processed").asLong() - 1, lun.toString());
                assertTrue(lun.path("mailbox-depth").isIntegralNumber(), "counted by the counting mailbox: " + lun);

                JsonNode one = get("/api/v1/actors/" + session.path("id").asText());
                assertEquals(HOST, one.path("summary").path("initiator").asText(), one.toString());
                assertEquals("lun-null0", one.path("summary").path("luns").path("0").asText(), one.toString());
                JsonNode lu = get("/api/v1/actors/lun-null0");
                assertEquals("null0", lu.path("summary").path("device").asText(), lu.toString());
                assertEquals("none", lu.path("summary").path("reservation").asText(), lu.toString());
                assertTrue(lu.path("summary").path("nexuses").toString().contains(HOST), "the perf nexus: " + lu);

                JsonNode dispatchers = get("/api/v1/dispatchers");
                JsonNode engine = null;
                for (JsonNode d : dispatchers) {
                    if (d.path("id").asText().equals("scstj.dispatchers.engine")) {
                        engine = d;
                    }
                }
                assertNotNull(engine, dispatchers.toString());
                assertEquals("inline", engine.path("executor").asText());
                assertEquals(256, engine.path("settings").path("max-batch").asInt(), engine.toString());
                assertTrue(engine.path("live").path("batches").asLong() > 0, "batches run inline: " + engine);
                assertTrue(engine.path("actors").asLong() >= 2, "the session and the LUN actor: " + engine);

                String table = admin("actors");
                System.out.println(table); // for the record (docs/dispatchers.md shows one)
                assertTrue(table.contains("lun-null0"), table);
                assertTrue(table.matches("(?s).*\\n  session-\\d+ +session +open .*"), "the session indented under its target:\n" + table);
                assertTrue(table.matches("(?s).*\\nlun +1 actors, +\\d+ messages waiting.*"), table);
                String sorted = admin("actors", "--sort", "processed");
                assertTrue(sorted.contains("target-" + TARGET + "/session-"), "flat, by full id:\n" + sorted);
                String described = admin("actors", "lun-null0");
                assertTrue(described.contains("summary") && described.contains("tasks-active"), described);
                String watched = admin("actors", "--watch", "--interval", "0.2", "--count", "2");
                assertEquals(2, watched.split("\\u001b\\[H\\u001b\\[2J", -1).length - 1, "redrawn twice:\n" + watched);
                String disp = admin("dispatchers");
                assertTrue(disp.contains("scstj.dispatchers.engine  (inline, throughput 64"), disp);
                assertTrue(disp.contains("overflow-handoffs="), disp);
            } finally {
                perf.destroy();
                perf.waitFor(10, TimeUnit.SECONDS);
            }
            daemon.stopCleanly();
        }
    }

    private String admin(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", dir.resolve("state").toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, ps, ps);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        return out;
    }

    private JsonNode get(String path) throws Exception {
        Path admin = dir.resolve("state").resolve("admin");
        String url = Files.readString(admin.resolve("url")).trim();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + Files.readString(admin.resolve("readonly.token")).trim()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
