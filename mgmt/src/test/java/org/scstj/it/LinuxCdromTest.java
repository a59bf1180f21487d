package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's own CD-ROM stack against scstj's virtual CD/DVD ({@code vcdrom}): the guest of
 * {@link LinuxInitiatorTest} (a Debian kernel under QEMU, {@link LinuxGuest}) logs in with
 * iscsi_tcp, and Linux's {@code sr} driver (with the {@code cdrom} layer) and {@code isofs} use
 * the LU as a real drive:
 * <ol>
 * <li>sr attaches it as {@code srN}: peripheral device type 5, removable, 2048-byte logical
 * blocks, and a capacity (sysfs {@code size}) that is exactly the ISO image's;</li>
 * <li>the guest mounts the medium ({@code -t iso9660 -o ro}) and checks the sha256 of the file the
 * host put in the first image (the host builds two images with genisoimage, each holding one file
 * of different random contents and size);</li>
 * <li>while the medium is mounted the cdrom layer has locked the door (PREVENT ALLOW MEDIUM REMOVAL):
 * the host's load of the second image without {@code force} must answer 409 and leave the medium
 * as it was, and the guest reads the file back unchanged with cold caches;</li>
 * <li>it unmounts (the cdrom layer then allows medium removal again) and asks the host to change
 * the medium: the host loads the second image through the admin API ({@code POST
 * /api/v1/devices/cd1/load}, which must answer 200 without {@code force}) while the session stays
 * logged in. The guest mounts again and must read the second image's file, with its checksum and
 * the second image's capacity, and no longer the first file: sr has to notice the media change by
 * itself (unit attention / GET EVENT STATUS NOTIFICATION on its next open), nothing in the guest
 * tells it;</li>
 * <li>{@code eject -r} (util-linux, the CD-ROM ioctl only: sr's START STOP UNIT with LoEj) opens
 * the tray and the drive is empty: the admin API shows no medium present and the tray open at that
 * moment (the disc stays in the open tray, as in a real drive), and with the cdrom layer's
 * autoclose off the guest's next open for data fails with "No medium found" and mounting fails;</li>
 * <li>with autoclose on (Linux's default) the next open closes the tray (START STOP UNIT with
 * LoEj and Start) and the second image's file reads again;</li>
 * <li>the host empties the drive through the admin API ({@code POST /api/v1/devices/cd1/eject}):
 * no image, tray closed, and the guest's open for data fails with "No medium found" again.</li>
 * </ol>
 * The guest talks to the host through an HTTP server of this test on 127.0.0.1 (the guest's
 * 10.0.2.2), which also sequences the swap: the guest cannot go on before the host has loaded the
 * new image. The guest's verdict is one line on its serial console carrying what it saw as
 * {@code key=value}; the test checks each figure against the images it built.
 *
 * <p>No command may time out: the guest fails if Linux's SCSI error handler aborted a command or
 * reset the drive (its retry would otherwise hide a command the target never answered).
 *
 * <p>The daemon must still be running after the guest, log no ERROR and no exception (nor a task
 * management function: a guest's abort or reset), show the
 * device empty after the guest has finished, stop with exit status 0 on SIGTERM and report no
 * Netty buffer leak.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxCdromTest {
    static final String TARGET = "iqn.2026-11.org.scstj:cdrom";
    static final String INITIATOR = "iqn.2026-11.org.scstj:linux-guest";
    static final int TPGT = 1;
    static final String DEVICE = "cd1";

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vcdrom {
                  cd1 { image = "@DIR@/a.iso" }
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:cdrom" { luns { 0 = cd1 } }
                }
              }
            }
            """;

    /** Whole guest run, from QEMU's start to its exit, at most. */
    static final long GUEST_TIMEOUT_SECONDS = 240;
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 200;

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One ISO image: where it is, the one file it holds (name and sha256), its size in bytes. */
    record Medium(Path iso, String file, String sha256, long bytes) {
        /** The guest's view of it: {@code NAME SHA256 ISO_BYTES}. */
        String line() {
            return file + " " + sha256 + " " + bytes;
        }
    }

    @Test
    void linuxSr_mountsTheIso_noticesTheMediaChange_ejectEmptiesTheDrive() throws Exception {
        assertLinuxCdrom(dir, TEMPLATE, "image", daemon -> { }, "LinuxCdromTest");
    }

    /**
     * The guest run above against the CD/DVD LU {@code cd1} of the daemon {@code template}
     * configures (the images {@code @DIR@/a.iso} and {@code b.iso}, built here), whose disc the
     * admin API names in attribute {@code attribute}; {@code ready} waits until the daemon serves
     * the disc. Shared by the built-in {@code vcdrom} and a handler's cdrom ({@link LinuxUserCdromTest}).
     * Returns the daemon's log.
     */
    static String assertLinuxCdrom(Path dir, String template, String attribute, DaemonReady ready, String label)
            throws Exception {
        LinuxGuest.requireTools();
        Tools.require("genisoimage", "genisoimage");
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
        Random random = new Random();
        // different sizes, none a multiple of 2048, so that capacity and contents both tell the images apart
        Medium a = iso(dir, "a", "first-" + Long.toHexString(random.nextLong()) + ".bin", (1 << 20) + 1234, random);
        Medium b = iso(dir, "b", "second-" + Long.toHexString(random.nextLong()) + ".bin", (3 << 20) + 777, random);

        LinuxGuest.GuestRun run;
        boolean aliveAfterGuest;
        String after;
        int exit;
        Daemon daemon = Daemon.start(dir, template);
        MediaHost host = null;
        try {
            ready.await(daemon);
            host = MediaHost.start(new Admin(dir.resolve("state"), attribute, label), a, b);
            run = LinuxGuest.boot(guest, dir, List.of("scstj.mode=cdrom", "scstj.port=" + daemon.port,
                    "scstj.target=" + TARGET, "scstj.tpgt=" + TPGT, "scstj.initiator=" + INITIATOR,
                    "scstj.hport=" + host.port(), "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
            aliveAfterGuest = daemon.alive();
            after = aliveAfterGuest ? host.admin.medium() : "(daemon gone)";
        } finally {
            if (host != null) {
                host.close();
            }
            exit = daemon.terminate();
        }
        String log = daemon.log();
        System.out.println(label + ": " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        System.out.println(label + ": admin calls " + host.calls);
        // what the guest said (the kernel is quiet unless the guest failed)
        run.console().lines().filter(l -> l.startsWith("scstj-guest:") || l.startsWith("eject:") || l.startsWith("dd:")
                || l.startsWith("mount:")).forEach(l -> System.out.println(label + ": guest: " + l));
        String context = run.marker() + "\n--- admin calls ---\n" + String.join("\n", host.calls)
                + "\n--- console ---\n" + run.console();
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"), "guest verdict: " + context + "\n--- daemon ---\n" + log);
        Map<String, String> verdict = LinuxGuest.fields(run.marker());
        assertEquals("cdrom", verdict.get("mode"), context);
        // sr's view of the LU: INQUIRY's peripheral device type 5 with RMB, READ CAPACITY's 2048-byte
        // blocks and block count matching the image, before and after the media change
        assertEquals("5", verdict.get("type"), context);
        assertEquals("1", verdict.get("removable"), context);
        assertEquals("2048", verdict.get("block"), context);
        assertEquals("2048", verdict.get("block2"), context);
        assertEquals(Long.toString(a.bytes()), verdict.get("bytes"), "capacity of the first medium; " + context);
        assertEquals(Long.toString(b.bytes()), verdict.get("bytes2"), "capacity after the media change; " + context);
        assertEquals(a.file(), verdict.get("file"), context);
        assertEquals(b.file(), verdict.get("file2"), context);
        // the host side of the swap and the eject
        String inA = "image=" + a.iso().getFileName() + ",present=true,tray=closed";
        String inB = "image=" + b.iso().getFileName() + ",present=true,tray=closed";
        String empty = "image=none,present=false,tray=closed";
        assertEquals("409_" + inA, verdict.get("locked"),
                "a load without force while Linux holds the medium (409, medium unchanged); " + context);
        assertEquals("200", host.loadStatus, "admin load of the second image; " + context);
        assertEquals(inB, host.afterLoad, "the device's medium after the load; " + context);
        assertEquals("image=" + b.iso().getFileName() + ",present=false,tray=open", verdict.get("ejected"),
                "the device right after the guest's eject: tray open, the disc in it; " + context);
        assertEquals("1", verdict.get("nomedium"), context);
        assertEquals("1", verdict.get("reclosed"), context);
        assertEquals(empty, verdict.get("emptied"), "the device after the admin eject; " + context);
        assertEquals("1", verdict.get("nomedium2"), context);
        assertEquals(empty, after, "the device's medium after the guest; " + context);

        assertTrue(aliveAfterGuest, "the daemon died during the guest's run:\n" + log);
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(List.of(), log.lines().filter(l -> l.contains("TaskManagement")).toList(),
                "the guest's error handler reset or aborted (a command was not answered in time):\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
        return log;
    }

    /** Waits until a started daemon serves the disc (or fails). */
    interface DaemonReady {
        void await(Daemon daemon) throws Exception;
    }

    /** An ISO 9660 image (Rock Ridge, Joliet) {@code NAME.iso} holding one file of random bytes. */
    private static Medium iso(Path dir, String name, String file, int size, Random random) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + name));
        byte[] data = new byte[size];
        random.nextBytes(data);
        Files.write(src.resolve(file), data);
        Path iso = dir.resolve(name + ".iso");
        Tools.Result r = Tools.run(List.of("genisoimage", "-quiet", "-r", "-J", "-V", "SCSTJ_" + name.toUpperCase(),
                "-o", iso.toString(), src.toString()), 60);
        assertEquals(0, r.exit(), "genisoimage: " + r.output());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        long bytes = Files.size(iso);
        assertEquals(0, bytes % 2048, "an ISO image is whole 2048-byte sectors");
        return new Medium(iso, file, sha, bytes);
    }

    /** The daemon's admin API (its URL and admin token from the state directory), for the device under test. */
    static final class Admin {
        private final Path state;
        /** The device's attribute naming its disc: a vcdrom's {@code image}, a user cdrom's {@code medium}. */
        private final String attribute;
        private final String label;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Admin(Path state, String attribute, String label) {
            this.state = state;
            this.attribute = attribute;
            this.label = label;
        }

        HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
            long start = System.nanoTime();
            try {
                return send(method, path, body);
            } finally {
                System.out.println(label + ": admin " + method + " " + path + ": "
                        + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            }
        }

        private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            String url = Files.readString(state.resolve("admin").resolve("url")).trim();
            String token = Files.readString(state.resolve("admin").resolve("admin.token")).trim();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        /**
         * The device's medium as the admin API shows it, in one word:
         * {@code image=FILE_NAME|none,present=true|false,tray=open|closed} (the {@code image},
         * {@code medium-present} and {@code tray-open} attributes).
         */
        String medium() throws IOException, InterruptedException {
            HttpResponse<String> r = call("GET", "/api/v1/devices/" + DEVICE, null);
            if (r.statusCode() != 200) {
                return "GET-" + r.statusCode() + ":" + r.body().replaceAll("\\s+", "_");
            }
            JsonNode attributes = JSON.readTree(r.body()).path("attributes");
            JsonNode image = attributes.path(attribute).path("value");
            String name = image.isTextual() && !image.asText().isEmpty() ? Path.of(image.asText()).getFileName().toString()
                    : "none";
            JsonNode present = attributes.path("medium-present").path("value");
            JsonNode open = attributes.path("tray-open").path("value");
            return "image=" + name + ",present=" + (present.isBoolean() ? present.asText() : "?")
                    + ",tray=" + (open.isBoolean() ? (open.asBoolean() ? "open" : "closed") : "?");
        }
    }

    /**
     * The host end of the guest's requests, on 127.0.0.1 (the guest's 10.0.2.2):
     * {@code GET /cd/medium?n=1} names the first medium; {@code GET /cd/swap} loads the second image
     * through the admin API and names it; {@code GET /cd/ejected} reports the device's medium as the
     * admin API shows it. Each answer is sent only once the host has done its part.
     */
    static final class MediaHost implements AutoCloseable {
        private final HttpServer server;
        final Admin admin;
        private final Medium first;
        private final Medium second;
        /** Every admin call made, with its answer, for the failure messages. */
        final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile String loadStatus = "(not asked)";
        volatile String afterLoad = "(not asked)";

        private MediaHost(HttpServer server, Admin admin, Medium first, Medium second) {
            this.server = server;
            this.admin = admin;
            this.first = first;
            this.second = second;
        }

        static MediaHost start(Admin admin, Medium first, Medium second) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            MediaHost host = new MediaHost(server, admin, first, second);
            server.createContext("/cd/medium", e -> host.answer(e, () -> first.line()));
            server.createContext("/cd/locked", e -> host.answer(e, host::loadWhileLocked));
            server.createContext("/cd/swap", e -> host.answer(e, host::swap));
            server.createContext("/cd/state", e -> host.answer(e, host::state));
            server.createContext("/cd/empty", e -> host.answer(e, host::empty));
            server.start();
            return host;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private String swap() throws Exception {
            String body = JSON.writeValueAsString(Map.of("image", second.iso().toString()));
            HttpResponse<String> r = admin.call("POST", "/api/v1/devices/" + DEVICE + "/load", body);
            loadStatus = Integer.toString(r.statusCode());
            calls.add("POST load " + body + " -> " + r.statusCode() + " " + r.body().strip());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("admin load answered " + r.statusCode() + ": " + r.body().strip());
            }
            afterLoad = admin.medium();
            calls.add("GET device after load -> " + afterLoad);
            return second.line();
        }

        /** A load without force while the guest has the medium mounted: {@code STATUS image=NAME}. */
        private String loadWhileLocked() throws Exception {
            String body = JSON.writeValueAsString(Map.of("image", second.iso().toString()));
            HttpResponse<String> r = admin.call("POST", "/api/v1/devices/" + DEVICE + "/load", body);
            calls.add("POST load (medium mounted) " + body + " -> " + r.statusCode() + " " + r.body().strip());
            String medium = admin.medium();
            calls.add("GET device after the refused load -> " + medium);
            return r.statusCode() + " " + medium;
        }

        private String state() throws Exception {
            String medium = admin.medium();
            calls.add("GET device (guest ejected) -> " + medium);
            return medium;
        }

        /** The operator empties the drive; answers with the device's medium afterwards. */
        private String empty() throws Exception {
            HttpResponse<String> r = admin.call("POST", "/api/v1/devices/" + DEVICE + "/eject", "{}");
            calls.add("POST eject {} -> " + r.statusCode() + " " + r.body().strip());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("admin eject answered " + r.statusCode() + ": " + r.body().strip());
            }
            String medium = admin.medium();
            calls.add("GET device after the eject -> " + medium);
            return medium;
        }

        interface Answer {
            String get() throws Exception;
        }

        private void answer(HttpExchange exchange, Answer answer) throws IOException {
            try (exchange) {
                int status = 200;
                String body;
                try {
                    body = answer.get();
                } catch (Exception e) {
                    status = 500;
                    body = "host failed: " + e;
                    calls.add(exchange.getRequestURI() + " -> " + body);
                }
                byte[] bytes = (body + "\n").getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
