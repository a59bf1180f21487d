package org.scstj.bench.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./scstj bench compare [OPTIONS]}: scstj against tgtd, end to end, with the same
 * initiators; prints a Markdown report (and writes it with {@code --out FILE}).
 */
public final class CompareCommand {
    /** Exit status when every client and target behaved. */
    public static final int OK = 0;
    /** Exit status when a client or a target failed: no table is printed. */
    public static final int FAILED = 1;
    /** Exit status for a bad command line. */
    public static final int USAGE = 2;

    private CompareCommand() {
    }

    /** The usage text. */
    public static String usage() {
        return CompareOptions.USAGE;
    }

    /**
     * Runs a comparison with the arguments after {@code compare}: the report goes to {@code out},
     * progress and errors to {@code err}. Returns the exit status.
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        CompareOptions options;
        try {
            if (args.contains("-h") || args.contains("--help")) {
                out.print(usage());
                return OK;
            }
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("compare: " + e.getMessage());
            err.print(usage());
            return USAGE;
        }
        try {
            Report report = new Comparison(options, err).run();
            String markdown = MarkdownReport.render(report);
            out.print(markdown);
            out.flush();
            if (options.out().isPresent()) {
                write(options.out().get(), markdown);
                err.println("compare: report written to " + options.out().get());
            }
            return OK;
        } catch (BenchFailure e) {
            err.println("compare: FAILED: " + e.getMessage());
            return FAILED;
        }
    }

    private static void write(Path file, String markdown) throws BenchFailure {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, markdown);
        } catch (IOException e) {
            throw new BenchFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
