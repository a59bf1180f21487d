package org.scstj.bench.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One comparison of scstj against tgtd: installs the clients and tgt if missing, writes identical
 * backing files on tmpfs, starts both targets, runs each selected workload for a number of rounds
 * alternating scstj, tgtd, scstj, tgtd, measures the sessions workload against freshly restarted
 * targets, and stops and removes everything, on failure and on Ctrl-C too.
 */
final class Comparison {
    private final CompareOptions options;
    private final PrintStream progress;
    private final ChildProcesses children = new ChildProcesses();
    private final List<String> notes = new ArrayList<>();
    private ScstjLaunch launch;
    private Path dir;
    private Path scstjFile;
    private String extraConfig = "";
    private Path tgtdFile;
    /** The loop devices of the blockio LUN (LUN 3), when a workload uses it; else null. */
    private Path scstjBlock;
    private Path tgtdBlock;
    /** The C reference RAM disk's binary, when a workload uses LUN 4 (null: no user LUN). */
    private Path ramdisk;
    private Clients clients;
    private long ticksPerSecond;
    private int instances;
    private volatile Target scstj;
    private volatile Target tgtd;

    Comparison(CompareOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the comparison and returns what it measured; everything it started is stopped and removed before it returns. */
    Report run() throws BenchFailure {
        try (Cleanup cleanup = new Cleanup(progress)) {
            cleanup.installShutdownHook();
            try {
                return run(cleanup);
            } catch (BenchFailure e) {
                throw cleanup.interrupted() ? new BenchFailure("interrupted", e) : e;
            }
        }
    }

    private Report run(Cleanup cleanup) throws BenchFailure {
        Prerequisites.ensure(progress);
        ticksPerSecond = ProcCpu.ticksPerSecond();
        launch = options.launcher().isPresent() ? ScstjLaunch.launcher(options.launcher().get()) : ScstjLaunch.classPath();
        ZonedDateTime started = ZonedDateTime.now();
        if (!BackingFiles.onTmpfs(options.dir())) {
            throw new BenchFailure(options.dir() + " is not a tmpfs: the comparison needs both backing files in memory (--dir)");
        }
        BackingFiles.checkSpace(options.dir(), 2 * options.sizeBytes());
        try {
            dir = Files.createTempDirectory(options.dir(), "scstj-bench-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create a directory in " + options.dir() + ": " + e.getMessage(), e);
        }
        Path workDir = dir;
        cleanup.add("removing " + workDir, () -> BackingFiles.deleteTree(workDir));
        cleanup.add("ending whatever still runs", children::killAll);
        cleanup.add("stopping the targets", this::stopTargets);
        cleanup.add("ending the clients", this::endClients);
        clients = new Clients(children, dir);

        say("writing two identical %d MiB backing files in %s", options.sizeBytes() >> 20, dir);
        scstjFile = dir.resolve("scstj.img");
        if (options.scstjConf().isPresent()) {
            try {
                extraConfig = java.nio.file.Files.readString(options.scstjConf().get());
            } catch (java.io.IOException e) {
                throw new BenchFailure("cannot read --scstj-conf " + options.scstjConf().get() + ": " + e.getMessage(), e);
            }
            notes.add("scstj ran with this appended to its configuration (--scstj-conf): `"
                    + extraConfig.strip().replaceAll("\\s+", " ") + "`.");
        }
        String javaOpts = System.getenv("SCSTJ_JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank()) {
            notes.add("scstj ran with SCSTJ_JAVA_OPTS=`" + javaOpts.strip() + "`.");
        }
        tgtdFile = dir.resolve("tgtd.img");
        BackingFiles.create(scstjFile, options.sizeBytes());
        BackingFiles.create(tgtdFile, options.sizeBytes());

        if (options.workloads().stream().anyMatch(w -> w.lun == Workload.Lun.BLOCK)) {
            scstjBlock = LoopDevices.attach(dir.resolve("scstj-block.img"), options.sizeBytes(), 512, cleanup);
            tgtdBlock = LoopDevices.attach(dir.resolve("tgtd-block.img"), options.sizeBytes(), 512, cleanup);
            BackingFiles.fill(scstjBlock, options.sizeBytes());
            BackingFiles.fill(tgtdBlock, options.sizeBytes());
            notes.add("The loop device LUN 3: scstj's vdisk_blockio on " + scstjBlock + ", tgtd's aio store on "
                    + tgtdBlock + ", each over a " + options.sizeBytes() / (1 << 20) + " MiB tmpfs file filled with the"
                    + " same pattern.");
        }
        if (options.workloads().stream().anyMatch(w -> w.lun == Workload.Lun.USER)) {
            ramdisk = buildRamdisk();
            notes.add("LUN 4: scstj's `user` device served by the C reference RAM disk (user-handlers/c/build/ramdisk,"
                    + " 1 GiB) in a process of its own, started by the daemon; tgtd has no such handler, so its LUN 4"
                    + " is another `null` store. Compare the scstj column with scstj's in-process null LUN"
                    + " (null-read4k-qd32) too. The handler's process is the daemon's child: its CPU time is in scstj's column.");
        }
        scstj = startScstj();
        TgtdTarget firstTgtd = startTgtd();
        tgtd = firstTgtd;
        int scstjPort = scstj.port();
        int tgtdPort = tgtd.port();
        int tgtdControl = firstTgtd.controlPort();
        Machine machine = Machine.collect(scstj.pid(), options.launcher(), started);
        if (options.workloads().contains(Workload.WRITE_1M_QD32)) {
            noteBlockLimits(Workload.WRITE_1M_QD32);
        }

        List<WorkloadResult> results = new ArrayList<>();
        for (Workload w : Workload.alternating()) {
            if (options.workloads().contains(w)) {
                results.add(w.client == Workload.Client.QEMU_IMG_BENCH ? qemuImgBenchWorkload(w) : iscsiPerfWorkload(w));
            }
        }
        Optional<Report.Sessions> sessions = Optional.empty();
        if (options.workloads().contains(Workload.SESSIONS)) {
            sessions = Optional.of(sessionsWorkload(!results.isEmpty()));
        }
        Optional<Report.LatencyOverhead> latency = Optional.empty();
        if (options.latencyOverhead()) {
            if (sessions.isPresent()) {
                scstj.close(); // the sessions workload left a fresh scstj; any will do, but on the same port
            }
            latency = Optional.of(latencyOverhead());
        }
        stopTargets();
        notes.add("Load average at the end: " + Machine.loadAverage() + " (" + machine.cores() + " logical CPUs).");
        return new Report(machine, options, ticksPerSecond, scstjPort, tgtdPort, tgtdControl, results, sessions, notes,
                latency);
    }

    /**
     * 4 KiB random reads at QD 32 against scstj alone, its latency measurement of the file LUN off
     * and on in alternate runs (off then on in odd rounds, on then off in even ones), switched with
     * {@code scstj admin latency} between runs.
     */
    private Report.LatencyOverhead latencyOverhead() throws BenchFailure {
        Workload w = Workload.READ_4K_QD32;
        if (!scstj.alive()) {
            scstj = startScstj();
        }
        if (options.warmup() > 0) {
            say("latency overhead: %d s warm-up against scstj", options.warmup());
            clients.runIscsiPerf(Clients.iscsiPerf(w, scstj.url(w.lun), options.warmup(), Optional.empty()), options.warmup());
        }
        List<Run> off = new ArrayList<>();
        List<Run> on = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            boolean[] order = round % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false};
            for (boolean measure : order) {
                switchLatency(measure);
                List<String> command = Clients.iscsiPerf(w, scstj.url(w.lun), options.seconds(), Optional.empty());
                Run run = measure(scstj, () -> {
                    IscsiPerfSummary s = clients.runIscsiPerf(command, options.seconds());
                    return new Completed(s.iops(), (double) s.iops() * options.seconds());
                });
                (measure ? on : off).add(run);
                say("latency overhead round %d/%d, measurement %s: %,.0f IOPS, %.1f µs CPU/IO", round, options.rounds(),
                        measure ? "on" : "off", run.iops(), run.cpuMicrosPerIo());
            }
        }
        switchLatency(false);
        return new Report.LatencyOverhead(w, off, on, Exec.quote(Clients.iscsiPerf(w, url("PORT", w.lun),
                options.seconds(), Optional.empty())));
    }

    /**
     * {@code scstj admin latency --on|--off bench-file} against the running scstj (in this JVM, through
     * its admin API, whose address the daemon wrote to its state-dir: {@link ScstjLaunch#ADMIN_ANY_PORT}).
     */
    private void switchLatency(boolean on) throws BenchFailure {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        int exit = org.scstj.mgmt.cli.AdminCli.run(List.of("--state-dir", dir.resolve("scstj-state").toString(),
                "latency", on ? "--on" : "--off", "bench-file"), out, out);
        if (exit != 0) {
            throw new BenchFailure("scstj admin latency " + (on ? "--on" : "--off") + " failed: " + buf);
        }
    }

    private Target startScstj() throws BenchFailure {
        say("starting scstj (%s)", launch.description());
        return ScstjTarget.start(launch, dir, scstjFile, scstjBlock, ramdisk, ++instances, children, extraConfig);
    }

    private TgtdTarget startTgtd() throws BenchFailure {
        say("starting tgtd");
        return TgtdTarget.start(dir, tgtdFile, tgtdBlock, ramdisk != null, ++instances, children);
    }

    /**
     * Builds the C reference handlers (make and the system cc) of the checkout this runs from (the
     * launcher's directory, else the working directory or one above it); the RAM disk's binary.
     */
    private Path buildRamdisk() throws BenchFailure {
        Path start = options.launcher().map(l -> l.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
        Path c = null;
        for (Path at = start; at != null && c == null; at = at.getParent()) {
            if (Files.exists(at.resolve("user-handlers/c/Makefile"))) {
                c = at.resolve("user-handlers/c");
            }
        }
        if (c == null) {
            throw new BenchFailure("no user-handlers/c/Makefile in " + start + " or above: the user LUN needs the checkout's"
                    + " C reference handlers");
        }
        Exec.Result make = Exec.run(List.of("make", "-s", "-C", c.toString()), java.time.Duration.ofMinutes(5));
        if (!make.ok()) {
            throw new BenchFailure("building the C reference handlers failed: " + make.describe());
        }
        return c.resolve("build/ramdisk");
    }

    private void stopTargets() throws BenchFailure {
        BenchFailure failure = null;
        for (Target t : new Target[] {scstj, tgtd}) {
            if (t != null && t.alive()) {
                say("stopping %s", t.name());
                try {
                    t.close();
                } catch (BenchFailure e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Ends every client (and refuses new processes), so that the targets then stop with no session left. */
    private void endClients() {
        Set<Long> targets = new HashSet<>();
        for (Target t : new Target[] {scstj, tgtd}) {
            if (t != null) {
                targets.add(t.pid());
            }
        }
        children.killAllBut(targets);
    }

    /** Notes whether QEMU will split {@code w}'s writes on either target (it honours MAXIMUM TRANSFER LENGTH). */
    private void noteBlockLimits(Workload w) {
        List<String> parts = new ArrayList<>();
        boolean split = false;
        for (Target t : both()) {
            try {
                BlockLimits limits = clients.readBlockLimits(t.url(w.lun));
                parts.add(t.name() + " " + limits.describeMax());
                split |= !limits.fitsOneCommand(w.bytes, Clients.BLOCK_SIZE);
            } catch (BenchFailure e) {
                parts.add(t.name() + " unknown (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        notes.add("Maximum transfer length (Block Limits VPD, `iscsi-inq -e 1 -c 176`): " + String.join(", ", parts)
                + (split ? ": QEMU splits a 1 MiB write into several commands on at least one target."
                        : ": every 1 MiB write is one command on both."));
    }

    private List<Target> both() {
        return List.of(scstj, tgtd);
    }

    private WorkloadResult iscsiPerfWorkload(Workload w) throws BenchFailure {
        if (options.warmup() > 0) {
            for (Target t : both()) {
                say("%s: %d s warm-up against %s", w.id, options.warmup(), t.name());
                clients.runIscsiPerf(Clients.iscsiPerf(w, t.url(w.lun), options.warmup(), Optional.empty()), options.warmup());
            }
        }
        List<Run> a = new ArrayList<>();
        List<Run> b = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Target t : both()) {
                List<String> command = Clients.iscsiPerf(w, t.url(w.lun), options.seconds(), Optional.empty());
                int r = round;
                Run run = measure(t, () -> {
                    IscsiPerfSummary s = clients.runIscsiPerf(command, options.seconds());
                    if (s.busy() > 0) {
                        notes.add(String.format(Locale.ROOT, "%s round %d: %s answered BUSY at least %d times"
                                + " (iscsi-perf retries and counts them as I/Os).", w.id, r, t.name(), s.busy()));
                    }
                    return new Completed(s.iops(), (double) s.iops() * options.seconds());
                });
                (t == scstj ? a : b).add(run);
                report(w, round, t, run);
            }
        }
        return new WorkloadResult(w, a, b, Exec.quote(Clients.iscsiPerf(w, url("PORT", w.lun), options.seconds(),
                Optional.empty())));
    }

    private WorkloadResult qemuImgBenchWorkload(Workload w) throws BenchFailure {
        long count = calibrate(w);
        List<Run> a = new ArrayList<>();
        List<Run> b = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(options.seconds() * 10L + 120);
        for (int round = 1; round <= options.rounds(); round++) {
            for (Target t : both()) {
                List<String> command = Clients.qemuImgBench(w, t.url(w.lun), count);
                Run run = measure(t, () -> {
                    QemuBenchSummary s = clients.runQemuImgBench(command, timeout);
                    return new Completed(s.iops(), s.requests());
                });
                (t == scstj ? a : b).add(run);
                report(w, round, t, run);
            }
        }
        return new WorkloadResult(w, a, b, Exec.quote(Clients.qemuImgBench(w, url("PORT", w.lun), count)));
    }

    /**
     * A request count that takes about {@code --seconds} (qemu-img bench counts requests, it has no
     * time limit): the mean rate of short runs against both targets, each grown until it lasts a
     * while. The same count then runs against both, so both do the same work.
     */
    private long calibrate(Workload w) throws BenchFailure {
        double minSeconds = Math.max(0.5, Math.min(2.0, Math.max(options.warmup(), options.seconds() / 5.0)));
        double rates = 0;
        for (Target t : both()) {
            long count = w.bytes >= (1 << 20) ? 64 : 4096;
            for (int attempt = 0; ; attempt++) {
                QemuBenchSummary s = clients.runQemuImgBench(Clients.qemuImgBench(w, t.url(w.lun), count),
                        Duration.ofMinutes(5));
                if (s.seconds() >= minSeconds || attempt == 8) {
                    rates += s.iops();
                    say("%s: calibration against %s: %,d requests in %.3f s", w.id, t.name(), count, s.seconds());
                    break;
                }
                count = (long) Math.min(count * 16.0, Math.max(count * 2.0, count * 1.2 * minSeconds / Math.max(s.seconds(), 0.001)));
            }
        }
        return Math.max(w.queueDepth * 4L, Math.round(rates / 2 * options.seconds()));
    }

    /** The sessions workload; {@code restart}: the targets ran other workloads, so start fresh ones first. */
    private Report.Sessions sessionsWorkload(boolean restart) throws BenchFailure {
        Workload w = Workload.SESSIONS;
        if (restart) {
            say("%s: restarting scstj", w.id);
            scstj.close();
            scstj = startScstj();
        }
        SessionsResult a = sessions(scstj);
        if (restart) {
            say("%s: restarting tgtd", w.id);
            tgtd.close();
            tgtd = startTgtd();
        }
        SessionsResult b = sessions(tgtd);
        String command = Exec.quote(Clients.iscsiPerf(w, url("PORT", w.lun), options.seconds(),
                Optional.of(Clients.INITIATOR.replace("%02d", "NN"))));
        return new Report.Sessions(a, b, command);
    }

    /** Many iscsi-perf clients at once against {@code t}, sampling its VmRSS every 200 ms. */
    private SessionsResult sessions(Target t) throws BenchFailure {
        Workload w = Workload.SESSIONS;
        say("%s: %d clients at once against %s", w.id, options.sessions(), t.name());
        long idle = ProcMemory.read(t.pid()).rssKib();
        AtomicLong maxRss = new AtomicLong(idle);
        AtomicInteger samples = new AtomicInteger(1);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rss-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(() -> {
            try {
                maxRss.accumulateAndGet(ProcMemory.read(t.pid()).rssKib(), Math::max);
                samples.incrementAndGet();
            } catch (BenchFailure gone) {
                // the target died: the run fails below
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        try {
            Run run = measure(t, () -> {
                List<Clients.Started> started = new ArrayList<>();
                for (int i = 1; i <= options.sessions(); i++) {
                    started.add(clients.startIscsiPerf(Clients.iscsiPerf(w, t.url(w.lun), options.seconds(),
                            Optional.of(String.format(Clients.INITIATOR, i)))));
                }
                double iops = 0;
                for (Clients.Started s : started) {
                    iops += clients.awaitIscsiPerf(s, Duration.ofSeconds(options.seconds() + 180L)).iops();
                }
                return new Completed(iops, iops * options.seconds());
            });
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            ProcMemory end = ProcMemory.read(t.pid());
            maxRss.accumulateAndGet(end.rssKib(), Math::max);
            SessionsResult result = new SessionsResult(run, idle, maxRss.get(), end.hwmKib(), samples.get() + 1);
            say("%s %s: %,.0f IOPS in total, %.1f µs CPU/IO, peak RSS %.1f MiB (VmHWM), sampled max %.1f MiB,"
                    + " %.1f MiB before the clients", w.id, t.name(), run.iops(), run.cpuMicrosPerIo(), result.hwmKib() / 1024.0,
                    result.sampledMaxKib() / 1024.0, result.idleKib() / 1024.0);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted", e);
        } finally {
            sampler.shutdownNow();
        }
    }

    /** What a client run completed. */
    private record Completed(double iops, double ios) {
    }

    /** A client run; throws when the client fails. */
    @FunctionalInterface
    private interface ClientRun {
        Completed run() throws BenchFailure;
    }

    /** Runs {@code client} and charges {@code t}'s CPU time during it to the I/Os it completed. */
    private Run measure(Target t, ClientRun client) throws BenchFailure {
        ProcCpu before = ProcCpu.readWithDescendants(t.pid());
        Completed done = client.run();
        ProcCpu after = ProcCpu.readWithDescendants(t.pid());
        if (!t.alive()) {
            throw new BenchFailure(t.name() + " died during the run; end of " + t.log() + ":\n" + ChildProcesses.tail(t.log(), 30));
        }
        if (done.ios() <= 0 || done.iops() <= 0) {
            throw new BenchFailure("a client against " + t.name() + " completed no I/O");
        }
        double cpuMicros = (after.ticks() - before.ticks()) * 1e6 / ticksPerSecond;
        return new Run(done.iops(), done.ios(), cpuMicros / done.ios());
    }

    private void report(Workload w, int round, Target t, Run run) {
        String figure = w.unit == Workload.Unit.MIB_PER_SECOND
                ? String.format(Locale.ROOT, "%,.0f MiB/s", run.mibPerSecond(w.bytes))
                : String.format(Locale.ROOT, "%,.0f IOPS", run.iops());
        say("%s round %d/%d %s: %s, %.1f µs CPU/IO", w.id, round, options.rounds(), t.name(), figure, run.cpuMicrosPerIo());
    }

    private static String url(String port, Workload.Lun lun) {
        return "iscsi://" + Portal.HOST + ":" + port + "/" + Target.IQN + "/" + lun.number;
    }

    private void say(String format, Object... args) {
        progress.println("compare: " + String.format(Locale.ROOT, format, args));
    }
}
