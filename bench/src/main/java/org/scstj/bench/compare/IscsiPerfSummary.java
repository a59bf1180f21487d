package org.scstj.bench.compare;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What libiscsi's {@code iscsi-perf} reported at the end of a run.
 *
 * <p>{@code iscsi-perf} prints a progress line every second, each starting with a carriage return:
 * {@code 00:00:03 - lba 111404, iops current 58128 (227 MB/s), iops average 59150 (231 MB/s),
 * in_flight 32, busy 0}. With {@code -t SECONDS} the last one, when the time is up, is
 * {@code iops average 59150 (231 MB/s)}, the average over the whole run (measured from after the
 * login), then {@code finished.}; stopped by SIGINT or SIGTERM it ends with the last progress line
 * and {@code finished.}. A failed command prints {@code Read16 failed with ...} and the run ends
 * with {@code ABORTED!} (exit status 1); a failed login exits 10. Its "MB" are MiB.
 *
 * @param iops          I/Os per second averaged over the run
 * @param mibPerSecond  MiB per second averaged over the run, as the client computed it
 * @param busy          commands the target answered with BUSY (retried, and counted as I/Os);
 *                      from the last progress line, so a lower bound
 */
public record IscsiPerfSummary(long iops, long mibPerSecond, int busy) {
    private static final Pattern FINAL = Pattern.compile("^iops average (\\d+) \\((\\d+) MB/s\\)\\s*$");
    private static final Pattern PROGRESS = Pattern.compile(
            "iops average (\\d+) \\((\\d+) MB/s\\), in_flight (\\d+), busy (\\d+)");
    private static final Pattern ERROR = Pattern.compile(
            "failed|error|aborted|maxium number|maximum number|out of memory|unrecognized|usage:", Pattern.CASE_INSENSITIVE);

    /** Parses the whole output (stdout and stderr) of one run; fails on any sign of an error or a missing summary. */
    static IscsiPerfSummary parse(String output) throws BenchFailure {
        Long iops = null;
        Long mib = null;
        int busy = 0;
        boolean finished = false;
        for (String raw : output.split("[\r\n]+")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (ERROR.matcher(line).find()) {
                throw new BenchFailure("iscsi-perf reported an error: " + line);
            }
            Matcher last = FINAL.matcher(line);
            Matcher progress = PROGRESS.matcher(line);
            if (last.matches()) {
                iops = Long.parseLong(last.group(1));
                mib = Long.parseLong(last.group(2));
            } else if (progress.find()) {
                iops = Long.parseLong(progress.group(1));
                mib = Long.parseLong(progress.group(2));
                busy = Integer.parseInt(progress.group(4));
            } else if (line.equals("finished.")) {
                finished = true;
            }
        }
        if (!finished) {
            throw new BenchFailure("iscsi-perf did not finish normally (no \"finished.\" line)");
        }
        if (iops == null) {
            throw new BenchFailure("iscsi-perf printed no average (a run shorter than 1 s?)");
        }
        if (iops <= 0) {
            throw new BenchFailure(String.format(Locale.ROOT, "iscsi-perf averaged %d IOPS", iops));
        }
        return new IscsiPerfSummary(iops, mib, busy);
    }
}
