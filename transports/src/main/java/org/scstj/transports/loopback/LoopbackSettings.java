package org.scstj.transports.loopback;

/**
 * The loopback driver's identity as the core sees it (SPC-5 7.7.6 relative target port identifier,
 * SPC-5 5.16 target port group).
 *
 * @param relativeTargetPortId the RELATIVE TARGET PORT IDENTIFIER the nexus reports (1..65535)
 * @param targetPortGroup      the target port group, also the {@code 0x<tpg>} suffix of the
 *                             target port name (1..65535)
 */
public record LoopbackSettings(int relativeTargetPortId, int targetPortGroup) {
    /** Relative target port 1 in target port group 1. */
    public static final LoopbackSettings DEFAULTS = new LoopbackSettings(1, 1);

    public LoopbackSettings {
        if (relativeTargetPortId < 1 || relativeTargetPortId > 0xFFFF) {
            throw new IllegalArgumentException("relative target port identifier " + relativeTargetPortId
                    + " is outside 1..65535 (SPC-5 7.7.6.6)");
        }
        if (targetPortGroup < 1 || targetPortGroup > 0xFFFF) {
            throw new IllegalArgumentException("target port group " + targetPortGroup + " is outside 1..65535");
        }
    }
}
