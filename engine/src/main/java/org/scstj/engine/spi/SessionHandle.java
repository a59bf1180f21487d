package org.scstj.engine.spi;

import java.util.function.Consumer;

/**
 * The core's side of one I_T nexus, given to the transport by {@link ScsiCore#openSession}.
 * Every method returns at once and may be called from any thread; calls made from one thread
 * are handled in the order made (the transport's command ordering, RFC 7143 CmdSN, is kept).
 */
public interface SessionHandle {
    Nexus nexus();

    /** Hands a command to the core. */
    void submit(TransportTask task);

    /**
     * True while the core measures command latency (docs/latency.md): a transport may then stamp
     * each command with {@link System#nanoTime} as it receives it ({@link TransportTask#receivedNanos}).
     * A volatile read; false costs the transport nothing more.
     */
    default boolean measuresLatency() {
        return false;
    }

    /** Runs a task-management function; {@code done} gets the service response once affected tasks are quiesced. */
    void taskManagement(TmfRequest request, Consumer<TmfRequest.Response> done);

    /**
     * The nexus is gone (logout, connection loss, session reinstatement). Outstanding tasks are
     * aborted ({@link TransportTask#aborted}); {@code done} runs once none remains.
     */
    void close(Runnable done);

    /**
     * Registers the transport's receiver of this nexus's asynchronous events (SAM-5 asynchronous
     * event reporting; iSCSI sends them as Async Message AsyncEvent 0, RFC 7143 11.9.1). The engine
     * reports REPORTED LUNS DATA HAS CHANGED (3F/0E, SPC-5 6.33) when the session's LUN inventory
     * changed at a reload; the unit attention stays established as well. {@code sense} gets
     * fixed-format sense data and the LUN it concerns; it may be called from any thread. Default:
     * not reported.
     */
    default void asyncEvents(AsyncEventListener sense) {
    }

    /** Receives asynchronous events ({@link #asyncEvents}). */
    interface AsyncEventListener {
        void event(long lun, byte[] sense);
    }
}
