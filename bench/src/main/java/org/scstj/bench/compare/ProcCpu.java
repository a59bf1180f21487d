package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CPU time a whole process (every thread) has used, in clock ticks, from {@code /proc/PID/stat}
 * (proc(5)): field 14 {@code utime} plus field 15 {@code stime}; {@link #readWithDescendants}
 * adds the processes the target started.
 *
 * @param userTicks   time in user mode
 * @param systemTicks time in kernel mode
 */
record ProcCpu(long userTicks, long systemTicks) {

    /** User plus system time. */
    long ticks() {
        return userTicks + systemTicks;
    }

    /**
     * Parses the one line of {@code /proc/PID/stat}. The second field, the command name in
     * parentheses, may itself contain spaces and parentheses, so fields are counted after the last
     * {@code ')'}: there field 3 ({@code state}) comes first.
     */
    static ProcCpu parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 1).strip().split("\\s+");
        int utime = 14 - 3;
        if (fields.length <= utime + 1) {
            throw new IllegalArgumentException("too few fields in /proc/PID/stat: " + stat);
        }
        return new ProcCpu(Long.parseLong(fields[utime]), Long.parseLong(fields[utime + 1]));
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}), the unit of {@code utime} and {@code stime}. */
    static long ticksPerSecond() throws BenchFailure {
        String out = Exec.output(List.of("getconf", "CLK_TCK"), Duration.ofSeconds(10)).strip();
        try {
            long ticks = Long.parseLong(out);
            if (ticks > 0) {
                return ticks;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BenchFailure("getconf CLK_TCK printed " + out);
    }

    /**
     * Reads the CPU time now of process {@code pid} and of its live descendants (a user-space
     * handler the daemon started, docs/user-handlers.md: its work is the target's work, as it is
     * inside tgtd's one process). A descendant that ends between two readings is not counted.
     */
    static ProcCpu readWithDescendants(long pid) throws BenchFailure {
        ProcCpu sum = read(pid);
        long[] children = ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(ProcessHandle::pid).toArray())
                .orElse(new long[0]);
        for (long child : children) {
            try {
                ProcCpu c = parse(Files.readString(Path.of("/proc", Long.toString(child), "stat")));
                sum = new ProcCpu(sum.userTicks + c.userTicks, sum.systemTicks + c.systemTicks);
            } catch (IOException gone) {
                // it ended meanwhile
            }
        }
        return sum;
    }

    /** Reads process {@code pid}'s CPU time now. */
    static ProcCpu read(long pid) throws BenchFailure {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new BenchFailure("process " + pid + " is gone (cannot read /proc/" + pid + "/stat)", e);
        }
    }
}
