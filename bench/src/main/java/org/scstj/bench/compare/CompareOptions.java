package org.scstj.bench.compare;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The options of {@code ./scstj bench compare}.
 *
 * @param seconds    length of every measured client run
 * @param rounds     rounds per workload; a round runs the client once against scstj, then once against tgtd
 * @param sizeBytes  size of each target's backing file (and of its file LUN)
 * @param warmup     seconds of the same workload run against each target, unmeasured, before its rounds
 * @param sessions   concurrent sessions of the {@code sessions} workload
 * @param workloads  the workloads to run
 * @param out        a file to write the Markdown report to, besides standard output
 * @param dir        where the backing files live (a tmpfs)
 * @param launcher   the {@code ./scstj} launcher that starts the daemon, or empty to start
 *                   {@code org.scstj.mgmt.Main} from this JVM's class path
 * @param quick      the smoke-test defaults were used
 * @param scstjConf  HOCON appended to scstj's generated configuration (its keys win): to measure a knob
 * @param latencyOverhead also run 4 KiB random reads at QD 32 against scstj alone, its latency
 *                   measurement (docs/latency.md) off and on in alternate runs
 */
record CompareOptions(int seconds, int rounds, long sizeBytes, int warmup, int sessions, Set<Workload> workloads,
        Optional<Path> out, Path dir, Optional<Path> launcher, boolean quick, Optional<Path> scstjConf,
        boolean latencyOverhead) {

    CompareOptions(int seconds, int rounds, long sizeBytes, int warmup, int sessions, Set<Workload> workloads,
                   Optional<Path> out, Path dir, Optional<Path> launcher, boolean quick, Optional<Path> scstjConf) {
        this(seconds, rounds, sizeBytes, warmup, sessions, workloads, out, dir, launcher, quick, scstjConf, false);
    }

    CompareOptions(int seconds, int rounds, long sizeBytes, int warmup, int sessions, Set<Workload> workloads,
                   Optional<Path> out, Path dir, Optional<Path> launcher, boolean quick) {
        this(seconds, rounds, sizeBytes, warmup, sessions, workloads, out, dir, launcher, quick, Optional.empty());
    }

    /** The usage text of {@code compare}. */
    static final String USAGE = """
            Usage: ./scstj bench compare [OPTIONS]

            Runs the same initiators against scstj and tgtd (Debian's tgt) on loopback, alternating
            scstj, tgtd, scstj, tgtd, and prints a Markdown table of IOPS (or MiB/s), target CPU
            time per I/O and their scstj/tgtd ratios. Each target exports, from an identical file on
            tmpfs, LUN 1 (vdisk_fileio / tgtd rdwr) and LUN 2 (vdisk_nullio / tgtd null), with
            512-byte blocks. Installs tgt, libiscsi-bin, qemu-utils and qemu-block-extra with apt-get
            when missing (as root). Exits non-zero when a client or a target fails.

            Options:
              --seconds N     length of each measured run (default 10)
              --rounds N      rounds per workload, each scstj then tgtd (default 2)
              --size SIZE     backing file per target: bytes or 512M, 1G, ... (default 1G)
              --warmup N      unmeasured seconds per workload and target before the rounds (default 5)
              --sessions N    concurrent sessions of the 'sessions' workload (default 64)
              --only LIST     comma-separated workloads to run, from:
                              %s
              --out FILE      also write the report (Markdown) to FILE
              --dir DIR       where the backing files go, a tmpfs (default /dev/shm)
              --launcher PATH the ./scstj launcher that starts the daemon (default: the one that
                              started this command; without one, org.scstj.mgmt.Main from the class path)
              --quick         smoke test: 2 s runs, 1 round, 64 MiB files, no warm-up
                              (options given explicitly still win)
              --scstj-conf FILE  HOCON appended to scstj's generated configuration, its keys
                              winning (e.g. a dispatcher or inline-io setting, to measure a knob);
                              JVM flags go in the environment: SCSTJ_JAVA_OPTS="..."
              --latency-overhead  also run read4k-qd32 against scstj alone, --rounds times with
                              its per-stage latency measurement off and on (alternating, the
                              order swapped each round), and report the IOPS ratio on/off
              -h, --help      this text
            """.formatted(Workload.ids());

    /** Parses the arguments after {@code compare}; an unknown option or a bad value is an {@link IllegalArgumentException}. */
    static CompareOptions parse(List<String> args) {
        Integer seconds = null;
        Integer rounds = null;
        Long size = null;
        Integer warmup = null;
        int sessions = 64;
        Set<Workload> workloads = EnumSet.allOf(Workload.class);
        Path out = null;
        Path dir = Path.of("/dev/shm");
        String launcher = System.getProperty("scstj.launcher", "");
        boolean quick = false;
        Path scstjConf = null;
        boolean latencyOverhead = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--quick" -> quick = true;
                case "--latency-overhead" -> latencyOverhead = true;
                case "--seconds", "--rounds", "--size", "--warmup", "--sessions", "--only", "--out", "--dir", "--launcher",
                        "--scstj-conf" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "--seconds" -> seconds = positive(name, value, 1);
                        case "--rounds" -> rounds = positive(name, value, 1);
                        case "--size" -> size = size(value);
                        case "--warmup" -> warmup = positive(name, value, 0);
                        case "--sessions" -> sessions = positive(name, value, 1);
                        case "--only" -> workloads = workloads(value);
                        case "--out" -> out = Path.of(value);
                        case "--dir" -> dir = Path.of(value);
                        case "--scstj-conf" -> scstjConf = Path.of(value);
                        default -> launcher = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new CompareOptions(
                seconds != null ? seconds : quick ? 2 : 10,
                rounds != null ? rounds : quick ? 1 : 2,
                size != null ? size : quick ? 64L << 20 : 1L << 30,
                warmup != null ? warmup : quick ? 0 : 5,
                sessions, workloads, Optional.ofNullable(out), dir,
                launcher.isBlank() ? Optional.empty() : Optional.of(Path.of(launcher)), quick,
                Optional.ofNullable(scstjConf), latencyOverhead);
    }

    private static int positive(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an integer >= " + min + ", not '" + value + "'");
    }

    /**
     * A size in bytes: digits with an optional unit K, M, G or T (powers of 1024, an optional
     * trailing {@code iB} or {@code B}); a multiple of 1 MiB, at least 16 MiB (the 1 MiB workloads
     * need room).
     */
    static long size(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        int shift = 0;
        if (!t.isEmpty() && "KMGT".indexOf(t.charAt(t.length() - 1)) >= 0) {
            shift = 10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1);
            t = t.substring(0, t.length() - 1);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(t), 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--size: not a size: '" + text + "' (e.g. 1G, 256M)");
        }
        if (bytes < 16L << 20 || bytes % (1 << 20) != 0) {
            throw new IllegalArgumentException("--size must be a multiple of 1 MiB and at least 16M, not '" + text + "'");
        }
        return bytes;
    }

    private static Set<Workload> workloads(String list) {
        Set<Workload> selected = EnumSet.noneOf(Workload.class);
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                selected.add(Workload.byId(id.strip()));
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--only names no workload (workloads: " + Workload.ids() + ")");
        }
        return selected;
    }
}
