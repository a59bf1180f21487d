package org.scstj.engine.stats;

import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.TmfRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The engine's counters: each running device's ({@link LuStats}, dropped with the device) and the
 * task-management functions answered, by function and service response (several actors answer
 * them, rarely: an atomic array).
 */
public final class EngineStats {
    private static final int RESPONSES = TmfRequest.Response.values().length;

    private final ConcurrentHashMap<String, LuStats> devices = new ConcurrentHashMap<>();
    private final AtomicLongArray tmf =
            new AtomicLongArray(TmfRequest.Function.values().length * RESPONSES);
    private volatile CommandObserver observer = CommandObserver.NONE;
    /** Count each initiator's commands apart ({@link LuStats#port}); set before the first login. */
    private volatile boolean perInitiator;

    /** The counters of a device starting now (new ones: a device added again counts from zero). */
    public LuStats addDevice(String name) {
        LuStats s = new LuStats(name, this);
        devices.put(name, s);
        return s;
    }

    public void removeDevice(String name) {
        devices.remove(name);
    }

    /** Every running device's counters. */
    public List<LuStats> devices() {
        return new ArrayList<>(devices.values());
    }

    /** The task-management function was answered. */
    public void answered(TmfRequest.Function function, TmfRequest.Response response) {
        tmf.incrementAndGet(function.ordinal() * RESPONSES + response.ordinal());
    }

    public long taskManagement(TmfRequest.Function function, TmfRequest.Response response) {
        return tmf.get(function.ordinal() * RESPONSES + response.ordinal());
    }

    /**
     * Whether the per-target/LUN counters are kept per initiator too: one set for each initiator
     * that logs in, kept while the device runs. Takes effect for nexuses bound from now on.
     */
    public void perInitiator(boolean on) {
        this.perInitiator = on;
    }

    public boolean perInitiator() {
        return perInitiator;
    }

    public CommandObserver observer() {
        return observer;
    }

    /** Sets who sees command latencies (the management plane's histograms); null: nobody. */
    public void observe(CommandObserver observer) {
        this.observer = observer == null ? CommandObserver.NONE : observer;
    }
}
