package org.scstj.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.scstj.bench.cluster.ClusterReport.FailoverRound;
import org.scstj.bench.cluster.ClusterReport.Kind;
import org.scstj.bench.cluster.ClusterReport.Throughput;
import org.scstj.bench.compare.BackingFiles;
import org.scstj.bench.compare.BenchFailure;
import org.scstj.bench.compare.ChildProcesses;
import org.scstj.bench.compare.Cleanup;
import org.scstj.bench.compare.Clients;
import org.scstj.bench.compare.Exec;
import org.scstj.bench.compare.IscsiPerfSummary;
import org.scstj.bench.compare.Machine;
import org.scstj.bench.compare.QemuBenchSummary;
import org.scstj.bench.compare.ScstjLaunch;
import org.scstj.bench.compare.Workload;

/**
 * One {@code bench cluster} run (docs/design/cluster.md 6.4): starts the single-node daemon and the
 * three nodes, measures throughput alternating the two, then the failover rounds, and stops and
 * removes everything, on failure and on Ctrl-C too (one {@link Cleanup}, every process through one
 * {@link ChildProcesses}). Every wait is bounded.
 */
final class ClusterBench {
    /** Size of the failover LU's backing file. */
    static final long FAILOVER_SIZE = 64L << 20;
    /** The initiator's retry interval on 04/0A and 04/0B (Linux scsi_dh_alua polls about this often). */
    static final long RETRY_MILLIS = 100;
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration WHOLE = Duration.ofMinutes(3);
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    private final ClusterOptions options;
    private final PrintStream progress;
    private final ChildProcesses children = new ChildProcesses();
    private final List<String> notes = new ArrayList<>();
    private final List<Double> rejoins = new ArrayList<>();
    private final List<BenchDaemon> daemons = new ArrayList<>();
    private BenchDaemon single;
    private final BenchDaemon[] nodes = new BenchDaemon[ClusterConfig.NODES.size()];
    private Clients clients;
    private int stamp;

