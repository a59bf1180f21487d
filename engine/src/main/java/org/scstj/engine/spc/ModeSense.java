package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.DiscProfile;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.11 MODE SENSE(6) and 6.12 MODE SENSE(10) for a direct-access block device: mode
 * parameter header (SPC-5 7.5.5), an optional block descriptor (SBC-4 6.5.2), and the pages
 * Read-Write Error Recovery (SBC-4 6.5.9), Caching (SBC-4 6.5.5), Control (SPC-5 7.5.8) and
 * Informational Exceptions Control (SPC-5 7.5.14). Current values are the LU's
 * {@link org.scstj.engine.lu.ModeParameters}; {@link ModeSelect} may change WCE (when the device
 * has a write-back cache), D_SENSE and SWP, which the changeable values report. Saved values
 * (PC 11b, SPC-5 6.11.1): the Caching and Control pages are savable (PS 1) when the LU keeps
 * them in its state directory, and PC 11b reports what was saved (the defaults before any save);
 * the other two pages have nothing changeable and report their only values. An LU without saved
 * values answers PC 11b with SAVING PARAMETERS NOT SUPPORTED 39/00.
 *
 * <p>A CD/DVD device (MMC-6 7.2) has Read-Write Error Recovery, Control, Power Condition (SPC-5
 * 7.5.13) and the CD/DVD Capabilities and Mechanical Status page (MMC-3 6.3.11, which Linux's sr
 * reads to learn that the drive locks and ejects), no block descriptor and a reserved
 * DEVICE-SPECIFIC PARAMETER.
 */
public final class ModeSense {
    public static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    public static final int CACHING = 0x08;
    public static final int CONTROL = 0x0A;
    public static final int INFORMATIONAL_EXCEPTIONS = 0x1C;
    /** SPC-5 7.5.13 Power Condition (a CD/DVD device's: MMC-6 7.2 lists it). */
    public static final int POWER_CONDITION = 0x1A;
    /** MMC-3 6.3.11 CD/DVD Capabilities and Mechanical Status (obsolete in MMC-6, still read by Linux's sr and Windows). */
    public static final int CD_CAPABILITIES = 0x2A;
    /** SSC-3 8.3.2 Data Compression, 8.3.3 Device Configuration, 8.3.4 Medium Partition (a tape drive's). */
    public static final int DATA_COMPRESSION = 0x0F;
    public static final int DEVICE_CONFIGURATION = 0x10;
    public static final int MEDIUM_PARTITION = 0x11;
    /** SMC-3 7.3.3 Element Address Assignment, 7.3.4 Transport Geometry Parameters, 7.3.2 Device Capabilities (a changer's). */
    public static final int ELEMENT_ADDRESS_ASSIGNMENT = 0x1D;
    public static final int TRANSPORT_GEOMETRY = 0x1E;
    public static final int DEVICE_CAPABILITIES = 0x1F;
    public static final int ALL_PAGES = 0x3F;
    /**
     * SPC-5 7.5.1 (table "Mode page codes"): page 00h is vendor-specific. A tape drive answers it
     * with the header and the block descriptor only, no page: how SSC drives are asked for the
     * density, block length and write protection (Linux's st sends MODE SENSE(6) page 00h with
     * ALLOCATION LENGTH 12 whenever it opens the drive).
     */
    public static final int TAPE_NO_PAGE = 0x00;

    public static final int PC_CURRENT = 0;
    public static final int PC_CHANGEABLE = 1;
    public static final int PC_DEFAULT = 2;
    public static final int PC_SAVED = 3;

    private static final int[] DISK_PAGES = {READ_WRITE_ERROR_RECOVERY, CACHING, CONTROL, INFORMATIONAL_EXCEPTIONS};
    private static final int[] CD_DVD_PAGES = {READ_WRITE_ERROR_RECOVERY, CONTROL, POWER_CONDITION, CD_CAPABILITIES};
    private static final int[] CHANGER_PAGES = {CONTROL, ELEMENT_ADDRESS_ASSIGNMENT, TRANSPORT_GEOMETRY,
            DEVICE_CAPABILITIES};
    private static final int[] TAPE_PAGES = {READ_WRITE_ERROR_RECOVERY, CONTROL, DATA_COMPRESSION, DEVICE_CONFIGURATION,
            MEDIUM_PARTITION};

