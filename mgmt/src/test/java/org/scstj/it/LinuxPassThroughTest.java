package org.scstj.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * scstj's SG_IO pass-through against real SCSI generic devices (issue 16). The host has no SCSI
 * layer, so the devices are QEMU's: the guest of {@link LinuxInitiatorTest} ({@link LinuxGuest})
 * gets a virtio-scsi controller with an emulated disk ({@code scsi-hd}) and CD-ROM
 * ({@code scsi-cd}), which its {@code sg} driver shows as {@code /dev/sgN}, and scstj itself:
 * {@code linux-guest/pack-scstj.sh} jlinks a runtime with the modules this class path needs and
 * appends it and the class path to the initrd. In the guest ({@code linux-guest/passthrough.sh})
 * {@code scstj serve} serves the disk with {@code dev_disk} (LUN 0) and the CD-ROM with
 * {@code dev_cdrom} (LUN 1) on the guest's port 3260, which QEMU forwards to a free port of the
 * host's 127.0.0.1. The host's initiators are
 * libiscsi's tools: INQUIRY must show QEMU's devices, READ CAPACITY QEMU's disk, and
 * {@code iscsi-test-cu}'s suites run with two initiator names, the reservation suites on the
 * core's emulation (they never reach the device, which sees one initiator; QEMU's emulated disk
 * has no persistent reservations at all); a suite may fail only
 * in the tests {@link #QEMU_DEVIATIONS} names, and then in all of them. When they are done the
 * guest stops the daemon (SIGTERM: exit status 0) and prints its log, which must have no ERROR
 * and no exception.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxPassThroughTest {
    static final String TARGET = "iqn.2026-12.org.scstj:qemu";
    static final String INITIATOR_1 = "iqn.2026-11.org.scstj.it:initiator-1";
    static final String INITIATOR_2 = "iqn.2026-11.org.scstj.it:initiator-2";
    static final long DISK_BYTES = 64L << 20;
    static final int CD_BYTES = 4 << 20;

    /**
     * The libiscsi tests QEMU's emulated disk itself fails, by suite. Its standard INQUIRY data
     * grow with the allocation length (QEMU's {@code scsi_disk_emulate_inquiry} returns as many
     * bytes as asked, up to 256, and sets the ADDITIONAL LENGTH from that), so the data read with
     * 511 and 512 differ from what AllocLength expects; its Block Limits page is the SBC-3 one
     * (page length 60) without SBC-3 in the version descriptors, with a MAXIMUM UNMAP LBA COUNT
     * over 1M. ({@code dpofua=on} below makes QEMU advertise the DPO/FUA it accepts, which
     * Read10's and Write10's DpoFua check.)
     */
    static final Map<String, Set<String>> QEMU_DEVIATIONS = Map.of("Inquiry", Set.of("AllocLength", "BlockLimits"));

    /** QEMU's start to the daemon listening in the guest, at most (about a minute under TCG). */
    static final long LISTEN_TIMEOUT_SECONDS = 180;
    /** The whole guest run, the host's tools included. */
    static final long GUEST_TIMEOUT_SECONDS = 600;

    private static final Pattern SUMMARY = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");
    private static final Pattern TEST = Pattern.compile("^\\s*Test: (\\w+) \\.\\.\\.");
    private static final String LISTENING = "SCSTJ-SG-LISTENING";

    private Path work;
    private int port;
    private HttpServer host;
    private final CompletableFuture<Void> hostDone = new CompletableFuture<>();
    private CompletableFuture<LinuxGuest.GuestRun> run;
    private long listenSeconds;

    @BeforeAll
    void bootTheGuestTarget(@TempDir Path work) throws Exception {
        this.work = work;
        LinuxGuest.requireTools();
        Tools.require("iscsi-inq", "libiscsi-bin");
        Tools.require("iscsi-test-cu", "libiscsi-bin");
        Path cache = LinuxGuest.cacheRoot();
        Path guest = LinuxGuest.buildGuest(cache);
        Path initrd = appendScstj(cache, guest);

        Path disk = work.resolve("disk.img");
        try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(DISK_BYTES);
        }
        byte[] cd = new byte[CD_BYTES];
        new Random(16).nextBytes(cd);
        Path cdImage = work.resolve("cd.img");
        Files.write(cdImage, cd);

        host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host.createContext("/done", this::onDone);
        host.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        host.start();

        port = Daemon.freePort();
        LinuxGuest.Hardware hardware = new LinuxGuest.Hardware(initrd, 2, 1024,
                List.of("tcp:127.0.0.1:" + port + "-:3260"),
                List.of("-device", "virtio-scsi-pci,id=scsi0",
                        "-drive", "file=" + disk + ",if=none,id=d0,format=raw",
                        "-device", "scsi-hd,drive=d0,bus=scsi0.0,scsi-id=0,lun=0,dpofua=on",
                        "-drive", "file=" + cdImage + ",if=none,id=c0,format=raw,media=cdrom,readonly=on",
                        "-device", "scsi-cd,drive=c0,bus=scsi0.0,scsi-id=1,lun=0"));
        List<String> params = List.of("scstj.mode=passthrough", "scstj.target=" + TARGET,
                "scstj.hport=" + host.getAddress().getPort(), "scstj.watchdog=" + GUEST_TIMEOUT_SECONDS);
        long start = System.nanoTime();
        run = CompletableFuture.supplyAsync(() -> {
            try {
                return LinuxGuest.boot(guest, hardware, work, params, GUEST_TIMEOUT_SECONDS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        // QEMU accepts a forwarded connection before anything in the guest listens: the guest's
        // console says when scstj does
        Path console = work.resolve("console-tcg.log");
        long deadline = start + TimeUnit.SECONDS.toNanos(LISTEN_TIMEOUT_SECONDS);
        while (!consoleOf(console).contains(LISTENING)) {
            if (run.isDone() || System.nanoTime() > deadline) {
                hostDone.complete(null);
                LinuxGuest.GuestRun r = run.get(60, TimeUnit.SECONDS);
                fail("scstj did not listen in the guest (" + r.marker() + ") after " + r.seconds() + " s:\n"
                        + r.console());
            }
            Thread.sleep(250);
        }
        listenSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.println("scstj listens in the guest " + listenSeconds + " s after QEMU's start");
    }

    /** build-guest.sh's initrd with pack-scstj.sh's archive of this class path appended. */
    private Path appendScstj(Path cache, Path guest) throws Exception {
        Path script = Path.of(LinuxPassThroughTest.class.getResource("/linux-guest/pack-scstj.sh").toURI());
        Path payload = work.resolve("scstj.cpio.gz");
        long start = System.nanoTime();
        Tools.Result r = Tools.run(List.of("sh", script.toString(), cache.toString(), payload.toString(),
                System.getProperty("java.class.path")), 600);
        if (r.exit() != 0 || !r.output().contains("PAYLOAD ")) {
            fail("pack-scstj.sh failed (" + r.exit() + "):\n" + r.output());
        }
        System.out.println("packed scstj in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s: "
                + r.output().lines().filter(l -> l.startsWith("PAYLOAD ")).findFirst().orElse(""));
        Path initrd = work.resolve("initrd-scstj.img");
        Files.copy(guest.resolve("initrd.img"), initrd);
        Files.write(initrd, Files.readAllBytes(payload), java.nio.file.StandardOpenOption.APPEND);
        return initrd;
    }

    private void onDone(HttpExchange exchange) throws IOException {
        try {
            hostDone.get(GUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            // answer anyway: the guest then stops the daemon and reports
        }
        byte[] body = "done".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private String url(int lun) {
        return "iscsi://127.0.0.1:" + port + "/" + TARGET + "/" + lun;
    }

    @Test
    @Order(1)
    void inquiry_showsQemusDevices() {
        Tools.Result disk = Tools.run(List.of("iscsi-inq", url(0)), 120);
        assertEquals(0, disk.exit(), disk.output());
        assertTrue(disk.output().contains("Peripheral Device Type:DIRECT_ACCESS")
                && disk.output().contains("Vendor:QEMU") && disk.output().contains("Product:QEMU HARDDISK"),
                "LUN 0 is QEMU's disk:\n" + disk.output());
        Tools.Result cd = Tools.run(List.of("iscsi-inq", url(1)), 120);
        assertEquals(0, cd.exit(), cd.output());
        assertTrue(cd.output().contains("Peripheral Device Type:MMC") && cd.output().contains("Removable:1")
                && cd.output().contains("Product:QEMU CD-ROM"), "LUN 1 is QEMU's CD-ROM:\n" + cd.output());
    }

    @Test
    @Order(2)
    void readCapacity16_isQemusDisk() {
        Tools.Result r = Tools.run(List.of("iscsi-readcapacity16", url(0)), 120);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("RETURNED LOGICAL BLOCK ADDRESS:" + (DISK_BYTES / 512 - 1))
                && r.output().contains("Total size:" + DISK_BYTES), "the disk image's capacity:\n" + r.output());
    }

    @ParameterizedTest(name = "{0}")
    @Order(3)
    @ValueSource(strings = {"Inquiry", "ReadCapacity10", "ReadCapacity16", "Read10", "Write10", "Reserve6",
            "ProutRegister", "ProutReserve", "PrinReadKeys"})
    void libiscsiSuite_onQemusDisk(String suite) {
        long start = System.nanoTime();
        Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-i", INITIATOR_1, "-I", INITIATOR_2,
                "-t", "ALL." + suite, url(0)), 300);
        System.out.println(suite + " took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s\n"
                + r.output());
        Matcher m = SUMMARY.matcher(r.output());
        if (!m.find()) {
            fail("no CUnit summary from " + suite + ":\n" + r.output());
        }
        assertTrue(Integer.parseInt(m.group(2)) > 0, suite + " ran nothing:\n" + r.output());
        Set<String> expected = QEMU_DEVIATIONS.getOrDefault(suite, Set.of());
        assertEquals(new TreeSet<>(expected), failedTests(r.output()), suite + "'s failed tests:\n" + r.output());
        assertEquals(expected.size(), Integer.parseInt(m.group(4)), suite + "'s failed count:\n" + r.output());
    }

    @AfterAll
    void stopTheGuest() throws Exception {
        hostDone.complete(null);
        try {
            if (run == null) {
                return;
            }
            LinuxGuest.GuestRun r = run.get(GUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            System.out.println("guest (" + r.accel() + ", " + r.seconds() + " s, listening after " + listenSeconds
                    + " s): " + r.marker());
            assertTrue(r.marker().startsWith("SCSTJ-LINUX-OK"), r.marker() + "\n" + r.console());
            Map<String, String> fields = LinuxGuest.fields(r.marker());
            assertEquals("0", fields.get("exit"), "the daemon's exit status after SIGTERM:\n" + r.console());
            List<String> daemonLog = new ArrayList<>();
            r.console().lines().filter(l -> l.startsWith("scstj-daemon: "))
                    .forEach(l -> daemonLog.add(l.substring("scstj-daemon: ".length())));
            assertEquals(List.of(), LinuxGuest.problems(String.join("\n", daemonLog)),
                    "the daemon's log in the guest:\n" + String.join("\n", daemonLog));
        } finally {
            if (host != null) {
                host.stop(0);
            }
        }
    }

    /** The CUnit tests whose run ended FAILED (a test's messages may come between its name and that). */
    static Set<String> failedTests(String output) {
        Set<String> failed = new TreeSet<>();
        String current = null;
        for (String line : output.lines().toList()) {
            Matcher t = TEST.matcher(line);
            if (t.find()) {
                current = t.group(1);
            }
            if (current != null && line.stripTrailing().endsWith("FAILED")) {
                failed.add(current);
            }
        }
        return failed;
    }

    private static String consoleOf(Path console) throws IOException {
        return Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
    }
}
