package org.scstj.bench.compare;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Mean and range of one figure over the rounds of a workload.
 *
 * @param mean the arithmetic mean
 * @param min  the smallest value
 * @param max  the largest value
 * @param n    how many values
 */
public record Stats(double mean, double min, double max, int n) {

    /** The statistics of {@code figure} over {@code items} (at least one). */
    public static <T> Stats of(List<T> items, ToDoubleFunction<T> figure) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (T item : items) {
            double v = figure.applyAsDouble(item);
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Stats(sum / items.size(), min, max, items.size());
    }

    /** Half the range, as a percentage of the mean: the spread shown as "±x%". */
    public double spreadPercent() {
        return mean == 0 ? 0 : (max - min) / 2 / mean * 100;
    }
}
