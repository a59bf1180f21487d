package org.scstj.bench.admin;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdminLatencyTest {

    @Test
    void percentile_isNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertEquals(50, Latency.percentile(sorted, 50));
        assertEquals(90, Latency.percentile(sorted, 90));
        assertEquals(100, Latency.percentile(sorted, 91));
        assertEquals(100, Latency.percentile(sorted, 100));
        assertEquals(10, Latency.percentile(sorted, 1));
    }

    @Test
    void percentile_ofOneSample_isThatSample() {
        assertEquals(7, Latency.percentile(new long[] {7}, 50));
        assertEquals(7, Latency.percentile(new long[] {7}, 90));
    }

    @Test
    void percentile_refusesNoSamplesAndRanksOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> Latency.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Latency.percentile(new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Latency.percentile(new long[] {1}, 101));
    }

    @Test
    void of_sortsBeforeSummarising() {
        Latency l = Latency.of(List.of(5L, 1L, 4L, 2L, 3L));
        assertEquals(new Latency(5, 3, 5, 5), l);
    }

    @Test
    void of_evenCount_takesTheLowerMiddleAsMedian() {
        assertEquals(2, Latency.of(List.of(4L, 3L, 2L, 1L)).median());
    }

    @Test
    void of_refusesNoSamples() {
        assertThrows(IllegalArgumentException.class, () -> Latency.of(List.of()));
    }

    @Test
    void firstAndLast_takeTheEndsOfTheSeries_orAllOfAShortOne() {
        List<Long> samples = new ArrayList<>();
        for (long i = 1; i <= 120; i++) {
            samples.add(i);
        }
        assertEquals(50, Latency.first(samples, 50).size());
        assertEquals(1L, Latency.first(samples, 50).getFirst());
        assertEquals(50L, Latency.first(samples, 50).getLast());
        assertEquals(71L, Latency.last(samples, 50).getFirst());
        assertEquals(120L, Latency.last(samples, 50).getLast());
        assertEquals(List.of(1L, 2L), Latency.first(List.of(1L, 2L), 50));
        assertEquals(List.of(1L, 2L), Latency.last(List.of(1L, 2L), 50));
    }
}
