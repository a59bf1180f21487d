package org.scstj.bench.compare;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The programs a comparison runs, by the Debian package that provides each; missing ones are
 * installed with apt-get ({@code apt-get update} once, then {@code apt-get install -y}) when we
 * are root, else the comparison stops and says what to install.
 */
public final class Prerequisites {
    private static final Map<String, String> PROGRAMS = Map.of(
            "tgtd", "tgt",
            "tgtadm", "tgt",
            "iscsi-perf", "libiscsi-bin",
            "qemu-img", "qemu-utils");
    /** QEMU's iscsi block driver, a module of qemu-block-extra. */
    private static final List<Path> QEMU_ISCSI_MODULES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/qemu/block-iscsi.so"),
            Path.of("/usr/lib/aarch64-linux-gnu/qemu/block-iscsi.so"),
            Path.of("/usr/lib/qemu/block-iscsi.so"));

    private Prerequisites() {
    }

    /** The packages to install for what is missing now (in a stable order). */
    static Set<String> missing() {
        Set<String> packages = new LinkedHashSet<>();
        for (String program : List.of("tgtd", "tgtadm", "iscsi-perf", "qemu-img")) {
            if (!Exec.onPath(program)) {
                packages.add(PROGRAMS.get(program));
            }
        }
        if (QEMU_ISCSI_MODULES.stream().noneMatch(Files::exists) && !hasQemuIscsiModuleElsewhere()) {
            packages.add("qemu-block-extra");
        }
        return packages;
    }

    private static boolean hasQemuIscsiModuleElsewhere() {
        try (var dirs = Files.list(Path.of("/usr/lib"))) {
            return dirs.anyMatch(dir -> Files.exists(dir.resolve("qemu/block-iscsi.so")));
        } catch (Exception e) {
            return false;
        }
    }

    /** Installs whatever is missing, or fails saying what is. */
    static void ensure(PrintStream progress) throws BenchFailure {
        install(missing(), Prerequisites::missing, "compare", progress);
    }

    /**
     * Installs the Debian package of each program in {@code programs} (program name to package)
     * that is not on the path, as {@link #ensure(PrintStream)} does, with progress lines starting
     * with {@code prefix}; or fails saying what to install.
     */
    public static void ensurePrograms(Map<String, String> programs, String prefix, PrintStream progress) throws BenchFailure {
        Supplier<Set<String>> missing = () -> {
            Set<String> packages = new TreeSet<>();
            programs.forEach((program, pkg) -> {
                if (!Exec.onPath(program)) {
                    packages.add(pkg);
                }
            });
            return packages;
        };
        install(missing.get(), missing, prefix, progress);
    }

    private static void install(Set<String> packages, Supplier<Set<String>> missing, String prefix,
                                PrintStream progress) throws BenchFailure {
        if (packages.isEmpty()) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name")) || !Exec.onPath("apt-get")) {
            throw new BenchFailure("missing Debian packages " + String.join(" ", packages)
                    + ": install them (apt-get install -y " + String.join(" ", packages) + "), or run this as root");
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        progress.println(prefix + ": apt-get update");
        Exec.Result update = Exec.run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(10), env);
        if (!update.ok()) {
            throw new BenchFailure(update.describe());
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        install.addAll(packages);
        progress.println(prefix + ": " + String.join(" ", install));
        Exec.Result result = Exec.run(install, Duration.ofMinutes(20), env);
        if (!result.ok()) {
            throw new BenchFailure(result.describe());
        }
        Set<String> still = missing.get();
        if (!still.isEmpty()) {
            throw new BenchFailure("still missing after apt-get install: " + String.join(" ", still));
        }
    }
}
