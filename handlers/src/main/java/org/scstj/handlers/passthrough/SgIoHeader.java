package org.scstj.handlers.passthrough;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct sg_io_hdr} of {@code <scsi/sg.h>} (the sg v3 interface) on a 64-bit Linux: the
 * argument of the SG_IO ioctl. The layout keeps C's alignment: four bytes of padding before
 * {@code usr_ptr} and at the end (88 bytes in all).
 */
final class SgIoHeader {
    private SgIoHeader() {
    }

    /** 'S': the sg v3 interface. */
    static final int INTERFACE_ID = 'S';

    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("interface_id"),
            JAVA_INT.withName("dxfer_direction"),
            JAVA_BYTE.withName("cmd_len"),
            JAVA_BYTE.withName("mx_sb_len"),
            JAVA_SHORT.withName("iovec_count"),
            JAVA_INT.withName("dxfer_len"),
            ADDRESS.withName("dxferp"),
            ADDRESS.withName("cmdp"),
            ADDRESS.withName("sbp"),
            JAVA_INT.withName("timeout"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("pack_id"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("usr_ptr"),
            JAVA_BYTE.withName("status"),
            JAVA_BYTE.withName("masked_status"),
            JAVA_BYTE.withName("msg_status"),
            JAVA_BYTE.withName("sb_len_wr"),
            JAVA_SHORT.withName("host_status"),
            JAVA_SHORT.withName("driver_status"),
            JAVA_INT.withName("resid"),
            JAVA_INT.withName("duration"),
            JAVA_INT.withName("info"),
            MemoryLayout.paddingLayout(4));

    /** The offset of a field, by its C name. */
    static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static final long INTERFACE_ID_AT = offset("interface_id");
    static final long DXFER_DIRECTION = offset("dxfer_direction");
    static final long CMD_LEN = offset("cmd_len");
    static final long MX_SB_LEN = offset("mx_sb_len");
    static final long DXFER_LEN = offset("dxfer_len");
    static final long DXFERP = offset("dxferp");
    static final long CMDP = offset("cmdp");
    static final long SBP = offset("sbp");
    static final long TIMEOUT = offset("timeout");
    static final long STATUS = offset("status");
    static final long SB_LEN_WR = offset("sb_len_wr");
    static final long HOST_STATUS = offset("host_status");
    static final long DRIVER_STATUS = offset("driver_status");
    static final long RESID = offset("resid");

    /** Fills the inputs of a zeroed header. */
    static void fill(MemorySegment h, int direction, MemorySegment cdb, MemorySegment sense, MemorySegment data,
                     int dataLength, int timeoutMs) {
        h.set(JAVA_INT, INTERFACE_ID_AT, INTERFACE_ID);
        h.set(JAVA_INT, DXFER_DIRECTION, direction);
        h.set(JAVA_BYTE, CMD_LEN, (byte) cdb.byteSize());
        h.set(JAVA_BYTE, MX_SB_LEN, (byte) sense.byteSize());
        h.set(JAVA_INT, DXFER_LEN, dataLength);
        h.set(ADDRESS, DXFERP, data);
        h.set(ADDRESS, CMDP, cdb);
        h.set(ADDRESS, SBP, sense);
        h.set(JAVA_INT, TIMEOUT, timeoutMs);
    }
}