    ClusterBench(ClusterOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the benchmark; everything it started is stopped and removed before it returns. */
    ClusterReport run() throws BenchFailure {
        try (Cleanup cleanup = new Cleanup(progress, "cluster")) {
            cleanup.installShutdownHook();
            try {
                return run(cleanup);
            } catch (BenchFailure e) {
                throw cleanup.interrupted() ? new BenchFailure("interrupted", e) : e;
            }
        }
    }

    private ClusterReport run(Cleanup cleanup) throws BenchFailure {
        for (String program : List.of("iscsi-perf", "qemu-img")) {
            if (!Exec.onPath(program)) {
                throw new BenchFailure(program + " is not installed: apt-get install libiscsi-bin qemu-utils qemu-block-extra");
            }
        }
        ScstjLaunch launch = options.launcher().isPresent() ? ScstjLaunch.launcher(options.launcher().get())
                : ScstjLaunch.classPath();
        ZonedDateTime started = ZonedDateTime.now();
        if (!BackingFiles.onTmpfs(options.dir())) {
            throw new BenchFailure(options.dir() + " is not a tmpfs: the LUs' files must be in memory (--dir)");
        }
        BackingFiles.checkSpace(options.dir(), 2 * options.sizeBytes() + FAILOVER_SIZE);
        Path dir;
        try {
            dir = Files.createTempDirectory(options.dir(), "scstj-bench-cluster-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create a directory in " + options.dir() + ": " + e.getMessage(), e);
        }
        cleanup.add("removing " + dir, () -> BackingFiles.deleteTree(dir));
        cleanup.add("ending whatever still runs", children::killAll);
        cleanup.add("stopping the daemons", this::stopDaemons);
        clients = new Clients(children, dir);

        say("writing two identical %d MiB backing files and a %d MiB failover file in %s", options.sizeBytes() >> 20,
                FAILOVER_SIZE >> 20, dir);
        Path singleFile = dir.resolve("single.img");
        Path clusterFile = dir.resolve("cluster.img");
        Path failoverFile = dir.resolve("failover.img");
        BackingFiles.create(singleFile, options.sizeBytes());
        BackingFiles.create(clusterFile, options.sizeBytes());
        BackingFiles.create(failoverFile, FAILOVER_SIZE);

        int[] artery = new int[nodes.length];
        int[] iscsi = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            artery[i] = freePort(ClusterConfig.host(i));
            iscsi[i] = freePort(ClusterConfig.host(i));
        }
        int singlePort = freePort(ClusterConfig.SINGLE_HOST);
        Path singleHome = dir.resolve("single");
        single = daemon(new BenchDaemon("single", ClusterConfig.SINGLE_HOST, singlePort, singleHome,
                ClusterConfig.single(singleHome, singleFile, singlePort), launch, children));
        for (int i = 0; i < nodes.length; i++) {
            Path home = dir.resolve(ClusterConfig.NODES.get(i));
            nodes[i] = daemon(new BenchDaemon(ClusterConfig.NODES.get(i), ClusterConfig.host(i), iscsi[i], home,
                    ClusterConfig.node(i, home, clusterFile, failoverFile, iscsi[i], artery), launch, children));
        }
        // the single daemon first, alone: the launcher builds the project when a source changed,
        // and four launchers must not build at once
        say("starting the single-node daemon on %s:%d (%s)", single.host, single.port, launch.description());
        single.launch();
        single.awaitListening(START);
        // two nodes first (a majority: they become Up and open their portals), then the third:
        // three JVMs starting at once on a loaded machine pause long enough to be downed
        say("starting n1 and n2 on 127.0.0.1 and .2");
        start(List.of(nodes[0], nodes[1]));
        say("starting n3 on 127.0.0.3");
        start(List.of(nodes[2]));
        double whole = awaitWhole();
        say("cluster whole (three members up, throughput owned by n1, failover by n2) %.1f s after its portals opened",
                whole);
        Machine machine = Machine.collect(nodes[0].pid(), options.launcher(), started);

        List<Throughput> throughput = new ArrayList<>();
        if (options.runs() > 0) {
            throughput.add(reads());
            throughput.add(writes());
        }

        List<FailoverRound> kills = failover(Kind.KILL, options.killRounds());
        List<FailoverRound> leaves = failover(Kind.LEAVE, options.leaveRounds());
        String loadEnd = Machine.loadAverage();
        stopDaemons();
        return new ClusterReport(machine, options, loadEnd, throughput, kills, leaves, rejoins, notes);
    }

    private BenchDaemon daemon(BenchDaemon d) {
        daemons.add(d);
        return d;
    }

