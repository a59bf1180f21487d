package org.scstj.mgmt.admin;

import org.scstj.engine.spi.SessionInfo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The samples of {@code GET /api/v1/events/stats}, one per call of {@link #next()}: the totals of
 * the open sessions' counters ({@link SessionInfo#commands()}, bytes read and written) and the
 * rates since the previous sample. A rate is summed per session, so that a session closing does
 * not make it negative: a session seen before counts what it did since, a new one everything it did
 * (it logged in since the previous sample). The first sample's rates are 0. One sampler per stream;
 * not thread-safe, the stream calls it one sample at a time.
 */
final class StatsSampler {
    private record Counters(long commands, long read, long written) {
    }

    private final Live live;
    private final LongSupplier nanos;
    private Map<String, Counters> previous;
    private long previousNanos;

    StatsSampler(Live live) {
        this(live, System::nanoTime);
    }

    StatsSampler(Live live, LongSupplier nanos) {
        this.live = live;
        this.nanos = nanos;
    }

    CompletionStage<Object> next() {
        return live.sessions().thenApply(this::sample);
    }

    /** The sample for the sessions open now. */
    Map<String, Object> sample(List<SessionInfo> sessions) {
        long now = nanos.getAsLong();
        Map<String, Counters> current = new HashMap<>();
        long commands = 0;
        long read = 0;
        long written = 0;
        long dCommands = 0;
        long dRead = 0;
        long dWritten = 0;
        for (SessionInfo s : sessions) {
            Counters c = new Counters(s.commands(), s.bytesRead(), s.bytesWritten());
            current.put(s.id(), c);
            commands += c.commands();
            read += c.read();
            written += c.written();
            if (previous != null) {
                Counters p = previous.getOrDefault(s.id(), new Counters(0, 0, 0));
                dCommands += Math.max(0, c.commands() - p.commands());
                dRead += Math.max(0, c.read() - p.read());
                dWritten += Math.max(0, c.written() - p.written());
            }
        }
        double seconds = previous == null ? 0 : (now - previousNanos) / 1e9;
        previous = current;
        previousNanos = now;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", System.currentTimeMillis());
        out.put("sessions", sessions.size());
        out.put("commands", commands);
        out.put("bytes-read", read);
        out.put("bytes-written", written);
        out.put("iops", rate(dCommands, seconds));
        out.put("read-bytes-per-second", rate(dRead, seconds));
        out.put("write-bytes-per-second", rate(dWritten, seconds));
        return out;
    }

    private static long rate(long delta, double seconds) {
        return seconds <= 0 ? 0 : Math.round(delta / seconds);
    }
}
