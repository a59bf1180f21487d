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
 */
public record Failure(SenseReason reason, FieldPointer pointer, boolean informationValid, long information) {
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
