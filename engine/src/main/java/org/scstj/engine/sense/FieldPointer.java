package org.scstj.engine.sense;

/**
 * The sense-key-specific field pointer of ILLEGAL REQUEST (SPC-5 4.4.2.4.2): which byte (and
 * optionally which bit) of the CDB or of the parameter list is in error.
 *
 * @param inCdb      C/D: true for the CDB, false for the parameter list
 * @param byteOffset FIELD POINTER, 0..65535
 * @param bit        BIT POINTER 0..7, or -1 when no bit is indicated (BPV = 0)
 */
public record FieldPointer(boolean inCdb, int byteOffset, int bit) {
    public FieldPointer {
        if (byteOffset < 0 || byteOffset > 0xFFFF) {
            throw new IllegalArgumentException("field pointer " + byteOffset);
        }
        if (bit < -1 || bit > 7) {
            throw new IllegalArgumentException("bit pointer " + bit);
        }
    }

    /** A byte of the CDB, no bit. */
    public static FieldPointer cdb(int byteOffset) { return new FieldPointer(true, byteOffset, -1); }

    /** A bit of a byte of the CDB; for a multi-bit field, its most significant bit. */
    public static FieldPointer cdb(int byteOffset, int bit) { return new FieldPointer(true, byteOffset, bit); }

    /** A byte of the parameter list. */
    public static FieldPointer parameter(int byteOffset, int bit) { return new FieldPointer(false, byteOffset, bit); }

    /** The three sense-key-specific bytes, SKSV set. */
    byte[] encode() {
        int b0 = 0x80 | (inCdb ? 0x40 : 0) | (bit >= 0 ? 0x08 | bit : 0);
        return new byte[] {(byte) b0, (byte) (byteOffset >>> 8), (byte) byteOffset};
    }
}
