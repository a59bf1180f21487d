package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory from {@code /proc/PID/status} (proc(5)), in KiB.
 *
 * @param rssKib current resident set size ({@code VmRSS})
 * @param hwmKib peak resident set size since the process started ({@code VmHWM}, "high water mark")
 */
public record ProcMemory(long rssKib, long hwmKib) {

    /** Parses the text of {@code /proc/PID/status}; both {@code VmRSS} and {@code VmHWM} must be there. */
    public static ProcMemory parse(String status) {
        long rss = -1;
        long hwm = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            }
        }
        if (rss < 0 || hwm < 0) {
            throw new IllegalArgumentException("no VmRSS/VmHWM in /proc/PID/status (a kernel thread or a zombie?)");
        }
        return new ProcMemory(rss, hwm);
    }

    /** "VmRSS:\t  123456 kB" to 123456. */
    private static long kib(String line) {
        String[] words = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        if (words.length != 2 || !words[1].equals("kB")) {
            throw new IllegalArgumentException("unexpected /proc/PID/status line: " + line);
        }
        return Long.parseLong(words[0]);
    }

    /** Reads process {@code pid}'s memory now. */
    public static ProcMemory read(long pid) throws BenchFailure {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException e) {
            throw new BenchFailure("process " + pid + " is gone (cannot read /proc/" + pid + "/status)", e);
        }
    }
}
