package org.scstj.transports.iscsi.initiator;

/** The CDBs the initiator's users send most: READ(10) and WRITE(10) (SBC-4 5.16, 5.40). */
public final class Cdbs {
    private Cdbs() {
    }

    /** READ(10) of {@code blocks} (at most 65535) from {@code lba} (32 bits). */
    public static byte[] read10(long lba, int blocks) {
        return rw10(0x28, lba, blocks);
    }

    /** WRITE(10) of {@code blocks} (at most 65535) at {@code lba} (32 bits). */
    public static byte[] write10(long lba, int blocks) {
        return rw10(0x2a, lba, blocks);
    }

    private static byte[] rw10(int opcode, long lba, int blocks) {
        return new byte[]{(byte) opcode, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba,
                0, (byte) (blocks >>> 8), (byte) blocks, 0};
    }
}
