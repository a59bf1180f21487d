package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.spi.BlockDevice;

/** The SBC-4 VPD pages of a direct-access block device (SBC-4 6.6). */
public final class BlockVpdPages {
    public static final int BLOCK_LIMITS = 0xB0;
    public static final int BLOCK_DEVICE_CHARACTERISTICS = 0xB1;
    public static final int LOGICAL_BLOCK_PROVISIONING = 0xB2;

    private BlockVpdPages() {
    }

    /**
     * SBC-4 6.6.4 Block Limits, page length 3Ch. WSNZ 0 (WRITE SAME with 0 blocks means "to the
     * last LBA"); COMPARE AND WRITE of up to 255 blocks. The UNMAP limits are 0 unless the device
     * is thin (LBPU 1); the unmap granularity is a hint, so UGAVALID stays 0. WRITE ATOMIC(16): the
     * maximum atomic transfer length, no alignment or granularity requirement, no atomic
     * boundaries (those three fields 0).
     */
    public static byte[] blockLimits(BlockDevice device) {
        byte[] p = header(BLOCK_LIMITS, 0x3C);
        p[5] = (byte) CompareAndWriteOp.MAX_BLOCKS;             // MAXIMUM COMPARE AND WRITE LENGTH
        put16(p, 6, BlockLimits.physicalBlocks(device));         // OPTIMAL TRANSFER LENGTH GRANULARITY
        put32(p, 8, BlockLimits.maxTransferBlocks(device));     // MAXIMUM TRANSFER LENGTH
        put32(p, 12, BlockLimits.optimalTransferBlocks(device)); // OPTIMAL TRANSFER LENGTH
        if (device.capabilities().thinProvisioned()) {
            put32(p, 20, BlockLimits.maxUnmapBlocks(device));   // MAXIMUM UNMAP LBA COUNT
            put32(p, 24, BlockLimits.MAX_UNMAP_DESCRIPTORS);     // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
            put32(p, 28, BlockLimits.optimalUnmapGranularity(device)); // OPTIMAL UNMAP GRANULARITY
        }
        put64(p, 36, BlockLimits.maxWriteSameBlocks(device));   // MAXIMUM WRITE SAME LENGTH
        put32(p, 44, BlockLimits.maxAtomicTransferBlocks(device)); // MAXIMUM ATOMIC TRANSFER LENGTH
        return p;
    }

    /**
     * SBC-4 6.6.2 Block Device Characteristics, page length 3Ch. WABEREQ and WACEREQ 01b: a read of
     * a block not written since a SANITIZE BLOCK ERASE or CRYPTOGRAPHIC ERASE completes with GOOD
     * (it reads zeros); WABEREQ stays 00b where BLOCK ERASE is not supported ({@link Sanitize}).
     */
    public static byte[] blockDeviceCharacteristics(BlockDevice device) {
        byte[] p = header(BLOCK_DEVICE_CHARACTERISTICS, 0x3C);
        put16(p, 4, device.capabilities().rotationRate());      // MEDIUM ROTATION RATE
        p[7] = (byte) ((Sanitize.supportsBlockErase(device) ? 0b01 << 6 : 0) | 0b01 << 4); // WABEREQ, WACEREQ
        return p;
    }

    /**
     * SBC-4 6.6.6 Logical Block Provisioning, page length 4. A thin device: LBPU (UNMAP), LBPWS
     * and LBPWS10 (WRITE SAME(16/10) with UNMAP), LBPRZ 001b (deallocated blocks read as zeros),
     * no ANCHOR (ANC_SUP 0), provisioning type 010b thin. A fully provisioned device: all 0.
     */
    public static byte[] logicalBlockProvisioning(BlockDevice device) {
        byte[] p = header(LOGICAL_BLOCK_PROVISIONING, 0x04);
        if (device.capabilities().thinProvisioned()) {
            p[5] = (byte) (0x80 | 0x40 | 0x20 | 0b001 << 2);     // LBPU, LBPWS, LBPWS10, LBPRZ
            p[6] = 0b010;                                        // PROVISIONING TYPE: thin
        }
        return p;
    }

    private static byte[] header(int page, int pageLength) {
        byte[] p = new byte[4 + pageLength];
        p[1] = (byte) page;
        put16(p, 2, pageLength);
        return p;
    }
}
