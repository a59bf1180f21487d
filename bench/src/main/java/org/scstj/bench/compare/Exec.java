package org.scstj.bench.compare;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Short external commands (tgtadm, getconf, dpkg-query, apt-get): run to completion, output captured. */
public final class Exec {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private Exec() {
    }

    /** How a command ended: its exit status and its stdout and stderr together. */
    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        /** The command, its status and its output, for an error message. */
        public String describe() {
            return quote(command) + " exited with " + exit + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    /** Runs {@code command} with stdin from /dev/null; a command over {@code timeout} is killed and fails. */
    public static Result run(List<String> command, Duration timeout) throws BenchFailure {
        return run(command, timeout, Map.of());
    }

    /** As {@link #run(List, Duration)}, with extra environment variables. */
    public static Result run(List<String> command, Duration timeout, Map<String, String> environment) throws BenchFailure {
        Path out = null;
        try {
            out = Files.createTempFile("scstj-bench-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new BenchFailure(quote(command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new BenchFailure("cannot run " + quote(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted while running " + quote(command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** Runs {@code command} and returns its output, failing unless it exits 0. */
    public static String output(List<String> command, Duration timeout) throws BenchFailure {
        Result result = run(command, timeout);
        if (!result.ok()) {
            throw new BenchFailure(result.describe());
        }
        return result.output();
    }

    /** True when {@code binary} is an executable file in a directory of $PATH (or /usr/sbin, /sbin). */
    public static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** The command as a shell would read it back: words with special characters in single quotes. */
    public static String quote(List<String> command) {
        return command.stream()
                .map(word -> PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
