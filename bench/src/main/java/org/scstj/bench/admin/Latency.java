package org.scstj.bench.admin;

import java.util.List;

/**
 * A summary of request latencies: how many, the median, the 90th percentile and the slowest, in
 * nanoseconds. Percentiles are nearest-rank: the smallest sample with at least p% of the samples
 * at or below it (so the median of an even count is the lower of the two middle samples).
 *
 * @param count  samples summarised
 * @param median 50th percentile
 * @param p90    90th percentile
 * @param max    the slowest sample
 */
record Latency(int count, long median, long p90, long max) {

    /** Summarises {@code nanos}, which must not be empty. */
    static Latency of(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no samples to summarise");
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Latency(sorted.length, percentile(sorted, 50), percentile(sorted, 90), sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code p}th percentile (0 < p ≤ 100) of ascending {@code sorted}. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is in (0, 100], not " + p);
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The first {@code n} samples (all of them when there are fewer). */
    static List<Long> first(List<Long> samples, int n) {
        return samples.subList(0, Math.min(n, samples.size()));
    }

    /** The last {@code n} samples (all of them when there are fewer). */
    static List<Long> last(List<Long> samples, int n) {
        return samples.subList(Math.max(0, samples.size() - n), samples.size());
    }
}
