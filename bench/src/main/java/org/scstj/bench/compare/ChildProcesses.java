package org.scstj.bench.compare;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The long-running processes a comparison starts (targets and clients), each with its output in a
 * file. They are remembered until they end, so that {@link #killAll()} can end whatever is left
 * when the comparison fails or is interrupted; after that nothing new may start.
 */
public final class ChildProcesses {
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Starts {@code command} with stdout and stderr into {@code output} and stdin from /dev/null. */
    public Process start(List<String> command, Path output) throws BenchFailure {
        if (closed) {
            throw new BenchFailure("shutting down: not starting " + Exec.quote(command));
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            live.add(process);
            process.onExit().thenRun(() -> live.remove(process));
            return process;
        } catch (IOException e) {
            throw new BenchFailure("cannot start " + Exec.quote(command) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code command} to completion within {@code timeout} (killed and failed beyond it), with
     * its output in {@code output}; returns the exit status and the output.
     */
    public Exec.Result run(List<String> command, Path output, Duration timeout) throws BenchFailure {
        Process process = start(command, output);
        return await(process, command, output, timeout);
    }

    /** Waits for a process {@link #start started} here, as {@link #run} does. */
    public Exec.Result await(Process process, List<String> command, Path output, Duration timeout) throws BenchFailure {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process.toHandle());
                throw new BenchFailure(Exec.quote(command) + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + tail(output, 20));
            }
            return new Exec.Result(command, process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new BenchFailure("cannot read the output of " + Exec.quote(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process.toHandle());
            throw new BenchFailure("interrupted while running " + Exec.quote(command), e);
        }
    }

    /** Ends every process still running, and refuses to start new ones. */
    public void killAll() {
        killAllBut(Set.of());
    }

    /** Refuses to start new processes and ends every running one except those with a pid in {@code keep}. */
    public void killAllBut(Set<Long> keep) {
        closed = true;
        for (Process process : List.copyOf(live)) {
            if (!keep.contains(process.pid())) {
                kill(process.toHandle());
            }
        }
    }

    /** SIGKILL to a process and its descendants (all of them started by us), then a short wait. */
    public static void kill(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // it is gone or unkillable; nothing more to do
        }
    }

    /** The last {@code lines} lines of a log file, or a note that it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readString(file, StandardCharsets.ISO_8859_1).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
