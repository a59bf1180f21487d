package org.scstj.engine.sbc;

import org.scstj.engine.cdb.Opcodes;

/** SBC-4 4.5 / 5.15: a command addressing blocks past the last LBA fails with LBA OUT OF RANGE 21/00. */
public final class LbaRange {
    private LbaRange() {
    }

    /**
     * True if blocks {@code lba .. lba+blocks-1} all exist on a medium of {@code capacity} blocks.
     * {@code lba} is unsigned (2^64-1 is -1 here); wrap-around is out of range; with
     * {@code blocks} 0 any LBA up to {@code capacity} is accepted.
     */
    public static boolean contains(long lba, long blocks, long capacity) {
        if (Long.compareUnsigned(lba, capacity) > 0) {
            return false;
        }
        return Long.compareUnsigned(blocks, capacity - lba) <= 0;
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
