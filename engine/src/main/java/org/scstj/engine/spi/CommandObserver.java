package org.scstj.engine.spi;

/**
 * Sees each command's latency as the LUN actor finishes it: the management plane's hook for
 * latency histograms, which the engine does not keep itself (it keeps only counters, {@code
 * engine.stats}). Called on the LUN actor's thread, once per command, so an implementation must
 * not block, lock or allocate (a Micrometer {@code Timer} with fixed buckets does none of these).
 * The default does nothing.
 */
public interface CommandObserver {
    /** What a command does to the medium, from its command-table row ({@code engine.stats.LuStats#opOf}). */
    enum Op {
        /** Reads blocks: Data-In, a medium access (READ(6..32), tape READ, ...). */
        READ,
        /** Writes blocks: Data-Out that changes the medium (WRITE, WRITE SAME, WRITE AND VERIFY, ...). */
        WRITE,
        /** Everything else (INQUIRY, TEST UNIT READY, READ CAPACITY, SYNCHRONIZE CACHE, ...). */
        OTHER
    }

    /** Does nothing. */
    CommandObserver NONE = new CommandObserver() {
        @Override
        public void commandDone(Op op, long nanos) {
        }

        @Override
        public void backendIo(Op op, long nanos) {
        }
    };

    /**
     * A command got its status from the LU: {@code nanos} from its arrival at the LUN actor to its
     * status handed to the transport (queueing in the task set and the exec stage included).
     */
    void commandDone(Op op, long nanos);

    /** A READ or WRITE left the device: {@code nanos} its exec stage took (the device handler's I/O). */
    void backendIo(Op op, long nanos);
}
