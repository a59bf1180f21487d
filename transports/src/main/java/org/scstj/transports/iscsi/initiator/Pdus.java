package org.scstj.transports.iscsi.initiator;

import org.scstj.transports.iscsi.pdu.Opcode;
import java.util.Arrays;

/**
 * Builders for the PDUs an initiator sends (RFC 7143 11), with the field layout of each section.
 * Sequence numbers are arguments: {@link Session} supplies correct ones, hostile tests any.
 */
public final class Pdus {
    private Pdus() {
    }

    /** RFC 7143 11.3 SCSI Command; a CDB over 16 bytes goes on in an Extended CDB AHS (11.2.2.3). */
    public static Pdu scsiCommand(int itt, long lun, byte[] cdb, boolean read, boolean write, int edtl,
                                  int cmdSn, int expStatSn, boolean isFinal) {
        Pdu p = Pdu.of(Opcode.SCSI_COMMAND, false)
                .flags((isFinal ? 0x80 : 0) | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 0x01) // ATTR 1 SIMPLE
                .lun(lun).itt(itt).i32(20, edtl).i32(24, cmdSn).i32(28, expStatSn);
        System.arraycopy(cdb, 0, p.bhs(), 32, Math.min(16, cdb.length));
        if (cdb.length > 16) {
            int extra = cdb.length - 16;
            byte[] ahs = new byte[(3 + extra + 1 + 3) & ~3];
            ahs[0] = (byte) ((extra + 1) >>> 8); // AHSLength counts the reserved byte and the CDB bytes
            ahs[1] = (byte) (extra + 1);
            ahs[2] = 1; // Extended CDB
            System.arraycopy(cdb, 16, ahs, 4, extra);
            p.ahs(ahs);
        }
        return p;
    }

    /** RFC 7143 11.7 SCSI Data-Out. */
    public static Pdu dataOut(int itt, long lun, int ttt, int dataSn, int offset, byte[] data, boolean isFinal,
                              int expStatSn) {
        return Pdu.of(Opcode.DATA_OUT, false).flags(isFinal ? 0x80 : 0).lun(lun).itt(itt).ttt(ttt)
                .i32(28, expStatSn).i32(36, dataSn).i32(40, offset).data(data);
    }

    /** RFC 7143 11.18 NOP-Out (a ping when {@code itt} is not the reserved tag). */
    public static Pdu nopOut(int itt, int ttt, long lun, int cmdSn, int expStatSn, boolean immediate, byte[] data) {
        return Pdu.of(Opcode.NOP_OUT, immediate).flags(0x80).lun(lun).itt(itt).ttt(ttt).i32(24, cmdSn)
                .i32(28, expStatSn).data(data);
    }

    /** RFC 7143 11.10 Text Request. */
    public static Pdu text(int itt, int ttt, int cmdSn, int expStatSn, boolean isFinal, boolean cont, byte[] text) {
        return Pdu.of(Opcode.TEXT_REQUEST, true).flags((isFinal ? 0x80 : 0) | (cont ? 0x40 : 0)).itt(itt).ttt(ttt)
                .i32(24, cmdSn).i32(28, expStatSn).data(text);
    }

    /** RFC 7143 11.5 Task Management Function Request (function codes 11.5.1: 1..7, 8 TASK REASSIGN). */
    public static Pdu taskManagement(int itt, int function, long lun, int referencedTaskTag, int cmdSn,
                                     int expStatSn, int refCmdSn, int expDataSn) {
        return Pdu.of(Opcode.TASK_MGMT_REQUEST, true).flags(0x80 | (function & 0x7f)).lun(lun).itt(itt)
                .i32(20, referencedTaskTag).i32(24, cmdSn).i32(28, expStatSn).i32(32, refCmdSn).i32(36, expDataSn);
    }

    /** RFC 7143 11.14 Logout Request: reason 0 close the session, 1 the connection CID, 2 remove it for recovery. */
    public static Pdu logout(int itt, int reason, int cid, int cmdSn, int expStatSn) {
        return Pdu.of(Opcode.LOGOUT_REQUEST, true).flags(0x80 | (reason & 0x7f)).itt(itt).u16(20, cid)
                .i32(24, cmdSn).i32(28, expStatSn);
    }

    /** RFC 7143 11.16 SNACK Request: type 0 Data/R2T, 1 Status, 2 DataACK, 3 R-Data. */
    public static Pdu snack(int type, int itt, long lun, int ttt, int expStatSn, int begRun, int runLength) {
        return Pdu.of(Opcode.SNACK_REQUEST, false).flags(0x80 | (type & 0x0f)).lun(lun).itt(itt).ttt(ttt)
                .i32(28, expStatSn).i32(40, begRun).i32(44, runLength);
    }

    /**
     * RFC 7143 11.12 Login Request: T, C, CSG, NSG; version 0; ISID (6 bytes), TSIH, CID, CmdSN,
     * ExpStatSN; the data segment holds the text keys.
     */
    public static Pdu login(boolean transit, boolean cont, int csg, int nsg, long isid, int tsih, int itt, int cid,
                            int cmdSn, int expStatSn, byte[] keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST, true)
                .flags((transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg & 3) << 2 | (transit ? nsg & 3 : 0))
                .u8(2, 0).u8(3, 0).itt(itt).u16(20, cid).i32(24, cmdSn).i32(28, expStatSn).data(keys);
        for (int i = 0; i < 6; i++) {
            p.u8(8 + i, (int) (isid >>> (40 - 8 * i)));
        }
        p.u16(14, tsih);
        return p;
    }

    /** A SAM-5 single-level LUN (peripheral below 256, flat space below 16384) as the 8-byte field. */
    public static long lun(int lun) {
        if (lun < 0 || lun >= 16384) {
            throw new IllegalArgumentException("LUN " + lun);
        }
        long first = lun < 256 ? lun : 0x4000 | lun;
        return first << 48;
    }

    static byte[] slice(byte[] data, int from, int length) {
        return Arrays.copyOfRange(data, from, from + length);
    }
}
