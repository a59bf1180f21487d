package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The machine and software a comparison ran on, for the report's header.
 *
 * @param cpuModel   {@code model name} from /proc/cpuinfo
 * @param cores      logical CPUs (processor entries in /proc/cpuinfo)
 * @param memoryKib  {@code MemTotal} from /proc/meminfo
 * @param kernel     {@code /proc/sys/kernel/osrelease}
 * @param os         {@code PRETTY_NAME} from /etc/os-release
 * @param jdk        the scstj daemon's JVM: vendor, version and home
 * @param scstj      the daemon's command line (class path elided) and the source commit, if known
 * @param tgtd       {@code tgtd -V} and the Debian package version
 * @param clients    libiscsi and qemu-img versions
 * @param load       the load averages (1, 5, 15 minutes) before the first workload: other work on
 *                   the machine competes with the targets and clients
 * @param date       when the comparison started
 */
public record Machine(String cpuModel, int cores, long memoryKib, String kernel, String os, String jdk, String scstj,
        String tgtd, String clients, String load, ZonedDateTime date) {

    /** Collects what describes this machine, the scstj daemon {@code scstjPid} and the tools. */
    public static Machine collect(long scstjPid, Optional<Path> launcher, ZonedDateTime date) {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        return new Machine(cpuModel(cpuinfo), cores(cpuinfo), memTotalKib(read(Path.of("/proc/meminfo"))),
                read(Path.of("/proc/sys/kernel/osrelease")).strip(), osName(read(Path.of("/etc/os-release"))),
                jdk(scstjPid), scstj(scstjPid, launcher),
                firstLine(List.of("tgtd", "-V")) + " (package tgt " + packageVersion("tgt") + ")",
                "iscsi-perf from libiscsi-bin " + packageVersion("libiscsi-bin") + ", "
                        + firstLine(List.of("qemu-img", "--version")),
                loadAverage(), date);
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg. */
    public static String loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).strip().split("\\s+");
        return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "unknown";
    }

    /** The first {@code model name} in /proc/cpuinfo text (or its {@code Hardware}/{@code cpu model} on other architectures). */
    public static String cpuModel(String cpuinfo) {
        for (String key : List.of("model name", "Hardware", "cpu model")) {
            for (String line : cpuinfo.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    return line.substring(colon + 1).strip();
                }
            }
        }
        return "unknown CPU";
    }

    /** The number of {@code processor} entries in /proc/cpuinfo text. */
    public static int cores(String cpuinfo) {
        int n = 0;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("processor")) {
                n++;
            }
        }
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    /** {@code MemTotal} in KiB from /proc/meminfo text, or 0. */
    static long memTotalKib(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.substring(9).strip().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String osName(String osRelease) {
        for (String line : osRelease.split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring(12).replace("\"", "").strip();
            }
        }
        return "unknown OS";
    }

    /** The daemon's JVM, from /proc/PID/exe and that JDK's {@code release} file. */
    private static String jdk(long pid) {
        try {
            Path java = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            Path home = java.getParent().getParent();
            String release = read(home.resolve("release"));
            String version = releaseValue(release, "JAVA_RUNTIME_VERSION", releaseValue(release, "JAVA_VERSION", "?"));
            String vendor = releaseValue(release, "IMPLEMENTOR", "");
            return (vendor.isEmpty() ? "" : vendor + " ") + version + " (" + home + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String releaseValue(String release, String key, String otherwise) {
        for (String line : release.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).replace("\"", "").strip();
            }
        }
        return otherwise;
    }

    /** The daemon's command line from /proc/PID/cmdline (class path elided) and the commit of the launcher's repository. */
    private static String scstj(long pid, Optional<Path> launcher) {
        List<String> words = new ArrayList<>();
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            boolean classPathNext = false;
            for (String word : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
                words.add(classPathNext ? "<class path>" : word);
                classPathNext = word.equals("-cp") || word.equals("-classpath") || word.equals("--class-path");
            }
        } catch (IOException e) {
            words.add("unknown command line");
        }
        String commit = launcher.map(l -> l.toAbsolutePath().getParent())
                .map(root -> {
                    try {
                        String head = Exec.output(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"),
                                Duration.ofSeconds(10)).strip();
                        String dirty = Exec.output(List.of("git", "-C", root.toString(), "status", "--porcelain",
                                "--untracked-files=no"), Duration.ofSeconds(30)).isBlank() ? "" : " + uncommitted changes";
                        return "commit " + head + dirty + "; ";
                    } catch (BenchFailure e) {
                        return "";
                    }
                }).orElse("");
        return commit + "`" + Exec.quote(words) + "`";
    }

    private static String packageVersion(String pkg) {
        try {
            return Exec.output(List.of("dpkg-query", "-W", "-f", "${Version}", pkg), Duration.ofSeconds(10)).strip();
        } catch (BenchFailure e) {
            return "?";
        }
    }

    private static String firstLine(List<String> command) {
        try {
            return Exec.run(command, Duration.ofSeconds(10)).output().lines().findFirst().orElse("?").strip();
        } catch (BenchFailure e) {
            return "?";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
