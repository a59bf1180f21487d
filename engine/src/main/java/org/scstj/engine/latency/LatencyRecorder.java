package org.scstj.engine.latency;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One LU's per-stage latency histograms and its run-time switch (docs/latency.md).
 *
 * <p>Threads. {@link #enable} and {@link #enabled} from any thread (a volatile flag, read once per
 * command by the session actor). Everything else, {@link #record} and {@link #snapshot} included,
 * only on the LU's actor (its single writer): the histograms are plain HdrHistogram ones, whose
 * {@code recordValue} neither locks nor allocates; readers from other threads ask the LUN actor,
 * which copies them. A histogram is made the first time its stage, operation and size class sees a
 * command, so a running LU allocates nothing per command.
 *
 * <p>Cost when off: the session actor reads the flag and the JFR event's enabled state, nothing
 * more: no timestamp is taken, the command's stage fields stay 0.
 */
public final class LatencyRecorder {
    /** Recorders switched on in this JVM: the transport's hand-off takes a timestamp only when there is one. */
    private static final AtomicInteger ON = new AtomicInteger();
    /** Longest value kept (an hour), in nanoseconds; longer ones count as an hour. */
    private static final long HIGHEST = 3_600_000_000_000L;
    private static final int DIGITS = 2;

    private final String device;
    private volatile boolean enabled;
    private final Histogram[] histograms = new Histogram[Stage.ALL.length * Op.ALL.length * SizeClass.ALL.length];
    private Instant since = Instant.now();

    public LatencyRecorder(String device) {
        this.device = device;
    }

    /** True when some LU of this JVM measures, or a recording takes {@link CommandStageEvent}s. */
    public static boolean anyEnabled() {
        return ON.get() > 0 || CommandStageEvent.enabled();
    }

    public String device() {
        return device;
    }

    /** Whether this LU's commands are measured: into its histograms, or as JFR events. */
    public boolean measures() {
        return enabled || CommandStageEvent.enabled();
    }

    /** Whether this LU's histograms count. */
    public boolean enabled() {
        return enabled;
    }

    /** Switches the histograms on or off; what they counted stays until {@link #snapshot reset}. */
    public synchronized void enable(boolean on) {
        if (on != enabled) {
            ON.addAndGet(on ? 1 : -1);
            enabled = on;
        }
    }

    /**
     * Records one command's stages (on the LU's actor). Each timestamp is {@link System#nanoTime}
     * or 0 when the command did not pass that point; a stage is recorded when both its ends are known.
     *
     * @param received  the transport's hand-off (0: not stamped)
     * @param parse     the session actor took the command up
     * @param parsed    parsed, handed to the LUN actor
     * @param checked   the checks passed, or an early answer decided
     * @param started   entered the device (0: answered by the checks)
     * @param executed  the device completed (0: answered by the checks)
     * @param end       the transport's {@code complete} returned
     * @param status    the SCSI status sent, for the JFR events
     */
    public void record(Op op, long bytes, String command, int lun, long tag, int status, long received, long parse,
                       long parsed, long checked, long started, long executed, long end) {
        SizeClass size = SizeClass.of(bytes);
        boolean histogram = enabled;
        boolean jfr = CommandStageEvent.enabled();
        long xmitFrom = executed != 0 ? executed : checked;
        long first = received != 0 ? received : parse;
        for (Stage stage : Stage.ALL) {
            long from;
            long to;
            switch (stage) {
                case RECEIVE -> { from = received; to = parse; }
                case PARSE -> { from = parse; to = parsed; }
                case CHECKS -> { from = parsed; to = checked; }
                case TASK_SET -> { from = checked; to = started; }
                case EXEC -> { from = started; to = executed; }
                case XMIT -> { from = xmitFrom; to = end; }
                default -> { from = first; to = end; }
            }
            if (from == 0 || to == 0) {
                continue;
            }
            long nanos = Math.max(0, to - from);
            if (histogram) {
                histogram(stage, op, size).recordValue(Math.min(nanos, HIGHEST));
            }
            if (jfr) {
                CommandStageEvent e = new CommandStageEvent();
                e.stage = stage.label();
                e.device = device;
                e.lun = lun;
                e.command = command;
                e.op = op.label();
                e.tag = tag;
                e.bytes = bytes;
                e.elapsed = nanos;
                e.status = status;
                e.commit();
            }
        }
    }

    private Histogram histogram(Stage stage, Op op, SizeClass size) {
        int i = (stage.ordinal() * Op.ALL.length + op.ordinal()) * SizeClass.ALL.length + size.ordinal();
        Histogram h = histograms[i];
        if (h == null) {
            h = new Histogram(1, HIGHEST, DIGITS);
            histograms[i] = h;
        }
        return h;
    }

    /** The histograms' summary (on the LU's actor); {@code reset} then empties them. */
    public LatencySnapshot snapshot(boolean reset) {
        List<LatencySnapshot.Entry> entries = new ArrayList<>();
        for (Stage stage : Stage.ALL) {
            for (Op op : Op.ALL) {
                for (SizeClass size : SizeClass.ALL) {
                    Histogram h = histograms[(stage.ordinal() * Op.ALL.length + op.ordinal()) * SizeClass.ALL.length
                            + size.ordinal()];
                    if (h == null || h.getTotalCount() == 0) {
                        continue;
                    }
                    long count = h.getTotalCount();
                    double mean = h.getMean();
                    entries.add(new LatencySnapshot.Entry(stage.label(), op.label(), size.label(), count,
                            us(mean), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                            us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                            mean * count / 1e9));
                    if (reset) {
                        h.reset();
                    }
                }
            }
        }
        LatencySnapshot s = new LatencySnapshot(device, enabled, since, entries);
        if (reset) {
            since = Instant.now();
        }
        return s;
    }

    /** Nanoseconds as microseconds, to 0.01 µs. */
    private static double us(double nanos) {
        return Math.round(nanos / 10.0) / 100.0;
    }
}
