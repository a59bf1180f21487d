package org.scstj.bench.conformance;

import org.scstj.bench.compare.BackingFiles;
import org.scstj.bench.compare.BenchFailure;
import org.scstj.bench.compare.ChildProcesses;
import org.scstj.bench.compare.Cleanup;
import org.scstj.bench.compare.Exec;
import org.scstj.bench.compare.LoopDevices;
import org.scstj.bench.compare.Portal;
import org.scstj.bench.compare.Prerequisites;
import org.scstj.bench.compare.ScstjLaunch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of the matrix: installs libiscsi's tools if missing, writes the configuration and the
 * read-only LU's file into a fresh directory on tmpfs, has {@code scstj check} validate the
 * configuration (leaving the removable LU out when the build does not know {@code removable} yet),
 * starts the daemon, runs {@code iscsi-test-cu} against each configuration's LUN in turn, checking
 * after each run that the daemon still serves both portals, stops it with SIGTERM and removes
 * everything, on failure and on Ctrl-C too.
 */
final class Matrix {
    /** Size of the read-only LU's pre-filled file. */
    static final long READ_ONLY_BYTES = 64L << 20;
    /**
     * tmpfs the files may take: the thick, removable and pre-filled read-only files, what the tests
     * write to the thin ones, the sanitized one overwritten in full.
     */
    private static final long SPACE_NEEDED = 512L << 20;
    private static final String TOOL = "iscsi-test-cu";

    private final ConformanceOptions options;
    private final PrintStream progress;
    private final ChildProcesses children = new ChildProcesses();
    private final List<String> notes = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private volatile MatrixDaemon daemon;
    private Path dir;
    /** The loop device of each blockio configuration, attached for the run. */
    private final java.util.Map<Configuration, Path> loops = new java.util.EnumMap<>(Configuration.class);

