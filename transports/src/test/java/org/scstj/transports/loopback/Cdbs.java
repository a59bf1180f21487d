package org.scstj.transports.loopback;

/** CDBs the loopback tests send (SPC-5 6.7, 6.9, 6.47; SBC-4 5.15, 5.17, 5.39, 5.41). */
final class Cdbs {
    private Cdbs() {
    }

    /** SPC-5 6.47 TEST UNIT READY. */
    static byte[] testUnitReady() {
        return new byte[6];
    }

    /** SPC-5 6.7 INQUIRY, standard data. */
    static byte[] inquiry(int allocationLength) {
        byte[] c = new byte[6];
        c[0] = 0x12;
        c[3] = (byte) (allocationLength >>> 8);
        c[4] = (byte) allocationLength;
        return c;
    }

    /** SPC-5 6.9 MODE SELECT(6) with PF 1 (the pages follow SPC-5 7.5). */
    static byte[] modeSelect6(int parameterListLength) {
        return new byte[] {0x15, 0x10, 0, 0, (byte) parameterListLength, 0};
    }

    /** SBC-4 5.15 READ(10). */
    static byte[] read10(long lba, int blocks) {
        return rw10(0x28, lba, blocks);
    }

    /** SBC-4 5.39 WRITE(10). */
    static byte[] write10(long lba, int blocks) {
        return rw10(0x2A, lba, blocks);
    }

    /** SBC-4 5.17 READ(16). */
    static byte[] read16(long lba, int blocks) {
        return rw16(0x88, lba, blocks);
    }

    /** SBC-4 5.41 WRITE(16). */
    static byte[] write16(long lba, int blocks) {
        return rw16(0x8A, lba, blocks);
    }

    private static byte[] rw10(int opcode, long lba, int blocks) {
        byte[] c = new byte[10];
        c[0] = (byte) opcode;
        putInt(c, 2, (int) lba);
        c[7] = (byte) (blocks >>> 8);
        c[8] = (byte) blocks;
        return c;
    }

    private static byte[] rw16(int opcode, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        putInt(c, 2, (int) (lba >>> 32));
        putInt(c, 6, (int) lba);
        putInt(c, 10, blocks);
        return c;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
