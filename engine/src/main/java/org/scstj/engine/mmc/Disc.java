package org.scstj.engine.mmc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The structure of the disc in the drive, as MMC-6 reports it for a finished single-session disc
 * with one data track: READ TOC/PMA/ATIP (6.26), READ DISC INFORMATION (6.22), READ TRACK
 * INFORMATION (6.27). Each runs only with the medium present (the row's medium rule).
 */
public final class Disc {
    /** MMC-6 table "ADR and CONTROL": ADR 1 (Q sub-channel position), CONTROL 0100b (data track, recorded uninterrupted). */
    static final int ADR_CONTROL_DATA = 0x14;
    static final int LEAD_OUT = 0xAA;
    /** The first track starts 2 seconds (150 frames) into the program area: MSF 00:02:00 is LBA 0. */
    static final int MSF_OFFSET = 150;

    private Disc() {
    }

    /**
     * MMC-6 6.26 READ TOC/PMA/ATIP. FORMAT 0 (TOC): the track descriptors from TRACK/SESSION NUMBER
     * on (0 and 1: track 1 and the lead-out; AAh: the lead-out; any other track does not exist:
     * INVALID FIELD IN CDB); FORMAT 1 (session information): the first track of the last session;
     * FORMAT 2 (full TOC, always MSF): the points A0h, A1h, A2h and 01h of session 1.
     */
    public static ScsiResponse readToc(Cdb.ReadToc cdb, ExecContext ctx) {
        long blocks = ctx.lu().device().blockCount();
        byte[] data;
        switch (cdb.format()) {
            case 0 -> {
                int from = cdb.trackOrSession();
                if (from > 1 && from != LEAD_OUT) {
                    return Failure.invalidFieldInCdb(6, 7).toResponse(ctx.lu().descriptorSense());
                }
                boolean track1 = from != LEAD_OUT;
                data = new byte[4 + 8 * (track1 ? 2 : 1)];
                int at = 4;
                if (track1) {
                    trackDescriptor(data, at, 1, 0, cdb.msf());
                    at += 8;
                }
                trackDescriptor(data, at, LEAD_OUT, blocks, cdb.msf());
                data[2] = 1;                                   // FIRST TRACK NUMBER
                data[3] = 1;                                   // LAST TRACK NUMBER
            }
            case 1 -> {
                data = new byte[12];
                data[2] = 1;                                   // FIRST COMPLETE SESSION NUMBER
                data[3] = 1;                                   // LAST COMPLETE SESSION NUMBER
                trackDescriptor(data, 4, 1, 0, cdb.msf());     // first track in the last session
            }
            default -> {
                if (cdb.trackOrSession() > 1) {
                    return Failure.invalidFieldInCdb(6, 7).toResponse(ctx.lu().descriptorSense());
                }
                data = new byte[4 + 11 * 4];
                data[2] = 1;
                data[3] = 1;
                fullTocDescriptor(data, 4, 0xA0, 1, 0x00, 0);  // first track 1; disc type 00h (CD-ROM)
                fullTocDescriptor(data, 15, 0xA1, 1, 0, 0);    // last track 1
                int[] leadOut = msf(blocks);
                fullTocDescriptor(data, 26, 0xA2, leadOut[0], leadOut[1], leadOut[2]);
                int[] start = msf(0);
                fullTocDescriptor(data, 37, 0x01, start[0], start[1], start[2]);
            }
        }
        put16(data, 0, data.length - 2);                       // TOC DATA LENGTH
        return AllocationLength.respond(data, data.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    private static void trackDescriptor(byte[] d, int at, int track, long lba, boolean msf) {
        d[at + 1] = ADR_CONTROL_DATA;
        d[at + 2] = (byte) track;
        if (msf) {
            int[] m = msf(lba);
            d[at + 5] = (byte) m[0];
            d[at + 6] = (byte) m[1];
            d[at + 7] = (byte) m[2];
        } else {
            put32(d, at + 4, lba);
        }
    }

    private static void fullTocDescriptor(byte[] d, int at, int point, int pmin, int psec, int pframe) {
        d[at] = 1;                                             // SESSION NUMBER
        d[at + 1] = ADR_CONTROL_DATA;
        d[at + 3] = (byte) point;                              // POINT (TNO, byte 2, is 0 in the lead-in)
        d[at + 8] = (byte) pmin;
        d[at + 9] = (byte) psec;
        d[at + 10] = (byte) pframe;
    }

    /** MMC-6 6.26.3.2 (LBA to MSF): minute, second, frame of {@code lba} counting the 150-frame pre-gap. */
    static int[] msf(long lba) {
        long frames = lba + MSF_OFFSET;
        return new int[] {(int) Math.min(frames / (60 * 75), 0xFF), (int) (frames / 75 % 60), (int) (frames % 75)};
    }

    /**
     * MMC-6 6.22 READ DISC INFORMATION, standard disc information: a finished (complete) disc, not
     * erasable, the last session complete, one session whose first and last track is track 1,
     * unrestricted use, disc type 00h (CD-DA or CD-ROM), no disc identification or bar code, and no
     * lead-in or lead-out start for a next session (FFFFFFFFh).
     */
    public static ScsiResponse readDiscInformation(Cdb.ReadDiscInformation cdb, ExecContext ctx) {
        byte[] d = new byte[34];
        put16(d, 0, d.length - 2);                             // DISC INFORMATION LENGTH
        d[2] = 0x0E;                                           // DATA TYPE 000b, STATE OF LAST SESSION 11b, DISC STATUS 10b
        d[3] = 1;                                              // NUMBER OF FIRST TRACK ON DISC
        d[4] = 1;                                              // NUMBER OF SESSIONS (LSB)
        d[5] = 1;                                              // FIRST TRACK NUMBER IN LAST SESSION (LSB)
        d[6] = 1;                                              // LAST TRACK NUMBER IN LAST SESSION (LSB)
        d[7] = 0x20;                                           // URU: unrestricted use
        put32(d, 16, 0xFFFF_FFFFL);                            // LAST SESSION LEAD-IN START ADDRESS
        put32(d, 20, 0xFFFF_FFFFL);                            // LAST POSSIBLE LEAD-OUT START ADDRESS
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /**
     * MMC-6 6.27 READ TRACK INFORMATION for track 1, named by an LBA inside it (type 00b), by its
     * number (01b) or by session 1 (10b: its first track); anything else names no track on the disc:
     * INVALID FIELD IN CDB at the address. Track 1 is a complete data track (mode 1) from LBA 0,
     * neither blank nor writable.
     */
    public static ScsiResponse readTrackInformation(Cdb.ReadTrackInformation cdb, ExecContext ctx) {
        long blocks = ctx.lu().device().blockCount();
        boolean exists = switch (cdb.addressType()) {
            case 0 -> cdb.address() < blocks;
            default -> cdb.address() == 1;
        };
        if (!exists) {
            return Failure.invalidFieldInCdb(2, 7).toResponse(ctx.lu().descriptorSense());
        }
        byte[] d = new byte[48];
        put16(d, 0, d.length - 2);                             // DATA LENGTH
        d[2] = 1;                                              // TRACK NUMBER (LSB)
        d[3] = 1;                                              // SESSION NUMBER (LSB)
        d[5] = 0x04;                                           // TRACK MODE 0100b: data, uninterrupted
        d[6] = 0x01;                                           // DATA MODE 1h: mode 1
        put32(d, 8, 0);                                        // LOGICAL TRACK START ADDRESS
        put32(d, 24, blocks);                                  // LOGICAL TRACK SIZE
        d[7] = 0x02;                                           // LRA_V
        put32(d, 28, Math.max(0, blocks - 1));                 // LAST RECORDED ADDRESS
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }
}
