package org.scstj.handlers.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable identifiers of a device, derived from its name so they survive restarts and are equal on
 * every node that exports the same device under the same name (as SCST derives its T10 device id).
 */
public final class DeviceIdentity {
    /**
     * IEEE company id used in the NAA designator. scstj has no registered OUI; this value sets the
     * locally administered bit (SPC-5 7.7.6.6 leaves the choice to the vendor) so it collides with
     * no registered vendor.
     */
    public static final long COMPANY_ID = 0x02_5C_57L;

    private DeviceIdentity() {
    }

    /** A 16-hex-digit unit serial number (VPD 0x80). */
    public static String serial(String deviceName) {
        return HexFormat.of().formatHex(digest(deviceName), 0, 8);
    }

    /** An NAA IEEE Registered (5h) designator: NAA(4) | company id(24) | vendor specific(36). */
    public static long naaId(String deviceName) {
        byte[] d = digest(deviceName);
        long vendorSpecific = 0;
        for (int i = 8; i < 13; i++) {
            vendorSpecific = (vendorSpecific << 8) | (d[i] & 0xFF);
        }
        vendorSpecific &= 0xF_FFFF_FFFFL;
        return (0x5L << 60) | (COMPANY_ID << 36) | vendorSpecific;
    }

    private static byte[] digest(String name) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
