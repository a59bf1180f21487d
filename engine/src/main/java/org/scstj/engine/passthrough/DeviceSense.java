package org.scstj.engine.passthrough;

/**
 * The sense key, ASC and ASCQ of sense data a device returned, in either format (SPC-5 4.4.2 fixed,
 * 4.4.3 descriptor), read without changing the bytes: the core passes the device's sense on as it
 * is and only looks at what it must act on (a unit attention).
 */
record DeviceSense(int key, int asc, int ascq) {
    static final int UNIT_ATTENTION = 0x6;

    /** The sense's key and codes, or null when {@code sense} is too short or not sense data. */
    static DeviceSense of(byte[] sense, int length) {
        if (sense == null || length < 1) {
            return null;
        }
        int responseCode = sense[0] & 0x7F;
        return switch (responseCode) {
            case 0x70, 0x71 -> length < 3 ? null     // fixed format: ASC and ASCQ at 12 and 13 when the device sent them
                    : new DeviceSense(sense[2] & 0x0F, length > 12 ? sense[12] & 0xFF : 0, length > 13 ? sense[13] & 0xFF : 0);
            case 0x72, 0x73 -> length < 4 ? null     // descriptor format: bytes 1, 2, 3
                    : new DeviceSense(sense[1] & 0x0F, sense[2] & 0xFF, sense[3] & 0xFF);
            default -> null;
        };
    }

    boolean unitAttention() {
        return key == UNIT_ATTENTION;
    }
}
