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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * scstj's SG_IO pass-through against real SCSI generic devices (issue 16). The host has no SCSI
 * layer, so the devices are QEMU's: the guest of {@link LinuxInitiatorTest} ({@link LinuxGuest})
 * gets a virtio-scsi controller with an emulated disk ({@code scsi-hd}) and CD-ROM
 * ({@code scsi-cd}) and a second controller with a second disk, which its {@code sg} driver shows
 * as {@code /dev/sgN}, and scstj itself: {@code linux-guest/pack-scstj.sh} jlinks a runtime with
 * the modules this class path needs and appends it, the class path and an AOT cache of both (made
 * on the host by a training run, so that the JVM starts in about half the time under TCG) to the
 * initrd. In the guest ({@code linux-guest/passthrough.sh}) {@code scstj serve} serves the disk
 * with {@code dev_disk} (LUN 0) and the CD-ROM with {@code dev_cdrom} (LUN 1) of {@link #TARGET},
 * and the second disk as LUN 0 of {@link #DATA_TARGET}, on the guest's port 3260, which QEMU
 * forwards to a free port of the host's 127.0.0.1. The host's initiators are libiscsi's tools:
 * INQUIRY must show QEMU's devices, READ CAPACITY QEMU's disk, and {@code iscsi-test-cu}'s suites
 * run with two initiator names, in two {@link #LANES} side by side, the reservation suites on
 * the core's emulation (they never reach the device, which sees one initiator; QEMU's emulated
 * disk has no persistent reservations at all); a suite may fail only in the tests
 * {@link #QEMU_DEVIATIONS} names, and then in all of them. When they are done the guest stops the
 * daemon (SIGTERM: exit status 0) and prints its log, which must have no ERROR, no exception and
 * no complaint of the JVM about the AOT cache. The guest's run, QEMU's start to its power-off,
 * is meant to stay well under two minutes on two cores under TCG; its steps are printed with the
 * guest's uptime.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxPassThroughTest {
    static final String TARGET = "iqn.2026-12.org.scstj:qemu";
    /** passthrough.sh's second target: the second disk, for the data suites. */
    static final String DATA_TARGET = TARGET + "-data";
    static final String INITIATOR_1 = "iqn.2026-11.org.scstj.it:initiator-1";
    static final String INITIATOR_2 = "iqn.2026-11.org.scstj.it:initiator-2";
    static final long DISK_BYTES = 64L << 20;
    static final int CD_BYTES = 4 << 20;

    /**
     * The libiscsi tests QEMU's emulated disk itself fails, by suite (libiscsi 1.19; QEMU's
     * {@code hw/scsi/scsi-disk.c}). Both come from QEMU's data, which scstj passes on as the device
     * gave them (only VPD 83h is rewritten, {@code PassThroughInquiry}; the data-in length is what
     * the device transferred, the allocation length less its residual):
     * <ul>
     * <li>AllocLength: QEMU's standard INQUIRY data grow with the allocation length
     * ({@code scsi_disk_emulate_inquiry} returns as many bytes as asked, up to 256, and sets the
     * ADDITIONAL LENGTH from that), so the data read with 511 and 512 differ from what the test
     * expects.</li>
     * <li>BlockLimits ({@code test-tool/test_inquiry_block_limits.c}, which reads VPD B0h with an
     * allocation length of 255) fails three checks. Line 72, DATA-IN size = PAGE LENGTH + 4: QEMU
     * answers every emulated command with the whole allocation length, zero-padded
     * ({@code scsi_disk_emulate_command}: {@code r->buflen = MAX(4096, req->cmd.xfer)}, then
     * {@code r->iov.iov_len = MIN(r->buflen, req->cmd.xfer)}) and no residual, so 255 bytes come
     * for a 64-byte page. Line 105, a page length of 60 without SBC-3 claimed: QEMU's B0h page is
     * the SBC-3 one (PAGE LENGTH 3Ch) but its standard INQUIRY has no version descriptors (bytes
     * 58 to 73 stay zero), and the test takes SBC-3 only from descriptor 04C0h
     * ({@code iscsi-test-cu.c}). Line 155, MAXIMUM UNMAP LBA COUNT at most 1M when the device
     * claims UNMAP: QEMU sets LBPME in READ CAPACITY(16) (its default discard granularity is
     * 4 KiB) and LBPU in VPD B2h, and reports {@code max_unmap_size / blocksize}, its default
     * 1 GiB / 512 = 2097152 blocks.</li>
     * </ul>
     * ({@code dpofua=on} below makes QEMU advertise the DPO/FUA it accepts, which Read10's and
     * Write10's DpoFua check.)
     */
    static final Map<String, Set<String>> QEMU_DEVIATIONS = Map.of("Inquiry", Set.of("AllocLength", "BlockLimits"));

    /**
     * The libiscsi suites, in two lanes that run side by side (under TCG a suite's time is the
     * guest's, command after command; two connections keep both of its vCPUs busy): on
     * {@link #TARGET}'s disk (LUN 0) the suites with reservations, which also reset the target and
     * its logical units, and before them Write10 (run in this order before lanes were there); on
     * {@link #DATA_TARGET}'s disk, which has its own target and virtio-scsi controller so that it
     * sees none of those resets, the rest.
     */
    static final Map<String, List<String>> LANES = Map.of(
            TARGET, List.of("Write10", "Reserve6", "ProutRegister", "ProutReserve", "PrinReadKeys"),
            DATA_TARGET, List.of("Read10", "Inquiry", "ReadCapacity10", "ReadCapacity16"));

    /** QEMU's start to the daemon listening in the guest, at most (about half a minute under TCG). */
    static final long LISTEN_TIMEOUT_SECONDS = 180;
    /** The whole guest run, the host's tools included. */
    static final long GUEST_TIMEOUT_SECONDS = 600;

    private static final Pattern TEST = Pattern.compile("^\\s*Test: (\\w+) \\.\\.\\.");
    private static final String LISTENING = "SCSTJ-SG-LISTENING";

    private Path work;
    private int port;
    private HttpServer host;
    private final CompletableFuture<Void> hostDone = new CompletableFuture<>();
    private CompletableFuture<LinuxGuest.GuestRun> run;
    private long listenSeconds;
    private final Map<String, CompletableFuture<SuiteRun>> suites = new java.util.concurrent.ConcurrentHashMap<>();

    record SuiteRun(Tools.Result result, long seconds) {
    }

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
        Path disk2 = work.resolve("disk2.img");
        try (var f = new java.io.RandomAccessFile(disk2.toFile(), "rw")) {
            f.setLength(DISK_BYTES);
        }

        host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host.createContext("/done", this::onDone);
        host.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        host.start();

        port = Daemon.freePort();
        LinuxGuest.Hardware hardware = new LinuxGuest.Hardware(initrd, 2, 1024,
                List.of("tcp:127.0.0.1:" + port + "-:3260"),
                List.of("-device", "virtio-scsi-pci,id=scsi0,addr=0x10",
                        "-drive", "file=" + disk + ",if=none,id=d0,format=raw",
                        "-device", "scsi-hd,drive=d0,bus=scsi0.0,scsi-id=0,lun=0,dpofua=on",
                        "-drive", "file=" + cdImage + ",if=none,id=c0,format=raw,media=cdrom,readonly=on",
                        "-device", "scsi-cd,drive=c0,bus=scsi0.0,scsi-id=1,lun=0",
                        "-device", "virtio-scsi-pci,id=scsi1,addr=0x11",
                        "-drive", "file=" + disk2 + ",if=none,id=d1,format=raw",
                        "-device", "scsi-hd,drive=d1,bus=scsi1.0,scsi-id=0,lun=0,dpofua=on"));
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
        Path payload = work.resolve("scstj.cpio");
        long start = System.nanoTime();
        // without the test classes: the daemon needs none, and pack-scstj.sh's cache (keyed on the
        // class path's contents) then outlives an edit of a test
        String classPath = String.join(java.io.File.pathSeparator,
                Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                        .filter(e -> !Path.of(e).endsWith(Path.of("target", "test-classes"))).toList());
        Tools.Result r = Tools.run(List.of("sh", script.toString(), cache.toString(), payload.toString(), classPath),
                600);
        if (r.exit() != 0 || !r.output().contains("PAYLOAD ")) {
            fail("pack-scstj.sh failed (" + r.exit() + "):\n" + r.output());
        }
        System.out.println("packed scstj in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s: "
                + r.output().lines().filter(l -> l.startsWith("PAYLOAD ")).findFirst().orElse(""));
        Path initrd = work.resolve("initrd-scstj.img");
        Files.copy(guest.resolve("initrd.img"), initrd);
        // the kernel takes an uncompressed archive after a compressed one only at an offset that
        // is a multiple of 4; it skips the zeros before it
        long size = Files.size(initrd);
        Files.write(initrd, new byte[(int) ((4 - size % 4) % 4)], java.nio.file.StandardOpenOption.APPEND);
        try (var out = Files.newOutputStream(initrd, java.nio.file.StandardOpenOption.APPEND)) {
            Files.copy(payload, out);
        }
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
        return url(TARGET, lun);
    }

    private String url(String target, int lun) {
        return "iscsi://127.0.0.1:" + port + "/" + target + "/" + lun;
    }

    /** Starts {@link #LANES} once (after the INQUIRY and READ CAPACITY checks: Reserve6 would refuse the latter). */
    private synchronized void startLanes() {
        if (!suites.isEmpty()) {
            return;
        }
        LANES.values().forEach(lane -> lane.forEach(suite -> suites.put(suite, new CompletableFuture<>())));
        LANES.forEach((target, lane) -> Thread.ofPlatform().daemon().name("lane " + target).start(() -> {
            for (String suite : lane) {
                long start = System.nanoTime();
                try {
                    Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-i", INITIATOR_1, "-I", INITIATOR_2,
                            "-t", "ALL." + suite, url(target, 0)), 300);
                    suites.get(suite).complete(
                            new SuiteRun(r, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)));
                } catch (Throwable t) {
                    suites.get(suite).completeExceptionally(t);
                }
            }
        }));
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
    void libiscsiSuite_onQemusDisk(String suite) throws Exception {
        startLanes();
        SuiteRun run = suites.get(suite).get(GUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Tools.Result r = run.result();
        System.out.println(suite + " took " + run.seconds() + " s\n" + r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from " + suite + ":\n" + r.output());
        }
        assertTrue(summary.ran() > 0, suite + " ran nothing:\n" + r.output());
        Set<String> expected = QEMU_DEVIATIONS.getOrDefault(suite, Set.of());
        assertEquals(new TreeSet<>(expected), failedTests(r.output()), suite + "'s failed tests:\n" + r.output());
        assertEquals(expected.size(), summary.failed(), suite + "'s failed count:\n" + r.output());
    }

    @AfterAll
    void stopTheGuest() throws Exception {
        try {
            // the daemon stops once the host is done: no lane may still be running then
            CompletableFuture.allOf(suites.values().toArray(CompletableFuture[]::new))
                    .get(GUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // that suite's test has failed already
        }
        hostDone.complete(null);
        try {
            if (run == null) {
                return;
            }
            LinuxGuest.GuestRun r = run.get(GUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            System.out.println("guest (" + r.accel() + ", " + r.seconds() + " s, listening after " + listenSeconds
                    + " s): " + r.marker());
            // the guest's own steps, each with its uptime
            r.console().lines().filter(l -> l.startsWith("scstj-guest: ")).forEach(System.out::println);
            r.console().lines().filter(l -> l.startsWith("scstj-daemon: ")).limit(12).forEach(System.out::println);
            assertTrue(r.marker().startsWith("SCSTJ-LINUX-OK"), r.marker() + "\n" + r.console());
            Map<String, String> fields = LinuxGuest.fields(r.marker());
            assertEquals("0", fields.get("exit"), "the daemon's exit status after SIGTERM:\n" + r.console());
            List<String> daemonLog = new ArrayList<>();
            r.console().lines().filter(l -> l.startsWith("scstj-daemon: "))
                    .forEach(l -> daemonLog.add(l.substring("scstj-daemon: ".length())));
            assertEquals(List.of(), LinuxGuest.problems(String.join("\n", daemonLog)),
                    "the daemon's log in the guest:\n" + String.join("\n", daemonLog));
            // the JVM's complaints about pack-scstj.sh's AOT cache (a cache it cannot use costs the
            // guest half a minute)
            assertEquals(List.of(), daemonLog.stream().filter(l -> l.contains("][aot")).toList(),
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
