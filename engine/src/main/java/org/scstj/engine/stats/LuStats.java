package org.scstj.engine.stats;

import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.ScsiResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * One device's counters, written by its LUN actor only: its commands per target and LUN
 * ({@link PortStats}, made when a nexus is bound to the LUN, not per command), CHECK CONDITIONs by
 * sense key and additional sense code (a fixed 16 × 256 table), commands in the task set, backend
 * errors, and its pending unit attentions (read from the actor's queues' own count).
 */
public final class LuStats {
    public static final int SENSE_KEYS = 16;
    public static final int ASCS = 256;
    private static final int ENTERED = 0;
    private static final int LEFT = 1;
    private static final int BACKEND_ERRORS = 2;
    /** SPC-5 4.4.3 table 30: MEDIUM ERROR, HARDWARE ERROR. */
    private static final int MEDIUM_ERROR = 0x3;
    private static final int HARDWARE_ERROR = 0x4;

    private final String device;
    private final EngineStats engine;
    private final ConcurrentHashMap<String, PortStats> ports = new ConcurrentHashMap<>();
    private final long[] checks = new long[SENSE_KEYS * ASCS];
    private final long[] counts = new long[3];
    private volatile IntSupplier unitAttentions = () -> 0;

    /** A device's counters outside any engine (tests): latencies go nowhere. */
    public LuStats(String device) {
        this(device, null);
    }

    LuStats(String device, EngineStats engine) {
        this.device = device;
        this.engine = engine;
    }

    public String device() {
        return device;
    }

    /** Where this device's latencies go: the engine's observer, read once per command. */
    public CommandObserver observer() {
        return engine == null ? CommandObserver.NONE : engine.observer();
    }

    /**
     * The counters of this device as LUN {@code lun} of {@code target}: made at the first binding
     * (a nexus logging in), kept while the device runs so that they never go back.
     */
    public PortStats port(String target, int lun) {
        return port(target, lun, "");
    }

    /**
     * The counters of this device as LUN {@code lun} of {@code target} for {@code initiator}'s
     * nexuses when the engine counts per initiator ({@link EngineStats#perInitiator}), else for all.
     */
    public PortStats port(String target, int lun, String initiator) {
        String who = engine != null && engine.perInitiator() ? initiator : "";
        return ports.computeIfAbsent(target + "\u0000" + lun + "\u0000" + who,
                k -> new PortStats(target, lun, device, who));
    }

    /** Every target and LUN this device was bound as, in no order. */
    public List<PortStats> ports() {
        return new ArrayList<>(ports.values());
    }

    /** A task entered the task set (past the checks). LUN actor only. */
    public void entered() {
        PortStats.add(counts, ENTERED, 1);
    }

    /** A task left the task set (its exec stage ended, or it was aborted while waiting). LUN actor only. */
    public void left() {
        PortStats.add(counts, LEFT, 1);
    }

    /** Tasks in the task set now (in the device and waiting). */
    public long inFlight() {
        return Math.max(0, (long) PortStats.LONGS.getOpaque(counts, ENTERED)
                - (long) PortStats.LONGS.getOpaque(counts, LEFT));
    }

    /**
     * A CHECK CONDITION: counted by the sense key and ASC of its sense data (fixed or descriptor
     * format, SPC-5 4.4); from the exec stage ({@code backend}), a MEDIUM ERROR or HARDWARE ERROR is
     * also a backend error. LUN actor only.
     */
    public void checkCondition(byte[] sense, boolean backend) {
        if (sense == null || sense.length < 3) {
            return;
        }
        int code = sense[0] & 0x7F;
        int key;
        int asc;
        if (code == 0x72 || code == 0x73) {
            key = sense[1] & 0x0F;
            asc = sense[2] & 0xFF;
        } else if (sense.length > 12) {
            key = sense[2] & 0x0F;
            asc = sense[12] & 0xFF;
        } else {
            return;
        }
        PortStats.add(checks, key * ASCS + asc, 1);
        if (backend && (key == MEDIUM_ERROR || key == HARDWARE_ERROR)) {
            PortStats.add(counts, BACKEND_ERRORS, 1);
        }
    }

    /** The CHECK CONDITIONs with this sense key and ASC so far. */
    public long checkConditions(int senseKey, int asc) {
        return (long) PortStats.LONGS.getOpaque(checks, senseKey * ASCS + asc);
    }

    /** Exec-stage CHECK CONDITIONs with MEDIUM ERROR or HARDWARE ERROR: the device failed. */
    public long backendErrors() {
        return (long) PortStats.LONGS.getOpaque(counts, BACKEND_ERRORS);
    }

    /** The LUN actor says how to count its pending unit attentions (once, at its setup). */
    public void unitAttentions(IntSupplier pending) {
        this.unitAttentions = pending;
    }

    /** Unit attentions pending, summed over the device's nexuses. */
    public int unitAttentionsPending() {
        return unitAttentions.getAsInt();
    }

    /** Convenience for the LUN actor: a response's Data-In length (0 without). */
    public static long dataIn(ScsiResponse r) {
        return r.dataIn() == null ? 0 : r.dataIn().length();
    }
}
