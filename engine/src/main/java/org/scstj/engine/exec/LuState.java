package org.scstj.engine.exec;

import org.scstj.engine.lu.EchoBuffer;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.lu.UnitAttentions;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.Nexus;

import java.util.function.Predicate;

/**
 * The state of one logical unit (SAM-5 4.6.18), owned by its LUN actor and lent to a command only
 * on the actor's thread: synchronously in the exec stage's entry ({@link CommandSet#execute}, which
 * the actor calls), or in an action the command hands to {@link ExecContext#withState} from any
 * other thread (its Data-Out arrived, its device I/O completed). That is the only way this state
 * changes; other threads read no more than the few volatile values a {@link LuContext} exposes.
 */
public interface LuState {
    /** The unit-attention queue of every nexus of the LU (SAM-5 5.14). */
    UnitAttentions unitAttentions();

    /** SPC-2 and persistent reservations (SPC-5 5.14). */
    Reservations reservations();

    /**
     * The one way the LU's control state (reservations, mode parameters, access states) changes:
     * commands submit a {@link ControlOp} here and complete with its {@link ControlResult}.
     */
    LuControlPort control();

    /** The changeable mode parameters (SPC-5 7.5). */
    ModeParameters mode();

    /** The removable medium and who prevents its removal (SBC-4 5.13, 5.25). */
    MediumState medium();

    /** A tape drive's position, block mode and medium-command queue (SSC-3 4.2); null for any other LU. */
    default TapeState tape() {
        return null;
    }

    /** FORMAT UNIT / SANITIZE in progress or failed (SBC-4 4.11, 5.3). */
    WholeMediumState wholeMedium();

    /**
     * The asymmetric access state of every target port group of the LU (SPC-5 5.16); the one
     * every group is active/optimized in for an LU without ALUA.
     */
    default org.scstj.engine.alua.AluaState alua() {
        return org.scstj.engine.alua.AluaState.DEFAULT;
    }

    /**
     * Changes the access states of the groups {@code states} names (SPC-5 5.16.2.6): each group
     * that changes shows TRANSITIONING for the LU's transition delay, then its new state; then
     * every nexus of the LU but {@code requester} (null for an implicit change: every nexus) gets
     * ASYMMETRIC ACCESS STATE CHANGED (2A/06, SPC-5 5.16.2.8, 5.16.3). {@code done} runs on the
     * actor's thread once the new states are in place.
     */
    default void changeAccessStates(java.util.Map<Integer, org.scstj.engine.alua.AccessState> states, Nexus requester,
                                    Runnable done) {
        throw new UnsupportedOperationException("this LU has no ALUA");
    }

    /** The echo buffer of READ / WRITE BUFFER (SPC-5 6.17.7, 6.49.7). */
    EchoBuffer echoBuffer();

    /**
     * Aborts every task in the task set of a nexus {@code whose} matches but the command asking
     * (task {@code exceptTag} of {@code exceptNexus}), as ABORT TASK SET would (SPC-5 5.14.11.4.5,
     * PREEMPT AND ABORT); runs {@code quiesced} on the actor's thread once every one of them left
     * the device (at once when there was none). New commands wait meanwhile, as for any task
     * management function.
     */
    void abortTasksOf(Predicate<Nexus> whose, Nexus exceptNexus, long exceptTag, Runnable quiesced);
}
