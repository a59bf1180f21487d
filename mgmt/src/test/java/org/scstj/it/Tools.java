package org.scstj.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** The real initiators the integration tests drive, installed from Debian packages when missing. */
final class Tools {
    private static boolean installAttempted;

    private Tools() {
    }

    /** The result of one run. */
    record Result(int exit, String output) {
    }

    /**
     * The {@code tests} row of the run summary CUnit prints at the end of an {@code iscsi-test-cu}
     * run ({@code Type Total Ran Passed Failed Inactive}): how many tests the selection held, ran,
     * passed and failed.
     */
    record CUnitSummary(int total, int ran, int passed, int failed) {
        private static final Pattern TESTS = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

        /** The summary in {@code output}, or null when there is none (the run ended before CUnit reported). */
        static CUnitSummary parse(String output) {
            Matcher m = TESTS.matcher(output);
            if (!m.find()) {
                return null;
            }
            return new CUnitSummary(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        }
    }

    /** Makes sure {@code binary} exists, installing {@code debianPackage} once if we are root. */
    static synchronized void require(String binary, String debianPackage) {
        if (onPath(binary)) {
            return;
        }
        if (!installAttempted && "root".equals(System.getProperty("user.name"))) {
            installAttempted = true;
            run(List.of("apt-get", "update", "-qq"), 600);
        }
        if (!onPath(binary) && "root".equals(System.getProperty("user.name"))) {
            run(List.of("apt-get", "install", "-y", "-qq", debianPackage), 600);
        }
        if (!onPath(binary)) {
            fail(binary + " is missing; install the Debian package " + debianPackage + " (./scstj test does)");
        }
    }

    static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command with a bound on its time; output is stdout and stderr together. */
    static Result run(List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("scstj-it", ".out");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command + "\n"
                            + Files.readString(out, StandardCharsets.ISO_8859_1));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
