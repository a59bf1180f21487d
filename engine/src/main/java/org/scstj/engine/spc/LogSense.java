package org.scstj.engine.spc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;

/**
 * SPC-5 6.11 LOG SENSE and the log pages of a virtual disk (SPC-5 7.3, SBC-4 6.4).
 *
 * <p>Pages: Supported Log Pages (00h/00h), Supported Log Pages and Subpages (00h/FFh), Supported
 * Subpages (xxh/FFh) of each page; Logical Block Provisioning (0Ch/00h) on a thin-provisioned LU;
 * Informational Exceptions (2Fh/00h), which never reports an exception (scstj has no failure
 * prediction) nor a temperature (FFh: no sensor). There is no Temperature page (0Dh): a file has
 * no temperature.
 *
 * <p>Logical Block Provisioning parameters (SBC-4 6.4.x): Available (0001h) and Used (0002h) LBA
 * Mapping Resource Count, from {@link BlockDevice#provisioning}. The RESOURCE COUNT is a number of
 * threshold sets of 2^THRESHOLD EXPONENT LBAs; the Logical Block Provisioning VPD page reports
 * THRESHOLD EXPONENT 0 (no thresholds), so the unit is one LBA, and a count that does not fit in
 * 32 bits reads FFFFFFFFh. SCOPE 10b when the free space is shared (a file system), else 01b.
 *
 * <p>CDB checks: PPC (no parameter-change tracking) and SP (no saved parameters) are INVALID FIELD
 * IN CDB through the usage mask; an unknown PAGE CODE points at byte 2 bit 5, an unknown SUBPAGE
 * CODE at byte 3 bit 7; a PARAMETER POINTER above the page's largest parameter code (or not 0 for a
 * list of pages, which has none) at byte 5. No parameter is resettable or has thresholds: every
 * PAGE CONTROL value reports the current values. The page is cut to ALLOCATION LENGTH without
 * error (SPC-5 4.2.5.6); the PAGE LENGTH still tells the whole length.
 */
public final class LogSense {
    public static final int SUPPORTED_PAGES = 0x00;
    public static final int LOGICAL_BLOCK_PROVISIONING = 0x0C;
    public static final int INFORMATIONAL_EXCEPTIONS = 0x2F;
    /** SSC-3 8.2.3 Sequential-Access Device (a tape drive's 0Ch, where a disk has Logical Block Provisioning). */
    public static final int SEQUENTIAL_ACCESS_DEVICE = 0x0C;
    /** SSC-3 8.2.? TapeAlert (2Eh): 64 flags. */
    public static final int TAPE_ALERT = 0x2E;
    /** SUBPAGE CODE FFh: the supported subpages. */
    public static final int ALL_SUBPAGES = 0xFF;

    /** SPC-5 7.3.2.2.2.5 PARAMETER CONTROL BYTE of a binary format list parameter: TSD, FORMAT AND LINKING 11b. */
    private static final int BINARY_LIST = 0x23;
    /** Page byte 0 DS (disable save, SPC-5 7.3.2.1): the parameters are never saved. */
    private static final int DS = 0x80;
    private static final int SPF = 0x40;

    private LogSense() {
    }

    /** What the CDB asks for: a page, or why it is refused. */
    sealed interface Answer permits Page, Refused {
    }

    /** A whole log page, before ALLOCATION LENGTH cuts it. */
    record Page(byte[] bytes) implements Answer {
    }

    record Refused(Failure failure) implements Answer {
    }

    public static ScsiResponse execute(Cdb.LogSense cdb, ExecContext ctx) {
        boolean descriptor = ctx.lu().descriptorSense();
        Answer answer;
        try {
            answer = page(cdb, ctx.lu().device());
        } catch (UncheckedIOException e) {
            return Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(descriptor);
        }
        return switch (answer) {
            case Refused r -> r.failure().toResponse(descriptor);
            case Page p -> AllocationLength.respond(p.bytes(), p.bytes().length, cdb.allocationLength(),
                    ctx.task().expectedDataTransferLength());
        };
    }

