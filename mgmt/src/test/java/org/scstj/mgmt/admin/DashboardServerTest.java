package org.scstj.mgmt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ConfigLoader;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web dashboard's part of the admin listener: its static files (no token, content types,
 * revalidation, nothing outside the folder) and the Server-Sent Events of GET /api/v1/events/stats.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardServerTest {
    @TempDir
    static Path dir;
    ActorSystem<Void> system;
    AdminServer server;
    FakeLive live;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "dashboard-test");
        Path file = dir.resolve("s.conf");
        Files.writeString(file, "scstj { state-dir = \"" + dir + "\" }\n");
        var handlers = ConfigLoader.installedHandlers();
        live = new FakeLive();
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, live, null, "s.conf",
                ConfigLoader.document(file), new ConfigLoader(handlers).load(file));
        server = AdminServer.start(system, changes, AdminServerTest.settings("listen = \"127.0.0.1:0\""), dir);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
        system.terminate();
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token() throws Exception {
        return Files.readString(dir.resolve("admin").resolve("admin.token")).trim();
    }

    static SessionInfo session(String id, long commands, long read, long written) {
        return new SessionInfo(id, "iqn.2026-12.org.example:h", "iqn.2026-12.org.example:h,i,0x" + id, id, 1,
                "iqn.2026-12.org.scstj:t", 1, "LOGGED_IN", Instant.now(), Map.of(), List.of(), commands, read, written,
                Map.of());
    }

    @Test
    void theRootAndUi_redirectToTheDashboard() throws Exception {
        for (String p : List.of("/", "/ui")) {
            HttpResponse<String> r = get(p);
            assertEquals(302, r.statusCode(), p);
            assertEquals("/ui/", r.headers().firstValue("Location").orElse(""), p);
        }
    }

    @Test
    void staticFiles_needNoToken_haveTheirContentTypes_andAreRevalidated() throws Exception {
        HttpResponse<String> index = get("/ui/");
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(index.body().contains("js/main.js"));
        assertEquals("no-cache", index.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        HttpResponse<String> js = get("/ui/js/main.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(get("/ui/app.css").headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        String etag = js.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/ui/js/main.js", "If-None-Match", etag).statusCode());
    }

    @Test
    void nothingOutsideTheDashboardsFolder_isServed() throws Exception {
        for (String p : List.of("/ui/../admin/admin.token", "/ui/%2e%2e/reference.conf", "/ui/js/../../logback.xml",
                "/ui/nothing.html", "/ui/js", "/ui/.hidden.js", "/ui/x.class")) {
            HttpResponse<String> r = get(p); // 404, or 401 where the path, normalized, is no longer the dashboard's
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 401, p + " → " + r.statusCode());
        }
    }

    @Test
    void statsEvents_needAToken() throws Exception {
        assertEquals(401, get("/api/v1/events/stats").statusCode());
    }

    @Test
    void statsEvents_sendTotalsAndRates_onceASecond() throws Exception {
        live.sessions = List.of(session("1-a", 100, 4096, 0));
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/events/stats"))
                .header("Authorization", "Bearer " + token()).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < 2 && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(new ObjectMapper().readTree(line.substring(6)));
                    // between the samples: the session did 50 more commands, a new one logged in with 10
                    live.sessions = List.of(session("1-a", 150, 8192, 0), session("2-b", 10, 0, 512));
                }
            }
        }
        assertEquals(2, events.size());
        assertEquals(1, events.get(0).get("sessions").asInt());
        assertEquals(100, events.get(0).get("commands").asLong());
        assertEquals(0, events.get(0).get("iops").asLong(), "no rate before a second sample");
        assertEquals(2, events.get(1).get("sessions").asInt());
        assertEquals(160, events.get(1).get("commands").asLong());
        assertEquals(8192, events.get(1).get("bytes-read").asLong());
        long iops = events.get(1).get("iops").asLong();
        assertTrue(iops > 30 && iops <= 60, "60 commands in about a second: " + iops);
        assertTrue(events.get(1).get("write-bytes-per-second").asLong() > 0);
    }

    @Test
    void aSessionThatClosed_makesNoNegativeRate() {
        AtomicLong now = new AtomicLong();
        StatsSampler s = new StatsSampler(live, now::get);
        s.sample(List.of(session("1-a", 1000, 0, 0), session("2-b", 10, 0, 0)));
        now.addAndGet(2_000_000_000L);
        Map<String, Object> next = s.sample(List.of(session("2-b", 30, 0, 0)));
        assertEquals(10L, next.get("iops"));
        assertEquals(30L, next.get("commands"));
    }
}
