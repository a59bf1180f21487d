package org.scstj.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scstj.bench.compare.BenchFailure;

/**
 * {@code ./scstj bench cluster [OPTIONS]}: a node of a three-node cluster against a single-node
 * daemon, and the failover times (docs/design/cluster.md 6.4); prints a Markdown report (and
 * writes it with {@code --out FILE}).
 */
public final class ClusterCommand {
    /** Exit status when everything behaved. */
    public static final int OK = 0;
    /** Exit status when a daemon or a client failed: no report. */
    public static final int FAILED = 1;
    /** Exit status for a bad command line. */
    public static final int USAGE = 2;

    private ClusterCommand() {
    }

    /** The usage text. */
    public static String usage() {
        return ClusterOptions.USAGE;
    }

    /** Runs the benchmark with the arguments after {@code cluster}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        ClusterOptions options;
        try {
            if (args.contains("-h") || args.contains("--help")) {
                out.print(usage());
                return OK;
            }
            options = ClusterOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("cluster: " + e.getMessage());
            err.print(usage());
            return USAGE;
        }
        try {
            String markdown = ClusterMarkdown.render(new ClusterBench(options, err).run());
            out.print(markdown);
            out.flush();
            if (options.out().isPresent()) {
                Path file = options.out().get();
                try {
                    Path parent = file.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Files.writeString(file, markdown);
                } catch (IOException e) {
                    throw new BenchFailure("cannot write " + file + ": " + e.getMessage(), e);
                }
                err.println("cluster: report written to " + file);
            }
            return OK;
        } catch (BenchFailure e) {
            err.println("cluster: FAILED: " + e.getMessage());
            return FAILED;
        }
    }
}
