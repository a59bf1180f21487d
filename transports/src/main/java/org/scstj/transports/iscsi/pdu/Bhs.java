package org.scstj.transports.iscsi.pdu;

/**
 * The 48-byte Basic Header Segment as received (RFC 7143 11.2.1). Kept so a Reject can echo it
 * (11.17.1); every typed field is decoded once into the PDU record that carries it.
 */
public record Bhs(byte[] bytes) {
    public static final int LENGTH = 48;

    public int opcode() {
        return bytes[0] & 0x3f;
    }

    public boolean immediate() {
        return (bytes[0] & 0x40) != 0;
    }

    public int flags() {
        return bytes[1] & 0xff;
    }

    public int totalAhsLength() {
        return (bytes[4] & 0xff) * 4;
    }

    public int dataSegmentLength() {
        return u24(5);
    }

    public long lun() {
        return ((long) i32(8) << 32) | (i32(12) & 0xffff_ffffL);
    }

    public int itt() {
        return i32(16);
    }

    public int u8(int offset) {
        return bytes[offset] & 0xff;
    }

    public int u16(int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    public int u24(int offset) {
        return ((bytes[offset] & 0xff) << 16) | ((bytes[offset + 1] & 0xff) << 8) | (bytes[offset + 2] & 0xff);
    }

    public int i32(int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
    }
}
