package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Opcodes;

/** SBC-4 4.5 / 5.15: a command addressing blocks past the last LBA fails with LBA OUT OF RANGE 21/00. */
public final class LbaRange {
    private LbaRange() {
    }

    /**
     * True if the command's LBA exists and blocks {@code lba .. lba+blocks-1} all exist on a medium
     * of {@code capacity} blocks (SBC-4 4.5: an LBA past the last one, capacity − 1, is out of range
     * even with a transfer length of 0; libiscsi Read10.ZeroBlocks at LBA 2^31 on a 2^31-block LU).
     * {@code lba} is unsigned (2^64-1 is -1 here); wrap-around is out of range.
     */
    public static boolean contains(long lba, long blocks, long capacity) {
        if (Long.compareUnsigned(lba, capacity) >= 0) {
            return false;
        }
        return Long.compareUnsigned(blocks, capacity - lba) <= 0;
    }

    /**
     * As {@link #contains}, but a range of 0 blocks may start at {@code capacity} (just past the
     * end): an UNMAP block descriptor names no LBA then and is not an error (SBC-4 5.31.2;
     * libiscsi Unmap.ZeroBlocks at LBA = capacity).
     */
    public static boolean containsOrEmptyAtEnd(long lba, long blocks, long capacity) {
        return blocks == 0 && lba == capacity || contains(lba, blocks, capacity);
    }

    /** The CDB byte where TRANSFER LENGTH (or VERIFICATION LENGTH) starts, for a field pointer. */
    public static int transferLengthByte(int opcode) {
        return switch (opcode) {
            case Opcodes.READ_6, Opcodes.WRITE_6 -> 4;
            case Opcodes.READ_10, Opcodes.WRITE_10, Opcodes.VERIFY_10, Opcodes.WRITE_AND_VERIFY_10, Opcodes.SYNCHRONIZE_CACHE_10,
                 Opcodes.PRE_FETCH_10,
                 Opcodes.WRITE_SAME_10 -> 7;
            case Opcodes.READ_12, Opcodes.WRITE_12, Opcodes.VERIFY_12, Opcodes.WRITE_AND_VERIFY_12 -> 6;
            case Opcodes.WRITE_ATOMIC_16 -> 12;
            case Opcodes.COMPARE_AND_WRITE -> 13;
            default -> 10;
        };
    }
}
