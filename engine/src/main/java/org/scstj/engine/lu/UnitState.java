package org.scstj.engine.lu;

import org.scstj.engine.latency.LatencyRecorder;
import org.scstj.engine.pr.ReservationFile;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.stats.LuStats;

/**
 * The state one logical unit keeps besides its task set and unit-attention queues, made once per
 * device and owned by its LUN actor: the removable medium, the mode parameters, the whole-medium
 * operation, the reservations, a tape drive's position and block mode ({@code tape}, null for
 * any other LU) and, for a pass-through LU, where its Control page lives ({@code control}, null
 * for any other). Every target and nexus that maps the device sees this one state
 * (through the LUN actor, and read-only through each nexus's {@code exec.LuContext}). {@code stats}
 * are its counters for the metrics, written by the LUN actor. Its {@code latency} histograms are
 * written only by the LUN actor; their switch is read by each session. {@code reservationFile}
 * keeps the persistent reservations with APTPL (SPC-5 5.14.4), null when nothing is kept.
 */
public record UnitState(MediumState medium, ModeParameters mode, WholeMediumState wholeMedium,
                        Reservations reservations, TapeState tape, DeviceControl control, LuStats stats,
                        LatencyRecorder latency, ReservationFile reservationFile) {
    /** The state of an LU whose persistent reservations are never kept across a restart. */
    public UnitState(MediumState medium, ModeParameters mode, WholeMediumState wholeMedium,
                     Reservations reservations, TapeState tape, DeviceControl control, LuStats stats,
                     LatencyRecorder latency) {
        this(medium, mode, wholeMedium, reservations, tape, control, stats, latency, null);
    }

    /** The state of an LU counted nowhere anyone reads, with its own switched-off latency recorder (tests). */
    public UnitState(MediumState medium, ModeParameters mode, WholeMediumState wholeMedium, Reservations reservations,
                     TapeState tape, DeviceControl control) {
        this(medium, mode, wholeMedium, reservations, tape, control, new LuStats(""), new LatencyRecorder(""));
    }

    /** The state of an LU whose Control page is the core's own ({@code control} null). */
    public UnitState(MediumState medium, ModeParameters mode, WholeMediumState wholeMedium, Reservations reservations,
                     TapeState tape) {
        this(medium, mode, wholeMedium, reservations, tape, null);
    }

    /** The state of an LU that is not a tape drive. */
    public UnitState(MediumState medium, ModeParameters mode, WholeMediumState wholeMedium, Reservations reservations) {
        this(medium, mode, wholeMedium, reservations, null, null);
    }
}
