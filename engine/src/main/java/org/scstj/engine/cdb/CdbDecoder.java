package org.scstj.engine.cdb;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u24;
import static org.scstj.engine.cdb.BigEndian.u32;
import static org.scstj.engine.cdb.BigEndian.u64;
import static org.scstj.engine.cdb.BigEndian.u8;

import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

/**
 * The parse stage's field decoders: one per command, each turning CDB bytes whose operation code,
 * length and reserved bits its command-table row already checked ({@code exec.CommandSet#parse})
 * into a {@link Cdb} value, or a {@link Failure} for a field value the command refuses. Pure.
 */
public final class CdbDecoder {
    private CdbDecoder() {
    }

    private static Decoded ok(Cdb cdb) {
        return new Decoded.Ok(cdb);
    }

    private static Decoded reject(Failure failure) {
        return new Decoded.Rejected(failure);
    }

    private static boolean bit(byte[] cdb, int at, int bit) {
        return (cdb[at] & (1 << bit)) != 0;
    }

    private static int clampToInt(long value) {
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    // ---- SPC-5 ----

    public static Decoded testUnitReady(byte[] cdb) {
        return ok(new Cdb.TestUnitReady());
    }

    /** SPC-5 6.39: DESC is byte 1 bit 0, ALLOCATION LENGTH byte 4. */
    public static Decoded requestSense(byte[] cdb) {
        return ok(new Cdb.RequestSense(bit(cdb, 1, 0), u8(cdb, 4)));
    }

    /** SPC-5 6.7.1: a PAGE CODE with EVPD 0 is an invalid field. */
    public static Decoded inquiry(byte[] cdb) {
        boolean evpd = bit(cdb, 1, 0);
        int page = u8(cdb, 2);
        if (!evpd && page != 0) {
            return reject(Failure.invalidFieldInCdb(2, 7));
        }
        return ok(new Cdb.Inquiry(evpd, page, u16(cdb, 3)));
    }

    /** SPC-5 6.33: SELECT REPORT 00h, 01h, 02h, 10h, 11h, 12h; others are invalid. */
    public static Decoded reportLuns(byte[] cdb) {
        int select = u8(cdb, 2);
        switch (select) {
            case 0x00, 0x01, 0x02, 0x10, 0x11, 0x12 -> {
            }
            default -> {
                return reject(Failure.invalidFieldInCdb(2, 7));
            }
        }
        return ok(new Cdb.ReportLuns(select, u32(cdb, 6)));
    }

    /**
     * SPC-5 6.35: RCTD byte 2 bit 7; REPORTING OPTIONS 000b..011b (the usage mask leaves bit 2
     * out, so 1xxb is rejected as reserved).
     */
    public static Decoded reportSupportedOperationCodes(byte[] cdb) {
        return ok(new Cdb.ReportSupportedOperationCodes(bit(cdb, 2, 7), u8(cdb, 2) & 0x03, u8(cdb, 3), u16(cdb, 4),
                u32(cdb, 6)));
    }

    /** SPC-5 6.11 MODE SENSE(6). */
    public static Decoded modeSense6(byte[] cdb) {
        return modeSense(cdb, Opcodes.MODE_SENSE_6, false, u8(cdb, 4));
    }

    /** SPC-5 6.12 MODE SENSE(10): LLBAA byte 1 bit 4, ALLOCATION LENGTH bytes 7-8. */
    public static Decoded modeSense10(byte[] cdb) {
        return modeSense(cdb, Opcodes.MODE_SENSE_10, bit(cdb, 1, 4), u16(cdb, 7));
    }

    /** SPC-5 6.11.1: PC 00b current, 01b changeable, 10b default, 11b saved (ModeSense answers for an LU without them). */
    private static Decoded modeSense(byte[] cdb, int opcode, boolean llbaa, int allocationLength) {
        int pc = u8(cdb, 2) >>> 6;
        return ok(new Cdb.ModeSense(opcode, bit(cdb, 1, 3), llbaa, pc, u8(cdb, 2) & 0x3F, u8(cdb, 3),
                allocationLength));
    }

    /** SPC-5 6.9 MODE SELECT(6): PF byte 1 bit 4, SP bit 0, PARAMETER LIST LENGTH byte 4. */
    public static Decoded modeSelect6(byte[] cdb) {
        return ok(new Cdb.ModeSelect(Opcodes.MODE_SELECT_6, bit(cdb, 1, 4), bit(cdb, 1, 0), u8(cdb, 4)));
    }

    /** SPC-5 6.10 MODE SELECT(10): PF byte 1 bit 4, SP bit 0, PARAMETER LIST LENGTH bytes 7-8. */
    public static Decoded modeSelect10(byte[] cdb) {
        return ok(new Cdb.ModeSelect(Opcodes.MODE_SELECT_10, bit(cdb, 1, 4), bit(cdb, 1, 0), u16(cdb, 7)));
    }

    // ---- SBC-4 ----

    /** SBC-4 5.20: with PMI 0 the (obsolete) LOGICAL BLOCK ADDRESS must be 0. */
    public static Decoded readCapacity10(byte[] cdb) {
        if (!bit(cdb, 8, 0) && u32(cdb, 2) != 0) {
            return reject(Failure.invalidFieldInCdb(2));
        }
        return ok(new Cdb.ReadCapacity10());
    }

    /** SBC-4 5.21: ALLOCATION LENGTH bytes 10-13. */
    public static Decoded readCapacity16(byte[] cdb) {
        return ok(new Cdb.ReadCapacity16(clampToInt(u32(cdb, 10))));
    }

    /** SBC-4 5.14 READ(6): 21-bit LBA; TRANSFER LENGTH 0 means 256 blocks. */
    public static Decoded read6(byte[] cdb) {
        int length = u8(cdb, 4);
        return ok(new Cdb.Read(Opcodes.READ_6, u24(cdb, 1) & 0x1F_FFFF, length == 0 ? 256 : length, false, false));
    }

    /** SBC-4 5.38 WRITE(6): 21-bit LBA; TRANSFER LENGTH 0 means 256 blocks. */
    public static Decoded write6(byte[] cdb) {
        int length = u8(cdb, 4);
        return ok(new Cdb.Write(Opcodes.WRITE_6, u24(cdb, 1) & 0x1F_FFFF, length == 0 ? 256 : length, false, false));
    }

    /** SBC-4 5.15 READ(10): DPO byte 1 bit 4, FUA bit 3, RDPROTECT (must be 0: no protection information). */
    public static Decoded read10(byte[] cdb) {
        return ok(new Cdb.Read(Opcodes.READ_10, u32(cdb, 2), u16(cdb, 7), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    public static Decoded read12(byte[] cdb) {
        return ok(new Cdb.Read(Opcodes.READ_12, u32(cdb, 2), u32(cdb, 6), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    public static Decoded read16(byte[] cdb) {
        return ok(new Cdb.Read(Opcodes.READ_16, u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    /** SBC-4 5.39 WRITE(10): WRPROTECT must be 0 (no protection information). */
    public static Decoded write10(byte[] cdb) {
        return ok(new Cdb.Write(Opcodes.WRITE_10, u32(cdb, 2), u16(cdb, 7), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    public static Decoded write12(byte[] cdb) {
        return ok(new Cdb.Write(Opcodes.WRITE_12, u32(cdb, 2), u32(cdb, 6), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    public static Decoded write16(byte[] cdb) {
        return ok(new Cdb.Write(Opcodes.WRITE_16, u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    public static Decoded verify10(byte[] cdb) {
        return verify(cdb, Opcodes.VERIFY_10, u32(cdb, 2), u16(cdb, 7));
    }

    public static Decoded verify12(byte[] cdb) {
        return verify(cdb, Opcodes.VERIFY_12, u32(cdb, 2), u32(cdb, 6));
    }

    public static Decoded verify16(byte[] cdb) {
        return verify(cdb, Opcodes.VERIFY_16, u64(cdb, 2), u32(cdb, 10));
    }

    /** SBC-4 5.35 VERIFY: BYTCHK 10b is reserved; VRPROTECT must be 0 (no protection information). */
    private static Decoded verify(byte[] cdb, int opcode, long lba, long blocks) {
        int bytchk = (u8(cdb, 1) >>> 1) & 0x03;
        if (bytchk == 0b10) {
            return reject(Failure.invalidFieldInCdb(1, 2));
        }
        return ok(new Cdb.Verify(opcode, lba, blocks, bytchk, bit(cdb, 1, 4)));
    }

    public static Decoded writeAndVerify10(byte[] cdb) {
        return writeAndVerify(cdb, Opcodes.WRITE_AND_VERIFY_10, u32(cdb, 2), u16(cdb, 7));
    }

    public static Decoded writeAndVerify12(byte[] cdb) {
        return writeAndVerify(cdb, Opcodes.WRITE_AND_VERIFY_12, u32(cdb, 2), u32(cdb, 6));
    }

    public static Decoded writeAndVerify16(byte[] cdb) {
        return writeAndVerify(cdb, Opcodes.WRITE_AND_VERIFY_16, u64(cdb, 2), u32(cdb, 10));
    }

    /**
     * SBC-4 5.42 WRITE AND VERIFY: BYTCHK 00b or 01b (the usage mask leaves its high bit out, so
     * 10b and 11b are rejected as reserved); WRPROTECT must be 0 (no protection information).
     */
    private static Decoded writeAndVerify(byte[] cdb, int opcode, long lba, long blocks) {
        int bytchk = (u8(cdb, 1) >>> 1) & 0x03;
        return ok(new Cdb.WriteAndVerify(opcode, lba, blocks, bit(cdb, 1, 4), bytchk));
    }

    /** SBC-4 5.30 UNMAP: PARAMETER LIST LENGTH bytes 7-8 (ANCHOR, byte 1 bit 0, is outside the usage mask). */
    public static Decoded unmap(byte[] cdb) {
        return ok(new Cdb.Unmap(u16(cdb, 7)));
    }

    /** SBC-4 5.8 GET LBA STATUS: STARTING LOGICAL BLOCK ADDRESS bytes 2-9, ALLOCATION LENGTH 10-13. */
    public static Decoded getLbaStatus(byte[] cdb) {
        return ok(new Cdb.GetLbaStatus(u64(cdb, 2), u32(cdb, 10)));
    }

    /** SBC-4 5.48 WRITE SAME(10): UNMAP byte 1 bit 3; WRPROTECT and ANCHOR are outside the usage mask. */
    public static Decoded writeSame10(byte[] cdb) {
        return ok(new Cdb.WriteSame(Opcodes.WRITE_SAME_10, u32(cdb, 2), u16(cdb, 7), bit(cdb, 1, 3), false));
    }

    /** SBC-4 5.50 WRITE SAME(16): UNMAP byte 1 bit 3, NDOB bit 0. */
    public static Decoded writeSame16(byte[] cdb) {
        return ok(new Cdb.WriteSame(Opcodes.WRITE_SAME_16, u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 3), bit(cdb, 1, 0)));
    }

    /** SBC-4 5.9 PRE-FETCH(10): IMMED byte 1 bit 1, PREFETCH LENGTH bytes 7-8 (GROUP NUMBER is looked at, not used). */
    public static Decoded preFetch10(byte[] cdb) {
        return ok(new Cdb.PreFetch(Opcodes.PRE_FETCH_10, u32(cdb, 2), u16(cdb, 7), bit(cdb, 1, 1)));
    }

    /** SBC-4 5.10 PRE-FETCH(16): IMMED byte 1 bit 1, PREFETCH LENGTH bytes 10-13. */
    public static Decoded preFetch16(byte[] cdb) {
        return ok(new Cdb.PreFetch(Opcodes.PRE_FETCH_16, u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 1)));
    }

    /** SBC-4 5.19 READ DEFECT DATA(10): REQ_PLIST byte 2 bit 4, REQ_GLIST bit 3, DEFECT LIST FORMAT bits 2-0, ALLOCATION LENGTH 7-8. */
    public static Decoded readDefectData10(byte[] cdb) {
        return readDefectData(Opcodes.READ_DEFECT_DATA_10, cdb, 2, 0, u16(cdb, 7));
    }

    /** SBC-4 5.20 READ DEFECT DATA(12): the flags in byte 1, ADDRESS DESCRIPTOR INDEX 2-5, ALLOCATION LENGTH 6-9. */
    public static Decoded readDefectData12(byte[] cdb) {
        return readDefectData(Opcodes.READ_DEFECT_DATA_12, cdb, 1, u32(cdb, 2), u32(cdb, 6));
    }

    /** SBC-4 table "DEFECT LIST FORMAT field": 111b is reserved. */
    private static Decoded readDefectData(int opcode, byte[] cdb, int flags, long index, long allocationLength) {
        int format = cdb[flags] & 0x07;
        if (format == 0b111) {
            return reject(Failure.invalidFieldInCdb(flags, 2));
        }
        return ok(new Cdb.ReadDefectData(opcode, bit(cdb, flags, 4), bit(cdb, flags, 3), format, index,
                allocationLength));
    }

    /** SBC-4 5.12 ORWRITE(16): DPO byte 1 bit 4, FUA bit 3, TRANSFER LENGTH bytes 10-13. */
    public static Decoded orWrite16(byte[] cdb) {
        return ok(new Cdb.OrWrite(u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    /** SBC-4 5.26 SYNCHRONIZE CACHE(10): IMMED byte 1 bit 1. */
    public static Decoded synchronizeCache10(byte[] cdb) {
        return ok(new Cdb.SynchronizeCache(Opcodes.SYNCHRONIZE_CACHE_10, u32(cdb, 2), u16(cdb, 7), bit(cdb, 1, 1)));
    }

    public static Decoded synchronizeCache16(byte[] cdb) {
        return ok(new Cdb.SynchronizeCache(Opcodes.SYNCHRONIZE_CACHE_16, u64(cdb, 2), u32(cdb, 10), bit(cdb, 1, 1)));
    }

    /**
     * SBC-4 5.3 COMPARE AND WRITE: DPO byte 1 bit 4, FUA bit 3, NUMBER OF LOGICAL BLOCKS byte 13
     * (the Data-Out carries twice as many).
     */
    public static Decoded compareAndWrite(byte[] cdb) {
        return ok(new Cdb.CompareAndWrite(u64(cdb, 2), u8(cdb, 13), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    /** SBC-4 5.48 WRITE ATOMIC(16): DPO byte 1 bit 4, FUA bit 3, TRANSFER LENGTH bytes 12-13. */
    public static Decoded writeAtomic16(byte[] cdb) {
        return ok(new Cdb.WriteAtomic(u64(cdb, 2), u16(cdb, 12), bit(cdb, 1, 4), bit(cdb, 1, 3)));
    }

    // ---- removable medium ----

    /**
     * SBC-4 5.25 START STOP UNIT: IMMED byte 1 bit 0; POWER CONDITION MODIFIER byte 3 bits 3-0;
     * POWER CONDITION byte 4 bits 7-4, NO_FLUSH bit 2, LOEJ bit 1, START bit 0. With START_VALID
     * (0h) the modifier must be 0h (SBC-4 table "POWER CONDITION and POWER CONDITION MODIFIER
     * field"); with any other power condition START and LOEJ are ignored, and so is the modifier.
     */
    public static Decoded startStopUnit(byte[] cdb) {
        int powerCondition = u8(cdb, 4) >>> 4;
        if (powerCondition == 0 && (u8(cdb, 3) & 0x0F) != 0) {
            return reject(Failure.invalidFieldInCdb(3, 3));
        }
        return ok(new Cdb.StartStopUnit(bit(cdb, 1, 0), powerCondition, bit(cdb, 4, 2), bit(cdb, 4, 1),
                bit(cdb, 4, 0)));
    }

    /** SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL: PREVENT byte 4 bits 1-0; 10b and 11b are obsolete, not supported. */
    public static Decoded preventAllowMediumRemoval(byte[] cdb) {
        if (bit(cdb, 4, 1)) {
            return reject(Failure.invalidFieldInCdb(4, 1));
        }
        return ok(new Cdb.PreventAllowMediumRemoval(bit(cdb, 4, 0)));
    }

    // ---- third-party copy (SPC-4) ----

    /** SPC-4 6.3 EXTENDED COPY(LID1): PARAMETER LIST LENGTH bytes 10-13. */
    public static Decoded extendedCopy(byte[] cdb) {
        return ok(new Cdb.ExtendedCopy(u32(cdb, 10)));
    }

    /** SPC-3 6.17 RECEIVE COPY RESULTS: LIST IDENTIFIER byte 2, ALLOCATION LENGTH bytes 10-13. */
    public static Decoded receiveCopyResults(byte[] cdb) {
        return ok(new Cdb.ReceiveCopyResults(u8(cdb, 1) & 0x1F, u8(cdb, 2), u32(cdb, 10)));
    }

    // ---- whole-medium operations, LOG SENSE, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS ----

    /** SBC-4 5.3 FORMAT UNIT: LONGLIST byte 1 bit 5, FMTDATA bit 4, CMPLST bit 3, DEFECT LIST FORMAT bits 2-0. */
    public static Decoded formatUnit(byte[] cdb) {
        return ok(new Cdb.FormatUnit(bit(cdb, 1, 5), bit(cdb, 1, 4), bit(cdb, 1, 3), cdb[1] & 0x07));
    }

    /** SBC-4 5.30 SANITIZE: IMMED byte 1 bit 7, AUSE bit 5, SERVICE ACTION bits 4-0, PARAMETER LIST LENGTH 7-8. */
    public static Decoded sanitize(byte[] cdb) {
        return ok(new Cdb.Sanitize(cdb[1] & 0x1F, bit(cdb, 1, 7), bit(cdb, 1, 5), u16(cdb, 7)));
    }

    /** SPC-5 6.11 LOG SENSE: PC byte 2 bits 7-6, PAGE CODE 5-0, SUBPAGE CODE 3, PARAMETER POINTER 5-6, ALLOCATION LENGTH 7-8. */
    public static Decoded logSense(byte[] cdb) {
        return ok(new Cdb.LogSense(u8(cdb, 2) >>> 6, u8(cdb, 2) & 0x3F, u8(cdb, 3), u16(cdb, 5), u16(cdb, 7)));
    }

    /**
     * SPC-5 6.37 REPORT TARGET PORT GROUPS: PARAMETER DATA FORMAT (byte 1 bits 7:5) 000b length
     * only or 001b extended; any other is INVALID FIELD IN CDB at byte 1 bit 7.
     */
    public static Decoded reportTargetPortGroups(byte[] cdb) {
        int format = u8(cdb, 1) >>> 5;
        if (format > 1) {
            return reject(Failure.invalidFieldInCdb(1, 7));
        }
        return ok(new Cdb.ReportTargetPortGroups(format == 1, u32(cdb, 6)));
    }

    /** SPC-5 6.47 SET TARGET PORT GROUPS: PARAMETER LIST LENGTH in bytes 6 to 9. */
    public static Decoded setTargetPortGroups(byte[] cdb) {
        return ok(new Cdb.SetTargetPortGroups(u32(cdb, 6)));
    }

    /** SPC-5 6.38 REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS: REPD byte 2 bit 7, ALLOCATION LENGTH 6-9. */
    public static Decoded reportSupportedTaskManagementFunctions(byte[] cdb) {
        return ok(new Cdb.ReportSupportedTaskManagementFunctions(bit(cdb, 2, 7), u32(cdb, 6)));
    }

    // ---- reservations ----

    /** SPC-2 7.21 RESERVE(6) / 7.22 RESERVE(10): every field but the opcode is outside the usage mask. */
    public static Decoded reserve(byte[] cdb) {
        return ok(new Cdb.Reserve(u8(cdb, 0)));
    }

    /** SPC-2 7.17 RELEASE(6) / 7.18 RELEASE(10): every field but the opcode is outside the usage mask. */
    public static Decoded release(byte[] cdb) {
        return ok(new Cdb.Release(u8(cdb, 0)));
    }

    /** SPC-5 6.16 PERSISTENT RESERVE IN: SERVICE ACTION byte 1, ALLOCATION LENGTH bytes 7-8. */
    public static Decoded persistentReserveIn(byte[] cdb) {
        return ok(new Cdb.PersistentReserveIn(cdb[1] & 0x1F, u16(cdb, 7)));
    }

    /** SPC-5 6.17 PERSISTENT RESERVE OUT: SCOPE and TYPE byte 2, PARAMETER LIST LENGTH bytes 5-8. */
    public static Decoded persistentReserveOut(byte[] cdb) {
        return ok(new Cdb.PersistentReserveOut(cdb[1] & 0x1F, u8(cdb, 2) >>> 4, cdb[2] & 0x0F, u32(cdb, 5)));
    }

    // ---- SPC-5 6.17 READ BUFFER, 6.49 WRITE BUFFER: the echo buffer modes only ----

    public static Decoded readBuffer(byte[] cdb) {
        int mode = cdb[1] & 0x1F;
        if (mode != Opcodes.BUFFER_MODE_ECHO && mode != Opcodes.BUFFER_MODE_ECHO_DESCRIPTOR) {
            return reject(Failure.invalidFieldInCdb(1, 4)); // a MODE scstj does not support
        }
        return ok(new Cdb.ReadBuffer(mode, u8(cdb, 2), u24(cdb, 3), u24(cdb, 6)));
    }

    public static Decoded writeBuffer(byte[] cdb) {
        int mode = cdb[1] & 0x1F;
        if (mode != Opcodes.BUFFER_MODE_ECHO) {
            return reject(Failure.invalidFieldInCdb(1, 4));
        }
        return ok(new Cdb.WriteBuffer(mode, u8(cdb, 2), u24(cdb, 3), u24(cdb, 6)));
    }

    // ---- MMC-6 ----

    /**
     * MMC-6 6.26 READ TOC/PMA/ATIP: MSF byte 1 bit 1, FORMAT byte 2 bits 3-0 (0, 1, 2; PMA, ATIP and
     * CD-TEXT are refused: a pressed disc image has none), TRACK/SESSION NUMBER byte 6. A FORMAT of 0
     * with the older format field of SFF-8020 (CONTROL byte bits 7-6) set takes that one, as drives do.
     */
    public static Decoded readToc(byte[] cdb) {
        int format = u8(cdb, 2) & 0x0F;
        if (format == 0) {
            format = u8(cdb, 9) >>> 6;
        }
        if (format > 2) {
            return reject(Failure.invalidFieldInCdb(2, 3));
        }
        return ok(new Cdb.ReadToc(bit(cdb, 1, 1), format, u8(cdb, 6), u16(cdb, 7)));
    }

    /** MMC-6 6.6 GET CONFIGURATION: RT byte 1 bits 1-0 (11b is reserved), STARTING FEATURE NUMBER bytes 2-3. */
    public static Decoded getConfiguration(byte[] cdb) {
        int rt = u8(cdb, 1) & 0x03;
        if (rt == 3) {
            return reject(Failure.invalidFieldInCdb(1, 1));
        }
        return ok(new Cdb.GetConfiguration(rt, u16(cdb, 2), u16(cdb, 7)));
    }

    /**
     * MMC-6 6.7 GET EVENT STATUS NOTIFICATION: POLLED byte 1 bit 0 must be 1 (asynchronous
     * notification is not supported: INVALID FIELD IN CDB), NOTIFICATION CLASS REQUEST byte 4.
     */
    public static Decoded getEventStatusNotification(byte[] cdb) {
        if (!bit(cdb, 1, 0)) {
            return reject(Failure.invalidFieldInCdb(1, 0));
        }
        return ok(new Cdb.GetEventStatusNotification(u8(cdb, 4), u16(cdb, 7)));
    }

    /** MMC-6 6.22 READ DISC INFORMATION: DATA TYPE byte 1 bits 2-0; only 000b (standard) is served. */
    public static Decoded readDiscInformation(byte[] cdb) {
        if ((u8(cdb, 1) & 0x07) != 0) {
            return reject(Failure.invalidFieldInCdb(1, 2));
        }
        return ok(new Cdb.ReadDiscInformation(u16(cdb, 7)));
    }

    /** MMC-6 6.27 READ TRACK INFORMATION: ADDRESS/NUMBER TYPE byte 1 bits 1-0 (11b is reserved), bytes 2-5. */
    public static Decoded readTrackInformation(byte[] cdb) {
        int type = u8(cdb, 1) & 0x03;
        if (type == 3) {
            return reject(Failure.invalidFieldInCdb(1, 1));
        }
        return ok(new Cdb.ReadTrackInformation(type, u32(cdb, 2), u16(cdb, 7)));
    }

    /** MMC-6 6.11 MECHANISM STATUS: ALLOCATION LENGTH bytes 8-9. */
    public static Decoded mechanismStatus(byte[] cdb) {
        return ok(new Cdb.MechanismStatus(u16(cdb, 8)));
    }

    /** MMC-6 6.24 READ FORMAT CAPACITIES: ALLOCATION LENGTH bytes 7-8. */
    public static Decoded readFormatCapacities(byte[] cdb) {
        return ok(new Cdb.ReadFormatCapacities(u16(cdb, 7)));
    }

    /**
     * MMC-6 6.8 GET PERFORMANCE: TYPE byte 10 (00h performance, 03h write speed; others are refused);
     * for TYPE 00h the DATA TYPE byte 1 holds TOLERANCE (bits 4-3, must be 10b: nominal), WRITE (bit 2)
     * and EXCEPT (bits 1-0, 11b reserved).
     */
    public static Decoded getPerformance(byte[] cdb) {
        int type = u8(cdb, 10);
        int dataType = u8(cdb, 1) & 0x1F;
        if (type != 0x00 && type != 0x03) {
            return reject(Failure.invalidFieldInCdb(10, 7));
        }
        if (type == 0x00 && ((dataType >>> 3) != 0b10 || (dataType & 0x03) == 0x03)) {
            return reject(Failure.invalidFieldInCdb(1, (dataType >>> 3) != 0b10 ? 4 : 1));
        }
        return ok(new Cdb.GetPerformance(type == 0 && (dataType & 0x04) != 0, type == 0 ? dataType & 0x03 : 0,
                u32(cdb, 2), u16(cdb, 8), type));
    }

    /** MMC-6 6.37 SET CD SPEED: READ SPEED bytes 2-3, WRITE SPEED bytes 4-5 (ROTATION CONTROL byte 1 bits 1-0 0 or 1). */
    public static Decoded setCdSpeed(byte[] cdb) {
        if ((u8(cdb, 1) & 0x03) > 1) {
            return reject(Failure.invalidFieldInCdb(1, 1));
        }
        return ok(new Cdb.SetCdSpeed(u16(cdb, 2), u16(cdb, 4)));
    }

    // ---- SSC-3 ----

    public static Decoded readBlockLimits(byte[] cdb) {
        return ok(new Cdb.ReadBlockLimits());
    }

    /** SSC-3 READ(6): SILI byte 1 bit 1, FIXED bit 0 (both at once: INVALID FIELD IN CDB), TRANSFER LENGTH bytes 2-4. */
    public static Decoded tapeRead(byte[] cdb) {
        boolean sili = bit(cdb, 1, 1);
        boolean fixed = bit(cdb, 1, 0);
        if (sili && fixed) {
            return reject(Failure.invalidFieldInCdb(1, 1));
        }
        return ok(new Cdb.TapeRead(sili, fixed, u24(cdb, 2)));
    }

    /** SSC-3 WRITE(6): FIXED byte 1 bit 0, TRANSFER LENGTH bytes 2-4. */
    public static Decoded tapeWrite(byte[] cdb) {
        return ok(new Cdb.TapeWrite(bit(cdb, 1, 0), u24(cdb, 2)));
    }

    /** SSC-3 WRITE FILEMARKS(6): WSMK byte 1 bit 1 (setmarks: not supported), IMMED bit 0, count bytes 2-4. */
    public static Decoded writeFilemarks(byte[] cdb) {
        if (bit(cdb, 1, 1)) {
            return reject(Failure.invalidFieldInCdb(1, 1));
        }
        return ok(new Cdb.WriteFilemarks(bit(cdb, 1, 0), u24(cdb, 2)));
    }

    /** SSC-3 SPACE(6): CODE byte 1 bits 3-0 (0, 1, 3), COUNT bytes 2-4 signed. */
    public static Decoded space6(byte[] cdb) {
        int code = u8(cdb, 1) & 0x0F;
        if (code != Cdb.Space.BLOCKS && code != Cdb.Space.FILEMARKS && code != Cdb.Space.END_OF_DATA) {
            return reject(Failure.invalidFieldInCdb(1, 3));
        }
        long count = u24(cdb, 2);
        if ((count & 0x80_0000) != 0) {
            count -= 0x100_0000;
        }
        return ok(new Cdb.Space(Opcodes.SPACE_6, code, count));
    }

    /** SSC-3 SPACE(16): CODE byte 1 bits 3-0, COUNT bytes 4-11 signed (PARAMETER LENGTH must be 0: no parameter data). */
    public static Decoded space16(byte[] cdb) {
        int code = u8(cdb, 1) & 0x0F;
        if (code != Cdb.Space.BLOCKS && code != Cdb.Space.FILEMARKS && code != Cdb.Space.END_OF_DATA) {
            return reject(Failure.invalidFieldInCdb(1, 3));
        }
        if (u16(cdb, 12) != 0) {
            return reject(Failure.invalidFieldInCdb(12, 7));
        }
        return ok(new Cdb.Space(Opcodes.SPACE_16, code, u64(cdb, 4)));
    }

    public static Decoded rewind(byte[] cdb) {
        return ok(new Cdb.Rewind(bit(cdb, 1, 0)));
    }

    /** SSC-3 LOAD UNLOAD: IMMED byte 1 bit 0; HOLD byte 4 bit 3, EOT bit 2, RETEN bit 1, LOAD bit 0. */
    public static Decoded loadUnload(byte[] cdb) {
        return ok(new Cdb.LoadUnload(bit(cdb, 1, 0), bit(cdb, 4, 3), bit(cdb, 4, 2), bit(cdb, 4, 1), bit(cdb, 4, 0)));
    }

    public static Decoded erase(byte[] cdb) {
        return ok(new Cdb.Erase(bit(cdb, 1, 1), bit(cdb, 1, 0)));
    }

    /** SSC-3 READ POSITION: SERVICE ACTION byte 1 bits 4-0 (00h, 01h, 06h, 08h), ALLOCATION LENGTH bytes 7-8. */
    public static Decoded readPosition(byte[] cdb) {
        int sa = u8(cdb, 1) & 0x1F;
        if (sa != 0x00 && sa != 0x01 && sa != 0x06 && sa != 0x08) {
            return reject(Failure.invalidFieldInCdb(1, 4));
        }
        if (sa < 0x06 && u16(cdb, 7) != 0) {
            return reject(Failure.invalidFieldInCdb(7, 7)); // the short form has no allocation length
        }
        return ok(new Cdb.ReadPosition(sa, u16(cdb, 7)));
    }

    /** SSC-3 LOCATE(10): BT byte 1 bit 2, CP bit 1, IMMED bit 0; LOGICAL OBJECT IDENTIFIER bytes 3-6; PARTITION byte 8. */
    public static Decoded locate10(byte[] cdb) {
        return ok(new Cdb.Locate(Opcodes.LOCATE_10, bit(cdb, 1, 0), bit(cdb, 1, 1), u8(cdb, 8), Cdb.Locate.OBJECT,
                u32(cdb, 3)));
    }

    /** SSC-3 LOCATE(16): DEST_TYPE byte 1 bits 5-3 (0, 1, 3), CP bit 1, IMMED bit 0; PARTITION byte 3; bytes 4-11. */
    public static Decoded locate16(byte[] cdb) {
        int dest = (u8(cdb, 1) >>> 3) & 0x07;
        if (dest != Cdb.Locate.OBJECT && dest != Cdb.Locate.FILE && dest != Cdb.Locate.END_OF_DATA) {
            return reject(Failure.invalidFieldInCdb(1, 5));
        }
        return ok(new Cdb.Locate(Opcodes.LOCATE_16, bit(cdb, 1, 0), bit(cdb, 1, 1), u8(cdb, 3), dest, u64(cdb, 4)));
    }

    /** SSC-3 REPORT DENSITY SUPPORT: MEDIUM TYPE byte 1 bit 1, MEDIA bit 0, ALLOCATION LENGTH bytes 7-8. */
    public static Decoded reportDensitySupport(byte[] cdb) {
        return ok(new Cdb.ReportDensitySupport(bit(cdb, 1, 0), bit(cdb, 1, 1), u16(cdb, 7)));
    }

    /**
     * SPC-5 6.18 READ ATTRIBUTE: SERVICE ACTION byte 1 bits 4-0 (00h, 01h, 03h, 05h), PARTITION NUMBER
     * byte 7, FIRST ATTRIBUTE IDENTIFIER bytes 8-9, ALLOCATION LENGTH bytes 10-13; one volume (byte 5).
     */
    public static Decoded readAttribute(byte[] cdb) {
        int sa = u8(cdb, 1) & 0x1F;
        if (sa != 0x00 && sa != 0x01 && sa != 0x03 && sa != 0x05) {
            return reject(Failure.invalidFieldInCdb(1, 4));
        }
        if (u8(cdb, 5) != 0) {
            return reject(Failure.invalidFieldInCdb(5, 7)); // LOGICAL VOLUME NUMBER: one volume
        }
        return ok(new Cdb.ReadAttribute(sa, u8(cdb, 7), u16(cdb, 8), u32(cdb, 10)));
    }

    // ---- SMC-3 ----

    public static Decoded initializeElementStatus(byte[] cdb) {
        return ok(new Cdb.InitializeElementStatus(Opcodes.INITIALIZE_ELEMENT_STATUS, false, 0, 0));
    }

    /** SMC-3: FAST byte 1 bit 1, RANGE bit 0, STARTING ELEMENT ADDRESS bytes 2-3, NUMBER OF ELEMENTS bytes 6-7. */
    public static Decoded initializeElementStatusWithRange(byte[] cdb) {
        return ok(new Cdb.InitializeElementStatus(Opcodes.INITIALIZE_ELEMENT_STATUS_WITH_RANGE, bit(cdb, 1, 0),
                u16(cdb, 2), u16(cdb, 6)));
    }

    /** SMC-3: TRANSPORT ELEMENT ADDRESS bytes 2-3, DESTINATION ADDRESS 4-5, INVERT byte 8 bit 0 (refused). */
    public static Decoded positionToElement(byte[] cdb) {
        if (bit(cdb, 8, 0)) {
            return reject(Failure.invalidFieldInCdb(8, 0));
        }
        return ok(new Cdb.PositionToElement(u16(cdb, 2), u16(cdb, 4)));
    }

    /** SMC-3: TRANSPORT 2-3, SOURCE 4-5, DESTINATION 6-7, INVERT byte 10 bit 0 (refused: no two-sided media). */
    public static Decoded moveMedium(byte[] cdb) {
        if (bit(cdb, 10, 0)) {
            return reject(Failure.invalidFieldInCdb(10, 0));
        }
        return ok(new Cdb.MoveMedium(u16(cdb, 2), u16(cdb, 4), u16(cdb, 6)));
    }

    /** SMC-3: TRANSPORT 2-3, SOURCE 4-5, FIRST DESTINATION 6-7, SECOND DESTINATION 8-9, INV1 byte 10 bit 1, INV2 bit 0 (refused). */
    public static Decoded exchangeMedium(byte[] cdb) {
        if ((u8(cdb, 10) & 0x03) != 0) {
            return reject(Failure.invalidFieldInCdb(10, bit(cdb, 10, 1) ? 1 : 0));
        }
        return ok(new Cdb.ExchangeMedium(u16(cdb, 2), u16(cdb, 4), u16(cdb, 6), u16(cdb, 8)));
    }

    /**
     * SMC-3 READ ELEMENT STATUS: VOLTAG byte 1 bit 4, ELEMENT TYPE CODE bits 3-0 (0-4), STARTING ELEMENT
     * ADDRESS 2-3, NUMBER OF ELEMENTS 4-5, CURDATA byte 6 bit 1, DVCID bit 0, ALLOCATION LENGTH 7-9.
     */
    public static Decoded readElementStatus(byte[] cdb) {
        int type = u8(cdb, 1) & 0x0F;
        if (type > 4) {
            return reject(Failure.invalidFieldInCdb(1, 3));
        }
        return ok(new Cdb.ReadElementStatus(bit(cdb, 1, 4), type, u16(cdb, 2), u16(cdb, 4), bit(cdb, 6, 1),
                bit(cdb, 6, 0), u24(cdb, 7)));
    }

    /** SMC-3 OPEN/CLOSE IMPORT/EXPORT ELEMENT: ELEMENT ADDRESS 2-3, ACTION CODE byte 4 bits 4-0 (0 open, 1 close). */
    public static Decoded openCloseImportExport(byte[] cdb) {
        int action = u8(cdb, 4) & 0x1F;
        if (action > 1) {
            return reject(Failure.invalidFieldInCdb(4, 4));
        }
        return ok(new Cdb.OpenCloseImportExport(u16(cdb, 2), action));
    }
}
