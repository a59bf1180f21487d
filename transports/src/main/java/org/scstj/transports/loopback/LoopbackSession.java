package org.scstj.transports.loopback;

import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TmfRequest;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One I_T nexus (SAM-5 4.6.2) of the loopback driver, as its in-JVM initiator holds it: submit
 * commands, run task-management functions, close.
 *
 * <p>Commands are handed to the core in the order {@code execute} is called from one thread
 * (SessionHandle ordering). Each gets a tag unique in this session. Threading: every method may be
 * called from any thread and returns at once.
 */
public final class LoopbackSession {
    private final LoopbackTargetDriver driver;
    private final SessionHandle handle;
    private final AtomicLong nextTag = new AtomicLong(1);
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Guards {@link #closing} against submits racing a close (see {@link #execute}). */
    private final Object submitLock = new Object();
    private boolean closing;

    LoopbackSession(LoopbackTargetDriver driver, SessionHandle handle) {
        this.driver = driver;
        this.handle = handle;
    }

    /** The nexus as the core identifies it (its relative target port id comes from the target's configuration). */
    public Nexus nexus() {
        return handle.nexus();
    }

    /** The 8-byte LUN field (SAM-5 4.7.7: peripheral or flat space addressing) of LUN {@code number}. */
    public static long lun(int number) {
        return LunFormat.encode(number);
    }

    /**
     * Submits a command; the callback gets its outcome. Allocates one task object per command and
     * nothing else on this side: no future, no lambda.
     *
     * @param lun          the 8-byte LUN field (see {@link #lun(int)})
     * @param cdb          the CDB; kept, not copied: leave it unchanged until the callback ran
     * @param dataOut      the Data-Out (its remaining bytes; EDTL is their count), or null; lent to
     *                     the core without a copy: leave it unchanged until the callback ran (its
     *                     position and limit are not moved)
     * @param dataInLength the Data-In the initiator expects (EDTL when {@code dataOut} is null), 0 for none
     * @param attribute    SAM-5 8.5 task attribute
     * @return the task's tag (for ABORT TASK)
     * @throws IllegalArgumentException for a bidirectional command (both Data-Out and Data-In: the
     *                                  SPI carries one EDTL) or a negative length
     */
    public long execute(long lun, byte[] cdb, ByteBuffer dataOut, int dataInLength, TaskAttribute attribute,
                        CommandCallback callback) {
        if (dataInLength < 0) {
            throw new IllegalArgumentException("negative Data-In length " + dataInLength);
        }
        if (dataOut != null && dataInLength > 0) {
            throw new IllegalArgumentException("bidirectional commands are not supported (one EDTL, RFC 7143 11.3.4)");
        }
        long tag = nextTag.getAndIncrement();
        LoopbackTask task = new LoopbackTask(driver, lun, cdb, tag, attribute, dataOut, dataInLength, callback);
        // Under the lock a submit either reaches the session's mailbox before Close, where the core
        // aborts it with the rest, or sees the session closing and is refused here; never after the
        // session actor stopped, where it would vanish.
        boolean refused;
        synchronized (submitLock) {
            refused = closing;
            if (!refused) {
                handle.submit(task);
            }
        }
        if (refused) {
            task.refuse();
        }
        return tag;
    }

    /** {@link #execute(long, byte[], ByteBuffer, int, TaskAttribute, CommandCallback)} with SIMPLE. */
    public long execute(long lun, byte[] cdb, ByteBuffer dataOut, int dataInLength, CommandCallback callback) {
        return execute(lun, cdb, dataOut, dataInLength, TaskAttribute.SIMPLE, callback);
    }

    /**
     * Submits a SIMPLE command and returns its result; the stage fails with
     * {@link TaskAbortedException} when the command is aborted. The caller closes the result.
     */
    public CompletionStage<LoopbackResult> execute(long lun, byte[] cdb, ByteBuffer dataOut, int dataInLength) {
        FutureCallback f = new FutureCallback();
        execute(lun, cdb, dataOut, dataInLength, TaskAttribute.SIMPLE, f);
        return f;
    }

    /** Completes a future with the outcome of one command. */
    private static final class FutureCallback extends CompletableFuture<LoopbackResult> implements CommandCallback {
        @Override
        public void completed(LoopbackResult result) {
            if (!complete(result)) {
                result.close();
            }
        }

        @Override
        public void aborted(long tag) {
            completeExceptionally(new TaskAbortedException(tag));
        }
    }

    /**
     * Runs a task-management function (SAM-5 7) on this nexus and completes with the service
     * response once the affected tasks are quiesced. A closed session answers FUNCTION REJECTED.
     *
     * @param lun           the 8-byte LUN field (ignored by target-wide functions)
     * @param referencedTag the tag of the task ABORT TASK / QUERY TASK refers to, else 0
     */
    public CompletionStage<TmfRequest.Response> taskManagement(TmfRequest.Function function, long lun,
                                                               long referencedTag) {
        CompletableFuture<TmfRequest.Response> done = new CompletableFuture<>();
        boolean refused;
        synchronized (submitLock) {
            refused = closing;
            if (!refused) {
                handle.taskManagement(new TmfRequest(function, lun, referencedTag), done::complete);
            }
        }
        if (refused) {
            done.complete(TmfRequest.Response.FUNCTION_REJECTED);
        }
        return done;
    }

    /**
     * Ends the nexus (like an iSCSI Logout): commands still outstanding are aborted (their
     * callbacks' {@code aborted} runs), commands submitted from now on are refused the same way.
     * Completes once the core quiesced every task of the nexus; every call returns the same stage.
     */
    public CompletionStage<Void> close() {
        synchronized (submitLock) {
            if (closing) {
                return closed;
            }
            closing = true;
            handle.close(this::closedByCore);
        }
        return closed;
    }

    private void closedByCore() {
        driver.sessionClosed(this);
        closed.complete(null);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        synchronized (submitLock) {
            return closing;
        }
    }

    @Override
    public String toString() {
        return "LoopbackSession[" + handle.nexus().initiatorPortName() + " -> " + handle.nexus().targetPortName() + "]";
    }
}
