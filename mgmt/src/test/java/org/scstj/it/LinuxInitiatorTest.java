package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * daemon on the host's loopback, sd attaches the LUN, and the guest partitions it, makes an ext2
 * filesystem, writes files, remounts and verifies their checksums. The guest's verdict is one
 * line on its serial console; afterwards the host checks that the partition table and the
 * filesystem really landed in the daemon's backing file.
 *
 * <p>The guest (kernel + initramfs) is assembled by {@code linux-guest/build-guest.sh} from
 * Debian packages and cached under {@code ~/.cache/scstj-linux-guest} (or
 * {@code -Dscstj.linux.cache=DIR}). The guest runs under TCG (software emulation, ~15 s): on
 * these machines {@code /dev/kvm} opens but a nested guest stalls. {@code -Dscstj.linux.accel=kvm}
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

    @Test
    void linuxKernelInitiator_partitionsFormatsWritesAndReadsBackIntact() throws Exception {
        Tools.require("qemu-system-x86_64", "qemu-system-x86");
        Tools.require("iscsistart", "open-iscsi");
        Tools.require("dpkg-deb", "dpkg");
        Path guest = buildGuest(cacheRoot());

        Daemon daemon = Daemon.start(dir, TEMPLATE);
        GuestRun run;
        int exit;
        try {
            run = boot(guest, dir, daemon.port, TARGET, TPGT, INITIATOR);
        } finally {
            exit = daemon.terminate();
        }
        System.out.println("LinuxInitiatorTest: " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        assertTrue(run.marker().startsWith("SCSTJ-LINUX-OK"),
                "guest verdict: " + run.marker() + "\n--- console ---\n" + run.console()
                        + "\n--- daemon ---\n" + daemon.log());
        assertTrue(run.marker().contains(" sectors=" + SECTORS + " "), run.marker());
        assertTrue(run.marker().contains(" block=512 "), run.marker());
        assertPartitionedWithExt2(dir.resolve("linux0.img"));
        assertEquals(0, exit, "daemon exit status after SIGTERM; log:\n" + daemon.log());
        assertFalse(daemon.log().contains("LEAK:"), "Netty reported a buffer leak:\n" + daemon.log());
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
    static GuestRun boot(Path guest, Path work, int port, String target, int tpgt, String initiator)
            throws IOException, InterruptedException {
        GuestRun last = null;
        for (String accel : accelerators()) {
            last = bootWith(accel, guest, work, port, target, tpgt, initiator);
            if (!last.marker().startsWith("STALLED")) {
                return last;
            }
        }
        return last;
    }

    private static GuestRun bootWith(String accel, Path guest, Path work, int port, String target, int tpgt,
            String initiator)
            throws IOException, InterruptedException {
        Path console = work.resolve("console-" + accel + ".log");
        Path qemuLog = work.resolve("qemu-" + accel + ".log");
        Files.deleteIfExists(console);
        String append = String.join(" ", "console=ttyS0", "panic=-1", "loglevel=4", "rdinit=/init",
                "scstj.port=" + port, "scstj.target=" + target, "scstj.tpgt=" + tpgt,
                "scstj.initiator=" + initiator,
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
