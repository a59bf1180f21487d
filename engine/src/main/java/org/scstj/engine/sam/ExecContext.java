package org.scstj.engine.sam;

import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * What the exec stage of one command works with. Made by the LUN actor for each task after
 * the checks passed; a command implementation calls {@link #complete} exactly once, from any
 * thread, and the LUN actor then runs the xmit stage.
 */
public interface ExecContext {
    /** The transport's side of the task: {@code allocate} Data-In buffers, {@code receiveData} for Data-Out. */
    TransportTask task();

    /** The logical unit, as this nexus sees it. */
    LuContext lu();

    /** The exec stage finished. Ownership of {@code response.dataIn()} passes on. */
    void complete(ScsiResponse response);

    /**
     * True once task management or the loss of the nexus aborted this command (SAM-5 7): whatever
     * it completes with is discarded. A command that runs long may look between its steps and
     * complete at once, leaving work that must go on regardless (a sanitize, SBC-4 4.11.1) to
     * continue alone. Any thread may call it. False by default.
     */
    default boolean aborted() {
        return false;
    }

    /**
     * Establishes a unit attention condition for every other I_T nexus of the logical unit (SAM-5
     * 5.14): what a command that changed shared state tells the others, e.g. MODE PARAMETERS
     * CHANGED after a MODE SELECT (SPC-5 7.5.1). The LUN actor, which owns the queues, applies it;
     * any thread may call it. Does nothing by default (contexts without a LUN actor).
     */
    default void unitAttentionForOthers(org.scstj.engine.sense.SenseReason condition) {
    }
}
