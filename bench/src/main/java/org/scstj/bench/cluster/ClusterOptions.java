package org.scstj.bench.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options of {@code ./scstj bench cluster}.
 *
 * @param runs        measured runs per workload and daemon (single node, cluster node n1), alternating;
 *                    0: no throughput workload
 * @param seconds     length of each measured throughput run
 * @param warmup      unmeasured seconds of each workload against each daemon before its runs
 * @param killRounds  rounds of kill -9 of the failover device group's owner
 * @param leaveRounds rounds of {@code scstj admin cluster leave} of the owner
 * @param sizeBytes   size of each throughput device's backing file (single node, cluster)
 * @param out         a file to write the Markdown report to, besides standard output
 * @param dir         where the backing files, configurations and logs go (a tmpfs)
 * @param launcher    the {@code ./scstj} launcher that starts the daemons, or empty to start
 *                    {@code org.scstj.mgmt.Main} from this JVM's class path
 */
record ClusterOptions(int runs, int seconds, int warmup, int killRounds, int leaveRounds, long sizeBytes,
        Optional<Path> out, Path dir, Optional<Path> launcher) {

    /** The usage text of {@code cluster}. */
    static final String USAGE = """
            Usage: ./scstj bench cluster [OPTIONS]

            Starts a three-node cluster (n1, n2, n3 on 127.0.0.1, .2, .3) and a single-node daemon
            (127.0.0.4) from this build and measures, in one run:
              throughput  4 KiB random reads at QD 32 (iscsi-perf) and 4 KiB scattered writes at
                          QD 32 (qemu-img bench) through node n1 against the single daemon, the
                          two alternating, each on an identical tmpfs file LU: IOPS median, mean
                          and spread, and the ratio cluster/single (goal >= 0.9)
              failover    kill -9 of the ALUA owner of an active-standby device group (n2), then
                          planned leave of it (scstj admin cluster leave): seconds from the kill or
                          the leave to the first GOOD WRITE through a surviving node's path, the
                          initiator retrying every 100 ms on 04/0A, 04/0B, unit attentions and
                          connection errors; median, p95, min, max (goals < 10 s and < 2 s). The
                          node is relaunched after each round and the cluster waited for whole.
            Prints a Markdown report; exits non-zero when a daemon or a client fails.

            Options:
              --runs N          measured runs per workload and daemon (default 3; 0: no throughput)
              --seconds N       length of each measured throughput run (default 30)
              --warmup N        unmeasured seconds per workload and daemon before its runs (default 5)
              --kill-rounds N   kill -9 rounds (default 30; 0: none)
              --leave-rounds N  planned-leave rounds (default 30; 0: none)
              --size SIZE       backing file of each throughput LU: bytes or 256M, 1G, ... (default 1G)
              --out FILE        also write the report (Markdown) to FILE
              --dir DIR         where the backing files go, a tmpfs (default /dev/shm)
              --launcher PATH   the ./scstj launcher that starts the daemons (default: the one that
                                started this command; without one, org.scstj.mgmt.Main from the class path)
              --quick           smoke test: --runs 1 --seconds 3 --warmup 0 --kill-rounds 1
                                --leave-rounds 1 --size 64M (options given explicitly still win)
              -h, --help        this text
            """;

    /** Parses the arguments after {@code cluster}; an unknown option or a bad value is an {@link IllegalArgumentException}. */
    static ClusterOptions parse(List<String> args) {
        Integer runs = null;
        Integer seconds = null;
        Integer warmup = null;
        Integer kills = null;
        Integer leaves = null;
        Long size = null;
        Path out = null;
        Path dir = Path.of("/dev/shm");
        String launcher = System.getProperty("scstj.launcher", "");
        boolean quick = false;
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
                case "--runs", "--seconds", "--warmup", "--kill-rounds", "--leave-rounds", "--size", "--out", "--dir",
                        "--launcher" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "--runs" -> runs = integer(name, value, 0);
                        case "--seconds" -> seconds = integer(name, value, 1);
                        case "--warmup" -> warmup = integer(name, value, 0);
                        case "--kill-rounds" -> kills = integer(name, value, 0);
                        case "--leave-rounds" -> leaves = integer(name, value, 0);
                        case "--size" -> size = size(value);
                        case "--out" -> out = Path.of(value);
                        case "--dir" -> dir = Path.of(value);
                        default -> launcher = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new ClusterOptions(
                runs != null ? runs : quick ? 1 : 3,
                seconds != null ? seconds : quick ? 3 : 30,
                warmup != null ? warmup : quick ? 0 : 5,
                kills != null ? kills : quick ? 1 : 30,
                leaves != null ? leaves : quick ? 1 : 30,
                size != null ? size : quick ? 64L << 20 : 1L << 30,
                Optional.ofNullable(out), dir,
                launcher.isBlank() ? Optional.empty() : Optional.of(Path.of(launcher)));
    }

    private static int integer(String name, String value, int min) {
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

    /** A size: digits with an optional unit K, M, G (powers of 1024); a multiple of 1 MiB, at least 16 MiB. */
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
            throw new IllegalArgumentException("--size must be a multiple of 1 MiB and at least 16 MiB, not '" + text + "'");
        }
        return bytes;
    }
}
