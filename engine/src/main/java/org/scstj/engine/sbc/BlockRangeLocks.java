package org.scstj.engine.sbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.scstj.engine.spi.BlockDevice;

/**
 * Exclusive byte-range locks on one device, for the commands whose exec stage is a
 * read-modify-write spanning two device I/Os ({@link OrWriteOp}). A lock is granted when its
 * range overlaps no held lock and no lock that asked earlier (FIFO, so a stream of small
 * requests cannot starve a large one); its {@code onGranted} then runs, either at once in
 * {@link #acquire} or in the {@link #release} that freed the range (on the completing device
 * thread). Thread-safe.
 *
 * <p>Only the commands that take a lock are ordered by it: plain WRITE, WRITE SAME and UNMAP
 * do not look at it (see {@link OrWriteOp} for what that means and what the task set must add).
 */
final class BlockRangeLocks {
    private static final Map<BlockDevice, BlockRangeLocks> BY_DEVICE =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** One request for bytes {@code [from, to)}. */
    static final class Lock {
        final long from;
        final long to;
        private final Runnable onGranted;

        Lock(long from, long to, Runnable onGranted) {
            this.from = from;
            this.to = to;
            this.onGranted = onGranted;
        }

        boolean overlaps(Lock o) {
            return from < o.to && o.from < to;
        }
    }

    private final List<Lock> held = new ArrayList<>();
    private final ArrayDeque<Lock> waiting = new ArrayDeque<>();

    /** The locks of {@code device} (one table per device object, dropped with the device). */
    static BlockRangeLocks of(BlockDevice device) {
        return BY_DEVICE.computeIfAbsent(device, d -> new BlockRangeLocks());
    }

    /** Grants {@code lock} now (running its {@code onGranted} on this thread) or queues it. */
    void acquire(Lock lock) {
        boolean granted;
        synchronized (this) {
            granted = !overlapsAny(held, lock) && !overlapsAny(waiting, lock);
            if (granted) {
                held.add(lock);
            } else {
                waiting.add(lock);
            }
        }
        if (granted) {
            lock.onGranted.run();
        }
    }

    /** Frees a granted lock and starts the waiters it was holding back. */
    void release(Lock lock) {
        List<Lock> ready = new ArrayList<>(1);
        synchronized (this) {
            held.remove(lock);
            List<Lock> earlier = new ArrayList<>();
            for (Iterator<Lock> it = waiting.iterator(); it.hasNext(); ) {
                Lock w = it.next();
                if (!overlapsAny(held, w) && !overlapsAny(earlier, w)) {
                    it.remove();
                    held.add(w);
                    ready.add(w);
                } else {
                    earlier.add(w);
                }
            }
        }
        for (Lock w : ready) {
            w.onGranted.run();
        }
    }

    /** Locks held and waiting (tests). */
    synchronized int size() {
        return held.size() + waiting.size();
    }

    private static boolean overlapsAny(Iterable<Lock> locks, Lock lock) {
        for (Lock l : locks) {
            if (l.overlaps(lock)) {
                return true;
            }
        }
        return false;
    }
}
