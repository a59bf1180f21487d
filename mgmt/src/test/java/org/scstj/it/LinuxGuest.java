package org.scstj.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Linux guest the kernel-initiator tests boot ({@link LinuxInitiatorTest}, {@link LinuxCdromTest},
 * {@link LinuxTapeTest}): Debian's kernel and an initramfs assembled by
 * {@code linux-guest/build-guest.sh}, cached under
 * {@code ~/.cache/scstj-linux-guest} (or {@code -Dscstj.linux.cache=DIR}), run under QEMU with
 * user-mode networking (the guest's 10.0.2.2 is the host's 127.0.0.1). Its {@code init} reads its
 * orders from {@code scstj.*} words on the kernel command line and reports one verdict line on the
 * serial console, {@code SCSTJ-LINUX-OK key=value...} or {@code SCSTJ-LINUX-FAIL reason}, then
 * powers off.
 */
final class LinuxGuest {
    /** A KVM guest whose init has not spoken by then is taken to be stuck (it costs only the fallback to TCG). */
    static final long KVM_PROGRESS_SECONDS = 20;

    private static final Pattern MARKER = Pattern.compile("SCSTJ-LINUX-(OK|FAIL)\\b[^\\r\\n]*");
    private static final String INIT_BANNER = "scstj-guest: kernel";

    private LinuxGuest() {
    }

    /** The guest's result: its verdict line (or why there is none), its console, how it ran. */
    record GuestRun(String marker, String console, String accel, long seconds) {
    }

    /**
     * What QEMU gives the guest besides its kernel: the initrd (build-guest.sh's, or that with
     * more archives appended), processors, memory, host ports forwarded to the guest's ({@code QEMU
     * hostfwd} words such as {@code tcp:127.0.0.1:13260-:3260}) and more devices (QEMU options).
     */
    record Hardware(Path initrd, int cpus, int memoryMiB, List<String> hostForwards, List<String> devices) {
        Hardware {
            hostForwards = List.copyOf(hostForwards);
            devices = List.copyOf(devices);
        }

        /** The initiator tests' guest: build-guest.sh's initrd, one processor, 512 MiB, no forwards, a network card only. */
        static Hardware plain(Path guest) {
            return new Hardware(guest.resolve("initrd.img"), 1, 512, List.of(), List.of());
        }
    }

    /** The tools booting the guest needs, installed from Debian packages when missing (as root). */
    static void requireTools() {
        Tools.require("qemu-system-x86_64", "qemu-system-x86");
        Tools.require("iscsistart", "open-iscsi");
        Tools.require("dpkg-deb", "dpkg");
    }

    static Path cacheRoot() {
        String configured = System.getProperty("scstj.linux.cache");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "scstj-linux-guest");
    }

    /** Runs build-guest.sh (instant when cached); returns the directory with vmlinuz and initrd.img. */
    static Path buildGuest(Path cacheRoot) throws IOException, URISyntaxException {
        Path script = Path.of(LinuxGuest.class.getResource("/linux-guest/build-guest.sh").toURI());
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

    /**
     * Boots the guest with {@code params} (its {@code scstj.*} orders) on the kernel command line
     * until it reports and powers off, at most {@code timeoutSeconds}; console and QEMU logs go to
     * {@code work}.
     */
    static GuestRun boot(Path guest, Path work, List<String> params, long timeoutSeconds)
            throws IOException, InterruptedException {
        return boot(guest, Hardware.plain(guest), work, params, timeoutSeconds);
    }

    /** {@link #boot(Path, Path, List, long)} on other {@code hardware}. */
    static GuestRun boot(Path guest, Hardware hardware, Path work, List<String> params, long timeoutSeconds)
            throws IOException, InterruptedException {
        GuestRun last = null;
        for (String accel : accelerators()) {
            last = bootWith(accel, guest, hardware, work, params, timeoutSeconds);
            if (!last.marker().startsWith("STALLED")) {
                return last;
            }
        }
        return last;
    }

    private static GuestRun bootWith(String accel, Path guest, Hardware hardware, Path work, List<String> params,
            long timeoutSeconds)
            throws IOException, InterruptedException {
        Path console = work.resolve("console-" + accel + ".log");
        Path qemuLog = work.resolve("qemu-" + accel + ".log");
        Files.deleteIfExists(console);
        List<String> words = new ArrayList<>(List.of("console=ttyS0", "panic=-1", "loglevel=4", "rdinit=/init"));
        words.addAll(params);
        String append = String.join(" ", words);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
                "-nodefaults", "-display", "none", "-no-reboot",
                "-machine", "accel=" + accel, "-cpu", "kvm".equals(accel) ? "host" : "max",
                "-smp", Integer.toString(hardware.cpus()), "-m", Integer.toString(hardware.memoryMiB()),
                "-kernel", guest.resolve("vmlinuz").toString(),
                "-initrd", hardware.initrd().toString(),
                "-append", append,
                // user-mode networking: the guest's 10.0.2.2:port is the host's 127.0.0.1:port
                "-netdev", "user,id=n0" + hardware.hostForwards().stream().map(f -> ",hostfwd=" + f)
                        .reduce("", String::concat),
                "-device", "virtio-net-pci,netdev=n0,romfile=",
                "-serial", "file:" + console));
        cmd.addAll(hardware.devices());
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemuLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String marker = null;
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
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
                marker = "NO-VERDICT guest still running after " + timeoutSeconds + " s";
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
}
