package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/** SBC-4 5.20 READ CAPACITY(10) and 5.21 READ CAPACITY(16). */
public final class ReadCapacity {
    private ReadCapacity() {
    }

    public static ScsiResponse execute10(ExecContext ctx) {
        byte[] d = data10(ctx.lu().device());
        return AllocationLength.respond(d, d.length, d.length, ctx.task().expectedDataTransferLength());
    }

    public static ScsiResponse execute16(Cdb.ReadCapacity16 cdb, ExecContext ctx) {
        byte[] d = data16(ctx.lu().device());
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /** SBC-4 5.20.2: RETURNED LOGICAL BLOCK ADDRESS (FFFFFFFFh when it does not fit) and block length. */
    public static byte[] data10(BlockDevice device) {
        byte[] d = new byte[8];
        long last = device.blockCount() - 1;
        put32(d, 0, last > 0xFFFF_FFFEL ? 0xFFFF_FFFFL : last);
        put32(d, 4, device.blockSize());
        return d;
    }

    /**
     * SBC-4 5.21.2 (32 bytes): no protection information (PROT_EN 0, P_TYPE 0), LOGICAL BLOCKS PER
     * PHYSICAL BLOCK EXPONENT from the device's physical block size (LOWEST ALIGNED LOGICAL BLOCK
     * ADDRESS 0), LBPME and LBPRZ set for a thin-provisioned device (never-written blocks read as zeros).
     */
    public static byte[] data16(BlockDevice device) {
        byte[] d = new byte[32];
        put64(d, 0, device.blockCount() - 1);
        put32(d, 8, device.blockSize());
        d[13] = (byte) BlockLimits.physicalBlockExponent(device);
        if (device.capabilities().thinProvisioned()) {
            d[14] = (byte) 0xC0; // LBPME, LBPRZ
        }
        return d;
    }
}
