package org.scstj.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.sbc.BlockLimits;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Linux's own SCSI stack against the real daemon: a Debian kernel boots under QEMU, its iscsi_tcp
 * initiator (driven by open-iscsi's iscsistart) logs in over QEMU's user-mode network to the
 * daemon on the host's loopback, sd attaches the thin-provisioned LUN, and the guest
 * <ol>
 * <li>reports what sd decided about logical block provisioning (sysfs {@code provisioning_mode},
 * {@code thin_provisioning}, {@code discard_max_bytes}, {@code discard_granularity},
 * {@code write_same_max_bytes}, {@code write_zeroes_max_bytes}, block sizes) and fails unless
 * discard is on; the test checks they are UNMAP and the limits scstj advertises
 * ({@link BlockLimits});</li>
 * <li>partitions the disk, makes an ext2 filesystem (busybox mke2fs) and mounts it with the ext4
 * driver, which implements FITRIM on it, writes files of several sizes;</li>
 * <li>writes a large file of non-zero data, deletes it, runs {@code fstrim -v} and fails unless
 * it trimmed at least the large file's bytes;</li>
 * <li>remounts with cold caches and verifies the remaining files' checksums.</li>
 * </ol>
 * The guest's verdict is one line on its serial console carrying these figures as
 * {@code key=value}.
 *
 * <p><b>Deallocation, measured on the host.</b> The question is whether the UNMAPs Linux sent
 * really gave the backing file's blocks back (allocated bytes = {@code st_blocks * 512}, read
 * with {@code stat}, which Java's file attributes do not expose). Measuring only after the guest
 * has finished cannot tell "deallocated" from "never reached the file", and a guest that prints
 * a marker and sleeps races the host on a loaded machine. So the guest asks: at three moments
 * (files written and synced; large file written and synced; large file deleted and fstrim done)
 * it fetches {@code http://10.0.2.2:PORT/allocated?phase=...} with busybox wget, QEMU's user
 * network carries that to an HTTP server this test runs on 127.0.0.1, and the server measures
 * the backing file before it answers — the guest cannot move on until the host has measured, and
 * every wait is bounded on both sides. The test then asserts that the large file's bytes arrived
 * in the backing file (growth of at least 15/16 of its size between the first two moments, the
 * slack for host blocks the filesystem's metadata already shared) and that fstrim gave at least
 * as much back (the third measurement at most 1/16 of it above the first); after the guest has
 * powered off, the backing file holds less than the large file's size while the MBR and ext2
 * superblock are still in place. A host filesystem without hole punching (scstj then writes
 * zeros) fails this test.
 *
 * <p>The daemon must still be running after the guest, log no ERROR and no exception, stop with
 * exit status 0 on SIGTERM and report no Netty buffer leak.
 *
 * <p>The guest (kernel + initramfs) is assembled by {@code linux-guest/build-guest.sh} from
 * Debian packages and cached under {@code ~/.cache/scstj-linux-guest} (or
 * {@code -Dscstj.linux.cache=DIR}), keyed by the package versions and the contents of the script
 * and {@code init}. The guest runs under TCG (software emulation, about half a minute): on these
 * machines {@code /dev/kvm} opens but a nested guest stalls. {@code -Dscstj.linux.accel=kvm}
 * tries KVM first (a KVM guest that makes no progress is abandoned for TCG).
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxInitiatorTest {
    static final String TARGET = "iqn.2026-11.org.scstj:linux";
    static final String INITIATOR = "iqn.2026-11.org.scstj:linux-guest";
    /** The portal group tag iscsistart is given: the driver's default {@code portal-group-tag}. */
    static final int TPGT = 1;
    /** 256 MiB of 512-byte blocks. */
    static final long SECTORS = 256L * 1024 * 1024 / 512;

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vdisk_fileio {
                  linux0 { filename = "@DIR@/linux0.img", size = 256M, block-size = 512, thin-provisioned = true }
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:linux" { luns { 0 = linux0 } }
                }
              }
            }
            """;

    /** The size the host resizes the LUN to while the guest is logged in (320 MiB of 512-byte blocks). */
    static final long RESIZED_SECTORS = 320L * 1024 * 1024 / 512;

    /** The large file the guest writes, deletes and trims, in MiB. */
    static final int BIG_MIB = 64;

    /** Whole guest run, from QEMU's start to its exit, at most. */
    static final long GUEST_TIMEOUT_SECONDS = 300;
    /** A KVM guest whose init has not spoken by then is taken to be stuck (it costs only the fallback to TCG). */
    static final long KVM_PROGRESS_SECONDS = 20;
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 240;

    private static final Pattern MARKER = Pattern.compile("SCSTJ-LINUX-(OK|FAIL)\\b[^\\r\\n]*");
    private static final String INIT_BANNER = "scstj-guest: kernel";

    @TempDir
    Path dir;

    /** The same LU on vdisk_blockio: O_DIRECT to a loop device over linux0.img, which it discards into. */
    static final String BLOCKIO_TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vdisk_blockio {
                  linux0 { filename = "@LOOP@" }
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:linux" { luns { 0 = linux0 } }
                }
              }
            }
            """;

    @Test
    void linuxKernelInitiator_enablesDiscard_fstrimDeallocatesBackingFile_filesReadBackIntact() throws Exception {
        guest(false);
    }

    /**
     * Issue 15: the same guest on a vdisk_blockio LU over a loop device: sd sees a thin LU, fstrim's
     * UNMAPs become BLKDISCARD on the loop device, which punches the holes in its backing file that
     * the host measures (no online resize: a block device has the size it has).
     */
    @Test
    void linuxKernelInitiator_onABlockioLoopDevice_fstrimDiscardsThroughTheDevice() throws Exception {
        guest(true);
    }

    private void guest(boolean blockio) throws Exception {
        Tools.require("qemu-system-x86_64", "qemu-system-x86");
        Tools.require("iscsistart", "open-iscsi");
        Tools.require("dpkg-deb", "dpkg");
        Path guest = buildGuest(cacheRoot());
        Path image = dir.resolve("linux0.img");
        String template = TEMPLATE;
        String loop = null;
        if (blockio) {
            try (var raf = new java.io.RandomAccessFile(image.toFile(), "rw")) {
                raf.setLength(SECTORS * 512);
            }
            Tools.Result attach = Tools.run(List.of("losetup", "-f", "--show", image.toString()), 30);
            assertEquals(0, attach.exit(), "losetup: " + attach.output());
            loop = attach.output().strip();
            template = BLOCKIO_TEMPLATE.replace("@LOOP@", loop);
        }
        GuestRun run;
        Map<String, Long> measured;
        boolean aliveAfterGuest;
        int exit;
        Daemon daemon;
        try {
            daemon = Daemon.start(dir, template);
            try (AllocationProbe probe = AllocationProbe.start(image, blockio ? () -> "no-resize" : () -> resize(dir))) {
                run = boot(guest, dir, daemon.port, TARGET, TPGT, INITIATOR, probe.port());
                aliveAfterGuest = daemon.alive();
                measured = probe.measured();
            } finally {
                exit = daemon.terminate();
            }
        } finally {
            if (loop != null) {
                Tools.run(List.of("losetup", "-d", loop), 30);
            }
        }
        long endAllocated = allocatedBytes(image);
        System.out.println("LinuxInitiatorTest: " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        System.out.println("LinuxInitiatorTest: backing file allocated bytes " + measured + ", at the end " + endAllocated);
        String log = daemon.log();
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"),
                "guest verdict: " + run.marker() + "\n--- console ---\n" + run.console() + "\n--- daemon ---\n" + log);
        Map<String, String> verdict = fields(run.marker());
        String context = run.marker() + "\n--- console ---\n" + run.console();
        // what sd made of READ CAPACITY(16) (512-byte blocks, LBPME) and VPD B2h (LBPU) / B0h
        // (MAXIMUM UNMAP LBA COUNT, OPTIMAL UNMAP GRANULARITY, MAXIMUM WRITE SAME LENGTH)
        assertEquals(Long.toString(SECTORS), verdict.get("sectors"), context);
        assertEquals("512", verdict.get("block"), context);
        assertEquals("1", verdict.get("thin"), context);
        assertEquals("unmap", verdict.get("pm"), context);
        assertEquals(Long.toString(BlockLimits.MAX_UNMAP_BYTES), verdict.get("discard_max"), context);
        assertEquals(Integer.toString(BlockLimits.UNMAP_GRANULARITY_BYTES), verdict.get("discard_gran"), context);
        assertEquals(Long.toString(BlockLimits.MAX_WRITE_SAME_BYTES), verdict.get("wz_max"), context);
        if (!blockio) {
            // the online resize: sd saw CAPACITY DATA HAS CHANGED and, after a rescan, the new capacity
            assertEquals(Long.toString(RESIZED_SECTORS), verdict.get("resized"), context);
            assertEquals("1", verdict.get("capmsg"), "the kernel logged 'Capacity data has changed'; " + context);
        }
        long big = Long.parseLong(verdict.get("big"));
        assertTrue(Long.parseLong(verdict.get("trimmed")) >= big, context);

        assertEquals(List.of("files", "big", "trimmed"), List.copyOf(measured.keySet()),
                "the guest asks the host to measure three times; " + context);
        long files = measured.get("files");
        long filled = measured.get("big");
        long trimmed = measured.get("trimmed");
        String figures = "allocated bytes " + measured + ", end " + endAllocated + ", large file " + big;
        assertTrue(filled - files >= big - big / 16, "the large file did not reach the backing file: " + figures);
        assertTrue(trimmed <= files + big / 16, "fstrim did not deallocate the large file's blocks: " + figures);
        assertTrue(endAllocated < big, "the backing file holds more than the deleted file's size: " + figures);
        assertPartitionedWithExt2(image);

        assertTrue(aliveAfterGuest, "the daemon died during the guest's run:\n" + log);
        assertEquals(List.of(), problems(log), "the daemon logged errors:\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /** The {@code key=value} words of a verdict line. */
    static Map<String, String> fields(String marker) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S*)").matcher(marker);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    /** The daemon's ERROR lines and anything that looks like an exception's stack trace. */
    static List<String> problems(String log) {
        return log.lines()
                .filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*") || l.contains("Exception")
                        || l.startsWith("\tat "))
                .toList();
    }

    /** Grows linux0 to 320 MiB through the daemon's admin API (as `scstj admin device resize` does). */
    static String resize(Path dir) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(buf, true, StandardCharsets.UTF_8);
        int exit = org.scstj.mgmt.cli.AdminCli.run(List.of("--state-dir", dir.resolve("state").toString(), "device",
                "resize", "linux0", "320M"), out, out);
        if (exit != 0) {
            throw new IllegalStateException("scstj admin device resize failed (" + exit + "): " + buf);
        }
        return "resized";
    }

    /** The bytes the filesystem has allocated to {@code file}: st_blocks times stat's block unit. */
    static long allocatedBytes(Path file) {
        Tools.Result r = Tools.run(List.of("stat", "-c", "%b %B", file.toString()), 30);
        String[] words = r.output().strip().split("\\s+");
        if (r.exit() != 0 || words.length != 2) {
            throw new IllegalStateException("stat " + file + " failed (" + r.exit() + "): " + r.output());
        }
        return Long.parseLong(words[0]) * Long.parseLong(words[1]);
    }

    /**
     * The host end of the guest's measurement requests: an HTTP server on 127.0.0.1 (the guest's
     * 10.0.2.2) answering {@code GET /allocated?phase=NAME} with {@code allocated=BYTES} after
     * measuring the backing file, and remembering each phase's figure in arrival order.
     */
    static final class AllocationProbe implements AutoCloseable {
        private final HttpServer server;
        private final Path image;
        private final Map<String, Long> measured = Collections.synchronizedMap(new LinkedHashMap<>());

        private final java.util.function.Supplier<String> resize;

        private AllocationProbe(HttpServer server, Path image, java.util.function.Supplier<String> resize) {
            this.server = server;
            this.image = image;
            this.resize = resize;
        }

        /** {@code resize} runs for {@code GET /resize}: the guest asks the host to resize its LUN now. */
        static AllocationProbe start(Path image, java.util.function.Supplier<String> resize) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            AllocationProbe probe = new AllocationProbe(server, image, resize);
            server.createContext("/allocated", probe::onAllocated);
            server.createContext("/resize", probe::onResize);
            server.start();
            return probe;
        }

        private void onResize(HttpExchange exchange) throws IOException {
            try (exchange) {
                int status = 200;
                String body;
                try {
                    body = resize.get();
                } catch (RuntimeException e) {
                    status = 500;
                    body = "cannot resize: " + e.getMessage();
                }
                byte[] bytes = (body + "\n").getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }

        int port() {
            return server.getAddress().getPort();
        }

        Map<String, Long> measured() {
            synchronized (measured) {
                return new LinkedHashMap<>(measured);
            }
        }

        private void onAllocated(HttpExchange exchange) throws IOException {
            try (exchange) {
                String query = exchange.getRequestURI().getQuery();
                int status = 200;
                String body;
                if (query == null || !query.matches("phase=\\w+")) {
                    status = 400;
                    body = "expected ?phase=NAME, got " + query;
                } else {
                    try {
                        long bytes = allocatedBytes(image);
                        measured.put(query.substring("phase=".length()), bytes);
                        body = "allocated=" + bytes;
                    } catch (RuntimeException e) {
                        status = 500;
                        body = "cannot measure: " + e.getMessage();
                    }
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

    /** The guest's result: its verdict line (or why there is none), its console, how it ran. */
    record GuestRun(String marker, String console, String accel, long seconds) {
    }

    static Path cacheRoot() {
        String configured = System.getProperty("scstj.linux.cache");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "scstj-linux-guest");
    }

    /** Runs build-guest.sh (instant when cached); returns the directory with vmlinuz and initrd.img. */
    static Path buildGuest(Path cacheRoot) throws IOException, URISyntaxException {
        Path script = Path.of(LinuxInitiatorTest.class.getResource("/linux-guest/build-guest.sh").toURI());
        Files.createDirectories(cacheRoot);
        Tools.Result r = Tools.run(List.of("sh", script.toString(), cacheRoot.toString()), 900);
        Matcher m = Pattern.compile("(?m)^GUEST-DIR (.+)$").matcher(r.output());
        if (r.exit() != 0 || !m.find()) {
            fail("build-guest.sh failed (" + r.exit() + "):\n" + r.output());
        }
        Path guest = Path.of(m.group(1).strip());
        assertTrue(Files.isRegularFile(guest.resolve("vmlinuz")) && Files.isRegularFile(guest.resolve("initrd.img")),
                "no vmlinuz/initrd.img in " + guest);
        return guest;
    }

    /** The accelerators to try, in order. */
    static List<String> accelerators() {
        String asked = System.getProperty("scstj.linux.accel", "tcg").strip();
        Path kvm = Path.of("/dev/kvm");
        return "kvm".equals(asked) && Files.isReadable(kvm) && Files.isWritable(kvm) ? List.of("kvm", "tcg") : List.of("tcg");
    }

    /** Boots the guest against the target at 127.0.0.1:{@code port} until it reports and powers off. */
    static GuestRun boot(Path guest, Path work, int port, String target, int tpgt, String initiator, int probePort)
            throws IOException, InterruptedException {
        GuestRun last = null;
        for (String accel : accelerators()) {
            last = bootWith(accel, guest, work, port, target, tpgt, initiator, probePort);
            if (!last.marker().startsWith("STALLED")) {
                return last;
            }
        }
        return last;
    }

    private static GuestRun bootWith(String accel, Path guest, Path work, int port, String target, int tpgt,
            String initiator, int probePort)
            throws IOException, InterruptedException {
        Path console = work.resolve("console-" + accel + ".log");
        Path qemuLog = work.resolve("qemu-" + accel + ".log");
        Files.deleteIfExists(console);
        String append = String.join(" ", "console=ttyS0", "panic=-1", "loglevel=4", "rdinit=/init",
                "scstj.port=" + port, "scstj.target=" + target, "scstj.tpgt=" + tpgt,
                "scstj.initiator=" + initiator, "scstj.hport=" + probePort, "scstj.big=" + BIG_MIB,
                "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
                "-nodefaults", "-display", "none", "-no-reboot",
                "-machine", "accel=" + accel, "-cpu", "kvm".equals(accel) ? "host" : "max",
                "-smp", "1", "-m", "512",
                "-kernel", guest.resolve("vmlinuz").toString(),
                "-initrd", guest.resolve("initrd.img").toString(),
                "-append", append,
                // user-mode networking: the guest's 10.0.2.2:port is the host's 127.0.0.1:port
                "-netdev", "user,id=n0",
                "-device", "virtio-net-pci,netdev=n0,romfile=",
                "-serial", "file:" + console));
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemuLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String marker = null;
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(GUEST_TIMEOUT_SECONDS);
            long progressDeadline = start + TimeUnit.SECONDS.toNanos(KVM_PROGRESS_SECONDS);
            while (System.nanoTime() < deadline) {
                boolean exited = qemu.waitFor(250, TimeUnit.MILLISECONDS);
                String text = read(console);
                Matcher m = MARKER.matcher(text);
                if (m.find()) {
                    marker = m.group().strip();
                    // it powers off right after; give it a moment to do so by itself
                    qemu.waitFor(30, TimeUnit.SECONDS);
                    break;
                }
                if (exited) {
                    marker = "NO-VERDICT qemu exited with " + qemu.exitValue() + ": " + read(qemuLog).strip();
                    break;
                }
                if ("kvm".equals(accel) && System.nanoTime() > progressDeadline && !text.contains(INIT_BANNER)) {
                    marker = "STALLED under kvm: init did not start within " + KVM_PROGRESS_SECONDS + " s";
                    break;
                }
            }
            if (marker == null) {
                marker = "NO-VERDICT guest still running after " + GUEST_TIMEOUT_SECONDS + " s";
            }
        } finally {
            if (qemu.isAlive()) {
                qemu.destroy();
                if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                    qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        return new GuestRun(marker, read(console) + "\n--- qemu ---\n" + read(qemuLog), accel, seconds);
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    }

    /**
     * From the host side: the backing file starts with an MBR (0x55AA at 510) whose first entry is
     * a Linux partition at the start the guest asked for, holding an ext2 superblock labelled
     * "scstj".
     */
    static void assertPartitionedWithExt2(Path image) throws IOException {
        assertTrue(Files.exists(image), "no backing file " + image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            ByteBuffer mbr = ByteBuffer.wrap(readAt(f, 0, 512)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x55, mbr.get(510) & 0xff, "MBR signature byte 510");
            assertEquals(0xAA, mbr.get(511) & 0xff, "MBR signature byte 511");
            assertEquals(0x83, mbr.get(446 + 4) & 0xff, "first partition's type");
            long first = mbr.getInt(446 + 8) & 0xffffffffL;
            long count = mbr.getInt(446 + 12) & 0xffffffffL;
            assertEquals(2048, first, "first partition's start LBA");
            assertEquals(SECTORS - 2048, count, "first partition's length");
            ByteBuffer sb = ByteBuffer.wrap(readAt(f, first * 512 + 1024, 1024)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0xEF53, sb.getShort(56) & 0xffff, "ext2 superblock magic in the partition");
            String label = new String(readAt(f, first * 512 + 1024 + 120, 16), StandardCharsets.ISO_8859_1);
            assertEquals("scstj", label.replace("\0", ""), "filesystem label");
        }
    }

    private static byte[] readAt(RandomAccessFile f, long offset, int length) throws IOException {
        byte[] b = new byte[length];
        f.seek(offset);
        f.readFully(b);
        return b;
    }
}
