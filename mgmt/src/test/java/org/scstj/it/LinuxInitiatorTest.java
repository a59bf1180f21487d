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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * <p>The guest (kernel + initramfs, {@link LinuxGuest}) is assembled by {@code linux-guest/build-guest.sh} from
 * Debian packages and cached under {@code ~/.cache/scstj-linux-guest} (or
 * {@code -Dscstj.linux.cache=DIR}), keyed by the package versions and the contents of the scripts
 * ({@code init}, {@code cdrom.sh}). The guest runs under TCG (software emulation, about half a minute): on these
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
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 240;

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
        LinuxGuest.requireTools();
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
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
        LinuxGuest.GuestRun run;
        Map<String, Long> measured;
        boolean aliveAfterGuest;
        int exit;
        Daemon daemon;
        try {
            daemon = Daemon.start(dir, template);
            try (AllocationProbe probe = AllocationProbe.start(image, blockio ? () -> "no-resize" : () -> resize(dir))) {
                run = LinuxGuest.boot(guest, dir, List.of("scstj.port=" + daemon.port, "scstj.target=" + TARGET,
                        "scstj.tpgt=" + TPGT, "scstj.initiator=" + INITIATOR, "scstj.hport=" + probe.port(),
                        "scstj.big=" + BIG_MIB, "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
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
        Map<String, String> verdict = LinuxGuest.fields(run.marker());
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
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
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
