package org.scstj.engine.alua;

/**
 * SPC-5 5.16.2.1 asymmetric access states of a target port group, as REPORT TARGET PORT GROUPS
 * codes them. Every command-table row says in which of them the command may run (SPC-5 5.16.2.4
 * to 5.16.2.7); until scstj has ALUA every logical unit is {@link #ACTIVE_OPTIMIZED} through every
 * port, so the check the LUN actor makes always passes.
 */
public enum AccessState {
    ACTIVE_OPTIMIZED(0x0),
    ACTIVE_NON_OPTIMIZED(0x1),
    STANDBY(0x2),
    UNAVAILABLE(0x3),
    TRANSITIONING(0xF);

    private final int code;

    AccessState(int code) {
        this.code = code;
    }

    /** The ASYMMETRIC ACCESS STATE field value (SPC-5 6.36, REPORT TARGET PORT GROUPS). */
    public int code() {
        return code;
    }
}
