package org.scstj.transports.iscsi.conn;

/** Fixed-format sense data (SPC-5 4.4.3) for the few conditions the transport itself reports. */
final class SenseData {
    static final int ABORTED_COMMAND = 0x0B;

    private SenseData() {
    }

    static byte[] fixed(int key, int asc, int ascq) {
        byte[] s = new byte[18];
        s[0] = 0x70;          // current error, fixed format
        s[2] = (byte) key;
        s[7] = 10;            // additional sense length
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    /** ABORTED COMMAND, 47/05 PROTOCOL SERVICE CRC ERROR: a data digest failed (RFC 7143 7.8). */
    static byte[] crcError() {
        return fixed(ABORTED_COMMAND, 0x47, 0x05);
    }
}
