package org.scstj.engine.xcopy;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.lu.CopyManager;

import java.io.ByteArrayOutputStream;

/**
 * The Third-party Copy VPD page 8Fh (SPC-4, SPC-5) for the EXTENDED COPY(LID1) copy
 * manager: Supported Commands (0001h), Parameter Data (0004h), Supported Descriptors (0008h),
 * Supported CSCD Descriptor IDs (000Ch, none: segments address CSCD descriptors by index only)
 * and General Copy Operations (8001h). The numbers are those {@link ExtendedCopy} enforces and
 * RECEIVE COPY RESULTS (OPERATING PARAMETERS) reports. No ROD token, held data or stream copy
 * descriptors: scstj supports none of them. Each descriptor is padded to a multiple of four bytes.
 */
public final class ThirdPartyCopyVpd {
    public static final int PAGE_CODE = 0x8F;

    static final int SUPPORTED_COMMANDS = 0x0001;
    static final int PARAMETER_DATA = 0x0004;
    static final int SUPPORTED_DESCRIPTORS = 0x0008;
    static final int SUPPORTED_CSCD_IDS = 0x000C;
    static final int GENERAL_COPY_OPERATIONS = 0x8001;

    private ThirdPartyCopyVpd() {
    }

    /** The page, the same for every block device LU. */
    public static byte[] page() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        descriptor(out, SUPPORTED_COMMANDS, supportedCommands());
        descriptor(out, PARAMETER_DATA, parameterData());
        descriptor(out, SUPPORTED_DESCRIPTORS, supportedDescriptors());
        descriptor(out, SUPPORTED_CSCD_IDS, new byte[2]); // SUPPORTED CSCD IDS LIST LENGTH 0
        descriptor(out, GENERAL_COPY_OPERATIONS, generalCopyOperations());
        byte[] body = out.toByteArray();
        byte[] p = new byte[4 + body.length];
        p[1] = (byte) PAGE_CODE;
        put16(p, 2, body.length);
        System.arraycopy(body, 0, p, 4, body.length);
        return p;
    }

    /**
     * Supported Commands third-party copy descriptor: EXTENDED COPY service action 00h, RECEIVE COPY RESULTS
     * service actions 00h, 03h, 04h (the rows of the command table).
     */
    private static byte[] supportedCommands() {
        byte[] list = {
                (byte) Opcodes.EXTENDED_COPY, 1, (byte) Opcodes.SA_EXTENDED_COPY_LID1,
                (byte) Opcodes.RECEIVE_COPY_RESULTS, 3, (byte) Opcodes.SA_COPY_STATUS,
                (byte) Opcodes.SA_OPERATING_PARAMETERS, (byte) Opcodes.SA_FAILED_SEGMENT_DETAILS};
        byte[] d = new byte[1 + list.length];
        d[0] = (byte) list.length; // COMMANDS SUPPORTED LIST LENGTH
        System.arraycopy(list, 0, d, 1, list.length);
        return d;
    }

    /** Parameter Data third-party copy descriptor: the EXTENDED COPY(LID1) parameter list limits. */
    private static byte[] parameterData() {
        byte[] d = new byte[28];
        put16(d, 4, ExtendedCopy.MAX_CSCD_DESCRIPTORS);
        put16(d, 6, ExtendedCopy.MAX_SEGMENT_DESCRIPTORS);
        put32(d, 8, ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH);
        put32(d, 12, ExtendedCopy.MAX_INLINE_DATA_LENGTH);
        return d;
    }

    /** Supported Descriptors third-party copy descriptor: the segment and CSCD descriptor type codes. */
    private static byte[] supportedDescriptors() {
        int[] codes = ExtendedCopy.SUPPORTED_DESCRIPTORS;
        byte[] d = new byte[1 + codes.length];
        d[0] = (byte) codes.length;
        for (int i = 0; i < codes.length; i++) {
            d[1 + i] = (byte) codes[i];
        }
        return d;
    }

    /** General Copy Operations third-party copy descriptor. */
    private static byte[] generalCopyOperations() {
        byte[] d = new byte[32];
        put32(d, 0, CopyManager.TOTAL_CONCURRENT_COPIES);  // TOTAL CONCURRENT COPIES
        put32(d, 4, CopyManager.TOTAL_CONCURRENT_COPIES);  // MAXIMUM IDENTIFIED CONCURRENT COPIES
        put32(d, 8, ExtendedCopy.MAX_SEGMENT_LENGTH);      // MAXIMUM SEGMENT LENGTH
        d[12] = (byte) ExtendedCopy.DATA_SEGMENT_GRANULARITY_LOG2;
        d[13] = 0;                                         // INLINE DATA GRANULARITY
        return d;
    }

    /** A third-party copy descriptor: type, length, then the body padded to a multiple of four. */
    private static void descriptor(ByteArrayOutputStream out, int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        byte[] d = new byte[4 + padded];
        put16(d, 0, type);
        put16(d, 2, padded);
        System.arraycopy(body, 0, d, 4, body.length);
        out.write(d, 0, d.length);
    }
}
