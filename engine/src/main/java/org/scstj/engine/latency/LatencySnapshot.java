package org.scstj.engine.latency;

import java.time.Instant;
import java.util.List;

/**
 * One LU's latency histograms as read at one moment: what {@code GET /api/v1/latency} shows and
 * what an exporter (Prometheus, the dashboard) reads. Immutable. Only the combinations of stage,
 * operation and size class that saw a command are listed.
 *
 * @param device  the device the LU runs
 * @param enabled whether measurement is on for it now
 * @param since   when the histograms were last reset (or created)
 * @param stages  one entry per stage, operation and size class that counted a command
 */
public record LatencySnapshot(String device, boolean enabled, Instant since, List<Entry> stages) {
    public LatencySnapshot {
        stages = List.copyOf(stages);
    }

    /**
     * One histogram's summary; times in microseconds (HdrHistogram, 2 significant digits: within 1%).
     *
     * @param stage      {@link Stage#label()}
     * @param op         {@link Op#label()}
     * @param size       {@link SizeClass#label()}
     * @param count      commands counted
     * @param sumSeconds their total time in the stage (count × mean), for a Prometheus summary's {@code _sum}
     */
    public record Entry(String stage, String op, String size, long count, double meanUs, double p50Us, double p90Us,
                        double p99Us, double p999Us, double maxUs, double sumSeconds) {
    }

    /** The entries of one stage, every operation and size class. */
    public List<Entry> stage(Stage stage) {
        return stages.stream().filter(e -> e.stage().equals(stage.label())).toList();
    }

    /** Commands counted in one stage, over every operation and size class. */
    public long count(Stage stage) {
        return stage(stage).stream().mapToLong(Entry::count).sum();
    }
}