    /** 4 KiB random reads at QD 32 with iscsi-perf, single then n1, {@code --runs} times. */
    private Throughput reads() throws BenchFailure {
        Workload w = Workload.READ_4K_QD32;
        List<BenchDaemon> both = List.of(single, nodes[0]);
        if (options.warmup() > 0) {
            for (BenchDaemon d : both) {
                say("%s: %d s warm-up against %s", w.id, options.warmup(), d.name);
                clients.runIscsiPerf(Clients.iscsiPerf(w, url(d, ClusterConfig.THROUGHPUT_LUN), options.warmup(),
                        Optional.empty()), options.warmup());
            }
        }
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (BenchDaemon d : both) {
                IscsiPerfSummary s = clients.runIscsiPerf(Clients.iscsiPerf(w, url(d, ClusterConfig.THROUGHPUT_LUN),
                        options.seconds(), Optional.empty()), options.seconds());
                if (s.busy() > 0) {
                    notes.add(String.format(Locale.ROOT, "%s run %d: %s answered BUSY at least %d times.", w.id, run,
                            d.name, s.busy()));
                }
                (d == single ? a : b).add((double) s.iops());
                say("%s run %d/%d, %s: %,d IOPS", w.id, run, options.runs(), d.name, s.iops());
            }
        }
        return new Throughput(w.title(0), a, b, Exec.quote(Clients.iscsiPerf(w,
                ClusterConfig.url("HOST", 0, ClusterConfig.THROUGHPUT_LUN).replace(":0/", ":PORT/"),
                options.seconds(), Optional.empty())));
    }

    /**
     * 4 KiB scattered writes at QD 32 with qemu-img bench, single then n1, {@code --runs} times;
     * the request count (qemu-img bench has no time limit) from short calibration runs against
     * both, which double as the warm-up.
     */
    private Throughput writes() throws BenchFailure {
        List<BenchDaemon> both = List.of(single, nodes[0]);
        double rates = 0;
        for (BenchDaemon d : both) {
            long count = 8192;
            for (int attempt = 0; ; attempt++) {
                QemuBenchSummary s = clients.runQemuImgBench(ScatteredWrites.command(
                        url(d, ClusterConfig.THROUGHPUT_LUN), options.sizeBytes(), count), Duration.ofMinutes(5));
                if (s.seconds() >= Math.min(2.0, options.seconds() / 3.0) || attempt >= 4) {
                    rates += s.iops();
                    say("write4k-qd32 calibration against %s: %,.0f IOPS", d.name, s.iops());
                    break;
                }
                count *= 4;
            }
        }
        long count = Math.max(1024, Math.round(rates / both.size() * options.seconds()));
        Duration timeout = Duration.ofSeconds(options.seconds() * 10L + 120);
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (BenchDaemon d : both) {
                QemuBenchSummary s = clients.runQemuImgBench(ScatteredWrites.command(
                        url(d, ClusterConfig.THROUGHPUT_LUN), options.sizeBytes(), count), timeout);
                (d == single ? a : b).add(s.iops());
                say("write4k-qd32 run %d/%d, %s: %,.0f IOPS (%,d writes in %.1f s)", run, options.runs(), d.name,
                        s.iops(), count, s.seconds());
            }
        }
        return new Throughput("4 KiB scattered write, QD 32", a, b, Exec.quote(ScatteredWrites.command(
                ClusterConfig.url("HOST", 0, ClusterConfig.THROUGHPUT_LUN).replace(":0/", ":PORT/"),
                options.sizeBytes(), count)));
    }

    /**
     * {@code rounds} rounds of the failover device group's owner leaving ({@code kind}): each waits
     * for the cluster whole, checks GOOD through the owner's path, primes a session through each
     * other node, makes the owner go, times the first GOOD WRITE through any other node's path,
     * then relaunches the owner. A round that fails is noted and ends this kind's rounds.
     */
    private List<FailoverRound> failover(Kind kind, int rounds) throws BenchFailure {
        List<FailoverRound> done = new ArrayList<>();
        BenchDaemon owner = node(ClusterConfig.FAILOVER_PREFERRED.get(0));
        for (int round = 1; round <= rounds; round++) {
            List<WriteProbe> survivors = new ArrayList<>();
            try (WriteProbe ownerPath = new WriteProbe(owner)) {
                awaitWhole();
                awaitGood(ownerPath);
                for (BenchDaemon n : nodes) {
                    if (n != owner) {
                        WriteProbe p = new WriteProbe(n);
                        survivors.add(p);
                        prime(p);
                    }
                }
                long t0 = System.nanoTime();
                if (kind == Kind.KILL) {
                    owner.signalKill();
                } else {
                    BenchDaemon.AdminResult r = owner.admin("cluster", "leave");
                    if (r.exit() != 0) {
                        throw new BenchFailure("scstj admin cluster leave on " + owner.name + " exited with " + r.exit()
                                + ": " + r.output().strip());
                    }
                }
                FailoverRound result = pollUntilGood(kind, round, survivors, t0);
                done.add(result);
                say("%s round %d/%d: GOOD through %s after %.2f s (%s)", kind == Kind.KILL ? "kill -9" : "leave", round,
                        rounds, result.node(), result.seconds(), result.seen());
                int exit = owner.awaitExit(Duration.ofSeconds(60));
                if (kind == Kind.LEAVE && exit != 0) {
                    notes.add("leave round " + round + ": " + owner.name + " exited with " + exit + " after leaving.");
                }
            } catch (BenchFailure e) {
                notes.add(String.format(Locale.ROOT, "%s round %d failed, the remaining %s rounds were skipped: %s",
                        kind == Kind.KILL ? "kill -9" : "leave", round, kind == Kind.KILL ? "kill -9" : "leave",
                        e.getMessage().lines().findFirst().orElse("")));
                say("%s round %d FAILED: %s", kind, round, e.getMessage());
                if (owner.alive() && kind == Kind.LEAVE) {
                    owner.stop();
                }
                if (owner.alive()) {
                    break;
                }
            } finally {
                survivors.forEach(WriteProbe::close);
            }
            if (!owner.alive()) {
                long t = System.nanoTime();
                start(List.of(owner));
                awaitWhole();
                rejoins.add((System.nanoTime() - t) / 1e9);
            }
            if (done.size() < round) {
                break;
            }
        }
        return done;
    }

    /**
     * Launches {@code group} and waits until each listens. A node that exits first (on a loaded
     * machine the others may down a node whose JVM paused longer than the failure detector allows
     * while it joined; a downed node ends its process) is launched again, at most twice, and noted.
     */
    private void start(List<BenchDaemon> group) throws BenchFailure {
        int[] relaunches = new int[group.size()];
        for (BenchDaemon d : group) {
            d.launch();
        }
        long end = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < end) {
            boolean all = true;
            for (int i = 0; i < group.size(); i++) {
                BenchDaemon d = group.get(i);
                if (!d.alive()) {
                    if (relaunches[i]++ == 2) {
                        throw new BenchFailure(d.name + " exited three times before its portal listened; end of "
                                + d.log() + ":\n" + ChildProcesses.tail(d.log(), 30));
                    }
                    String why = lastError(d.log());
                    notes.add(d.name + " exited while starting (" + why + ") and was launched again.");
                    say("%s exited while starting (%s): launching it again", d.name, why);
                    d.launch();
                }
                all &= d.listening();
            }
            if (all) {
                return;
            }
            BenchDaemon.sleep(200);
        }
        throw new BenchFailure(group.stream().filter(d -> !d.listening()).map(d -> d.name).toList()
                + " did not listen within " + START.toSeconds() + " s");
    }

    /** The last WARN or ERROR line of a daemon's log, without its time stamp. */
    private static String lastError(Path log) {
        String tail = ChildProcesses.tail(log, 200);
        List<String> lines = tail.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList();
        return lines.isEmpty() ? "no warning in its log" : lines.getLast().replaceFirst("^[0-9:.]+\\s+", "").strip();
    }

    /** Sends WRITEs through {@code p} until one is not a unit attention (a new nexus's first answers). */
    private void prime(WriteProbe p) throws BenchFailure {
        for (int i = 0; i < 10; i++) {
            WriteProbe.Outcome o = p.write(1, ++stamp);
            if (o instanceof WriteProbe.Refused(String what)) {
                throw new BenchFailure("WRITE through " + p.daemon + " before the round: " + what);
            }
            if (!(o instanceof WriteProbe.Retry(String what) && (what.startsWith("06/") || what.startsWith("login")
                    || what.startsWith("connection")))) {
                return;
            }
            BenchDaemon.sleep(RETRY_MILLIS);
        }
        throw new BenchFailure("no session through " + p.daemon + " past its unit attentions");
    }

    /** Retries WRITE through the owner's path until GOOD (its group becomes active/optimized after failback). */
    private void awaitGood(WriteProbe p) throws BenchFailure {
        long end = System.nanoTime() + FAILOVER_BOUND.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            WriteProbe.Outcome o = p.write(0, ++stamp);
            switch (o) {
                case WriteProbe.Good g -> {
                    return;
                }
                case WriteProbe.Refused(String what) -> throw new BenchFailure("WRITE through " + p.daemon + ": " + what);
                case WriteProbe.Retry(String what) -> last = what;
            }
            BenchDaemon.sleep(RETRY_MILLIS);
        }
        throw new BenchFailure("no GOOD through the owner " + p.daemon + " within " + FAILOVER_BOUND.toSeconds()
                + " s (last: " + last + ")");
    }

    /** WRITE through every survivor's path every 100 ms until one answers GOOD; the seconds since {@code t0}. */
    private FailoverRound pollUntilGood(Kind kind, int round, List<WriteProbe> paths, long t0) throws BenchFailure {
        long end = t0 + FAILOVER_BOUND.toNanos();
        java.util.Map<String, List<String>> seen = new java.util.LinkedHashMap<>();
        paths.forEach(p -> seen.put(p.daemon.name, new ArrayList<>()));
        while (System.nanoTime() < end) {
            for (WriteProbe p : paths) {
                WriteProbe.Outcome o = p.write(0, ++stamp);
                switch (o) {
                    case WriteProbe.Good g -> {
                        return new FailoverRound(kind, round, (System.nanoTime() - t0) / 1e9, p.daemon.name,
                                ClusterMarkdown.foldByNode(seen));
                    }
                    case WriteProbe.Refused(String what) -> throw new BenchFailure("WRITE through " + p.daemon
                            + " after the owner left: " + what);
                    case WriteProbe.Retry(String what) -> seen.get(p.daemon.name).add(what);
                }
            }
            BenchDaemon.sleep(RETRY_MILLIS);
        }
        throw new BenchFailure("no GOOD WRITE through " + paths.stream().map(p -> p.daemon.name).toList() + " within "
                + FAILOVER_BOUND.toSeconds() + " s; seen " + ClusterMarkdown.foldByNode(seen));
    }

    /**
     * Waits until every node runs, listens, sees three members up and reachable, and reports the
     * throughput group owned by its first preferred node and the failover group by its first (after
     * a relaunch: failback done). Returns the seconds it took.
     */
    private double awaitWhole() throws BenchFailure {
        long t0 = System.nanoTime();
        long end = t0 + WHOLE.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            last = wholeProblem();
            if (last.isEmpty()) {
                return (System.nanoTime() - t0) / 1e9;
            }
            BenchDaemon.sleep(500);
        }
        throw new BenchFailure("the cluster was not whole within " + WHOLE.toSeconds() + " s: " + last);
    }

    /** Why the cluster is not whole now, or "". */
    private String wholeProblem() throws BenchFailure {
        for (BenchDaemon n : nodes) {
            if (!n.alive()) {
                throw new BenchFailure(n.name + " exited; end of " + n.log() + ":\n" + ChildProcesses.tail(n.log(), 30));
            }
            if (!n.listening()) {
                return n.name + " does not listen";
            }
            Optional<JsonNode> cluster = n.adminJson("cluster", "ls");
            if (cluster.isEmpty()) {
                return n.name + " does not answer scstj admin cluster ls";
            }
            int up = 0;
            for (JsonNode m : cluster.get().path("members")) {
                if (m.path("status").asText().equals("up") && m.path("reachable").asBoolean()) {
                    up++;
                }
            }
            if (up != nodes.length) {
                return n.name + " sees " + up + " members up and reachable: " + cluster.get().path("members");
            }
            Optional<JsonNode> alua = n.adminJson("alua", "ls");
            if (alua.isEmpty()) {
                return n.name + " does not answer scstj admin alua ls";
            }
            for (JsonNode g : alua.get().path("device-groups")) {
                String name = g.path("name").asText();
                String want = name.equals(ClusterConfig.THROUGHPUT_GROUP) ? ClusterConfig.THROUGHPUT_PREFERRED.get(0)
                        : ClusterConfig.FAILOVER_PREFERRED.get(0);
                if (!g.path("owner").asText("").equals(want)) {
                    return n.name + " has " + name + " owned by " + g.path("owner") + ", not " + want;
                }
            }
        }
        return "";
    }

    private BenchDaemon node(String name) {
        return nodes[ClusterConfig.NODES.indexOf(name)];
    }

    private static String url(BenchDaemon d, int lun) {
        return ClusterConfig.url(d.host, d.port, lun);
    }

    /** A TCP port free on {@code host} now (the kernel's pick). */
    static int freePort(String host) throws BenchFailure {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BenchFailure("no free TCP port on " + host + ": " + e.getMessage(), e);
        }
    }

    /** SIGTERM to every daemon still running, the nodes in parallel (a node leaves the cluster first). */
    private void stopDaemons() {
        List<Thread> stops = new ArrayList<>();
        for (BenchDaemon d : daemons) {
            if (d.alive()) {
                say("stopping %s", d.name);
                stops.add(Thread.ofVirtual().start(d::stop));
            }
        }
        for (Thread t : stops) {
            try {
                t.join(Duration.ofSeconds(45));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void say(String format, Object... args) {
        progress.println("cluster: " + String.format(Locale.ROOT, format, args));
    }
}
