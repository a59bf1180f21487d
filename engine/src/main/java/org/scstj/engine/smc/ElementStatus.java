package org.scstj.engine.smc;

import static org.scstj.engine.cdb.BigEndian.put16;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.MediumChanger;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SMC-3 READ ELEMENT STATUS: the element status data (an 8-byte header, then one element status
 * page per element type, each a page header and fixed-length descriptors) for the elements of the
 * type asked (0: every type) from STARTING ELEMENT ADDRESS on, at most NUMBER OF ELEMENTS of
 * them, in address order. Each descriptor says FULL, ACCESS (and IMPEXP for an import/export
 * element), the source element of the cartridge (SVALID); with VOLTAG the primary volume tag (the
 * barcode, 32 characters space-padded); with DVCID a data transfer element's device identifier (its
 * unit serial number as an ASCII vendor-specific identifier). The inventory is always current, so
 * CURDATA changes nothing.
 */
public final class ElementStatus {
    /** Base descriptor length (SMC-3 table "element descriptor"). */
    static final int BASE = 12;
    static final int VOLUME_TAG = 36;
    /** DVCID identification descriptor: code set, identifier type, reserved, length, then 32 bytes. */
    static final int DEVICE_ID = 4 + 32;

    private ElementStatus() {
    }

    public static ScsiResponse execute(Cdb.ReadElementStatus cdb, ExecContext ctx) {
        MediumChanger changer = ctx.lu().device().changer();
        List<MediumChanger.Element> chosen = new ArrayList<>();
        for (MediumChanger.Element e : changer.elements()) {
            if (chosen.size() == cdb.count()) {
                break;
            }
            if (e.address() >= cdb.start() && (cdb.elementType() == 0 || e.type().code() == cdb.elementType())) {
                chosen.add(e);
            }
        }
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        int at = 0;
        while (at < chosen.size()) {
            MediumChanger.ElementType type = chosen.get(at).type();
            int end = at;
            while (end < chosen.size() && chosen.get(end).type() == type) {
                end++;
            }
            pages.writeBytes(page(chosen.subList(at, end), type, cdb));
            at = end;
        }
        byte[] body = pages.toByteArray();
        byte[] d = new byte[8 + body.length];
        put16(d, 0, chosen.isEmpty() ? 0 : chosen.getFirst().address()); // FIRST ELEMENT ADDRESS REPORTED
        put16(d, 2, chosen.size());                                        // NUMBER OF ELEMENTS AVAILABLE
        put24(d, 5, body.length);                                          // BYTE COUNT OF REPORT AVAILABLE
        System.arraycopy(body, 0, d, 8, body.length);
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    private static byte[] page(List<MediumChanger.Element> elements, MediumChanger.ElementType type,
                               Cdb.ReadElementStatus cdb) {
        boolean ids = cdb.dvcid() && type == MediumChanger.ElementType.DATA_TRANSFER;
        int length = BASE + (cdb.voltag() ? VOLUME_TAG : 0) + (ids ? DEVICE_ID : 0);
        byte[] p = new byte[8 + length * elements.size()];
        p[0] = (byte) type.code();
        p[1] = (byte) (cdb.voltag() ? 0x80 : 0);                // PVOLTAG
        put16(p, 2, length);                                     // ELEMENT DESCRIPTOR LENGTH
        put24(p, 5, length * elements.size());                   // BYTE COUNT OF DESCRIPTOR DATA AVAILABLE
        int at = 8;
        for (MediumChanger.Element e : elements) {
            put16(p, at, e.address());
            int flags = e.full() ? 0x01 : 0;                     // FULL
            switch (type) {
                case IMPORT_EXPORT -> flags |= 0x08 | 0x02 | 0x20 | 0x10; // ACCESS, IMPEXP, INENAB, EXENAB
                case STORAGE, DATA_TRANSFER -> flags |= 0x08;    // ACCESS
                default -> { }
            }
            p[at + 2] = (byte) flags;
            if (e.full() && e.source() >= 0) {
                p[at + 9] = (byte) 0x80;                         // SVALID
                put16(p, at + 10, e.source());                   // SOURCE STORAGE ELEMENT ADDRESS
            }
            int tag = at + BASE;
            if (cdb.voltag()) {
                java.util.Arrays.fill(p, tag, tag + 32, (byte) (e.full() ? ' ' : 0));
                if (e.full()) {
                    byte[] code = e.barcode().getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(code, 0, p, tag, Math.min(code.length, 32));
                }
                tag += VOLUME_TAG;
            }
            if (ids) {
                p[tag] = 0x02;                                   // CODE SET: ASCII
                p[tag + 1] = 0x00;                               // IDENTIFIER TYPE: vendor specific
                p[tag + 3] = 32;                                 // IDENTIFIER LENGTH
                java.util.Arrays.fill(p, tag + 4, tag + 36, (byte) ' ');
                byte[] id = (e.driveId() == null ? "" : e.driveId()).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(id, 0, p, tag + 4, Math.min(id.length, 32));
            }
            at += length;
        }
        return p;
    }

    private static void put24(byte[] d, int at, int v) {
        d[at] = (byte) (v >>> 16);
        d[at + 1] = (byte) (v >>> 8);
        d[at + 2] = (byte) v;
    }
}
