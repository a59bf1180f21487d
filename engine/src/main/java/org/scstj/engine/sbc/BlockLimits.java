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

    /** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT. */
    public static final int MAX_UNMAP_DESCRIPTORS = 256;
    /**
     * MAXIMUM UNMAP LBA COUNT in bytes (all descriptors of one UNMAP together): 256 MiB, at most
     * 512Ki blocks (libiscsi's Inquiry.BlockLimits finds more than 1Mi blocks "insanely big").
     */
    public static final long MAX_UNMAP_BYTES = 256L << 20;
    /**
     * MAXIMUM WRITE SAME LENGTH in bytes: 16 MiB, so one WRITE SAME is bounded work; NUMBER OF
     * LOGICAL BLOCKS 0 ("to the last LBA", WSNZ 0) is refused when the rest is longer.
     */
    public static final long MAX_WRITE_SAME_BYTES = 16L << 20;
    /** OPTIMAL UNMAP GRANULARITY in bytes: a page, the file systems' allocation unit. */
    public static final int UNMAP_GRANULARITY_BYTES = 4096;
    /** The pattern buffer WRITE SAME writes from, at most: 1 MiB. */
    static final int WRITE_SAME_BUFFER_BYTES = 1 << 20;

    public static long maxUnmapBlocks(BlockDevice device) {
        return MAX_UNMAP_BYTES / device.blockSize();
    }

    public static long maxWriteSameBlocks(BlockDevice device) {
        return MAX_WRITE_SAME_BYTES / device.blockSize();
    }

    public static long optimalUnmapGranularity(BlockDevice device) {
        return Math.max(physicalBlocks(device), UNMAP_GRANULARITY_BYTES / device.blockSize());
    }

    /** Logical blocks per physical block (SBC-4 4.6.2). */
    public static int physicalBlocks(BlockDevice device) {
        return Math.max(1, device.physicalBlockSize() / device.blockSize());
    }

    /** LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (READ CAPACITY(16)): log2 of {@link #physicalBlocks}. */
    public static int physicalBlockExponent(BlockDevice device) {
        return Integer.numberOfTrailingZeros(physicalBlocks(device));
    }

    private BlockLimits() {
    }

    public static long maxTransferBlocks(BlockDevice device) {
        return MAX_TRANSFER_BYTES / device.blockSize();
    }

    /**
     * MAXIMUM ATOMIC TRANSFER LENGTH (SBC-4 6.6.4): any WRITE ATOMIC up to the maximum transfer
     * length, since atomicity comes from the task set, not from the size of one device request.
     */
    public static long maxAtomicTransferBlocks(BlockDevice device) {
        return maxTransferBlocks(device);
    }

    public static long optimalTransferBlocks(BlockDevice device) {
        return OPTIMAL_TRANSFER_BYTES / device.blockSize();
    }
}
