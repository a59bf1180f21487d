package org.scstj.engine.spi;

/**
 * One SCSI command as the transport delivered it, and the transport's half of its life
 * (LIO's fabric ops, CTL's frontend). Implemented by the transport; called by the core.
 *
 * <p>Life: the transport calls {@link SessionHandle#submit}; the core calls {@link #allocate}
 * and {@link #receiveData} as it needs, then exactly one of {@link #complete} or
 * {@link #aborted}. After that the core never touches the task again.
 */
public interface TransportTask {
    /** The 8-byte LUN field as received (SAM-5 4.7), e.g. {@code 0x0001_0000_0000_0000L} for LUN 1. */
    long lun();

    /** The CDB bytes (at least the CDB's own length; iSCSI gives 16 plus an extended CDB AHS). */
    byte[] cdb();

    /** The initiator task tag, unique among this nexus's outstanding tasks. */
    long tag();

    TaskAttribute attribute();

    /**
     * Expected data transfer length from the transport header (EDTL): an unsigned 32-bit value
     * (RFC 7143 11.3.4) carried in an int; read it with {@link #expectedLength(int)} or
     * {@link Integer#toUnsignedLong}.
     */
    int expectedDataTransferLength();

    /** {@code min(limit, EDTL)}, with EDTL taken as unsigned; {@code limit} must not be negative. */
    default int expectedLength(int limit) {
        return (int) Math.min(limit, Integer.toUnsignedLong(expectedDataTransferLength()));
    }

    /**
     * When the transport received the command ({@link System#nanoTime}), stamped only while
     * {@link SessionHandle#measuresLatency}; 0, the default, lets the core take the moment of
     * {@link SessionHandle#submit} instead. The latency's {@code receive} stage starts here.
     */
    default long receivedNanos() {
        return 0;
    }

    /** True when the initiator announced a Data-In transfer (iSCSI R bit). */
    boolean readExpected();

    /** True when the initiator announced a Data-Out transfer (iSCSI W bit). */
    boolean writeExpected();

    /**
     * Data-In of at least this many bytes may be given to {@link #complete} as a
     * {@link FileSegment} (sent with {@code sendfile}); {@link Integer#MAX_VALUE}, the default,
     * when the transport always wants the bytes (for example to compute data digests).
     */
    default int zeroCopyMinLength() {
        return Integer.MAX_VALUE;
    }

    /** A buffer for {@code length} bytes of Data-In, from the transport's pool. Never null. */
    DataBuffer allocate(int length);

    /**
     * Fetches the first {@code length} bytes of write data (immediate, unsolicited and solicited
     * data together; iSCSI sends R2Ts for what is missing). {@code length} never exceeds EDTL.
     * Completes the receiver once, from any thread.
     */
    void receiveData(int length, DataReceiver receiver);

    /** Sends status, sense and Data-In. Exactly once per task, unless {@link #aborted} was called. */
    void complete(ScsiResponse response);

    /**
     * The core aborted the task (task management, nexus loss): the transport sends nothing more
     * for it (no R2T, no Data-In, no status) and fails a pending {@link #receiveData} receiver.
     * Buffers from {@link #allocate} stay the core's; it releases them when the device is done.
     */
    void aborted();

    /** Receives the write data of {@link #receiveData}. */
    interface DataReceiver {
        /** The data arrived; the buffer now belongs to the core. */
        void received(DataBuffer data);

        /**
         * The data will never arrive (connection lost, task aborted by the transport). A
         * {@link DataOutFailure} says why in the core's terms: the command then ends with its sense.
         */
        void failed(Throwable cause);
    }
}