    /** The log page the CDB asks for, or the failure refusing it. */
    static Answer page(Cdb.LogSense cdb, BlockDevice device) {
        int[] pages = supportedPages(device);
        int code = cdb.pageCode();
        if (java.util.Arrays.stream(pages).noneMatch(p -> p == code)) {
            return invalid(2, 5);
        }
        if (cdb.subpageCode() == ALL_SUBPAGES) {
            if (cdb.parameterPointer() != 0) {
                return invalid(5, 7);
            }
            return new Page(code == SUPPORTED_PAGES ? supportedPagesAndSubpages(pages) : supportedSubpages(code));
        }
        if (cdb.subpageCode() != 0) {
            return invalid(3, 7);
        }
        return switch (code) {
            case SUPPORTED_PAGES -> cdb.parameterPointer() != 0 ? invalid(5, 7)
                    : new Page(supportedPagesPage(pages));
            case LOGICAL_BLOCK_PROVISIONING -> device.peripheralDeviceType() == BlockDevice.TAPE
                    ? parameters(SEQUENTIAL_ACCESS_DEVICE, sequentialAccessDevice(device), cdb.parameterPointer())
                    : parameters(LOGICAL_BLOCK_PROVISIONING, logicalBlockProvisioning(device), cdb.parameterPointer());
            case TAPE_ALERT -> parameters(TAPE_ALERT, tapeAlert(), cdb.parameterPointer());
            case INFORMATIONAL_EXCEPTIONS -> parameters(INFORMATIONAL_EXCEPTIONS,
                    informationalExceptions(), cdb.parameterPointer());
            default -> throw new IllegalStateException("page " + code);
        };
    }

    /** The pages this LU has, ascending (SPC-5 7.3.18: the list includes 00h itself). */
    static int[] supportedPages(BlockDevice device) {
        if (device.peripheralDeviceType() == BlockDevice.TAPE) {
            return new int[] {SUPPORTED_PAGES, SEQUENTIAL_ACCESS_DEVICE, TAPE_ALERT, INFORMATIONAL_EXCEPTIONS};
        }
        return device.capabilities().thinProvisioned()
                ? new int[] {SUPPORTED_PAGES, LOGICAL_BLOCK_PROVISIONING, INFORMATIONAL_EXCEPTIONS}
                : new int[] {SUPPORTED_PAGES, INFORMATIONAL_EXCEPTIONS};
    }

    /** SPC-5 7.3.18 Supported Log Pages: one byte per page code. */
    private static byte[] supportedPagesPage(int[] pages) {
        byte[] p = header(SUPPORTED_PAGES, 0, 0, pages.length);
        for (int i = 0; i < pages.length; i++) {
            p[4 + i] = (byte) pages[i];
        }
        return p;
    }

