package org.scstj.engine.lun;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.sbc.LbaRange;

/**
 * The logical blocks {@code [from, to)} a task reads or writes, and whether it must have them to
 * itself: what the LUN's task set orders overlapping tasks by. Two tasks conflict when their
 * blocks overlap and either is exclusive (its command-table row says so: COMPARE AND WRITE,
 * ORWRITE, WRITE ATOMIC, or a whole-medium command); SIMPLE tasks that do not conflict run in any
 * order (SAM-5 8.6.2).
 *
 * <p>UNMAP names its blocks only in its parameter list, which arrives after the task started, so
 * it counts as touching every block (never exclusive). A command whose range is out of bounds or
 * empty touches nothing: its exec stage refuses it, or does no I/O. EXTENDED COPY, PRE-FETCH and
 * SYNCHRONIZE CACHE are not ordered.
 */
record Extent(long from, long to, boolean exclusive) {
    static final Extent NONE = new Extent(0, 0, false);

    /** True when both tasks may not be in the device at the same time. */
    boolean conflicts(Extent other) {
        return (exclusive || other.exclusive) && from < other.to && other.from < to;
    }

    boolean isEmpty() {
        return from >= to;
    }

    /** The extent of a parsed command (none when it failed to decode) on a medium of {@code capacity} blocks. */
    static Extent of(CommandSet.Parsed parsed, long capacity) {
        Cdb cdb = parsed.cdb();
        if (cdb == null) {
            return NONE;
        }
        CommandRow.Serialization serialization = parsed.serialization();
        if (serialization == CommandRow.Serialization.WHOLE_MEDIUM) {
            return new Extent(0, Long.MAX_VALUE, true);
        }
        if (cdb instanceof Cdb.Unmap) {
            return new Extent(0, Long.MAX_VALUE, false);
        }
        if (cdb instanceof Cdb.BlockAccess b) {
            long lba = b.lba();
            long blocks = b.blocks();
            if (blocks == 0 && cdb instanceof Cdb.WriteSame && Long.compareUnsigned(lba, capacity) <= 0) {
                blocks = capacity - lba; // SBC-4 5.48: 0 is "to the last LBA"
            }
            if (blocks == 0 || !LbaRange.contains(lba, blocks, capacity)) {
                return NONE;
            }
            return new Extent(lba, lba + blocks, serialization == CommandRow.Serialization.EXCLUSIVE_BLOCKS);
        }
        return NONE;
    }
}
