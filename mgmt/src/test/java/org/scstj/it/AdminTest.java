package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.scstj.transports.iscsi.initiator.ScsiResult;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin plane against the real daemon, driven by `scstj admin` (in-process, the same code the
 * launcher runs), raw HTTP for hostile requests, libiscsi's tools, qemu-img, and the project's own
 * initiator for the unit attentions a change must establish.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class AdminTest {
    static final String TARGET = "iqn.2026-12.org.scstj:admin";
    static final String HOST = "iqn.2026-12.org.example:host";
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              admin.listen = "127.0.0.1:0"
              handlers {
                vdisk_fileio {
                  busy { filename = "@DIR@/busy.img", size = 64M, thin-provisioned = true }
                  grow { filename = "@DIR@/grow.img", size = 16M, thin-provisioned = true }
                }
                vdisk_nullio { null0 { size = 1G } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-12.org.scstj:admin" {
                    luns { 0 = busy, 1 = grow, 2 = null0 }
                  }
                }
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
        Tools.require("iscsi-ls", "libiscsi-bin");
        Tools.require("qemu-img", "qemu-utils");
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            String log = daemon.log();
            assertFalse(log.contains(token("admin.token")), "a token reached the log");
            assertFalse(log.contains(token("readonly.token")), "a token reached the log");
            daemon.stopCleanly();
        }
    }

    Path state() {
        return dir.resolve("state");
    }

    String token(String name) {
        try {
            return Files.readString(state().resolve("admin").resolve(name)).trim();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    String url() throws IOException {
        return Files.readString(state().resolve("admin").resolve("url")).trim();
    }

    /** {@code scstj admin --state-dir DIR ARGS...}: exit status and output (stdout + stderr). */
    record Cli(int exit, String out) {
    }

    Cli admin(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--state-dir", state().toString()));
        all.addAll(List.of(args));
        int exit = org.scstj.mgmt.cli.AdminCli.run(all, ps, ps);
        return new Cli(exit, buf.toString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> request(String method, String path, String body, String token, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> http(String method, String path, String body) throws Exception {
        return request(method, path, body, token("admin.token"));
    }

    Session open() throws IOException {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), LoginSpec.normal(HOST, TARGET), T);
        for (int lun = 0; lun < 5; lun++) {
            ready(s, lun); // the power-on unit attentions, out of the way (an unmapped LUN answers 05/25/00)
        }
        return s;
    }

    /** TEST UNIT READY until it is not a unit attention; true when GOOD. */
    static boolean ready(Session s, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiResult r = tur(s, lun);
            if (r.good()) {
                return true;
            }
            if (r.senseKey() != 6) {
                return false;
            }
        }
        return false;
    }

    static ScsiResult tur(Session s, int lun) throws IOException {
        return s.scsi(lun, new byte[6], 0, T);
    }

    static String sense(ScsiResult r) {
        return String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    String lsLuns() {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-i", HOST, "-s", daemon.portal()), 60);
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    @Test
    @Order(1)
    void requestsNeedAToken_andTheReadOnlyTokenCannotChangeAnything() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                state().resolve("admin").resolve("admin.token"))));
        HttpResponse<String> none = request("GET", "/api/v1/tree", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, request("GET", "/api/v1/tree", null, "not-the-token").statusCode());
        String ro = token("readonly.token");
        assertEquals(200, request("GET", "/api/v1/devices/busy", null, ro).statusCode());
        HttpResponse<String> put = request("PUT", "/api/v1/devices/x", "{\"handler\":\"vdisk_nullio\"}", ro);
        assertEquals(403, put.statusCode());
        assertEquals(403, JSON.readTree(put.body()).get("status").asInt());
        assertFalse(request("GET", "/api/v1/config", null, ro).body().contains(token("admin.token")));
    }

    @Test
    @Order(2)
    void theTreeDescribesEveryAttribute() throws Exception {
        JsonNode tree = JSON.readTree(http("GET", "/api/v1/tree?depth=12", null).body());
        JsonNode fileio = find(tree, "/api/v1/devices/busy");
        JsonNode size = fileio.get("attributes").get("size");
        assertEquals("64M", size.get("value").asText());
        assertTrue(size.get("writable").asBoolean(), size.toString());
        assertFalse(size.get("description").asText().isEmpty(), size.toString());
        assertTrue(fileio.get("attributes").get("filename").get("restart").asBoolean());
        assertTrue(fileio.get("actions").toString().contains("POST resize"));
        assertEquals(0, find(tree, "/api/v1/targets/" + TARGET + "/luns/2").get("children").size());
        Cli ls = admin("ls");
        assertEquals(0, ls.exit(), ls.out());
        assertTrue(ls.out().contains("busy  (device)") && ls.out().contains(TARGET + "  (target)"), ls.out());
    }

    static JsonNode find(JsonNode node, String path) {
        if (path.equals(node.path("path").asText())) {
            return node;
        }
        for (JsonNode c : node.path("children")) {
            JsonNode f = find(c, path);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    @Test
    @Order(3)
    void aDeviceAndLunAddedWhileQemuWritesAnotherLun_disturbNothing_andTheSessionLearnsOfThem() throws Exception {
        Path image = dir.resolve("payload.raw");
        byte[] data = new byte[48 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(image, data);
        try (Session watcher = open()) {
            Process qemu = new ProcessBuilder("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(),
                    daemon.url(TARGET, 0)).redirectErrorStream(true).start();
            CompletableFuture<String> qemuOut = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            Cli add = admin("device", "add", "added", "--handler", "vdisk_fileio", "filename=" + dir.resolve("added.img"),
                    "size=8M", "thin-provisioned=true");
            assertEquals(0, add.exit(), add.out());
            Cli lun = admin("lun", "add", TARGET, "3", "added");
            assertEquals(0, lun.exit(), lun.out());
            assertTrue(qemu.waitFor(120, TimeUnit.SECONDS), "qemu-img did not finish");
            assertEquals(0, qemu.exitValue(), qemuOut.get());
            Tools.Result same = Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(),
                    daemon.url(TARGET, 0)), 120);
            assertTrue(same.output().contains("Images are identical") || same.exit() == 0, same.output());
            assertTrue(lsLuns().contains("Lun:3"), "iscsi-ls shows the new LUN");
            // the session open across the change: REPORTED LUNS DATA HAS CHANGED (SPC-5 6.33)
            ScsiResult r = tur(watcher, 0);
            assertEquals("06/3F/0E", sense(r));
        }
    }

    @Test
    @Order(4)
    void aResizeIsSeenByReadCapacityAfterCapacityDataHasChanged() throws Exception {
        try (Session watcher = open()) {
            Cli resize = admin("device", "resize", "grow", "24M");
            assertEquals(0, resize.exit(), resize.out());
            assertEquals("06/2A/09", sense(tur(watcher, 1)));
            Tools.Result cap = Tools.run(List.of("iscsi-readcapacity16", "-i", HOST, daemon.url(TARGET, 1)), 60);
            assertTrue(cap.output().contains("RETURNED LOGICAL BLOCK ADDRESS:49151"), cap.output());
            assertEquals(24L << 20, Files.size(dir.resolve("grow.img")));
            assertTrue(Files.readString(daemon.configFile()).contains("grow"));
        }
    }

    @Test
    @Order(5)
    void aMappedDeviceIsRemovedOnlyWithForce_andTheOtherLunsCarryOn() throws Exception {
        String before = Files.readString(daemon.configFile());
        Cli refused = admin("device", "remove", "added");
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.out().contains("is mapped"), refused.out());
        assertEquals(before, Files.readString(daemon.configFile()), "a refused change writes nothing");
        try (Session s = open()) {
            // a command in flight on the device while it goes: a large read
            var task = s.start(s.connection(0), 3, Cdbs.read10(0, 8192), null, 8192 * 512);
            // the initiator keeps reading while the device goes (its data may be queued for the socket)
            CompletableFuture<ScsiResult> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.finish(task, T);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Cli forced = admin("device", "remove", "added", "--force");
            assertEquals(0, forced.exit(), forced.out());
            ScsiResult done = reading.get(30, TimeUnit.SECONDS);
            assertTrue(done.good() || done.status() == 0x02 || done.response() != 0 || done.status() == 0x40,
                    "the read finished or was aborted: " + done);
            assertEquals("06/3F/0E", sense(tur(s, 0)), "the LUN inventory changed");
            assertTrue(s.scsi(0, Cdbs.read10(0, 8), 8 * 512, T).good(), "LUN 0 carries on");
            assertTrue(ready(s, 2) && s.scsi(2, Cdbs.read10(0, 8), 8 * 512, T).good(), "LUN 2 carries on");
            assertEquals(0x05, tur(s, 3).senseKey(), "LUN 3 is gone: ILLEGAL REQUEST");
        }
        assertFalse(lsLuns().contains("Lun:3"));
    }

    @Test
    @Order(6)
    void badRequestsGetPreciseErrorsAndChangeNothing() throws Exception {
        String before = Files.readString(daemon.configFile());
        long revision = JSON.readTree(http("GET", "/api/v1", null).body()).get("revision").asLong();
        expect(400, "body", http("PUT", "/api/v1/devices/x", "{\"handler\": \"vdisk_nullio\", "));
        expect(422, "bogus", http("PUT", "/api/v1/devices/x", "{\"handler\": \"vdisk_nullio\", \"bogus\": 1}"));
        expect(422, "size", http("PUT", "/api/v1/devices/x", "{\"handler\": \"vdisk_nullio\", \"attributes\": {\"size\": true}}"));
        expect(422, "handler", http("PUT", "/api/v1/devices/x", "{\"handler\": \"vdisk_nope\"}"));
        expect(422, "vdisk_nullio", http("PUT", "/api/v1/devices/bad%20name!", "{\"handler\": \"vdisk_nullio\"}"));
        expect(400, "device", http("PUT", "/api/v1/devices/..%2F..%2Fetc", "{\"handler\": \"vdisk_nullio\"}"));
        expect(400, "lun", http("PUT", "/api/v1/targets/" + TARGET + "/luns/99999", "{\"device\": \"null0\"}"));
        expect(422, "read-only", http("PUT", "/api/v1/targets/" + TARGET + "/luns/5", "{\"device\": \"null0\", \"read-only\": \"yes\"}"));
        expect(422, "luns", http("PUT", "/api/v1/targets/" + TARGET + "/luns/5", "{\"device\": \"missing\"}"));
        expect(404, "", http("DELETE", "/api/v1/targets/" + TARGET + "/luns/77", null));
        expect(404, "", http("GET", "/api/v1/nothing/here", null));
        expect(405, "", http("DELETE", "/api/v1/tree", null));
        expect(413, "body", http("PUT", "/api/v1/devices/x", "{\"handler\": \"" + "x".repeat(5 << 20) + "\"}"));
        expect(409, "generation", request("PATCH", "/api/v1/devices/null0", "{\"attributes\": {\"read-only\": true}}",
                token("admin.token"), "If-Match", "\"999\""));
        assertEquals(before, Files.readString(daemon.configFile()));
        assertEquals(revision, JSON.readTree(http("GET", "/api/v1", null).body()).get("revision").asLong());
        assertTrue(daemon.alive());
    }

    void expect(int status, String field, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(status, body.get("status").asInt());
        assertFalse(body.get("error").asText().isEmpty());
        if (!field.isEmpty()) {
            assertTrue(body.toString().contains(field), "the answer names " + field + ": " + r.body());
        }
    }

    @Test
    @Order(7)
    void concurrentChangesWithTheSameGeneration_oneWinsTheOtherIs409() throws Exception {
        String gen = http("GET", "/api/v1/devices/null0", null).headers().firstValue("ETag").orElseThrow();
        List<CompletableFuture<HttpResponse<String>>> both = new ArrayList<>();
        for (String ro : List.of("true", "false")) {
            both.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return request("PATCH", "/api/v1/devices/null0", "{\"attributes\": {\"read-only\": " + ro + "}}",
                            token("admin.token"), "If-Match", gen);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        List<Integer> statuses = both.stream().map(f -> f.join().statusCode()).sorted().toList();
        assertEquals(List.of(200, 409), statuses);
        // the generation is the addressed object's own: a LUN read, then changed with its ETag
        String lun = "/api/v1/targets/" + TARGET + "/luns/2";
        String lunGen = http("GET", lun, null).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> same = request("PUT", lun, "{\"device\": \"null0\"}", token("admin.token"), "If-Match", lunGen);
        assertEquals(200, same.statusCode(), same.body());
        String resizeGen = http("GET", "/api/v1/devices/grow", null).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> stale = request("POST", "/api/v1/devices/grow/resize?dry-run=true", "{\"size\": \"24M\"}",
                token("admin.token"), "If-Match", "\"" + (Long.parseLong(resizeGen.replace("\"", "")) + 1) + "\"");
        assertEquals(409, stale.statusCode(), "an action checks the generation of the object it acts on: " + stale.body());
        http("PATCH", "/api/v1/devices/null0", "{\"attributes\": {\"read-only\": null}}");
    }

    @Test
    @Order(8)
    void applyingAFileThatChangesOneLun_leavesTheOtherSessionsConnected() throws Exception {
        try (Session a = open(); Session b = open()) {
            String running = admin("show-config").out();
            Path next = dir.resolve("next.conf");
            Files.writeString(next, running.replace("2 = \"null0\"", "2 = \"null0\"\n            4 = \"null0\""));
            Cli plan = admin("plan", "-c", next.toString());
            assertEquals(0, plan.exit(), plan.out());
            assertTrue(plan.out().contains("plan add") && plan.out().contains("luns/4"), plan.out());
            String before = sessionIds();
            Cli apply = admin("apply", "-c", next.toString());
            assertEquals(0, apply.exit(), apply.out());
            assertEquals(before, sessionIds(), "the same sessions, by identity, before and after");
            assertEquals("06/3F/0E", sense(tur(a, 0)), "session a is still connected and told");
            assertEquals("06/3F/0E", sense(tur(b, 0)), "session b is still connected and told");
            assertTrue(ready(a, 4), "the new LUN 4 is served to the open session");
        }
    }

    /** Every session's id, ISID and TSIH, sorted. */
    String sessionIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode s : JSON.readTree(http("GET", "/api/v1/sessions", null).body())) {
            ids.add(s.get("name").asText() + "/" + s.get("attributes").get("isid").get("value").asText() + "/"
                    + s.get("attributes").get("tsih").get("value").asText());
        }
        java.util.Collections.sort(ids);
        assertTrue(ids.size() >= 2, ids.toString());
        return ids.toString();
    }

    @Test
    @Order(9)
    void aRestartServesTheConfigurationThatRan() throws Exception {
        String running = admin("show-config").out().lines().filter(l -> !l.startsWith("#")).reduce("", (x, y) -> x + y + "\n");
        int exit = daemon.terminate();
        assertEquals(0, exit, daemon.log());
        daemon = Daemon.restart(daemon);
        String again = admin("show-config").out().lines().filter(l -> !l.startsWith("#")).reduce("", (x, y) -> x + y + "\n");
        assertEquals(running, again);
        assertTrue(lsLuns().contains("Lun:4"));
        assertNotEquals(0, Files.list(dir).filter(p -> p.getFileName().toString().startsWith("scstj.conf.")).count());
    }

    @Test
    @Order(10)
    void everyDocumentedRouteIsServed() throws Exception {
        JsonNode doc = JSON.readTree(http("GET", "/api/v1/openapi.json", null).body());
        int checked = 0;
        for (var paths = doc.get("paths").properties().iterator(); paths.hasNext(); ) {
            var p = paths.next();
            for (var methods = p.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                String path = p.getKey().replace("{device}", "no-such-device").replace("{target}", "iqn.2026-12.org.nowhere:t")
                        .replace("{lun}", "9").replace("{group}", "g").replace("{initiator}", "iqn.x:y")
                        .replace("{handler}", "vdisk_nullio").replace("{portal}", "127.0.0.9:9").replace("{session}", "0-0")
                        .replace("{path}", "no-such-actor/child").replace("{tpg}", "1");
                if (method.equals("POST") && path.startsWith("/api/v1/config/")) {
                    continue; // plan/apply/write take a whole configuration: exercised above
                }
                if (path.startsWith("/api/v1/events/")) {
                    continue; // an endless stream of events: DashboardServerTest and DashboardTest read it
                }
                HttpResponse<String> r = request(method, path + (method.equals("GET") ? "" : "?dry-run=true"),
                        method.equals("GET") || method.equals("DELETE") ? null : "{}", token("readonly.token"));
                assertNotEquals(405, r.statusCode(), method + " " + path + ": " + r.body());
                assertFalse(r.body().contains("no such resource"), method + " " + path + ": " + r.body());
                checked++;
            }
        }
        assertTrue(checked > 40, "routes checked: " + checked);
    }

    @Test
    @Order(11)
    void sessionsAreListedClosedAndAskedToLogOut() throws Exception {
        try (Session a = open(); Session b = open()) {
            Cli list = admin("session", "list");
            assertEquals(0, list.exit(), list.out());
            assertTrue(list.out().contains(HOST), list.out());
            JsonNode sessions = JSON.readTree(http("GET", "/api/v1/sessions", null).body());
            String idA = null;
            String idB = null;
            for (JsonNode s : sessions) {
                JsonNode attrs = s.get("attributes");
                int tsih = attrs.get("tsih").get("value").asInt();
                if (tsih != a.tsih() && tsih != b.tsih()) {
                    continue;
                }
                assertEquals(HOST, attrs.get("initiator-name").get("value").asText());
                assertEquals(TARGET, attrs.get("target").get("value").asText());
                assertTrue(attrs.get("commands").get("value").asLong() >= 5, attrs.toString());
                assertTrue(s.get("children").get(0).get("attributes").get("peer-address").get("value").asText()
                        .startsWith("127.0.0.1:"));
                if (tsih == a.tsih()) {
                    idA = s.get("name").asText();
                } else {
                    idB = s.get("name").asText();
                }
            }
            assertNotNull(idA, "session a is listed by its TSIH");
            Cli logout = admin("session", "logout", idA);
            assertEquals(0, logout.exit(), logout.out());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (a.asyncMessages().isEmpty() && System.nanoTime() < deadline) {
                a.ping(a.connection(0), new byte[0], T); // reads what the target sent meanwhile
            }
            assertFalse(a.asyncMessages().isEmpty(), "AsyncEvent 1 reached session a");
            Cli close = admin("session", "close", idA);
            assertEquals(0, close.exit(), close.out());
            assertTrue(tur(b, 0).good() || tur(b, 0).good(), "session b carries on");
            String left = http("GET", "/api/v1/sessions", null).body();
            assertFalse(left.contains("\"" + idA + "\""), left);
            assertTrue(left.contains("\"" + idB + "\""), left);
        }
    }

    @Test
    @Order(12)
    void theInteractiveShellRunsEveryCommand() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process shell = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.scstj.mgmt.Main",
                "admin", "--state-dir", state().toString(), "shell").redirectErrorStream(true).start();
        try (var in = shell.getOutputStream()) {
            in.write(("get devices/busy size\ndevice add viashell --handler vdisk_nullio size=1G\nls devices/viashell"
                    + "\nexit\n").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(shell.waitFor(60, TimeUnit.SECONDS), "the shell did not end at 'exit'");
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, shell.exitValue(), out);
        assertTrue(out.contains("64M"), out);
        assertTrue(out.contains("done add") && out.contains("viashell  (device)"), out);
        assertEquals(200, http("GET", "/api/v1/devices/viashell", null).statusCode());
    }

    Tools.Result inq(String initiator, String auth, String target, int lun) throws IOException {
        return Tools.run(List.of("iscsi-inq", "-i", initiator, "iscsi://" + auth + "127.0.0.1:" + daemon.port + "/" + target
                + "/" + lun), 60);
    }

    @Test
    @Order(13)
    void targetsGroupsInitiatorsChapPortalsAndLiveAttributes_changeWhileServing() throws Exception {
        String other = "iqn.2026-12.org.scstj:other";
        // a new target with a LUN, then disabled (its session closed, logins refused) and enabled again
        assertEquals(0, admin("target", "add", other, "--lun", "0=null0").exit());
        assertTrue(inq(HOST, "", other, 0).exit() == 0, "the new target serves");
        try (Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), LoginSpec.normal(HOST, other), T)) {
            Cli disable = admin("target", "disable", other);
            assertEquals(0, disable.exit(), disable.out());
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 3; i++) {
                    tur(s, 0);
                }
            }, "the disabled target's session is closed");
        }
        assertNotEquals(0, inq(HOST, "", other, 0).exit(), "a disabled target refuses logins");
        assertEquals(0, admin("target", "enable", other).exit());
        assertEquals(0, inq(HOST, "", other, 0).exit());

        // CHAP for new logins
        String secret = "admin-set-secret-1234";
        HttpResponse<String> auth = http("PUT", "/api/v1/targets/" + other + "/auth",
                "{\"chap\": {\"user\": \"carol\", \"secret\": \"" + secret + "\"}}");
        assertEquals(200, auth.statusCode(), auth.body());
        assertNotEquals(0, inq(HOST, "", other, 0).exit(), "without credentials: refused");
        assertEquals(0, inq(HOST, "carol%" + secret + "@", other, 0).exit(), "with them: served");
        assertFalse(http("GET", "/api/v1/targets/" + other, null).body().contains(secret), "the secret is never shown");

        // a group, an initiator moved into it: the session sees the group's LUNs and is told
        try (Session s = open()) {
            assertEquals(0, admin("group", "add", TARGET, "special", "--initiator", "iqn.2026-12.org.example:nobody").exit());
            HttpResponse<String> lun = http("PUT", "/api/v1/targets/" + TARGET + "/groups/special/luns/0",
                    "{\"device\": \"null0\", \"read-only\": true}");
            assertEquals(200, lun.statusCode(), lun.body());
            Cli add = admin("initiator", "add", TARGET, "special", HOST);
            assertEquals(0, add.exit(), add.out());
            assertEquals("06/3F/0E", sense(tur(s, 0)));
            ScsiResult write = s.scsiWrite(0, Cdbs.write10(0, 1), new byte[512], T);
            assertEquals("07/27/00", sense(write), "the group maps null0 read-only as LUN 0");
            Cli remove = admin("initiator", "remove", TARGET, "special", HOST);
            assertEquals(0, remove.exit(), remove.out());
            assertEquals("06/3F/0E", sense(tur(s, 0)));
            assertEquals(0, admin("group", "remove", TARGET, "special").exit());
        }

        // a live attribute: read-only on a device, MODE PARAMETERS CHANGED first
        try (Session s = open()) {
            Cli ro = admin("set", "devices/null0", "read-only=true");
            assertEquals(0, ro.exit(), ro.out());
            assertEquals("06/2A/01", sense(tur(s, 2)));
            assertEquals("07/27/00", sense(s.scsiWrite(2, Cdbs.write10(0, 1), new byte[512], T)));
            assertEquals(0, admin("set", "devices/null0", "read-only=false").exit());
            assertEquals("06/2A/01", sense(tur(s, 2)));
            assertTrue(s.scsiWrite(2, Cdbs.write10(0, 1), new byte[512], T).good());
        }

        // a portal added on 127.0.0.2 serves logins; removed, it does not
        int port = Daemon.freePort();
        String portal = "127.0.0.2:" + port;
        Cli add = admin("portal", "add", portal);
        assertEquals(0, add.exit(), add.out());
        Tools.Result there = Tools.run(List.of("iscsi-inq", "-i", HOST, "iscsi://" + portal + "/" + TARGET + "/0"), 60);
        assertEquals(0, there.exit(), there.output());
        assertEquals(0, admin("portal", "remove", portal).exit());
        assertNotEquals(0, Tools.run(List.of("iscsi-inq", "-i", HOST, "iscsi://" + portal + "/" + TARGET + "/0"), 60).exit());

        assertEquals(0, admin("target", "remove", other).exit());
        assertFalse(lsLuns().contains(other));
    }

    /**
     * A vcdrom drive added and mapped while serving; its disc swapped and ejected from the CLI: the
     * session gets 28/00 and reads the new disc, a swap while it prevents removal is 409 until
     * forced, an eject leaves MEDIUM NOT PRESENT and is written to the file; a disk has no disc.
     */
    @Test
    @Order(14)
    void aCdDriveIsAddedAndItsDiscSwappedAndEjected_live() throws Exception {
        Path a = dir.resolve("a.iso");
        Path b = dir.resolve("b.iso");
        Files.write(a, filled(16, (byte) 0xA1));
        Files.write(b, filled(32, (byte) 0xB2));
        Cli add = admin("device", "add", "cd", "--handler", "vcdrom", "image=" + a);
        assertEquals(0, add.exit(), add.out());
        assertEquals(0, admin("lun", "add", TARGET, "3", "cd").exit());
        try (Session s = open()) {
            assertEquals((byte) 0xA1, s.scsi(3, Cdbs.read10(0, 1), 2048, T).data()[0]);
            assertTrue(s.scsi(3, new byte[] {0x1E, 0, 0, 0, 1, 0}, 0, T).good(), "PREVENT");
            Cli refused = admin("device", "load", "cd", b.toString());
            assertNotEquals(0, refused.exit(), refused.out());
            assertTrue(refused.out().contains("409") || refused.out().contains("prevented"), refused.out());
            assertEquals((byte) 0xA1, s.scsi(3, Cdbs.read10(0, 1), 2048, T).data()[0], "the old disc is still in");
            Cli forced = admin("device", "load", "cd", b.toString(), "--force");
            assertEquals(0, forced.exit(), forced.out());
            assertEquals("06/28/00", sense(tur(s, 3)));
            assertEquals((byte) 0xB2, s.scsi(3, Cdbs.read10(31, 1), 2048, T).data()[0]);
            assertTrue(Files.readString(daemon.configFile()).contains(b.toString()));

            Cli disk = admin("device", "eject", "busy");
            assertNotEquals(0, disk.exit(), disk.out());
            assertTrue(disk.out().contains("no removable medium"), disk.out());

            assertTrue(s.scsi(3, new byte[] {0x1E, 0, 0, 0, 0, 0}, 0, T).good(), "ALLOW");
            Cli eject = admin("device", "eject", "cd");
            assertEquals(0, eject.exit(), eject.out());
            assertEquals("02/3A/01", sense(tur(s, 3)));
            JsonNode cd = JSON.readTree(http("GET", "/api/v1/devices/cd", null).body());
            assertEquals(false, cd.at("/attributes/medium-present/value").asBoolean(true), cd.toString());
            assertFalse(Files.readString(daemon.configFile()).contains(b.toString()));
        }
        assertEquals(0, admin("lun", "remove", TARGET, "3").exit());
        assertEquals(0, admin("device", "remove", "cd").exit());
    }

    private static byte[] filled(int blocks, byte value) {
        byte[] d = new byte[blocks * 2048];
        java.util.Arrays.fill(d, value);
        return d;
    }
}
