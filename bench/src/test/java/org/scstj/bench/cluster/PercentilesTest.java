package org.scstj.bench.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentilesTest {
    @Test
    void oddCount_medianIsTheMiddleValue_inAnyOrder() {
        Percentiles p = Percentiles.of(List.of(9.0, 1.0, 5.0, 7.0, 3.0));
        assertEquals(5, p.n());
        assertEquals(1.0, p.min());
        assertEquals(5.0, p.median());
        assertEquals(9.0, p.max());
        assertEquals(9.0, p.p95(), "ceil(0.95 * 5) = 5th value");
    }

    @Test
    void evenCount_medianIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(2.5, Percentiles.of(List.of(4.0, 1.0, 3.0, 2.0)).median());
    }

    @Test
    void p95_byNearestRank() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            values.add((double) i);
        }
        Collections.shuffle(values, new java.util.Random(7));
        assertEquals(19.0, Percentiles.of(values).p95(), "ceil(0.95 * 20) = 19th of 1..20");
        values.add(21.0);
        assertEquals(20.0, Percentiles.of(values).p95(), "ceil(0.95 * 21) = 20th");
        List<Double> thirty = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            thirty.add(i * 0.5);
        }
        assertEquals(14.5, Percentiles.of(thirty).p95(), "ceil(28.5) = 29th of 0.5..15");
        assertEquals(7.75, Percentiles.of(thirty).median());
    }

    @Test
    void oneValue_isEveryStatistic() {
        Percentiles p = Percentiles.of(List.of(7.4));
        assertEquals(new Percentiles(1, 7.4, 7.4, 7.4, 7.4), p);
    }

    @Test
    void noValues_orABadPercentile_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new double[] {1}, 101));
        assertEquals(1.0, Percentiles.nearestRank(new double[] {1, 2}, 50));
        assertEquals(2.0, Percentiles.nearestRank(new double[] {1, 2}, 51));
    }
}
