package org.scstj.engine.spi;

/**
 * SAM-5 4.7 single-level LUN structure, as the 8-byte LUN field of a transport and of REPORT LUNS
 * parameter data: peripheral device addressing (4.7.7.2, 00b, LUNs 0..255) and flat space
 * addressing (4.7.7.4, 01b, LUNs 256..16383).
 */
public final class LunFormat {
    public static final int MAX_LUN = 0x3FFF;

    private LunFormat() {
    }

    /** The 8-byte LUN field for {@code lun} (0..16383), most significant byte first in the long. */
    public static long encode(int lun) {
        if (lun < 0 || lun > MAX_LUN) {
            throw new IllegalArgumentException("LUN " + lun + " is outside 0..16383");
        }
        long first2 = lun < 256 ? lun : 0x4000 | lun;
        return first2 << 48;
    }

    /** The LUN number of an 8-byte LUN field, or -1 when it uses another addressing method or a second level. */
    public static int decode(long field) {
        if ((field & 0x0000_FFFF_FFFF_FFFFL) != 0) {
            return -1;
        }
        int first2 = (int) (field >>> 48);
        return switch (first2 >>> 14) {
            case 0b00 -> (first2 & 0x3F00) == 0 ? first2 & 0xFF : -1; // bus identifier must be 0
            case 0b01 -> first2 & 0x3FFF;
            default -> -1;
        };
    }
}
