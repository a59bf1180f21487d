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
}
