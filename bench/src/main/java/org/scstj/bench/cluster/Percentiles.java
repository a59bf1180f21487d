package org.scstj.bench.cluster;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of a sample (failover times, IOPS of the runs): the median (the mean of the two
 * middle values for an even count), the 95th percentile by nearest rank (the smallest value with
 * at least 95 % of the sample at or below it: {@code sorted[ceil(0.95 n) - 1]}), the extremes.
 *
 * @param n      how many values
 * @param min    the smallest
 * @param median the median
 * @param p95    the 95th percentile (nearest rank); the maximum for fewer than 20 values
 * @param max    the largest
 */
record Percentiles(int n, double min, double median, double p95, double max) {

    /** The statistics of {@code values} (at least one). */
    static Percentiles of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Percentiles(n, v[0], median, nearestRank(v, 95), v[n - 1]);
    }

    /** The {@code p}-th percentile (0 < p <= 100) of sorted values by nearest rank. */
    static double nearestRank(double[] sorted, int p) {
        if (p <= 0 || p > 100 || sorted.length == 0) {
            throw new IllegalArgumentException("percentile " + p + " of " + Arrays.toString(sorted));
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[rank - 1];
    }
}
