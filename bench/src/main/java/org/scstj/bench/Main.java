package org.scstj.bench;

import java.util.Arrays;
import java.util.List;

import org.scstj.bench.admin.AdminCommand;
import org.scstj.bench.cluster.ClusterCommand;
import org.scstj.bench.compare.CompareCommand;
import org.scstj.bench.conformance.ConformanceCommand;

/**
 * Entry point of {@code ./scstj bench}: {@code compare [OPTIONS]} runs scstj against tgtd end to
 * end, {@code micro [JMH ARGUMENTS]} runs the JMH micro-benchmarks, {@code conformance [OPTIONS]}
 * runs the conformance matrix (the launcher's {@code ./scstj conformance} comes here too),
 * {@code admin [OPTIONS]} times the admin API while adding a thousand devices and LUNs,
 * {@code cluster [OPTIONS]} measures a node of a three-node cluster against a single node and
 * the failover times,
 * {@code help} explains them.
 */
public final class Main {
    private static final String USAGE = """
            Usage: ./scstj bench COMMAND [ARGUMENTS]

            Commands:
              compare [OPTIONS]      scstj against tgtd on loopback with the same initiators (iscsi-perf,
                                     qemu-img bench): IOPS, MiB/s, target CPU per I/O, peak RSS, as a
                                     Markdown table. ./scstj bench help compare lists its options.
              micro [JMH ARGUMENTS]  the JMH micro-benchmarks (org.openjdk.jmh.Main; -h for JMH's options,
                                     -l to list them)
              conformance [OPTIONS]  the conformance matrix: libiscsi's iscsi-test-cu against each LUN of
                                     a matrix configuration, one Markdown table (also ./scstj conformance;
                                     ./scstj help conformance lists its options)
              admin [OPTIONS]        the admin plane at scale: adds N devices and N LUNs (default 1000)
                                     through the admin API, one at a time; per-change latency at the
                                     start and at the end, total time, daemon RSS, as a Markdown table.
                                     ./scstj bench help admin lists its options.
              cluster [OPTIONS]      a three-node cluster on 127.0.0.1-3: 4 KiB random read and write IOPS
                                     through node n1 against a single-node daemon, and the failover time
                                     (kill -9, planned leave of the ALUA owner) to the first GOOD write,
                                     as a Markdown report. ./scstj bench help cluster lists its options.
              help [COMMAND]         this text, or a command's
            """;

    private Main() {
    }

    /** Runs the command named by the first argument. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(CompareCommand.USAGE);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "compare" -> System.exit(CompareCommand.run(List.of(rest), System.out, System.err));
            case "micro" -> org.openjdk.jmh.Main.main(rest);
            case "conformance" -> System.exit(ConformanceCommand.run(List.of(rest), System.out, System.err));
            case "admin" -> System.exit(AdminCommand.run(List.of(rest), System.out, System.err));
            case "cluster" -> System.exit(ClusterCommand.run(List.of(rest), System.out, System.err));
            case "help", "-h", "--help" -> {
                if (rest.length > 0 && rest[0].equals("compare")) {
                    System.out.print(CompareCommand.usage());
                } else if (rest.length > 0 && rest[0].equals("conformance")) {
                    System.out.print(ConformanceCommand.usage());
                } else if (rest.length > 0 && rest[0].equals("cluster")) {
                    System.out.print(ClusterCommand.usage());
                } else if (rest.length > 0 && rest[0].equals("admin")) {
                    System.out.print(AdminCommand.usage());
                } else {
                    System.out.print(USAGE);
                }
            }
            default -> {
                System.err.println("bench: unknown command '" + args[0] + "'");
                System.err.print(USAGE);
                System.exit(CompareCommand.USAGE);
            }
        }
    }
}
