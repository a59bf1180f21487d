package org.scstj.bench.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The initiators, as command lines and as runs: libiscsi's {@code iscsi-perf} for reads and QEMU's
 * {@code qemu-img bench} (iscsi block driver, {@code iscsi://} URL) for writes. A run that exits
 * non-zero, prints an error or no summary is a {@link BenchFailure}.
 */
public final class Clients {
    /** The logical block size of every LUN: {@code iscsi-perf -b} counts blocks. */
    static final int BLOCK_SIZE = 512;
    /** The initiator name of the n-th concurrent {@code iscsi-perf}, so that each is its own I_T nexus. */
    static final String INITIATOR = "iqn.2010-11.libiscsi:iscsi-perf-%02d";

    private final ChildProcesses children;
    private final Path dir;
    private final AtomicInteger runs = new AtomicInteger();

    public Clients(ChildProcesses children, Path dir) {
        this.children = children;
        this.dir = dir;
    }

    /**
     * {@code iscsi-perf -t SECONDS -x 0 -m QD -b BLOCKS [-r] URL}: reads for {@code seconds}
     * (measured from after its login), {@code -x 0}: a dropped connection ends the run instead of
     * a silent reconnect; {@code initiator}: its initiator name, else libiscsi's default.
     */
    public static List<String> iscsiPerf(Workload w, String url, int seconds, Optional<String> initiator) {
        if (w.client == Workload.Client.QEMU_IMG_BENCH) {
            throw new IllegalArgumentException(w.id + " is not an iscsi-perf workload");
        }
        List<String> command = new ArrayList<>(List.of("iscsi-perf"));
        initiator.ifPresent(name -> command.addAll(List.of("-i", name)));
        command.addAll(List.of("-t", Integer.toString(seconds), "-x", "0", "-m", Integer.toString(w.queueDepth),
                "-b", Integer.toString(w.bytes / BLOCK_SIZE)));
        if (w.random) {
            command.add("-r");
        }
        command.add(url);
        return command;
    }

    /**
     * {@code qemu-img bench -w -d QD -s SIZE -c COUNT -t none -f raw URL}: {@code count} writes
     * at sequential offsets (qemu-img bench has no random mode), bypassing QEMU's cache.
     */
    static List<String> qemuImgBench(Workload w, String url, long count) {
        if (w.client != Workload.Client.QEMU_IMG_BENCH) {
            throw new IllegalArgumentException(w.id + " is not a qemu-img bench workload");
        }
        String size = w.bytes % (1 << 20) == 0 ? (w.bytes >> 20) + "M" : Integer.toString(w.bytes);
        return List.of("qemu-img", "bench", "-w", "-d", Integer.toString(w.queueDepth), "-s", size,
                "-c", Long.toString(count), "-t", "none", "-f", "raw", url);
    }

    /** {@code iscsi-inq -e 1 -c 176 URL}: the LUN's Block Limits VPD page. */
    static List<String> blockLimits(String url) {
        return List.of("iscsi-inq", "-e", "1", "-c", "176", url);
    }

    /** Reads a LUN's Block Limits. */
    BlockLimits readBlockLimits(String url) throws BenchFailure {
        List<String> command = blockLimits(url);
        Exec.Result result = children.run(command, nextOutput("iscsi-inq"), Duration.ofSeconds(60));
        if (!result.ok()) {
            throw new BenchFailure(result.describe());
        }
        return BlockLimits.parse(result.output());
    }

    /** Runs an {@code iscsi-perf} command made by {@link #iscsiPerf} for {@code seconds} and returns its summary. */
    public IscsiPerfSummary runIscsiPerf(List<String> command, int seconds) throws BenchFailure {
        Path out = nextOutput("iscsi-perf");
        Exec.Result result = children.run(command, out, Duration.ofSeconds(seconds + 120L));
        return iscsiPerfSummary(result, out);
    }

    /** Starts an {@code iscsi-perf} command; {@link #awaitIscsiPerf} collects its summary. */
    Started startIscsiPerf(List<String> command) throws BenchFailure {
        Path out = nextOutput("iscsi-perf");
        return new Started(command, children.start(command, out), out);
    }

    /** The summary of a {@link #startIscsiPerf started} {@code iscsi-perf}, waiting at most {@code timeout}. */
    IscsiPerfSummary awaitIscsiPerf(Started started, Duration timeout) throws BenchFailure {
        Exec.Result result = children.await(started.process(), started.command(), started.output(), timeout);
        return iscsiPerfSummary(result, started.output());
    }

    private static IscsiPerfSummary iscsiPerfSummary(Exec.Result result, Path out) throws BenchFailure {
        try {
            if (!result.ok()) {
                throw new BenchFailure("exited with " + result.exit());
            }
            return IscsiPerfSummary.parse(result.output());
        } catch (BenchFailure e) {
            throw new BenchFailure(Exec.quote(result.command()) + ": " + e.getMessage() + "; end of its output ("
                    + out + "):\n" + ChildProcesses.tail(out, 10), e);
        }
    }

    /** Runs a {@code qemu-img bench} command made by {@link #qemuImgBench} and returns its summary. */
    public QemuBenchSummary runQemuImgBench(List<String> command, Duration timeout) throws BenchFailure {
        Path out = nextOutput("qemu-img");
        Exec.Result result = children.run(command, out, timeout);
        try {
            if (!result.ok()) {
                throw new BenchFailure("exited with " + result.exit());
            }
            return QemuBenchSummary.parse(result.output());
        } catch (BenchFailure e) {
            throw new BenchFailure(Exec.quote(command) + ": " + e.getMessage() + "; end of its output (" + out + "):\n"
                    + ChildProcesses.tail(out, 10), e);
        }
    }

    private Path nextOutput(String client) {
        return dir.resolve(String.format("%s-%04d.out", client, runs.incrementAndGet()));
    }

    /**
     * A client process running in the background.
     *
     * @param command its command line
     * @param process the process
     * @param output  the file with its output
     */
    record Started(List<String> command, Process process, Path output) {
    }
}
