package org.scstj.engine.ssc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TapeMedium;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the drive tells of itself and of its cartridge: READ BLOCK LIMITS (SSC-3 7.?), REPORT
 * DENSITY SUPPORT (SSC-3 6.?), READ ATTRIBUTE (SPC-5 6.18 with SSC-3 4.2.21's medium auxiliary
 * memory attributes).
 */
public final class DriveInfo {
    /** SPC-5 7.4 MAM attribute identifiers scstj reports. */
    static final int REMAINING_CAPACITY = 0x0000;
    static final int MAXIMUM_CAPACITY = 0x0001;
    static final int MEDIUM_DENSITY_CODE = 0x0405;
    static final int BARCODE = 0x0806;
    private static final int[] ATTRIBUTES = {REMAINING_CAPACITY, MAXIMUM_CAPACITY, MEDIUM_DENSITY_CODE, BARCODE};

    private DriveInfo() {
    }

    /** READ BLOCK LIMITS: GRANULARITY 0, MAXIMUM BLOCK LENGTH, MINIMUM BLOCK LENGTH; needs no cartridge. */
    public static ScsiResponse readBlockLimits(Cdb.ReadBlockLimits cdb, ExecContext ctx) {
        byte[] d = new byte[6];
        d[1] = (byte) (TapeState.MAX_BLOCK_LENGTH >>> 16);
        d[2] = (byte) (TapeState.MAX_BLOCK_LENGTH >>> 8);
        d[3] = (byte) TapeState.MAX_BLOCK_LENGTH;
        put16(d, 4, TapeState.MIN_BLOCK_LENGTH);
        return AllocationLength.respond(d, d.length, d.length, ctx.task().expectedDataTransferLength());
    }

