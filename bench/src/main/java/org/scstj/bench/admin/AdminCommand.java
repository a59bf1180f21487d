package org.scstj.bench.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scstj.bench.compare.BenchFailure;
import org.scstj.bench.compare.CompareCommand;

/**
 * {@code ./scstj bench admin [OPTIONS]}: the admin plane at scale; prints a Markdown report (and
 * writes it with {@code --out FILE}). Exit status as {@code compare}'s: 0, 1 when the run failed
 * (no report), 2 for a bad command line.
 */
public final class AdminCommand {
    private AdminCommand() {
    }

    /** The usage text. */
    public static String usage() {
        return AdminOptions.USAGE;
    }

    /** Runs with the arguments after {@code admin}: the report to {@code out}, progress and errors to {@code err}. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        AdminOptions options;
        try {
            if (args.contains("-h") || args.contains("--help")) {
                out.print(usage());
                return CompareCommand.OK;
            }
            options = AdminOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("admin: " + e.getMessage());
            err.print(usage());
            return CompareCommand.USAGE;
        }
        try {
            String markdown = AdminMarkdown.render(new AdminScale(options, err).run());
            out.print(markdown);
            out.flush();
            if (options.out().isPresent()) {
                write(options.out().get(), markdown);
                err.println("admin: report written to " + options.out().get());
            }
            return CompareCommand.OK;
        } catch (BenchFailure e) {
            err.println("admin: FAILED: " + e.getMessage());
            return CompareCommand.FAILED;
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
