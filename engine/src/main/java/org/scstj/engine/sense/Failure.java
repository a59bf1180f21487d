package org.scstj.engine.sense;

import org.scstj.engine.spi.ScsiResponse;

/**
 * Why a command ends in CHECK CONDITION: a reason plus what the sense data says about where
 * (field pointer) and what (INFORMATION). The value decoding and execution produce; it becomes
 * bytes only in {@link #toResponse}.
 *
 * @param reason      key / ASC / ASCQ
 * @param pointer     sense-key-specific field pointer, or {@code null}
 * @param information the INFORMATION field (valid only if {@code informationValid})
 * @param streamFlags the stream commands' FILEMARK, EOM and ILI bits (SPC-5 4.4.3 byte 2 bits 7-5;
 *                    SSC-3 4.2.x), as {@link #FILEMARK} | {@link #EOM} | {@link #ILI}; 0 for every other command
 */
public record Failure(SenseReason reason, FieldPointer pointer, boolean informationValid, long information,
                      int streamFlags) {
    /** FILEMARK: the command met a filemark (SSC-3 READ, SPACE). */
    public static final int FILEMARK = 0x80;
    /** EOM: end of medium or partition, early warning, or beginning of partition met (SSC-3). */
    public static final int EOM = 0x40;
    /** ILI: the logical block's length was not the one asked (SSC-3 READ). */
    public static final int ILI = 0x20;

    public Failure(SenseReason reason, FieldPointer pointer, boolean informationValid, long information) {
        this(reason, pointer, informationValid, information, 0);
    }

    /** A stream command's condition (SSC-3): its reason, FILEMARK / EOM / ILI, and the residual in INFORMATION. */
    public static Failure stream(SenseReason reason, int flags, long information) {
        return new Failure(reason, null, true, information, flags);
    }

    public static Failure of(SenseReason reason) {
        return new Failure(reason, null, false, 0);
    }

    /** INVALID FIELD IN CDB pointing at a byte and bit of the CDB. */
    public static Failure invalidFieldInCdb(int byteOffset, int bit) {
        return new Failure(SenseReason.INVALID_FIELD_IN_CDB, FieldPointer.cdb(byteOffset, bit), false, 0);
    }

    /** INVALID FIELD IN CDB pointing at a byte of the CDB. */
    public static Failure invalidFieldInCdb(int byteOffset) {
        return new Failure(SenseReason.INVALID_FIELD_IN_CDB, FieldPointer.cdb(byteOffset), false, 0);
    }

    public static Failure withInformation(SenseReason reason, long information) {
        return new Failure(reason, null, true, information);
    }

    /** The sense bytes, in descriptor (72h) or fixed (70h) format. */
    public byte[] sense(boolean descriptorFormat) {
        return SenseData.build(this, descriptorFormat);
    }

    /** CHECK CONDITION carrying this sense; no data, nothing transferred. */
    public ScsiResponse toResponse(boolean descriptorFormat) {
        return ScsiResponse.checkCondition(sense(descriptorFormat), 0);
    }

    /**
     * CHECK CONDITION carrying this sense, with the CDB's transfer length so the transport still
     * reports the residual against EDTL (libiscsi iSCSIResiduals expects it on CHECK CONDITION too).
     */
    public ScsiResponse toResponse(boolean descriptorFormat, int transferLength) {
        return ScsiResponse.checkCondition(sense(descriptorFormat), transferLength);
    }
}
