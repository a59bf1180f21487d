package org.scstj.engine.spc;

import org.scstj.engine.cdb.BigEndian;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.pr.PrType;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;

/**
 * SPC-5 6.16 PERSISTENT RESERVE IN: READ KEYS (6.16.2), READ RESERVATION (6.16.3), REPORT
 * CAPABILITIES (6.16.4), READ FULL STATUS (6.16.5), from one snapshot of the LU's
 * {@link Reservations}, truncated to the ALLOCATION LENGTH (SPC-5 4.2.5.6).
 */
public final class PersistentReserveIn {
    private PersistentReserveIn() {
    }

    public static ScsiResponse execute(Cdb.PersistentReserveIn cdb, ExecContext ctx) {
        Reservations.Snapshot s = ctx.lu().reservations().snapshot();
        byte[] data = switch (cdb.serviceAction()) {
            case Opcodes.SA_PRIN_READ_KEYS -> readKeys(s);
            case Opcodes.SA_PRIN_READ_RESERVATION -> readReservation(s);
            case Opcodes.SA_PRIN_REPORT_CAPABILITIES ->
                    reportCapabilities(ctx.lu().persistsReservations(), s.aptpl());
            default -> readFullStatus(s);
        };
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** SPC-5 6.16.2: PRGENERATION, ADDITIONAL LENGTH, one RESERVATION KEY per registration. */
    static byte[] readKeys(Reservations.Snapshot s) {
        byte[] d = new byte[8 + 8 * s.registrations().size()];
        BigEndian.put32(d, 0, s.generation());
        BigEndian.put32(d, 4, d.length - 8);
        int at = 8;
        for (Reservations.Registration r : s.registrations()) {
            BigEndian.put64(d, at, r.key());
            at += 8;
        }
        return d;
    }

    /**
     * SPC-5 6.16.3: PRGENERATION, ADDITIONAL LENGTH (0 or 16), the holder's key (0 for an ALL
     * REGISTRANTS type, SPC-5 5.14.10), SCOPE 0h and TYPE.
     */
    static byte[] readReservation(Reservations.Snapshot s) {
        byte[] d = new byte[s.type() == null ? 8 : 24];
        BigEndian.put32(d, 0, s.generation());
        if (s.type() != null) {
            BigEndian.put32(d, 4, 16);
            BigEndian.put64(d, 8, s.holder() == null ? 0 : s.holder().key());
            d[21] = (byte) s.type().code();
        }
        return d;
    }

    /**
     * SPC-5 6.16.4: LENGTH 8; CRH 1 (RESERVE / RELEASE are handled as SPC-5 5.14.1 says), SIP_C,
     * ATP_C, PTPL_C as the LU can persist; TMV with ALLOW COMMANDS 000b; PTPL_A; the six types.
     */
    static byte[] reportCapabilities(boolean persistable, boolean aptpl) {
        byte[] d = new byte[8];
        d[1] = 8;
        d[2] = (byte) (0x10 | 0x08 | 0x04 | (persistable ? 0x01 : 0));
        d[3] = (byte) (0x80 | (aptpl ? 0x01 : 0));
        int mask = 0;
        for (PrType t : PrType.values()) {
            mask |= switch (t) {
                case WRITE_EXCLUSIVE -> 0x0200;
                case EXCLUSIVE_ACCESS -> 0x0800;
                case WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> 0x2000;
                case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> 0x4000;
                case WRITE_EXCLUSIVE_ALL_REGISTRANTS -> 0x8000;
                case EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> 0x0001;
            };
        }
        BigEndian.put16(d, 4, mask);
        return d;
    }

    /** SPC-5 6.16.5: one full status descriptor per registration, with its TransportID. */
    static byte[] readFullStatus(Reservations.Snapshot s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Reservations.Registration r : s.registrations()) {
            byte[] id = TransportIds.encode(r.who());
            byte[] desc = new byte[24];
            BigEndian.put64(desc, 0, r.key());
            boolean holder = s.type() != null && (s.type().allRegistrants() || r.equals(s.holder()));
            desc[12] = (byte) ((r.who().allTargetPorts() ? 0x02 : 0) | (holder ? 0x01 : 0));
            if (holder) {
                desc[13] = (byte) s.type().code();
            }
            BigEndian.put16(desc, 18, r.who().relativeTargetPortId());
            BigEndian.put32(desc, 20, id.length);
            out.writeBytes(desc);
            out.writeBytes(id);
        }
        byte[] body = out.toByteArray();
        byte[] d = new byte[8 + body.length];
        BigEndian.put32(d, 0, s.generation());
        BigEndian.put32(d, 4, body.length);
        System.arraycopy(body, 0, d, 8, body.length);
        return d;
    }
}
