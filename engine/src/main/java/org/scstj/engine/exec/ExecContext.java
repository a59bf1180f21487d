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
 *
 * <p>The LU's state belongs to its LUN actor ({@link LuState}): a command reads and changes it in
 * its exec stage's entry, which runs on the actor's thread ({@link #state}), and from any other
 * thread only through {@link #withState}.
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
     * The LU's state, on the LUN actor's thread only: in the exec stage's entry, which the actor
     * runs, and inside a {@link #withState} action.
     */
    LuState state();

    /**
     * Runs {@code action} on the LUN actor's thread with the LU's state, after what the actor is
     * processing now: how a command changes the state once its Data-Out arrived or its device
     * completed (SAM-5: the device server's state has one owner). The command may complete inside
     * the action or later. Any thread may call it, also after the command completed (an operation
     * that outlives it, such as an IMMED sanitize).
     */
    void withState(java.util.function.Consumer<LuState> action);
}