    Matrix(ConformanceOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the matrix; everything it started is stopped and removed before it returns. */
    MatrixReport run() throws BenchFailure {
        try (Cleanup cleanup = new Cleanup(progress, "conformance")) {
            cleanup.installShutdownHook();
            try {
                return run(cleanup);
            } catch (BenchFailure e) {
                throw cleanup.interrupted() ? new BenchFailure("interrupted", e) : e;
            }
        }
    }

    private MatrixReport run(Cleanup cleanup) throws BenchFailure {
        ZonedDateTime started = ZonedDateTime.now();
        long t0 = System.nanoTime();
        Prerequisites.ensurePrograms(Map.of(TOOL, "libiscsi-bin"), "conformance", progress);
        String tool = toolVersion();
        CuListing listing = CuListing.parse(Exec.output(List.of(TOOL, "-l"), Duration.ofMinutes(1)));
        if (listing.family(Configuration.FAMILY).isEmpty()) {
            throw new BenchFailure(TOOL + " -l lists no test of family " + Configuration.FAMILY);
        }
        ScstjLaunch launch = options.launcher().isPresent() ? ScstjLaunch.launcher(options.launcher().get()) : ScstjLaunch.classPath();

        if (!BackingFiles.onTmpfs(options.dir())) {
            say("%s is not a tmpfs: the runs will be slower (--dir)", options.dir());
        }
        BackingFiles.checkSpace(options.dir(), SPACE_NEEDED);
        try {
            dir = Files.createTempDirectory(options.dir(), "scstj-conformance-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create a directory in " + options.dir() + ": " + e.getMessage(), e);
        }
        Path workDir = dir;
        cleanup.add("removing " + workDir, () -> BackingFiles.deleteTree(workDir));
        if (options.logs().isPresent()) {
            cleanup.add("keeping the logs in " + options.logs().get(), () -> keepLogs(workDir, options.logs().get()));
        }
        cleanup.add("ending whatever still runs", children::killAll);
        cleanup.add("stopping scstj", this::stopQuietly);

        Set<Configuration> configurations = EnumSet.copyOf(options.configurations());
        if (configurations.contains(Configuration.READ_ONLY)) {
            BackingFiles.create(dir.resolve("read-only.img"), READ_ONLY_BYTES);
        }
        if (configurations.contains(Configuration.VCDROM)) {
            BackingFiles.create(dir.resolve("cd.iso"), READ_ONLY_BYTES); // a multiple of 2048 bytes
        }
        for (Configuration c : List.copyOf(configurations)) {
            if (c.loopSectorSize() > 0) {
                try {
                    loops.put(c, LoopDevices.attach(dir.resolve(c.id + ".loop.img"), Configuration.LOOP_BYTES,
                            c.loopSectorSize(), cleanup));
                } catch (BenchFailure e) {
                    configurations.remove(c);
                    notes.add("Configuration " + c.id + " (LUN " + c.lun + ") left out: " + e.getMessage() + ".");
                    say("%s left out: %s", c.id, e.getMessage());
                }
            }
        }
        int port = Portal.freePort();
        Path config = dir.resolve("scstj.conf");
        validate(launch, config, port, configurations);

        say("starting scstj (%s) on %s:%d and %s:%d", launch.description(), MatrixConfig.HOST_1, port, MatrixConfig.HOST_2, port);
        daemon = MatrixDaemon.start(launch, config, port, dir.resolve("scstj.log"), children);

        List<ConfigurationRun> runs = new ArrayList<>();
        for (Configuration c : configurations) {
            TestSelection selection = TestSelection.of(c, listing);
            for (String unknown : selection.unknown()) {
                notes.add("Configuration " + c.id + ": this " + TOOL + " has no " + unknown + "; not run.");
            }
            if (selection.tests().isEmpty()) {
                continue;
            }
            ConfigurationRun run = runTool(c, selection, port);
            runs.add(run);
            say("%s: %d tests: %d passed, %d skipped, %d failed (%.1f s)", c.id, run.output().results().size(),
                    run.output().count(Verdict.PASSED), run.output().count(Verdict.SKIPPED),
                    run.output().count(Verdict.FAILED), run.duration().toMillis() / 1000.0);
            if (!run.problem().isEmpty()) {
                errors.add("Configuration " + c.id + ": " + run.problem() + ".");
            }
            if (!daemon.alive()) {
                errors.add("scstj died or stopped listening during the " + c.id + " run; the remaining configurations did not run.");
                break;
            }
        }
        boolean failed = runs.stream().anyMatch(r -> r.output().count(Verdict.FAILED) > 0);
        if (failed || !errors.isEmpty()) {
            say("end of scstj's log (%s):%n%s", daemon.log(), daemon.tail(40));
        }
        if (daemon.alive()) {
            say("stopping scstj");
            int exit = daemon.stop();
            if (exit != 0) {
                errors.add("scstj exited with status " + exit + " on SIGTERM (expected 0).");
            }
        }
        return new MatrixReport(started, Duration.ofNanos(System.nanoTime() - t0), tool, launch.description(), runs, notes, errors);
    }

    /**
     * Writes the configuration and has {@code scstj check} validate it. A build from before the
     * removable-medium or the SANITIZE work refuses {@code removable} or {@code whole-medium-rate}:
     * then the removable configuration is left out of {@code configurations}, or the rate left at
     * its default, with a note, and what remains must pass the check.
     */
    private void validate(ScstjLaunch launch, Path config, int port, Set<Configuration> configurations) throws BenchFailure {
        boolean rate = configurations.contains(Configuration.SANITIZE);
        Exec.Result check = check(launch, config, port, configurations, rate);
        List<String> problems = MatrixConfig.problems(check.output());
        if (!check.ok() && !problems.isEmpty() && problems.stream().allMatch(
                p -> MatrixConfig.isAbout(p, MatrixConfig.REMOVABLE_KEY) || MatrixConfig.isAbout(p, MatrixConfig.RATE_KEY)
                        || MatrixConfig.isAbout(p, MatrixConfig.BLOCKIO_HANDLER))) {
            if (problems.stream().anyMatch(p -> MatrixConfig.isAbout(p, MatrixConfig.BLOCKIO_HANDLER))) {
                configurations.removeIf(c -> c.handler.equals(MatrixConfig.BLOCKIO_HANDLER));
                notes.add("The blockio configurations were left out: this build has no `vdisk_blockio` ("
                        + problemWith(problems, MatrixConfig.BLOCKIO_HANDLER) + ").");
                say("this build has no vdisk_blockio: the blockio configurations are left out");
            }
            if (problems.stream().anyMatch(p -> MatrixConfig.isAbout(p, MatrixConfig.REMOVABLE_KEY))) {
                configurations.remove(Configuration.REMOVABLE);
                notes.add("Configuration removable (LUN 2) left out: this build refuses the `removable` key ("
                        + problemWith(problems, MatrixConfig.REMOVABLE_KEY) + ").");
                say("this build refuses 'removable = true': the removable configuration is left out");
            }
            if (problems.stream().anyMatch(p -> MatrixConfig.isAbout(p, MatrixConfig.RATE_KEY))) {
                rate = false;
                notes.add("The engine's `" + MatrixConfig.RATE_KEY + "` was left at its default: this build refuses the key ("
                        + problemWith(problems, MatrixConfig.RATE_KEY) + ").");
                say("this build refuses 'engine.%s': left at its default", MatrixConfig.RATE_KEY);
            }
            check = check(launch, config, port, configurations, rate);
        }
        if (!check.ok()) {
            throw new BenchFailure("scstj check refuses the matrix configuration " + config + ":\n" + check.output().strip());
        }
    }

    /** Writes the configuration of {@code configurations} and has {@code scstj check} validate it. */
    private Exec.Result check(ScstjLaunch launch, Path config, int port, Set<Configuration> configurations, boolean rate)
            throws BenchFailure {
        try {
            Files.writeString(config, MatrixConfig.render(dir, port, configurations, rate, loops));
        } catch (IOException e) {
            throw new BenchFailure("cannot write " + config + ": " + e.getMessage(), e);
        }
        // through the launcher this may build the project first
        return Exec.run(launch.check(config), Duration.ofMinutes(10));
    }

    /** The first problem about {@code key}, without the file name (a temporary path). */
    private static String problemWith(List<String> problems, String key) {
        String p = problems.stream().filter(l -> MatrixConfig.isAbout(l, key)).findFirst().orElse("");
        int at = p.indexOf(": scstj.");
        return at < 0 ? p : p.substring(at + 2);
    }

    /** Runs the tool against {@code c}'s LUN; a run over the time limit is stopped and reported as cut short. */
    private ConfigurationRun runTool(Configuration c, TestSelection selection, int port) throws BenchFailure {
        List<String> command = new ArrayList<>(List.of(TOOL, "-V", "-d", "-S"));
        options.initiatorName().ifPresent(n -> command.addAll(List.of("-i", n)));
        options.initiatorName2().ifPresent(n -> command.addAll(List.of("-I", n)));
        String tests = selection.entries().getFirst();
        if (selection.needsFile()) {
            Path list = dir.resolve("tests-" + c.id + ".txt");
            try {
                Files.write(list, selection.entries());
            } catch (IOException e) {
                throw new BenchFailure("cannot write " + list + ": " + e.getMessage(), e);
            }
            tests = list.toString();
        }
        command.addAll(List.of("-t", tests, MatrixConfig.url(MatrixConfig.HOST_1, port, c)));
        if (c.multipath) {
            command.add(MatrixConfig.url(MatrixConfig.HOST_2, port, c));
        }
        Path out = dir.resolve("iscsi-test-cu-" + c.id + ".out");
        say("%s: %s", c.id, describe(command, selection, c));
        long t0 = System.nanoTime();
        Process process = children.start(command, out);
        boolean timedOut = false;
        try {
            if (!process.waitFor(options.runTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ChildProcesses.kill(process.toHandle());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.kill(process.toHandle());
            throw new BenchFailure("interrupted during the " + c.id + " run", e);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - t0);
        String text;
        try {
            text = Files.readString(out, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new BenchFailure("cannot read " + out + ": " + e.getMessage(), e);
        }
        return new ConfigurationRun(c, command, CuOutput.parse(text, Configuration.FAMILY), duration,
                timedOut ? -1 : process.exitValue(), timedOut, selection.tests().size());
    }

    /** The command line and, for a test-list file, what it holds. */
    static String describe(List<String> command, TestSelection selection, Configuration c) {
        String line = Exec.quote(command);
        if (!selection.needsFile()) {
            return line;
        }
        return line + " (" + selection.tests().size() + " tests: " + String.join(",", c.tests)
                + (c.excluded.isEmpty() ? "" : " except " + String.join(",", c.excluded.stream().sorted().toList())) + ")";
    }

    private String toolVersion() {
        try {
            Exec.Result r = Exec.run(List.of("dpkg-query", "-W", "-f=${Version}", "libiscsi-bin"), Duration.ofSeconds(30));
            if (r.ok() && !r.output().isBlank()) {
                return TOOL + " (libiscsi-bin " + r.output().strip() + ")";
            }
        } catch (BenchFailure e) {
            // not a Debian system: no version to show
        }
        return TOOL;
    }

    private void stopQuietly() throws BenchFailure {
        MatrixDaemon d = daemon;
        if (d != null) {
            d.stop();
        }
    }

    /** Copies the configuration, the daemon's log and the runs' output (not the backing files) to {@code logs}. */
    private static void keepLogs(Path from, Path logs) throws IOException {
        Files.createDirectories(logs);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().endsWith(".img") && Files.isRegularFile(p)).toList()) {
                Files.copy(f, logs.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void say(String format, Object... args) {
        progress.println("conformance: " + String.format(format, args));
    }
}
