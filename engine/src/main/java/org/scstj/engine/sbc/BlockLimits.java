package org.scstj.engine.sbc;

import org.scstj.engine.spi.BlockDevice;

/**
 * The transfer limits scstj enforces and advertises in the Block Limits VPD page (SBC-4 6.6.4).
 * A READ, WRITE or VERIFY with BYTCHK asking for more than {@link #maxTransferBlocks} is
 * INVALID FIELD IN CDB (SBC-4 5.15), which also bounds what an initiator can make us allocate.
 */
public final class BlockLimits {
    /** MAXIMUM TRANSFER LENGTH in bytes: 8 MiB. */
    public static final int MAX_TRANSFER_BYTES = 8 << 20;
    /** OPTIMAL TRANSFER LENGTH in bytes: 1 MiB. */
    public static final int OPTIMAL_TRANSFER_BYTES = 1 << 20;

    private BlockLimits() {
    }

    public static long maxTransferBlocks(BlockDevice device) {
        return MAX_TRANSFER_BYTES / device.blockSize();
    }

    public static long optimalTransferBlocks(BlockDevice device) {
        return OPTIMAL_TRANSFER_BYTES / device.blockSize();
    }
}
