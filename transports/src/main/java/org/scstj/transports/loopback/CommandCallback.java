package org.scstj.transports.loopback;

/**
 * Where a command submitted with {@link LoopbackSession#execute(long, byte[], java.nio.ByteBuffer,
 * int, org.scstj.engine.spi.TaskAttribute, CommandCallback)} ends: exactly one of the two methods
 * runs, once, on the core's thread that finished the command (or, for a command refused because the
 * session is closed, on the caller's thread). Implementations must return quickly and never block:
 * they run on the engine's dispatcher.
 *
 * <p>This is the allocation-free way to drive the loopback driver (one callback object can serve
 * every command); {@link LoopbackSession#execute(long, byte[], java.nio.ByteBuffer, int)} wraps it
 * in a {@link java.util.concurrent.CompletionStage} for convenience.
 */
public interface CommandCallback {
    /**
     * The core completed the command with a status (SAM-5 5.3). The result, and the Data-In buffer
     * inside it, now belong to the callee, which must {@link LoopbackResult#close()} it. Any
     * Data-Out buffer of the command is no longer referenced by the core.
     */
    void completed(LoopbackResult result);

    /**
     * The command was aborted (task management, nexus loss: SAM-5 7; the session was closed before it
     * was delivered) and has no status. Runs only once the core no longer reads the command's Data-Out.
     *
     * @param tag the task tag {@code execute} returned
     */
    void aborted(long tag);
}
