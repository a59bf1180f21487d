package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.9 / 5.10 PRE-FETCH(10/16): a range check (PREFETCH LENGTH 0 means "to the last LBA";
 * the LOGICAL BLOCK ADDRESS itself must exist), then {@link BlockDevice#prefetch}, a read-ahead
 * hint that returns at once, and status.
 *
 * <p>Status: SBC-4 gives CONDITION MET when the blocks were (IMMED 0) or will be (IMMED 1)
 * transferred to the cache and the cache has room for all of them, GOOD when it has not. scstj
 * has no cache of its own and cannot vouch for the backing store's (the page cache of a
 * vdisk_fileio file may drop the blocks at any time), so it never claims they fit: the status is
 * always GOOD, for IMMED 0 and 1 alike. This is also what libiscsi's Prefetch10/Prefetch16 tests
 * accept (they check for GOOD only). GROUP NUMBER is accepted and ignored (no grouping function).
 */
public final class PreFetch {
    private PreFetch() {
    }

    public static ScsiResponse execute(Cdb.PreFetch cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        BlockDevice device = lu.device();
        long capacity = device.blockCount();
        if (Long.compareUnsigned(cdb.lba(), capacity) >= 0 || !LbaRange.contains(cdb.lba(), cdb.blocks(), capacity)) {
            return Failure.of(SenseReason.LBA_OUT_OF_RANGE).toResponse(lu.descriptorSense());
        }
        long blocks = cdb.blocks() == 0 ? capacity - cdb.lba() : cdb.blocks();
        int blockSize = device.blockSize();
        try {
            device.prefetch(cdb.lba() * blockSize, blocks * blockSize);
        } catch (RuntimeException e) {
            // a hint that failed changes nothing the initiator can see
        }
        return ScsiResponse.good(null, 0);
    }
}
