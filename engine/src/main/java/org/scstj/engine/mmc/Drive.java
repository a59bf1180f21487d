package org.scstj.engine.mmc;

import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.DiscProfile;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The drive's mechanism and speeds: MECHANISM STATUS (MMC-6 6.11), READ FORMAT CAPACITIES (6.24),
 * GET PERFORMANCE (6.8), SET CD SPEED (6.37). A virtual drive has no changer, one speed
 * ({@link DiscProfile#readSpeed}) and no writing.
 */
public final class Drive {
    private Drive() {
    }

    /**
     * MMC-6 6.11: no fault, no changer (CHANGER STATE 0, no slots), MECHANISM STATE idle, DOOR OPEN as
     * the tray is.
     */
    public static ScsiResponse mechanismStatus(Cdb.MechanismStatus cdb, ExecContext ctx) {
        byte[] d = new byte[8];
        d[1] = (byte) (ctx.lu().medium().trayOpen() ? 0x10 : 0); // MECHANISM STATE 000b, DOOR OPEN
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /**
     * MMC-6 6.24: the current/maximum capacity descriptor alone: the disc's blocks with DESCRIPTOR TYPE
     * 10b (formatted media), or 11b (no media present) with the most a DVD-ROM could hold when the
     * drive is empty; BLOCK LENGTH 2048. A pressed disc offers no formats.
     */
    public static ScsiResponse readFormatCapacities(Cdb.ReadFormatCapacities cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        byte[] d = new byte[12];
        d[3] = 8;                                              // CAPACITY LIST LENGTH
        boolean present = lu.medium().present();
        put32(d, 4, present ? Math.min(lu.device().blockCount(), 0xFFFF_FFFFL) : 2_295_104); // single-layer DVD
        put32(d, 8, lu.device().blockSize());                  // BLOCK LENGTH (bytes 9-11)
        d[8] = (byte) (present ? 0x02 : 0x03);                 // DESCRIPTOR TYPE
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /**
     * MMC-6 6.8: TYPE 00h read performance is one nominal descriptor over the disc (none while
     * empty); write performance, and TYPE 03h write speeds, have no descriptor (the drive does not
     * write). EXCEPT 01b/10b (exceptional conditions) has none either: the speed is uniform.
     */
    public static ScsiResponse getPerformance(Cdb.GetPerformance cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        boolean descriptor = cdb.type() == 0 && !cdb.write() && cdb.except() == 0 && lu.medium().present()
                && cdb.maxDescriptors() > 0 && cdb.startingLba() < lu.device().blockCount();
        byte[] d = new byte[8 + (descriptor ? 16 : 0)];
        put32(d, 0, d.length - 4);                             // PERFORMANCE DATA LENGTH
        if (cdb.type() == 0) {
            d[4] = (byte) ((cdb.write() ? 0x02 : 0) | (cdb.except() != 0 ? 0x01 : 0)); // WRITE, EXCEPT
        }
        if (descriptor) {
            int speed = DiscProfile.readSpeed(true, lu.device().blockCount());
            put32(d, 8, cdb.startingLba());                    // START LBA
            put32(d, 12, speed);                               // START PERFORMANCE
            put32(d, 16, lu.device().blockCount() - 1);        // END LBA
            put32(d, 20, speed);                               // END PERFORMANCE
        }
        return AllocationLength.respond(d, d.length, Integer.MAX_VALUE, ctx.task().expectedDataTransferLength());
    }

    /** MMC-6 6.37: the drive picks the speed nearest the one asked; a virtual drive has one, so GOOD. */
    public static ScsiResponse setCdSpeed(Cdb.SetCdSpeed cdb, ExecContext ctx) {
        return ScsiResponse.good(null, 0);
    }
}
