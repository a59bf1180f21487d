package org.scstj.engine.sbc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SBC-4 5.19 / 5.20 READ DEFECT DATA(10/12). A virtual disk has no defects: the primary (PLIST)
 * and grown (GLIST) lists are both empty, which is a valid list in every DEFECT LIST FORMAT
 * (000b..110b; 111b is reserved and the decoder rejected it), so the device server returns just
 * the header in the requested format: PLISTV / GLISTV set for the lists asked for with
 * REQ_PLIST / REQ_GLIST (with neither, only the header, SBC-4 5.19.1), DEFECT LIST LENGTH 0.
 * READ DEFECT DATA(12)'s ADDRESS DESCRIPTOR INDEX is past every descriptor whatever its value, so
 * it changes nothing; its GENERATION CODE is 0 (not supported). The header is cut to ALLOCATION
 * LENGTH without error (SPC-5 4.2.5.6).
 */
public final class ReadDefectData {
    private static final int PLISTV = 0x10;
    private static final int GLISTV = 0x08;

    private ReadDefectData() {
    }

    public static ScsiResponse execute(Cdb.ReadDefectData cdb, ExecContext ctx) {
        byte[] d = header(cdb);
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /** SBC-4 table "READ DEFECT DATA(10) parameter data" (4 bytes) / "(12) parameter data" (8 bytes), empty list. */
    static byte[] header(Cdb.ReadDefectData cdb) {
        boolean ten = cdb.opcode() == Opcodes.READ_DEFECT_DATA_10;
        byte[] d = new byte[ten ? 4 : 8];
        d[1] = (byte) ((cdb.reqPlist() ? PLISTV : 0) | (cdb.reqGlist() ? GLISTV : 0) | cdb.format());
        if (ten) {
            put16(d, 2, 0);     // DEFECT LIST LENGTH
        } else {
            put16(d, 2, 0);     // GENERATION CODE: not supported
            put32(d, 4, 0);     // DEFECT LIST LENGTH
        }
        return d;
    }
}
