package org.scstj.bench.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scstj.bench.compare.BenchFailure;

/**
 * {@code ./scstj conformance [OPTIONS]}: the conformance matrix. Serves the matrix configuration,
 * runs libiscsi's {@code iscsi-test-cu} against each of its logical units, and prints one Markdown
 * table of the merged results (and writes it with {@code --out FILE}); see docs/conformance.md.
 */
public final class ConformanceCommand {
    /** Exit status when no test failed and the daemon stayed up and stopped cleanly. */
    public static final int OK = 0;
    /** Exit status when a test failed in some configuration (the table is printed). */
    public static final int FAILED = 1;
    /** Exit status for a bad command line. */
    public static final int USAGE = 2;
    /** Exit status when the harness failed: the daemon died, a run was cut short, a tool is missing. */
    public static final int HARNESS = 3;

    private ConformanceCommand() {
    }

    /** The usage text. */
    public static String usage() {
        return ConformanceOptions.USAGE;
    }

    /**
     * Runs the matrix with the arguments after {@code conformance}: the table goes to {@code out},
     * progress and errors to {@code err}. Returns the exit status.
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        ConformanceOptions options;
        try {
            if (args.contains("-h") || args.contains("--help")) {
                out.print(usage());
                return OK;
            }
            options = ConformanceOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("conformance: " + e.getMessage());
            err.print(usage());
            return USAGE;
        }
        MatrixReport report;
        try {
            report = new Matrix(options, err).run();
        } catch (BenchFailure e) {
            err.println("conformance: FAILED: " + e.getMessage());
            return HARNESS;
        }
        String markdown = MarkdownTable.render(report);
        out.print(markdown);
        out.flush();
        if (options.out().isPresent()) {
            try {
                write(options.out().get(), markdown);
                err.println("conformance: table written to " + options.out().get());
            } catch (IOException e) {
                err.println("conformance: cannot write " + options.out().get() + ": " + e.getMessage());
                return HARNESS;
            }
        }
        for (String error : report.errors()) {
            err.println("conformance: harness error: " + error);
        }
        if (!report.errors().isEmpty()) {
            return HARNESS;
        }
        if (report.anyFailed()) {
            err.println("conformance: FAILED: " + report.distinct().stream().filter(t -> t.verdict() == Verdict.FAILED).count()
                    + " test(s) failed");
            return FAILED;
        }
        return OK;
    }

    private static void write(Path file, String markdown) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, markdown);
    }
}
