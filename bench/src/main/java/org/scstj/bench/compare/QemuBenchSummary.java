package org.scstj.bench.compare;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code qemu-img bench} reported: it prints
 * {@code Sending 50000 write requests, 4096 bytes each, 32 in parallel (starting at offset 0, step size 4096)}
 * before and {@code Run completed in 3.370 seconds.} after the requests (the time covers only
 * them, not opening the image). Errors are lines starting with {@code qemu-img:} (a failed request
 * is {@code qemu-img: Failed request: ...} and exit status 1).
 *
 * @param requests        requests completed
 * @param bytesPerRequest request size
 * @param depth           requests in flight
 * @param seconds         the time the requests took
 */
public record QemuBenchSummary(long requests, long bytesPerRequest, int depth, double seconds) {
    private static final Pattern SENDING = Pattern.compile(
            "^Sending (\\d+) (?:read|write) requests, (\\d+) bytes each, (\\d+) in parallel");
    private static final Pattern COMPLETED = Pattern.compile("^Run completed in ([0-9]+(?:\\.[0-9]+)?) seconds\\.");

    /** Requests per second. */
    public double iops() {
        return requests / seconds;
    }

    /** Parses the whole output (stdout and stderr) of one run; fails on an error line or a missing summary. */
    static QemuBenchSummary parse(String output) throws BenchFailure {
        Matcher sending = null;
        Double seconds = null;
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("qemu-img:") || line.toLowerCase(java.util.Locale.ROOT).contains("failed")) {
                throw new BenchFailure("qemu-img bench reported an error: " + line);
            }
            Matcher s = SENDING.matcher(line);
            Matcher c = COMPLETED.matcher(line);
            if (s.find()) {
                sending = s;
            } else if (c.find()) {
                seconds = Double.parseDouble(c.group(1));
            }
        }
        if (sending == null || seconds == null) {
            throw new BenchFailure("qemu-img bench printed no \"Sending ...\" / \"Run completed in ...\" summary");
        }
        long requests = Long.parseLong(sending.group(1));
        if (requests <= 0 || seconds <= 0) {
            throw new BenchFailure("qemu-img bench reported " + requests + " requests in " + seconds + " s");
        }
        return new QemuBenchSummary(requests, Long.parseLong(sending.group(2)), Integer.parseInt(sending.group(3)), seconds);
    }
}
