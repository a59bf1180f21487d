package org.scstj.engine.lu;

import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-I_T-nexus unit attention queues of one logical unit (SAM-5 5.14). Not thread-safe: owned
 * by the LUN actor.
 *
 * <p>A nexus the LU has never seen gets POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29/00)
 * on first contact; a nexus that was lost and returns gets I_T NEXUS LOSS OCCURRED (29/07).
 * Queues are bounded: past {@link #MAX_PENDING} the oldest condition is dropped (SAM-5 lets a
 * device server report the most important one; a reset subsumes what came before it).
 */
public final class UnitAttentions {
    /** Bound of one nexus's queue. */
    public static final int MAX_PENDING = 16;
    /** Bound of the memory of lost nexuses (the oldest is forgotten first). */
    static final int MAX_REMEMBERED_LOST = 4096;

    private final Map<Nexus, ArrayDeque<SenseReason>> pending = new HashMap<>();
    /** Conditions queued over every nexus: written by the owner, read by the metrics on any thread. */
    private volatile int count;
    private final Map<Nexus, Boolean> lost = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Nexus, Boolean> eldest) {
            return size() > MAX_REMEMBERED_LOST;
        }
    };

    /** Called for every command: makes sure a nexus seen for the first time has its queue. */
    public void touch(Nexus nexus) {
        if (!pending.containsKey(nexus)) {
            ArrayDeque<SenseReason> queue = new ArrayDeque<>(2);
            queue.add(lost.remove(nexus) != null ? SenseReason.I_T_NEXUS_LOSS_OCCURRED : SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET);
            pending.put(nexus, queue);
            count++;
        }
    }

    /** Conditions pending over every nexus (readable on any thread). */
    public int pending() {
        return count;
    }

    /** The condition to report next to this nexus, or null. */
    public SenseReason peek(Nexus nexus) {
        ArrayDeque<SenseReason> queue = pending.get(nexus);
        return queue == null ? null : queue.peekFirst();
    }

    /** How many conditions wait for this nexus (its queue's length; 0 for a nexus the LU does not know). */
    public int pendingCount(Nexus nexus) {
        ArrayDeque<SenseReason> queue = pending.get(nexus);
        return queue == null ? 0 : queue.size();
    }

    /** Removes the condition just reported (SAM-5 5.14: reporting a UA clears it). */
    public void clear(Nexus nexus) {
        ArrayDeque<SenseReason> queue = pending.get(nexus);
        if (queue != null && queue.pollFirst() != null) {
            count--;
        }
    }

    /** Establishes a condition for every known nexus but {@code except} (may be null). */
    public void establishForAllBut(Nexus except, SenseReason condition) {
        for (Map.Entry<Nexus, ArrayDeque<SenseReason>> e : pending.entrySet()) {
            if (!e.getKey().equals(except)) {
                count += add(e.getValue(), condition);
            }
        }
    }

    /** Establishes a condition for every nexus the LU knows. */
    public void establishForAll(SenseReason condition) {
        for (ArrayDeque<SenseReason> queue : pending.values()) {
            count += add(queue, condition);
        }
    }

    /** The nexuses the LU knows (that sent it a command and were not lost since), a read-only view. */
    public java.util.Set<Nexus> nexuses() {
        return java.util.Collections.unmodifiableSet(pending.keySet());
    }

    /** Establishes a condition for one nexus. */
    public void establish(Nexus nexus, SenseReason condition) {
        touch(nexus);
        count += add(pending.get(nexus), condition);
    }

    /** The nexus is gone; when it returns it learns so (29/07). */
    public void nexusLost(Nexus nexus) {
        ArrayDeque<SenseReason> queue = pending.remove(nexus);
        if (queue != null) {
            count -= queue.size();
        }
        lost.put(nexus, Boolean.TRUE);
    }

    /** Queues the condition unless it is there; returns by how much the queue grew (0 or 1). */
    private static int add(ArrayDeque<SenseReason> queue, SenseReason condition) {
        if (queue.contains(condition)) {
            return 0;
        }
        int grew = 1;
        if (queue.size() >= MAX_PENDING) {
            queue.pollFirst();
            grew = 0;
        }
        queue.addLast(condition);
        return grew;
    }

    /** Establishes a condition for every known nexus {@code which} accepts (SPC-5 5.14 reservation UAs). */
    public void establishWhere(java.util.function.Predicate<Nexus> which, SenseReason condition) {
        for (Map.Entry<Nexus, ArrayDeque<SenseReason>> e : pending.entrySet()) {
            if (which.test(e.getKey())) {
                count += add(e.getValue(), condition);
            }
        }
    }
}
