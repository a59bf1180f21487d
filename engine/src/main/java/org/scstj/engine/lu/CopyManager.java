package org.scstj.engine.lu;

/**
 * The copy manager of one logical unit (SPC-4 third-party copy model): the EXTENDED COPY commands
 * it is processing, from every nexus together. One per LU, owned by its LUN actor (the EXTENDED
 * COPY commands take and give back their slots there); {@link #TOTAL_CONCURRENT_COPIES} is what RECEIVE COPY RESULTS
 * (OPERATING PARAMETERS) and the Third-party Copy VPD page advertise, and each copy holds at most
 * two bounded data buffers ({@code org.scstj.engine.xcopy.BlockCopy}), so this bounds the memory
 * copies can take.
 */
public final class CopyManager {
    /**
     * RECEIVE COPY OPERATING PARAMETERS TOTAL CONCURRENT COPIES, and MAXIMUM CONCURRENT COPIES (any of
     * them may carry a list identifier).
     */
    public static final int TOTAL_CONCURRENT_COPIES = 16;

    private int running;

    /** Takes a slot for one EXTENDED COPY; false when {@link #TOTAL_CONCURRENT_COPIES} are running. */
    public boolean tryStart() {
        if (running >= TOTAL_CONCURRENT_COPIES) {
            return false;
        }
        running++;
        return true;
    }

    /** Gives back the slot of a copy that {@link #tryStart started}; once per copy. */
    public void finished() {
        running--;
    }

    /** Copies being processed now. */
    public int running() {
        return running;
    }
}
