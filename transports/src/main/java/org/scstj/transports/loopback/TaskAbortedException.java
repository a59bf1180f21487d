package org.scstj.transports.loopback;

/**
 * The failure of a command's {@link java.util.concurrent.CompletionStage} when the command was
 * aborted (SAM-5 7: task management or nexus loss) and never received a status.
 */
public final class TaskAbortedException extends Exception {
    private final long tag;

    public TaskAbortedException(long tag) {
        super("task 0x" + Long.toHexString(tag) + " was aborted", null, false, false);
        this.tag = tag;
    }

    /** The aborted task's tag. */
    public long tag() {
        return tag;
    }
}
