package org.scstj.engine.xcopy;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.CopyManager;
import org.scstj.engine.lu.CopyStatusTable;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-3 6.17 RECEIVE COPY RESULTS (SPC-4: RECEIVE COPY STATUS(LID1), RECEIVE COPY OPERATING
 * PARAMETERS, RECEIVE COPY FAILURE DETAILS(LID1)) for EXTENDED COPY(LID1): COPY STATUS (00h),
 * OPERATING PARAMETERS (03h) and FAILED SEGMENT DETAILS (04h), from the addressed LU's copy manager for the
 * requesting nexus ({@link CopyStatusTable}). RECEIVE DATA (01h) is not supported: no supported
 * segment descriptor holds data (its service action is INVALID FIELD IN CDB). Data are cut to the
 * ALLOCATION LENGTH (SPC-5 4.2.5.6).
 */
public final class ReceiveCopyResults {
    /** COPY STATUS parameter data, 12 bytes. */
    static final int COPY_STATUS_LENGTH = 12;
    /** OPERATING PARAMETERS up to the IMPLEMENTED DESCRIPTOR LIST LENGTH byte. */
    static final int OPERATING_PARAMETERS_HEADER = 44;
    /** FAILED SEGMENT DETAILS up to the sense data. */
    static final int FAILED_SEGMENT_HEADER = 60;
    private static final int CHECK_CONDITION = 0x02;

    private ReceiveCopyResults() {
    }

    public static ScsiResponse execute(Cdb.ReceiveCopyResults cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        CopyStatusTable table = lu.copy().status();
        byte[] data;
        switch (cdb.serviceAction()) {
            case Opcodes.SA_COPY_STATUS -> {
                CopyStatusTable.Snapshot s = table.find(cdb.listIdentifier());
                if (s == null) {
                    return unknownList(lu);
                }
                data = copyStatus(s);
            }
            case Opcodes.SA_FAILED_SEGMENT_DETAILS -> {
                CopyStatusTable.Snapshot s = table.takeFailure(cdb.listIdentifier());
                if (s == null) {
                    return unknownList(lu);
                }
                data = failedSegmentDetails(s);
            }
            default -> data = operatingParameters();
        }
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** COPY STATUS, FAILED SEGMENT DETAILS: no copy with this LIST IDENTIFIER is held for the nexus. */
    private static ScsiResponse unknownList(LuContext lu) {
        return Failure.invalidFieldInCdb(2).toResponse(lu.descriptorSense());
    }

    /**
     * COPY STATUS: HDD 0 (no data is ever held), COPY MANAGER STATUS, SEGMENTS
     * PROCESSED, and the bytes written so far in the smallest TRANSFER COUNT UNITS that fits in
     * 32 bits (00h bytes, 01h KiB, ... 06h EiB).
     */
    static byte[] copyStatus(CopyStatusTable.Snapshot s) {
        byte[] d = new byte[COPY_STATUS_LENGTH];
        put32(d, 0, COPY_STATUS_LENGTH - 4);
        d[4] = (byte) s.state().code();
        put16(d, 5, Math.min(s.segmentsProcessed(), 0xFFFF));
        int units = 0;
        long count = s.bytesTransferred();
        while (count > 0xFFFF_FFFFL && units < 6) {
            count >>>= 10;
            units++;
        }
        d[7] = (byte) units;
        put32(d, 8, count);
        return d;
    }

    /**
     * OPERATING PARAMETERS: what {@link ExtendedCopyParameters} enforces. SNLID 1
     * (LIST ID USAGE 11b is supported); no held data and no stream devices, so HELD DATA LIMIT,
     * MAXIMUM STREAM DEVICE TRANSFER SIZE and the inline and held data granularities are 0; DATA
     * SEGMENT GRANULARITY is one byte (0Ah segments copy any number of bytes).
     */
    static byte[] operatingParameters() {
        int[] codes = ExtendedCopy.SUPPORTED_DESCRIPTORS;
        byte[] d = new byte[OPERATING_PARAMETERS_HEADER + codes.length];
        put32(d, 0, d.length - 4);
        d[4] = 0x01; // SNLID
        put16(d, 8, ExtendedCopy.MAX_CSCD_DESCRIPTORS);
        put16(d, 10, ExtendedCopy.MAX_SEGMENT_DESCRIPTORS);
        put32(d, 12, ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH);
        put32(d, 16, ExtendedCopy.MAX_SEGMENT_LENGTH);
        put32(d, 20, ExtendedCopy.MAX_INLINE_DATA_LENGTH);
        put32(d, 24, 0); // HELD DATA LIMIT
        put32(d, 28, 0); // MAXIMUM STREAM DEVICE TRANSFER SIZE
        put16(d, 34, CopyManager.TOTAL_CONCURRENT_COPIES);
        d[36] = (byte) CopyManager.TOTAL_CONCURRENT_COPIES; // MAXIMUM CONCURRENT COPIES
        d[37] = (byte) ExtendedCopy.DATA_SEGMENT_GRANULARITY_LOG2;
        d[43] = (byte) codes.length;                         // IMPLEMENTED DESCRIPTOR LIST LENGTH
        for (int i = 0; i < codes.length; i++) {
            d[OPERATING_PARAMETERS_HEADER + i] = (byte) codes[i];
        }
        return d;
    }

    /**
     * FAILED SEGMENT DETAILS: for a copy that ended in CHECK CONDITION, its status
     * and sense data, once (then discarded); for a copy in progress or one that ended without
     * error, AVAILABLE DATA 0.
     */
    static byte[] failedSegmentDetails(CopyStatusTable.Snapshot s) {
        byte[] sense = s.failureSense();
        if (sense == null) {
            return new byte[4];
        }
        byte[] d = new byte[FAILED_SEGMENT_HEADER + sense.length];
        put32(d, 0, d.length - 4);
        d[56] = CHECK_CONDITION; // EXTENDED COPY COMMAND STATUS
        put16(d, 58, sense.length);
        System.arraycopy(sense, 0, d, FAILED_SEGMENT_HEADER, sense.length);
        return d;
    }
}
