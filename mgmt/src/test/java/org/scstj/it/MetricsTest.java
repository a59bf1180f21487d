package org.scstj.it;

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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} of the real daemon (docs/metrics.md): scraped before and after known I/O
 * from the project's initiator while libiscsi's iscsi-perf loads another LUN, every counter's
 * change equals what the clients did; the token rules, and {@code metrics-public}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class MetricsTest {
    static final String TARGET = "iqn.2026-12.org.scstj:metrics";
    static final String HOST = "iqn.2026-12.org.example:metrics-host";
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
                targets { "iqn.2026-12.org.scstj:metrics" { luns { 0 = disk0, 1 = null0 } } }
              }
            }
            """;
    static final Duration T = Duration.ofSeconds(20);
    /** SAM-5 7.7 LOGICAL UNIT RESET in iSCSI's numbering (RFC 7143 11.5.1); response 0: function complete. */
    static final int LOGICAL_UNIT_RESET = 5;

    @TempDir
    static Path dir;
    private Daemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-perf", "libiscsi-bin");
        Tools.require("iscsi-readcapacity16", "libiscsi-bin");
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private String token(String name) throws IOException {
        return Files.readString(dir.resolve("state").resolve("admin").resolve(name)).trim();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        String url = Files.readString(dir.resolve("state").resolve("admin").resolve("url")).trim();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One scrape: every series with its labels and value. */
    record Scrape(List<Series> series, String text) {
        record Series(String name, Map<String, String> labels, double value) {
        }

        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Scrape parse(String text) {
            List<Series> out = new java.util.ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a Prometheus text line: " + line);
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                out.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
            return new Scrape(out, text);
        }

        /** The sum of the series named so whose labels include {@code pairs} ("k", "v", ...); 0 when none. */
        double sum(String name, String... pairs) {
            double total = 0;
            for (Series s : series) {
                if (!s.name().equals(name)) {
                    continue;
                }
                boolean match = true;
                for (int i = 0; i < pairs.length && match; i += 2) {
                    match = pairs[i + 1].equals(s.labels().get(pairs[i]));
                }
                if (match) {
                    total += s.value();
                }
            }
            return total;
        }

        boolean has(String name) {
            return series.stream().anyMatch(s -> s.name().equals(name));
        }
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> r = get("/metrics", token("readonly.token"));
        assertEquals(200, r.statusCode(), r.body());
        return Scrape.parse(r.body());
    }

    @Test
    @Order(1)
    void metrics_needAToken_theReadOnlyOneSuffices_textFormat004() throws Exception {
        HttpResponse<String> none = get("/metrics", null);
        assertEquals(401, none.statusCode(), none.body());
        assertEquals(401, get("/metrics", "not-a-token").statusCode());
        HttpResponse<String> ro = get("/metrics", token("readonly.token"));
        assertEquals(200, ro.statusCode(), ro.body());
        String type = ro.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        assertEquals(200, get("/metrics", token("admin.token")).statusCode());
        Scrape s = Scrape.parse(ro.body());
        for (String name : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
                "jvm_classes_loaded_classes", "scstj_config_generation", "scstj_iscsi_sessions",
                "scstj_iscsi_connections", "scstj_iscsi_logins_total", "scstj_iscsi_digest_errors_total",
                "scstj_iscsi_nop_timeouts_total", "scstj_device_capacity_bytes",
                "scstj_scsi_command_duration_seconds_bucket", "scstj_backend_io_duration_seconds_count")) {
            assertTrue(s.has(name), name + " missing from\n" + ro.body());
        }
        assertEquals(16.0 * 1024 * 1024, s.sum("scstj_device_capacity_bytes", "device", "disk0"));
        assertEquals(1024.0 * 1024 * 1024, s.sum("scstj_device_capacity_bytes", "device", "null0"));
    }

    @Test
    @Order(2)
    void countersMatchWhatTheClientsDid_underLoad() throws Exception {
        Scrape before = scrape();
        // load on LUN 1: iscsi-perf reads 8 blocks per command, 4 at a time, for 3 s
        CompletableFuture<Tools.Result> perf = CompletableFuture.supplyAsync(() -> Tools.run(List.of("iscsi-perf",
                "-t", "3", "-m", "4", "-b", "8", daemon.url(TARGET, 1)), 60));
        int reads = 7;
        int readBlocks = 8;
        int writes = 5;
        int writeBlocks = 4;
        try (Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), LoginSpec.normal(HOST, TARGET), T)) {
            // a new nexus's first command: CHECK CONDITION, UNIT ATTENTION, POWER ON OCCURRED (06/29/00)
            ScsiResult first = s.scsi(0, new byte[6], 0, T);
            assertEquals(2, first.status(), "the power-on unit attention");
            for (int i = 0; i < reads; i++) {
                assertTrue(s.scsi(0, Cdbs.read10(i * readBlocks, readBlocks), readBlocks * 512, T).good());
            }
            for (int i = 0; i < writes; i++) {
                assertTrue(s.scsiWrite(0, Cdbs.write10(i * writeBlocks, writeBlocks), new byte[writeBlocks * 512], T)
                        .good());
            }
            assertEquals(0, s.taskManagement(s.connection(0), LOGICAL_UNIT_RESET, 0, -1, 0, 0, T),
                    "LOGICAL UNIT RESET: function complete");
            // the reset left BUS DEVICE RESET FUNCTION OCCURRED (29/03) for this nexus, the only one of disk0
            assertEquals(1.0, scrape().sum("scstj_unit_attentions_pending", "device", "disk0"));
            s.logout(T);
        }
        Tools.Result capacity = Tools.run(List.of("iscsi-readcapacity16", daemon.url(TARGET, 1)), 60);
        assertEquals(0, capacity.exit(), capacity.output());
        Tools.Result load = perf.get(90, TimeUnit.SECONDS);
        assertEquals(0, load.exit(), load.output());
        Scrape after = awaitIdle();

        String[] lun0 = {"target", TARGET, "lun", "0", "device", "disk0"};
        assertEquals(reads, delta(before, after, "scstj_scsi_commands_total", lun0, "op", "read"));
        assertEquals(writes, delta(before, after, "scstj_scsi_commands_total", lun0, "op", "write"));
        assertEquals(1, delta(before, after, "scstj_scsi_commands_total", lun0, "op", "other"), "the TEST UNIT READY");
        assertEquals((double) reads * readBlocks * 512, delta(before, after, "scstj_scsi_bytes_total", lun0, "direction", "in"));
        assertEquals((double) reads * readBlocks * 512,
                delta(before, after, "scstj_scsi_bytes_total", lun0, "op", "read", "direction", "in"));
        assertEquals((double) writes * writeBlocks * 512,
                delta(before, after, "scstj_scsi_bytes_total", lun0, "direction", "out"));
        assertEquals(1, delta(before, after, "scstj_scsi_check_conditions_total",
                new String[]{"device", "disk0"}, "sense_key", "0x6", "asc", "0x29"));
        assertEquals(1, delta(before, after, "scstj_task_management_total",
                new String[]{}, "function", "logical_unit_reset", "response", "function_complete"));

        // the load: every read counted once with its 8 blocks, and the histograms saw every command
        String[] lun1 = {"target", TARGET, "lun", "1", "device", "null0"};
        double perfReads = delta(before, after, "scstj_scsi_commands_total", lun1, "op", "read");
        assertTrue(perfReads > 100, "iscsi-perf's reads: " + perfReads + "\n" + load.output());
        assertEquals(perfReads * 8 * 512,
                delta(before, after, "scstj_scsi_bytes_total", lun1, "op", "read", "direction", "in"));
        assertEquals(0, delta(before, after, "scstj_scsi_bytes_total", lun1, "direction", "out"));
        for (String op : List.of("read", "write", "other")) {
            assertEquals(delta(before, after, "scstj_scsi_commands_total", new String[]{}, "op", op),
                    delta(before, after, "scstj_scsi_command_duration_seconds_count", new String[]{}, "op", op),
                    "commands timed = commands counted, " + op);
        }
        assertEquals(reads + perfReads,
                delta(before, after, "scstj_backend_io_duration_seconds_count", new String[]{}, "op", "read"));
        assertEquals(writes,
                delta(before, after, "scstj_backend_io_duration_seconds_count", new String[]{}, "op", "write"));

        // three normal logins: this test's session, iscsi-perf, iscsi-readcapacity16; all gone now
        assertEquals(3, delta(before, after, "scstj_iscsi_logins_total", new String[]{}, "result", "success"));
        assertEquals(0, delta(before, after, "scstj_iscsi_logins_total", new String[]{}, "result", "not_found"));
        assertEquals(0, after.sum("scstj_scsi_commands_in_flight"));
        assertEquals(0, after.sum("scstj_iscsi_sessions"));
        assertEquals(0, after.sum("scstj_iscsi_digest_errors_total"));
        assertEquals(0, after.sum("scstj_backend_errors_total"));
    }

    @Test
    @Order(3)
    void refusedLogin_countedByItsOutcome() throws Exception {
        Scrape before = scrape();
        Tools.Result r = Tools.run(List.of("iscsi-readcapacity16",
                "iscsi://127.0.0.1:" + daemon.port + "/iqn.2026-12.org.scstj:nobody/0"), 60);
        assertTrue(r.exit() != 0, r.output());
        Scrape after = scrape();
        assertEquals(1, delta(before, after, "scstj_iscsi_logins_total", new String[]{}, "result", "not_found"));
        assertEquals(0, delta(before, after, "scstj_iscsi_logins_total", new String[]{}, "result", "success"));
    }

    @Test
    @Order(4)
    void metricsPublic_servesMetricsWithoutAToken_andNothingElse() throws Exception {
        daemon.stopCleanly();
        Files.writeString(daemon.configFile(), Files.readString(daemon.configFile())
                + "\nscstj.admin.metrics-public = true\n");
        daemon = Daemon.restart(daemon);
        HttpResponse<String> open = get("/metrics", null);
        assertEquals(200, open.statusCode(), open.body());
        assertTrue(open.body().contains("scstj_iscsi_sessions"), open.body());
        assertEquals(401, get("/api/v1/tree", null).statusCode(), "only /metrics is public");
        assertEquals(401, get("/api/v1/config", null).statusCode());
    }

    /** A scrape once the sessions closed (a logout's end is asynchronous on the target's side). */
    private Scrape awaitIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Scrape s = scrape();
        while (s.sum("scstj_iscsi_sessions") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = scrape();
        }
        return s;
    }

    private static double delta(Scrape before, Scrape after, String name, String[] base, String... more) {
        String[] pairs = new String[base.length + more.length];
        System.arraycopy(base, 0, pairs, 0, base.length);
        System.arraycopy(more, 0, pairs, base.length, more.length);
        return after.sum(name, pairs) - before.sum(name, pairs);
    }
}