    /** The pages of the LU's device type, in page-code order (MODE SENSE's order for page 3Fh). */
    static int[] pages(LuContext lu) {
        return switch (lu.device().peripheralDeviceType()) {
            case BlockDevice.CD_DVD -> CD_DVD_PAGES;
            case BlockDevice.TAPE -> TAPE_PAGES;
            case BlockDevice.MEDIUM_CHANGER -> CHANGER_PAGES;
            default -> DISK_PAGES;
        };
    }

    private ModeSense() {
    }

    public static ScsiResponse execute(Cdb.ModeSense cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        Failure invalid = validate(cdb, lu);
        if (invalid != null) {
            return invalid.toResponse(lu.descriptorSense());
        }
        byte[] data = parameterData(cdb, lu);
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** An unknown page (byte 2) or a subpage other than 00h / FFh (byte 3) is INVALID FIELD IN CDB. */
    static Failure validate(Cdb.ModeSense cdb, int[] pages) {
        if (cdb.pageCode() != ALL_PAGES && !known(cdb.pageCode(), pages)) {
            return Failure.invalidFieldInCdb(2, 5);
        }
        if (cdb.subpageCode() != 0x00 && cdb.subpageCode() != 0xFF) {
            return Failure.invalidFieldInCdb(3, 7);
        }
        return null;
    }

    /** SPC-5 6.11.1: saved values asked of an LU that has none. A tape drive's page 00h: {@link #TAPE_NO_PAGE}. */
    static Failure validate(Cdb.ModeSense cdb, LuContext lu) {
        if (cdb.pageControl() == PC_SAVED && !lu.mode().savable()) {
            return new Failure(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, FieldPointer.cdb(2, 7), false, 0);
        }
        if (cdb.pageCode() == TAPE_NO_PAGE && lu.device().peripheralDeviceType() == BlockDevice.TAPE) {
            return cdb.subpageCode() == 0x00 ? null : Failure.invalidFieldInCdb(3, 7);
        }
        return validate(cdb, pages(lu));
    }

    /** Whether the LU has mode page {@code page}. */
    static boolean known(int page, LuContext lu) {
        return known(page, pages(lu));
    }

    private static boolean known(int page, int[] pages) {
        for (int p : pages) {
            if (p == page) {
                return true;
            }
        }
        return false;
    }

    /** The whole mode parameter data, before allocation-length truncation. */
    public static byte[] parameterData(Cdb.ModeSense cdb, LuContext lu) {
        boolean ten = cdb.opcode() == Opcodes.MODE_SENSE_10;
        boolean longLba = ten && cdb.llbaa();
        int headerLength = ten ? 8 : 4;
        boolean cdDvd = lu.device().peripheralDeviceType() == BlockDevice.CD_DVD;
        // MMC-6 7.2: a CD/DVD device returns no block descriptor, and its DEVICE-SPECIFIC PARAMETER is reserved
        int descriptorLength = cdb.dbd() || cdDvd ? 0 : longLba ? 16 : 8;
        int pagesLength = 0;
        int[] pages = pages(lu);
        for (int p : pages) {
            if (cdb.pageCode() == ALL_PAGES || cdb.pageCode() == p) {
                pagesLength += pageLength(p);
            }
        }
        byte[] d = new byte[headerLength + descriptorLength + pagesLength];
        // SBC-4 6.5.1 DEVICE-SPECIFIC PARAMETER: WP (bit 7), DPOFUA (bit 4)
        boolean tape = lu.device().peripheralDeviceType() == BlockDevice.TAPE;
        // SSC-3 8.3.1: WP, BUFFERED MODE 000b (every write is on the medium before GOOD), SPEED 0
        int deviceSpecific = cdDvd ? 0 : tape ? (lu.writeProtected() ? 0x80 : 0) : (lu.writeProtected() ? 0x80 : 0) | 0x10;
        if (ten) {
            put16(d, 0, d.length - 2);
            d[3] = (byte) deviceSpecific;
            d[4] = (byte) (longLba ? 0x01 : 0);   // LONGLBA
            put16(d, 6, descriptorLength);
        } else {
            d[0] = (byte) (d.length - 1);
            d[2] = (byte) deviceSpecific;
            d[3] = (byte) descriptorLength;
        }
        int at = headerLength;
        if (descriptorLength > 0 && cdb.pageControl() != PC_CHANGEABLE) {
            if (tape) {
                tapeBlockDescriptor(d, at, lu);
            } else {
                blockDescriptor(d, at, longLba, lu.device());
            }
        }
        at += descriptorLength;
        for (int p : pages) {
            if (cdb.pageCode() == ALL_PAGES || cdb.pageCode() == p) {
                page(d, at, p, cdb.pageControl(), lu);
                at += pageLength(p);
            }
        }
        return d;
    }

    /**
     * SSC-3 8.3.3 block descriptor: DENSITY CODE (the drive's), NUMBER OF BLOCKS 0 (the rest of the
     * medium), BLOCK LENGTH the fixed-block mode's (0: variable-block mode).
     */
    private static void tapeBlockDescriptor(byte[] d, int at, LuContext lu) {
        d[at] = (byte) org.scstj.engine.lu.TapeState.DENSITY;
        int blockLength = lu.unit().tape() == null ? 0 : lu.unit().tape().blockLength();
        d[at + 5] = (byte) (blockLength >>> 16);
        d[at + 6] = (byte) (blockLength >>> 8);
        d[at + 7] = (byte) blockLength;
    }

    /** SBC-4 6.5.2.2 short LBA / 6.5.2.3 long LBA mode parameter block descriptor. */
    private static void blockDescriptor(byte[] d, int at, boolean longLba, BlockDevice device) {
        long blocks = device.blockCount();
        if (longLba) {
            put64(d, at, blocks);
            put32(d, at + 12, device.blockSize());
        } else {
            put32(d, at, Math.min(blocks, 0xFFFF_FFFFL));
            put32(d, at + 4, device.blockSize()); // byte 4 reserved, 5..7 LOGICAL BLOCK LENGTH
            d[at + 4] = 0;
        }
    }

    static int pageLength(int page) {
        return switch (page) {
            case CACHING -> 20;
            case POWER_CONDITION -> 40;                       // PAGE LENGTH 26h
            case CD_CAPABILITIES -> 30;                       // PAGE LENGTH 1Ch, no write speed descriptors
            case DATA_COMPRESSION, DEVICE_CONFIGURATION -> 16; // PAGE LENGTH 0Eh
            case MEDIUM_PARTITION -> 10;                       // PAGE LENGTH 08h: one partition size descriptor
            case ELEMENT_ADDRESS_ASSIGNMENT, DEVICE_CAPABILITIES -> 20; // PAGE LENGTH 12h
            case TRANSPORT_GEOMETRY -> 4;                      // PAGE LENGTH 02h: one transport
            default -> 12;
        };
    }

    /** One page (bytes 0..length-1) as MODE SENSE returns it for page control {@code pc}. */
    static byte[] page(int page, int pc, LuContext lu) {
        byte[] d = new byte[pageLength(page)];
        page(d, 0, page, pc, lu);
        return d;
    }

    private static void page(byte[] d, int at, int page, int pc, LuContext lu) {
        boolean savable = lu.mode().savable() && (page == CACHING || page == CONTROL);
        d[at] = (byte) (page | (savable ? 0x80 : 0)); // PS, SPF 0
        d[at + 1] = (byte) (pageLength(page) - 2);
        boolean current = pc == PC_CURRENT;
        boolean saved = pc == PC_SAVED;
        switch (page) {
            case CACHING -> {
                // SBC-4 6.5.5: WCE bit 2 (changeable when the device has a write-back cache);
                // RCD 0 (read cache enabled)
                boolean wce = switch (pc) {
                    case PC_CHANGEABLE -> lu.mode().writeBackDefault();
                    case PC_CURRENT -> lu.mode().writeCacheEnabled();
                    case PC_SAVED -> lu.mode().saved().wce();
                    default -> lu.mode().writeBackDefault();
                };
                if (wce) {
                    d[at + 2] = 0x04;
                }
            }
            case CONTROL -> {
                // SPC-5 7.5.8: TST 000b, D_SENSE bit 2 (changeable); QUEUE ALGORITHM MODIFIER 1
                // (unrestricted), QERR 00b; SWP byte 4 bit 3 and UA_INTLCK_CTRL bits 5-4 (changeable); BUSY TIMEOUT PERIOD
                // FFFFh (unlimited)
                if (pc == PC_CHANGEABLE) {
                    d[at + 2] = 0x04;
                    d[at + 4] = 0x08 | 0x30;          // SWP, UA_INTLCK_CTRL
                    return;
                }
                if (current && lu.descriptorSense() || saved && lu.mode().saved().dSense()) {
                    d[at + 2] = 0x04;
                }
                if (current && lu.mode().softwareWriteProtect() || saved && lu.mode().saved().swp()) {
                    d[at + 4] = 0x08;
                }
                int uaInterlock = current ? lu.mode().uaInterlock() : saved ? lu.mode().saved().uaInterlock() : 0;
                d[at + 4] |= (byte) (uaInterlock << 4);
                d[at + 3] = 0x10;
                put16(d, at + 8, 0xFFFF);
            }
            case CD_CAPABILITIES -> {
                if (pc == PC_CHANGEABLE) {
                    return;
                }
                // MMC-3 6.3.11: reads CD-ROM (implied) and DVD-ROM (byte 2 bit 3), writes nothing (byte 3);
                // MODE 2 FORM 1 (byte 4 bit 4); LOCK, LOCK STATE (now: some nexus prevents removal), EJECT,
                // LOADING MECHANISM TYPE 001b tray (byte 6); maximum and current read speed in kB/s
                d[at + 2] = 0x08;
                d[at + 4] = 0x10;
                boolean locked = current && lu.medium().removalPrevented();
                d[at + 6] = (byte) (0x20 | 0x08 | (locked ? 0x02 : 0) | 0x01);
                int speed = DiscProfile.readSpeed(lu.medium().present(), lu.device().blockCount());
                put16(d, at + 8, speed);                      // MAXIMUM READ SPEED SUPPORTED (obsolete)
                put16(d, at + 14, speed);                     // CURRENT READ SPEED SELECTED (obsolete)
            }
            case DEVICE_CONFIGURATION -> {
                if (pc == PC_CHANGEABLE) {
                    return;
                }
                // SSC-3 8.3.3: LOIS (logical object identifiers supported); EEG (end of data is
                // generated) and SEW (objects are on the medium at early warning)
                d[at + 8] = 0x40;
                d[at + 10] = 0x18;
            }
            case ELEMENT_ADDRESS_ASSIGNMENT -> {
                if (pc == PC_CHANGEABLE) {
                    return;
                }
                // SMC-3 7.3.3: first address and number of each element type, transport, storage, import/export, data transfer
                int[] first = new int[5];
                int[] count = new int[5];
                java.util.Arrays.fill(first, -1);
                for (org.scstj.engine.spi.MediumChanger.Element e : lu.device().changer().elements()) {
                    int t = e.type().code();
                    if (first[t] < 0) {
                        first[t] = e.address();
                    }
                    count[t]++;
                }
                for (int t = 1; t <= 4; t++) {
                    put16(d, at + 2 + (t - 1) * 4, Math.max(first[t], 0));
                    put16(d, at + 4 + (t - 1) * 4, count[t]);
                }
            }
            case DEVICE_CAPABILITIES -> {
                if (pc == PC_CHANGEABLE) {
                    return;
                }
                // SMC-3 7.3.2: cartridges rest in storage, import/export and data transfer elements
                // (STORST, STORI/E, STORDT); from each of those to each of them, moves and exchanges
                d[at + 2] = 0x0E;
                for (int i = 5; i <= 7; i++) {
                    d[at + i] = 0x0E;                           // ST, I/E, DT -> ST, I/E, DT
                    d[at + i + 8] = 0x0E;
                }
            }
            case MEDIUM_PARTITION -> {
                if (pc == PC_CHANGEABLE) {
                    return;
                }
                // SSC-3 8.3.4: no additional partitions; MEDIUM FORMAT RECOGNITION 03h (format and partitions)
                d[at + 5] = 0x03;
            }
            default -> {
                // Read-Write Error Recovery, Informational Exceptions, Power Condition and Data
                // Compression (DCC 0: the drive does not compress) (no idle or
                // standby timer: a virtual LU stays active): all zeros, none changeable
            }
        }
    }
}
