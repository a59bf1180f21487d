package org.scstj.engine.exec;

import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.pr.ReservationsData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.List;

/**
 * One node's copy of one logical unit's control state, as a {@link ControlPlane} that keeps the
 * state elsewhere drives it: the two phases of a change (docs/design/cluster.md 4.4). Made by the
 * LUN actor; every method returns at once and may be called from any thread.
 */
public interface ControlReplica {
    /**
     * Phase 1: new commands of the LU wait (they are held until {@link #commit}); the tasks of the
     * nexuses {@code abort} matches are aborted as ABORT TASK SET would, but task
     * {@code exceptTag} of {@code exceptNexus} (SPC-5 5.14.11.4.5 PREEMPT AND ABORT, on every
     * node); {@code prepared} runs once they left the device. With {@code cleared} (null: none)
     * each nexus but {@code exceptNexus} whose tasks the abort hit gets that unit attention (SAM-5
     * 7.5 CLEAR TASK SET: 2F/00 COMMANDS CLEARED BY ANOTHER INITIATOR).
     */
    void prepare(List<NexusSelector> abort, Nexus exceptNexus, long exceptTag, SenseReason cleared, Runnable prepared);

    /**
     * Phase 2: {@code data} becomes the LU's reservations (null: they stay as they are, the change
     * did not happen), {@code mode} its current and saved mode parameters (null: as they are), the
     * unit attentions the notices give are established for this node's nexuses they select, and
     * the held commands run, in arrival order.
     */
    void commit(ReservationsData data, ModeParameters.Data mode, List<Reservations.Notice> notices);
}
