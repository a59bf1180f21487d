package org.scstj.engine.lu;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the copy manager of one LU holds for one I_T nexus about its EXTENDED COPY(LID1) commands,
 * by LIST IDENTIFIER (SPC-4 6.3 LIST ID USAGE; RECEIVE COPY RESULTS, SPC-3 6.17): the status of each
 * copy in progress, and of each finished one whose LIST ID USAGE was 00b, with the sense data of a
 * failed one. Made per nexus with its {@link LuContext}, so it ends with the nexus (SPC-4: held
 * data is discarded on I_T nexus loss).
 *
 * <p>Bounded: at most {@link #CAPACITY} entries; when a new copy needs room the oldest finished
 * one is dropped. Copies in progress are never dropped, and there are at most
 * {@link CopyManager#TOTAL_CONCURRENT_COPIES} of them. Owned by the LU's actor: copies hand their
 * progress to it ({@code exec.ExecContext#withState}), RECEIVE COPY RESULTS reads it there.
 */
public final class CopyStatusTable {
    /** Entries kept per LU and nexus. */
    public static final int CAPACITY = 32;

    /** COPY STATUS: COPY MANAGER STATUS (SPC-3 6.17). */
    public enum State {
        IN_PROGRESS(0x00), COMPLETED(0x01), COMPLETED_WITH_ERRORS(0x02);

        private final int code;

        State(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** One copy's status as RECEIVE COPY RESULTS reports it (a consistent snapshot). */
    public record Snapshot(State state, int segmentsProcessed, long bytesTransferred, byte[] failureSense) {
    }

    /** The live status of one copy; its EXTENDED COPY updates it, in order, from any thread. */
    public final class Status {
        private final int listIdentifier;
        private final boolean hold;
        private State state = State.IN_PROGRESS;
        private int segmentsProcessed;
        private long bytesTransferred;
        private byte[] failureSense;

        private Status(int listIdentifier, boolean hold) {
            this.listIdentifier = listIdentifier;
            this.hold = hold;
        }

        /** {@code bytes} more were written to a copy destination. */
        public void transferred(long bytes) {
            bytesTransferred += bytes;
        }

        /** One more segment descriptor was processed completely. */
        public void segmentDone() {
            segmentsProcessed++;
        }

        /**
         * The EXTENDED COPY ended: without error ({@code sense} null) or with the sense data it
         * reported. A copy whose LIST ID USAGE was 10b is forgotten now.
         */
        public void finish(byte[] sense) {
            state = sense == null ? State.COMPLETED : State.COMPLETED_WITH_ERRORS;
            failureSense = sense;
            if (!hold) {
                entries.remove(listIdentifier, this);
            }
        }
    }

    private final Map<Integer, Status> entries = new LinkedHashMap<>();

    /**
     * Registers a copy about to start (SPC-4 6.3 LIST ID USAGE): null if a copy with this list identifier is
     * still in progress on this nexus (the caller answers OPERATION IN PROGRESS). A finished
     * copy's status under the same identifier is replaced.
     *
     * @param hold LIST ID USAGE 00b: keep the status after the copy ends (10b: only while it runs)
     */
    public Status begin(int listIdentifier, boolean hold) {
        Status old = entries.get(listIdentifier);
        if (old != null && old.state == State.IN_PROGRESS) {
            return null;
        }
        entries.remove(listIdentifier);
        if (entries.size() >= CAPACITY) {
            for (Iterator<Status> it = entries.values().iterator(); it.hasNext(); ) {
                if (it.next().state != State.IN_PROGRESS) {
                    it.remove();
                    break;
                }
            }
        }
        Status s = new Status(listIdentifier, hold);
        entries.put(listIdentifier, s);
        return s;
    }

    /** The status held under a list identifier, or null (RECEIVE COPY RESULTS then answers INVALID FIELD IN CDB). */
    public Snapshot find(int listIdentifier) {
        Status s = entries.get(listIdentifier);
        return s == null ? null
                : new Snapshot(s.state, s.segmentsProcessed, s.bytesTransferred, s.failureSense);
    }

    /**
     * FAILED SEGMENT DETAILS (SPC-3 6.17): the status as {@link #find} gives it, after which the
     * failed copy's sense data is discarded (it is returned once).
     */
    public Snapshot takeFailure(int listIdentifier) {
        Status s = entries.get(listIdentifier);
        if (s == null) {
            return null;
        }
        Snapshot snapshot = new Snapshot(s.state, s.segmentsProcessed, s.bytesTransferred, s.failureSense);
        s.failureSense = null;
        return snapshot;
    }

    /** Entries held now. */
    public int size() {
        return entries.size();
    }
}