    /** SPC-5 7.3.19 Supported Log Pages and Subpages (00h/FFh): every page with subpage 00h, and 00h/FFh. */
    private static byte[] supportedPagesAndSubpages(int[] pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int page : pages) {
            out.write(page);
            out.write(0);
            if (page == SUPPORTED_PAGES) {
                out.write(SUPPORTED_PAGES);
                out.write(ALL_SUBPAGES);
            }
        }
        return withHeader(SUPPORTED_PAGES, SPF, ALL_SUBPAGES, out.toByteArray());
    }

    /** SPC-5 7.3.20 Supported Subpages (xxh/FFh) of a page that has only subpage 00h. */
    private static byte[] supportedSubpages(int page) {
        return withHeader(page, SPF, ALL_SUBPAGES, new byte[] {(byte) page, 0, (byte) page, (byte) ALL_SUBPAGES});
    }

    /**
     * SBC-4 6.4 Logical Block Provisioning log page parameters: Available (0001h) and Used (0002h)
     * LBA Mapping Resource Count, each PARAMETER LENGTH 08h: RESOURCE COUNT, then SCOPE.
     */
    private static byte[][] logicalBlockProvisioning(BlockDevice device) {
        BlockDevice.Provisioning p = device.provisioning();
        int scope = p.shared() ? 0b10 : 0b01;
        long capacity = device.blockCount();
        long used = Math.min(capacity, Math.max(0, p.usedBytes()) / device.blockSize());
        long available = Math.min(capacity - used, Math.max(0, p.availableBytes()) / device.blockSize());
        return new byte[][] {resourceCount(0x0001, available, scope), resourceCount(0x0002, used, scope)};
    }

    /**
     * SSC-3 8.2.3 Sequential-Access Device parameters the drive knows without counters: 0004h the
     * native capacity from the beginning of the partition to end of data, 0005h to early warning (both
     * in MB, 10^6 bytes), and 0100h CLEANING REQUIRED 0 (a file needs no cleaning). An empty drive
     * reports 0 capacities.
     */
    private static byte[][] sequentialAccessDevice(BlockDevice device) {
        org.scstj.engine.spi.TapeMedium medium = device.tape();
        long used = medium == null ? 0 : medium.usedBytes() / 1_000_000;
        long early = medium == null ? 0 : Math.max(0, medium.capacityBytes()
                - Math.max(medium.capacityBytes() / 64, 1L << 20)) / 1_000_000;
        return new byte[][] {counter(0x0004, used), counter(0x0005, early),
                {0x01, 0x00, (byte) BINARY_LIST, 0x01, 0x00}};
    }

    private static byte[] counter(int code, long value) {
        byte[] b = new byte[8];
        put16(b, 0, code);
        b[2] = 0x00;                                  // bounded data counter
        b[3] = 0x04;
        put32(b, 4, Math.min(value, 0xFFFF_FFFFL));
        return b;
    }

    /** SSC-3 TapeAlert: flags 0001h to 0040h, each one byte, all clear (nothing to warn of on a virtual drive). */
    private static byte[][] tapeAlert() {
        byte[][] flags = new byte[64][];
        for (int i = 0; i < 64; i++) {
            flags[i] = new byte[] {0, (byte) (i + 1), (byte) BINARY_LIST, 0x01, 0x00};
        }
        return flags;
    }

    private static byte[] resourceCount(int code, long count, int scope) {
        byte[] b = new byte[12];
        put16(b, 0, code);
        b[2] = (byte) BINARY_LIST;
        b[3] = 0x08;
        put32(b, 4, Math.min(count, 0xFFFF_FFFFL));
        b[8] = (byte) scope;
        return b;
    }

    /**
     * SPC-5 7.3.8 Informational Exceptions general parameter (0000h), PARAMETER LENGTH 04h:
     * INFORMATIONAL EXCEPTION ADDITIONAL SENSE CODE and QUALIFIER 0 (none pending), MOST RECENT
     * TEMPERATURE READING FFh (no valid temperature).
     */
    private static byte[][] informationalExceptions() {
        return new byte[][] {{0x00, 0x00, (byte) BINARY_LIST, 0x04, 0x00, 0x00, (byte) 0xFF, 0x00}};
    }

    /**
     * A page of parameters (ascending parameter codes) from PARAMETER POINTER on; a pointer above
     * the largest code is INVALID FIELD IN CDB (SPC-5 6.11).
     */
    private static Answer parameters(int page, byte[][] parameters, int pointer) {
        int largest = code(parameters[parameters.length - 1]);
        if (pointer > largest) {
            return invalid(5, 7);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] parameter : parameters) {
            if (code(parameter) >= pointer) {
                out.write(parameter, 0, parameter.length);
            }
        }
        return new Page(withHeader(page, DS, 0, out.toByteArray()));
    }

    private static Refused invalid(int byteOffset, int bit) {
        return new Refused(Failure.invalidFieldInCdb(byteOffset, bit));
    }

    private static int code(byte[] parameter) {
        return (parameter[0] & 0xFF) << 8 | (parameter[1] & 0xFF);
    }

    private static byte[] withHeader(int page, int flags, int subpage, byte[] body) {
        byte[] p = header(page, flags, subpage, body.length);
        System.arraycopy(body, 0, p, 4, body.length);
        return p;
    }

    /** SPC-5 7.3.2.1 log page header: DS, SPF, PAGE CODE, SUBPAGE CODE, PAGE LENGTH. */
    private static byte[] header(int page, int flags, int subpage, int length) {
        byte[] p = new byte[4 + length];
        p[0] = (byte) (flags | page);
        p[1] = (byte) subpage;
        put16(p, 2, length);
        return p;
    }
}
