package org.scstj.engine.exec;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * What the exec stage of one command works with. Made by the LUN actor for each task after
 * the checks passed; a command implementation calls {@link #complete} exactly once, from any
 * thread, and the LUN actor then runs the xmit stage.
 *
 * <p>Residuals (SAM-5 5.4.3, RFC 7143 11.4.5): a command fetches its Data-Out through
 * {@link #receiveData}, never through {@code task().receiveData}, so that the context knows when
 * the Data-Out arrived; from then on whatever the command completes with reports its CDB's Data-Out
 * length as {@link ScsiResponse#transferLength} ({@link #afterDataOut}), GOOD or CHECK CONDITION,
 * and the transport reports only the difference to EDTL as the residual. A command that ends
 * before taking its Data-Out reports what it chooses (0: nothing was transferred).
 */
public interface ExecContext {
    /** The transport's side of the task: {@code allocate} Data-In buffers. */
    TransportTask task();

    /** The logical unit, as this nexus sees it. */
    LuContext lu();

    /** The exec stage finished. Ownership of {@code response.dataIn()} passes on. */
    void complete(ScsiResponse response);

    /**
     * Fetches the first {@code length} bytes of the command's Data-Out ({@link TransportTask#receiveData},
     * whose contract holds: {@code length} never exceeds EDTL, {@code receiver} is completed once, from
     * any thread); once they arrived, the command's response reports its CDB's Data-Out length.
     */
    void receiveData(int length, TransportTask.DataReceiver receiver);

    /**
     * SAM-5 5.4.3: the response of a command that took its Data-Out, with what it transferred, the
     * Data-Out length its CDB gives ({@link Cdb.DataOut}), as its transfer length. The same response
     * when it already says so (no allocation on the WRITE path).
     */
    static ScsiResponse afterDataOut(ScsiResponse response, Cdb cdb, int blockSize) {
        if (!(cdb instanceof Cdb.DataOut d)) {
            return response;
        }
        int length = (int) Math.min(d.dataOutLength(blockSize), 0xFFFF_FFFFL); // unsigned, as EDTL
        return response.transferLength() == length ? response : response.withTransferLength(length);
    }

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
