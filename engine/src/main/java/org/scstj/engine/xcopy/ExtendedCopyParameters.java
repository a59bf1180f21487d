package org.scstj.engine.xcopy;

import static org.scstj.engine.cdb.BigEndian.u16;
import static org.scstj.engine.cdb.BigEndian.u24;
import static org.scstj.engine.cdb.BigEndian.u32;
import static org.scstj.engine.cdb.BigEndian.u64;
import static org.scstj.engine.cdb.BigEndian.u8;

import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.sbc.LbaRange;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The EXTENDED COPY(LID1) parameter list (SPC-4 6.3, table "EXTENDED COPY parameter list"),
 * checked as a whole before any block moves: a pure function from the list and the nexus's
 * {@link CopyScope} to a {@link Plan} or the {@link Refused} sense.
 *
 * <p>Checks, in this order (the first that fails answers):
 * <ol>
 *   <li>header (16 bytes): LIST ID USAGE 01b is reserved (26/00); the descriptor lists together
 *       longer than {@link ExtendedCopy#MAX_DESCRIPTOR_LIST_LENGTH}, inline data longer than
 *       {@link ExtendedCopy#MAX_INLINE_DATA_LENGTH} (none), or the lists running past the
 *       parameter list: PARAMETER LIST LENGTH ERROR 1A/00;</li>
 *   <li>CSCD descriptors: a type code that is not a CSCD descriptor, or more than
 *       {@link ExtendedCopy#MAX_CSCD_DESCRIPTORS}, or any type but Identification (E4h): TOO MANY
 *       TARGET DESCRIPTORS 26/06, UNSUPPORTED TARGET DESCRIPTOR TYPE CODE 26/07; a peripheral
 *       device type other than 00h or a designator longer than its field: 26/00;</li>
 *   <li>segment descriptors: more than {@link ExtendedCopy#MAX_SEGMENT_DESCRIPTORS},
 *       or any type but those of {@link #SEGMENT_FORMATS} (block device to block device, 02h; block
 *       device with offset to block device with offset, 0Ah): TOO MANY SEGMENT DESCRIPTORS 26/08,
 *       UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE 26/09; a DESCRIPTOR LENGTH other than the type's:
 *       26/00;</li>
 *   <li>each Identification CSCD descriptor's LU: its designator must be the NAA designator VPD page
 *       83h reports for an LU this nexus may access, else COPY ABORTED, COPY TARGET DEVICE NOT
 *       REACHABLE 0D/02 (no other device is even looked at: {@link CopyScope}); its DISK BLOCK
 *       LENGTH must be that LU's block size (26/00);</li>
 *   <li>each segment: CSCD indexes inside the list (COPY ABORTED 00/00), destination not
 *       write-protected (DATA PROTECT 27/00, as a WRITE to it would be); then
 *       <ul>
 *         <li>block device to block device (02h, SPC-4 6.4.6.4): a whole number of blocks of both
 *             LUs (COPY ABORTED, UNEXPECTED INEXACT SEGMENT 26/0A), at most
 *             {@link ExtendedCopy#MAX_SEGMENT_LENGTH} bytes (26/00), both ranges inside their LU
 *             (COPY ABORTED 00/00: libiscsi's ExtendedCopy.ValidSegDescr accepts only 00/00, 08/04
 *             or 0D/02 there, so the field pointer, not the ASC, says which LBA is out of range);</li>
 *         <li>block device with offset to block device with offset (0Ah, SPC-4 6.4.6.12): NUMBER OF
 *             BYTES at most {@link ExtendedCopy#MAX_SEGMENT_LENGTH} (26/00), each BYTE OFFSET inside
 *             the first block it names, i.e. below its LU's block size (26/00), the blocks the bytes
 *             touch inside their LU (COPY ABORTED 00/00, as for 02h).</li>
 *       </ul></li>
 * </ol>
 * Every field pointer counts from the first byte of the parameter list; for COPY ABORTED it is
 * the SEGMENT POINTER form of the sense-key specific field (SPC-4), with SD 0.
 *
 * <p>Ignored as SPC-4 allows: STR and PRIORITY (hints), the LU ID TYPE and NUL bits of an
 * Identification descriptor (SPC-4 made them meaningless for E4h; libiscsi's
 * ExtendedCopy.ValidTgtDescr expects GOOD with a reserved LU ID TYPE from an SPC-4 device), the
 * RELATIVE INITIATOR PORT IDENTIFIER (the copy manager's LUs are local), the DC bit of a 0Ah
 * descriptor (SPC-4 6.4.6.1: only 02h and 0Dh have one), and PAD and CAT: SPC-4 5.17.7.2 table
 * 116 says what to do with residual data, and none is ever left: a 02h segment that would leave
 * some is refused (26/0A), and a 0Ah segment reads exactly its source byte range and writes exactly
 * its destination byte range, the bytes of the first and last destination blocks outside it
 * preserved ({@link BlockCopy}).
 */
public final class ExtendedCopyParameters {
    /** SPC-4 6.3: the parameter list header. */
    public static final int HEADER = 16;
    /** SPC-4 6.3, CSCD descriptor type codes: E0h..E9h are 32 bytes, EAh and EBh 64. */
    static final int CSCD_LENGTH = 32;
    static final int CSCD_LONG_LENGTH = 64;
    /** SPC-4 6.3, Identification CSCD descriptor. */
    public static final int IDENTIFICATION_CSCD = 0xE4;
    /** SPC-4 6.4.6.4, block device to block device segment descriptor, 28 bytes (DESCRIPTOR LENGTH 0018h). */
    public static final int BLOCK_TO_BLOCK_SEGMENT = 0x02;
    /**
     * SPC-4 6.4.6.12, block device with offset to block device with offset segment descriptor, 32
     * bytes (DESCRIPTOR LENGTH 001Ch).
     */
    public static final int BLOCK_TO_BLOCK_WITH_OFFSETS_SEGMENT = 0x0A;

    /** SPC-4 table "LIST ID USAGE field". */
    public static final int LIST_ID_HOLD = 0b00;
    public static final int LIST_ID_NO_HOLD = 0b10;
    public static final int LIST_ID_NONE = 0b11;

    /** VPD 83h designator fields the Identification descriptor must carry to name one of our LUs. */
    private static final int CODE_SET_BINARY = 0x1;
    private static final int DESIGNATOR_TYPE_NAA = 0x3;
    private static final int NAA_LENGTH = 8;
    /** Identification CSCD descriptor: the designator occupies bytes 4..23, so at most 16 bytes of designator. */
    private static final int MAX_DESIGNATOR_LENGTH = 16;

    private ExtendedCopyParameters() {
    }

    /** What checking a parameter list gives: the copy to run, or why it is refused. */
    public sealed interface Checked permits Plan, Refused {
    }

    /**
     * A parameter list that passed every check.
     *
     * @param listIdentifier LIST IDENTIFIER
     * @param listIdUsage    LIST ID USAGE: 00b, 10b or 11b
     * @param segments       what to copy, in the order of the segment descriptors
     */
    public record Plan(int listIdentifier, int listIdUsage, List<BlockCopy.Segment> segments) implements Checked {
        /** The total number of bytes the copy writes. */
        public long bytes() {
            long n = 0;
            for (BlockCopy.Segment s : segments) {
                n += s.bytes();
            }
            return n;
        }
    }

    /** The parameter list is refused; nothing was read or written. */
    public record Refused(Failure failure) implements Checked {
    }

    /** One descriptor's place in the list. */
    private record Located(int type, int at) {
    }

    /** Plans one segment descriptor whose CSCD descriptors are resolved: null once it is added, or the refusal. */
    @FunctionalInterface
    private interface SegmentPlanner {
        Refused plan(byte[] list, int at, CopyScope.Target source, CopyScope.Target destination,
                     List<BlockCopy.Segment> plan);
    }

    /**
     * A segment descriptor type the copy manager carries out: its type code, its whole length
     * (DESCRIPTOR LENGTH + 4) and its checks. A new type is one new row; the Third-party Copy VPD
     * page and OPERATING PARAMETERS list the rows ({@link #supportedDescriptors}).
     */
    private record SegmentFormat(int type, int length, SegmentPlanner planner) {
    }

    private static final List<SegmentFormat> SEGMENT_FORMATS = List.of(
            new SegmentFormat(BLOCK_TO_BLOCK_SEGMENT, 28, ExtendedCopyParameters::blockToBlock),
            new SegmentFormat(BLOCK_TO_BLOCK_WITH_OFFSETS_SEGMENT, 32, ExtendedCopyParameters::withOffsets));

    /** The supported segment and CSCD descriptor type codes, ascending (SPC-4 6.4.6.1 table 146 note a). */
    static int[] supportedDescriptors() {
        int[] codes = new int[SEGMENT_FORMATS.size() + 1];
        for (int i = 0; i < SEGMENT_FORMATS.size(); i++) {
            codes[i] = SEGMENT_FORMATS.get(i).type();
        }
        codes[codes.length - 1] = IDENTIFICATION_CSCD;
        Arrays.sort(codes);
        return codes;
    }

    private static SegmentFormat segmentFormat(int type) {
        for (SegmentFormat f : SEGMENT_FORMATS) {
            if (f.type() == type) {
                return f;
            }
        }
        return null;
    }

    /** Checks a whole parameter list; pure: no device is read or written. */
    public static Checked check(byte[] list, CopyScope scope) {
        if (list.length < HEADER) {
            return refuse(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int listIdUsage = (u8(list, 1) >>> 3) & 0x03;
        if (listIdUsage == 0b01) {
            return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 1, 4);
        }
        long cscdListLength = u16(list, 2);
        long segmentListLength = u32(list, 8);
        long inlineDataLength = u32(list, 12);
        if (cscdListLength + segmentListLength > ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH
                || inlineDataLength > ExtendedCopy.MAX_INLINE_DATA_LENGTH
                || HEADER + cscdListLength + segmentListLength + inlineDataLength > list.length) {
            return refuse(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int cscdEnd = HEADER + (int) cscdListLength;
        int segmentEnd = cscdEnd + (int) segmentListLength;

        // SPC-4 6.3: the CSCD descriptor list
        List<Located> cscds = new ArrayList<>();
        for (int at = HEADER; at < cscdEnd; ) {
            int type = u8(list, at);
            int length = cscdLength(type);
            if (length == 0) {
                return refuse(SenseReason.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE, at, -1);
            }
            if (at + length > cscdEnd) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 2, -1);
            }
            cscds.add(new Located(type, at));
            at += length;
        }
        if (cscds.size() > ExtendedCopy.MAX_CSCD_DESCRIPTORS) {
            return refuse(SenseReason.TOO_MANY_TARGET_DESCRIPTORS);
        }
        for (Located d : cscds) {
            if (d.type() != IDENTIFICATION_CSCD) {
                return refuse(SenseReason.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE, d.at(), -1);
            }
            if ((u8(list, d.at() + 1) & 0x1F) != 0x00) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, d.at() + 1, 4);
            }
            if (u8(list, d.at() + 7) > MAX_DESIGNATOR_LENGTH) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, d.at() + 7, -1);
            }
        }

        // SPC-4 6.3: the segment descriptor list; DESCRIPTOR LENGTH counts the bytes after byte 3
        List<Located> segments = new ArrayList<>();
        for (int at = cscdEnd; at < segmentEnd; ) {
            if (at + 4 > segmentEnd || at + 4 + u16(list, at + 2) > segmentEnd) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 8, -1);
            }
            segments.add(new Located(u8(list, at), at));
            at += 4 + u16(list, at + 2);
        }
        if (segments.size() > ExtendedCopy.MAX_SEGMENT_DESCRIPTORS) {
            return refuse(SenseReason.TOO_MANY_SEGMENT_DESCRIPTORS);
        }
        for (Located s : segments) {
            SegmentFormat format = segmentFormat(s.type());
            if (format == null) {
                return refuse(SenseReason.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE, s.at(), -1);
            }
            if (4 + u16(list, s.at() + 2) != format.length()) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, s.at() + 2, -1);
            }
        }

        // SPC-4 6.3: which LU each Identification descriptor names
        List<CopyScope.Target> targets = new ArrayList<>(cscds.size());
        for (Located d : cscds) {
            CopyScope.Target t = resolve(list, d.at(), scope);
            if (t == null || !t.ready()) { // not this nexus's, or its medium is out / being formatted
                return refuse(SenseReason.COPY_TARGET_DEVICE_NOT_REACHABLE, d.at(), -1);
            }
            if (u24(list, d.at() + 29) != t.device().blockSize()) {
                return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, d.at() + 29, -1);
            }
            targets.add(t);
        }

        // SPC-4 6.3: every segment, before any of them runs
        List<BlockCopy.Segment> plan = new ArrayList<>(segments.size());
        for (Located s : segments) {
            Refused refused = segment(list, s.at(), segmentFormat(s.type()), targets, plan);
            if (refused != null) {
                return refused;
            }
        }
        return new Plan(u8(list, 0), listIdUsage, List.copyOf(plan));
    }

    /**
     * Checks the segment descriptor at {@code at}, first what every format shares (SPC-4 6.4.6.1:
     * the CSCD descriptor IDs, here indexes in the list; the destination writable), then its own
     * fields: null once it is added to {@code plan}, or the refusal.
     */
    private static Refused segment(byte[] list, int at, SegmentFormat format, List<CopyScope.Target> targets,
                                   List<BlockCopy.Segment> plan) {
        int sourceIndex = u16(list, at + 4);
        int destinationIndex = u16(list, at + 6);
        if (sourceIndex >= targets.size()) {
            return refuse(SenseReason.COPY_ABORTED, at + 4, -1);
        }
        if (destinationIndex >= targets.size()) {
            return refuse(SenseReason.COPY_ABORTED, at + 6, -1);
        }
        CopyScope.Target source = targets.get(sourceIndex);
        CopyScope.Target destination = targets.get(destinationIndex);
        if (destination.writeProtected()) {
            return new Refused(Failure.of(SenseReason.WRITE_PROTECTED));
        }
        return format.planner().plan(list, at, source, destination, plan);
    }

    /**
     * SPC-4 6.4.6.4 block device to block device (02h): BLOCK DEVICE NUMBER OF BLOCKS of the source
     * (DC 0) or the destination (DC 1), from SOURCE to DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS.
     */
    private static Refused blockToBlock(byte[] list, int at, CopyScope.Target source, CopyScope.Target destination,
                                        List<BlockCopy.Segment> plan) {
        boolean dc = (u8(list, at + 1) & 0x02) != 0;
        int sourceBlockSize = source.device().blockSize();
        int destinationBlockSize = destination.device().blockSize();
        long bytes = (long) u16(list, at + 10) * (dc ? destinationBlockSize : sourceBlockSize);
        if (bytes % sourceBlockSize != 0 || bytes % destinationBlockSize != 0) {
            return refuse(SenseReason.UNEXPECTED_INEXACT_SEGMENT, at + 10, -1);
        }
        if (bytes > ExtendedCopy.MAX_SEGMENT_LENGTH) {
            return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, at + 10, -1);
        }
        long sourceLba = u64(list, at + 12);
        long destinationLba = u64(list, at + 20);
        if (!LbaRange.contains(sourceLba, bytes / sourceBlockSize, source.device().blockCount())) {
            return refuse(SenseReason.COPY_ABORTED, at + 12, -1);
        }
        if (!LbaRange.contains(destinationLba, bytes / destinationBlockSize, destination.device().blockCount())) {
            return refuse(SenseReason.COPY_ABORTED, at + 20, -1);
        }
        plan.add(new BlockCopy.Segment(source.device(), sourceLba * sourceBlockSize,
                destination.device(), destinationLba * destinationBlockSize, bytes,
                !destination.mode().writeCacheEnabled()));
        return null;
    }

    /**
     * SPC-4 6.4.6.12 block device with offset to block device with offset (0Ah): NUMBER OF BYTES
     * from byte SOURCE BLOCK DEVICE BYTE OFFSET of block SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS to
     * byte DESTINATION BLOCK DEVICE BYTE OFFSET of block DESTINATION BLOCK DEVICE LOGICAL BLOCK
     * ADDRESS, any number of bytes on LUs of any block sizes. NUMBER OF BYTES 0 moves nothing and is
     * not an error. The content of the first and last destination blocks outside the bytes is
     * preserved ({@link BlockCopy} reads and writes them back).
     */
    private static Refused withOffsets(byte[] list, int at, CopyScope.Target source, CopyScope.Target destination,
                                       List<BlockCopy.Segment> plan) {
        long bytes = u32(list, at + 8);
        if (bytes > ExtendedCopy.MAX_SEGMENT_LENGTH) {
            return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, at + 8, -1);
        }
        int sourceBlockSize = source.device().blockSize();
        int destinationBlockSize = destination.device().blockSize();
        int sourceOffset = u16(list, at + 28);
        int destinationOffset = u16(list, at + 30);
        if (sourceOffset >= sourceBlockSize) {
            return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, at + 28, -1); // an offset into the first block
        }
        if (destinationOffset >= destinationBlockSize) {
            return refuse(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, at + 30, -1);
        }
        long sourceLba = u64(list, at + 12);
        long destinationLba = u64(list, at + 20);
        if (!LbaRange.contains(sourceLba, blocksTouched(sourceOffset, bytes, sourceBlockSize),
                source.device().blockCount())) {
            return refuse(SenseReason.COPY_ABORTED, at + 12, -1);
        }
        if (!LbaRange.contains(destinationLba, blocksTouched(destinationOffset, bytes, destinationBlockSize),
                destination.device().blockCount())) {
            return refuse(SenseReason.COPY_ABORTED, at + 20, -1);
        }
        plan.add(new BlockCopy.Segment(source.device(), sourceLba * sourceBlockSize + sourceOffset,
                destination.device(), destinationLba * destinationBlockSize + destinationOffset, bytes,
                !destination.mode().writeCacheEnabled()));
        return null;
    }

    /** The blocks {@code bytes} bytes from byte {@code offset} of a first block touch. */
    private static long blocksTouched(int offset, long bytes, int blockSize) {
        return bytes == 0 ? 0 : (offset + bytes + blockSize - 1) / blockSize;
    }

    /**
     * The LU an Identification CSCD descriptor names, or null: code set binary, association
     * logical unit, designator type NAA, 8 bytes (the NAA IEEE Registered designator of VPD 83h),
     * among the LUs of the nexus.
     */
    private static CopyScope.Target resolve(byte[] list, int at, CopyScope scope) {
        int codeSet = u8(list, at + 4) & 0x0F;
        int association = (u8(list, at + 5) >>> 4) & 0x03;
        int designatorType = u8(list, at + 5) & 0x0F;
        int length = u8(list, at + 7);
        if (codeSet != CODE_SET_BINARY || association != 0 || designatorType != DESIGNATOR_TYPE_NAA
                || length != NAA_LENGTH) {
            return null;
        }
        return scope.target(u64(list, at + 8));
    }

    /** SPC-4 6.3 table "CSCD descriptor type codes": the length of a CSCD descriptor, or 0 for another code. */
    private static int cscdLength(int type) {
        if (type >= 0xE0 && type <= 0xE9) {
            return CSCD_LENGTH;
        }
        if (type == 0xEA || type == 0xEB) {
            return CSCD_LONG_LENGTH;
        }
        return 0;
    }

    private static Refused refuse(SenseReason reason) {
        return new Refused(Failure.of(reason));
    }

    private static Refused refuse(SenseReason reason, int byteOffset, int bit) {
        return new Refused(new Failure(reason, FieldPointer.parameter(byteOffset, bit), false, 0));
    }
}