    /**
     * REPORT DENSITY SUPPORT: one density descriptor (52 bytes) for the drive's one density, WRTOK
     * and DEFLT set, with the cartridge's capacity in MB when MEDIA asks for the loaded medium's;
     * MEDIUM TYPE asks for medium types instead: one medium type descriptor.
     */
    public static ScsiResponse reportDensitySupport(Cdb.ReportDensitySupport cdb, ExecContext ctx) {
        TapeMedium medium = ctx.lu().device().tape();
        if (cdb.media() && (medium == null || !ctx.lu().medium().present())) {
            return Tape.refuse(ctx, Failure.of(ctx.lu().medium().notPresent()));
        }
        byte[] d;
        if (cdb.mediumType()) {
            d = new byte[4 + 56];
            d[4] = 0x00;                                       // MEDIUM TYPE 00h: the default
            d[6] = 0x34;                                       // DESCRIPTOR LENGTH (52)
            d[7] = 1;                                          // NUMBER OF DENSITY CODES
            d[8] = (byte) TapeState.DENSITY;
            put16(d, 14, 127);                                 // MEDIA WIDTH (0.1 mm, 1/2 inch)
            put16(d, 16, 0);                                   // MEDIUM LENGTH (unknown)
            ascii(d, 20, 8, "SCSTJ");
            ascii(d, 28, 8, "VTAPE");
            ascii(d, 36, 20, "scstj virtual tape");
        } else {
            d = new byte[4 + 52];
            d[4] = (byte) TapeState.DENSITY;                   // PRIMARY DENSITY CODE
            d[5] = (byte) TapeState.DENSITY;                   // SECONDARY DENSITY CODE
            d[6] = (byte) (0x80 | 0x20);                       // WRTOK, DEFLT
            put16(d, 14, 127);                                 // MEDIA WIDTH
            put16(d, 16, 1);                                   // TRACKS
            long capacity = medium == null ? 0 : medium.capacityBytes() / 1_000_000;
            put32(d, 18, Math.min(capacity, 0xFFFF_FFFFL));    // CAPACITY (10^6 bytes)
            ascii(d, 22, 8, "SCSTJ");                          // ASSIGNING ORGANIZATION
            ascii(d, 30, 8, "VTAPE");                          // DENSITY NAME
            ascii(d, 38, 20, "scstj virtual tape");            // DESCRIPTION
        }
        put16(d, 0, d.length - 2);
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /**
     * READ ATTRIBUTE of the cartridge's medium auxiliary memory: REMAINING CAPACITY IN PARTITION and
     * MAXIMUM CAPACITY IN PARTITION (MiB), MEDIUM DENSITY CODE, BARCODE. Service actions ATTRIBUTE
     * VALUES (00h, from FIRST ATTRIBUTE IDENTIFIER on), ATTRIBUTE LIST (01h), PARTITION LIST (03h:
     * one partition), SUPPORTED ATTRIBUTES (05h). Partition other than 0: INVALID FIELD IN CDB.
     */
    public static ScsiResponse readAttribute(Cdb.ReadAttribute cdb, ExecContext ctx) {
        TapeMedium medium = ctx.lu().device().tape();
        if (medium == null || !ctx.lu().medium().present()) {
            return Tape.refuse(ctx, Failure.of(ctx.lu().medium().notPresent()));
        }
        if (cdb.partition() != 0) {
            return Tape.refuse(ctx, Failure.invalidFieldInCdb(7));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[4]);
        switch (cdb.serviceAction()) {
            case 0x00 -> {
                boolean any = false;
                for (int id : ATTRIBUTES) {
                    if (id >= cdb.firstAttribute()) {
                        out.writeBytes(attribute(id, medium));
                        any = true;
                    }
                }
                if (!any) {
                    // SPC-5 6.18: a FIRST ATTRIBUTE IDENTIFIER past every attribute is ILLEGAL REQUEST
                    return Tape.refuse(ctx, new Failure(SenseReason.INVALID_FIELD_IN_CDB, FieldPointer.cdb(8, 7), false, 0));
                }
            }
            case 0x03 -> out.writeBytes(new byte[] {0, 0, 0, 0});     // first and number of partitions, 0 and 1
            default -> {
                for (int id : ATTRIBUTES) {
                    out.write(id >>> 8);
                    out.write(id);
                }
            }
        }
        byte[] d = out.toByteArray();
        if (cdb.serviceAction() == 0x03) {
            d = new byte[] {0, 2, 0, 1};                       // AVAILABLE DATA 2; FIRST PARTITION 0, NUMBER OF PARTITIONS 1
        } else {
            put32(d, 0, d.length - 4);                         // AVAILABLE DATA
        }
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /** One attribute (SPC-5 7.4.1): identifier, READ ONLY and FORMAT, length, value. */
    private static byte[] attribute(int id, TapeMedium medium) {
        byte[] value;
        int format;
        switch (id) {
            case REMAINING_CAPACITY, MAXIMUM_CAPACITY -> {
                long bytes = id == MAXIMUM_CAPACITY ? medium.capacityBytes()
                        : Math.max(0, medium.capacityBytes() - medium.usedBytes());
                value = new byte[8];
                put64(value, 0, bytes >>> 20);                 // in MiB
                format = 0x00;                                 // binary
            }
            case MEDIUM_DENSITY_CODE -> {
                value = new byte[] {(byte) TapeState.DENSITY};
                format = 0x00;
            }
            default -> {
                value = new byte[32];
                java.util.Arrays.fill(value, (byte) ' ');
                byte[] code = medium.barcode().getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(code, 0, value, 0, Math.min(code.length, 32));
                format = 0x01;                                 // ASCII
            }
        }
        byte[] a = new byte[5 + value.length];
        put16(a, 0, id);
        a[2] = (byte) (0x80 | format);                         // READ ONLY, FORMAT
        put16(a, 3, value.length);
        System.arraycopy(value, 0, a, 5, value.length);
        return a;
    }

    private static void ascii(byte[] d, int at, int length, String text) {
        for (int i = 0; i < length; i++) {
            d[at + i] = (byte) (i < text.length() ? text.charAt(i) : ' ');
        }
    }
}
