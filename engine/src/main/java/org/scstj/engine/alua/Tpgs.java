package org.scstj.engine.alua;

/**
 * SPC-5 6.7.2 standard INQUIRY data, byte 5 bits 5:4, TARGET PORT GROUP SUPPORT: which kinds of
 * asymmetric access state change the logical unit supports (SPC-5 5.16.2.7 implicit, 5.16.3
 * explicit through SET TARGET PORT GROUPS).
 */
public enum Tpgs {
    NONE(0b00),
    IMPLICIT(0b01),
    EXPLICIT(0b10),
    BOTH(0b11);

    private final int bits;

    Tpgs(int bits) {
        this.bits = bits;
    }

    /** The TPGS field value (two bits). */
    public int bits() {
        return bits;
    }

    /** SET TARGET PORT GROUPS is supported (SPC-5 6.47). */
    public boolean explicit() {
        return (bits & 0b10) != 0;
    }
}
