package org.scstj.engine.sense;

/**
 * The only code that writes sense bytes (SPC-5 4.4). Fixed format (response code 70h, 18 bytes,
 * SPC-5 4.4.3) or descriptor format (72h, SPC-5 4.4.2) with an information descriptor (4.4.2.2)
 * and a sense key specific descriptor (4.4.2.4), always "current" errors.
 */
public final class SenseData {
    /** Fixed format sense data length (ADDITIONAL SENSE LENGTH 0Ah). */
    public static final int FIXED_LENGTH = 18;

    private static final int FIXED_CURRENT = 0x70;
    private static final int DESCRIPTOR_CURRENT = 0x72;
    private static final int INFORMATION_DESCRIPTOR = 0x00;
    private static final int SENSE_KEY_SPECIFIC_DESCRIPTOR = 0x02;
    private static final int STREAM_COMMANDS_DESCRIPTOR = 0x04;

    private SenseData() {
    }

    /** Sense bytes for a bare reason. */
    public static byte[] build(SenseReason reason, boolean descriptorFormat) {
        return build(Failure.of(reason), descriptorFormat);
    }

    public static byte[] build(Failure failure, boolean descriptorFormat) {
        byte[] specific = failure.pointer() == null ? null : failure.pointer().encode();
        return descriptorFormat ? descriptor(failure, specific) : fixed(failure, specific);
    }

    /**
     * Sense bytes for a reason with a PROGRESS INDICATION in the sense key specific field (SPC-5
     * 4.4.2.4.3): SKSV set, then the fraction done as a numerator over 10000h. NOT READY, FORMAT IN
     * PROGRESS or SANITIZE IN PROGRESS carry it (SBC-4 5.3.1, 4.11), as status and as REQUEST
     * SENSE parameter data.
     *
     * @param progress 0..FFFFh
     */
    public static byte[] withProgress(SenseReason reason, int progress, boolean descriptorFormat) {
        if (progress < 0 || progress > 0xFFFF) {
            throw new IllegalArgumentException("progress indication " + progress);
        }
        byte[] specific = {(byte) 0x80, (byte) (progress >>> 8), (byte) progress};
        Failure f = Failure.of(reason);
        return descriptorFormat ? descriptor(f, specific) : fixed(f, specific);
    }

    /** SPC-5 4.4.3 fixed format. The INFORMATION field holds 32 bits; VALID only if it fits. */
    private static byte[] fixed(Failure f, byte[] specific) {
        byte[] s = new byte[FIXED_LENGTH];
        // a stream command's residual may be negative (SSC-3 READ of a longer block): two's complement in 32 bits
        long info = f.information();
        boolean valid = f.informationValid() && ((info >>> 32) == 0
                || f.streamFlags() != 0 && info < 0 && info >= Integer.MIN_VALUE);
        s[0] = (byte) (FIXED_CURRENT | (valid ? 0x80 : 0));
        s[2] = (byte) (f.reason().key().code() | f.streamFlags());
        if (valid) {
            putInt(s, 3, (int) f.information());
        }
        s[7] = (byte) (FIXED_LENGTH - 8);
        s[12] = (byte) f.reason().asc();
        s[13] = (byte) f.reason().ascq();
        if (specific != null) {
            System.arraycopy(specific, 0, s, 15, 3);
        }
        return s;
    }

    /** SPC-5 4.4.2 descriptor format: header, then the information and sense key specific descriptors. */
    private static byte[] descriptor(Failure f, byte[] specific) {
        int length = 8 + (f.informationValid() ? 12 : 0) + (specific != null ? 8 : 0) + (f.streamFlags() != 0 ? 4 : 0);
        byte[] s = new byte[length];
        s[0] = (byte) DESCRIPTOR_CURRENT;
        s[1] = (byte) f.reason().key().code();
        s[2] = (byte) f.reason().asc();
        s[3] = (byte) f.reason().ascq();
        s[7] = (byte) (length - 8);
        int at = 8;
        if (f.informationValid()) {
            // SPC-5 4.4.2.2 Information sense data descriptor
            s[at] = INFORMATION_DESCRIPTOR;
            s[at + 1] = 0x0A;
            s[at + 2] = (byte) 0x80; // VALID
            putLong(s, at + 4, f.information());
            at += 12;
        }
        if (specific != null) {
            // SPC-5 4.4.2.4 Sense key specific sense data descriptor
            s[at] = SENSE_KEY_SPECIFIC_DESCRIPTOR;
            s[at + 1] = 0x06;
            System.arraycopy(specific, 0, s, at + 4, 3);
            at += 8;
        }
        if (f.streamFlags() != 0) {
            // SPC-5 4.4.2.6 Stream commands sense data descriptor: FILEMARK, EOM, ILI in byte 3
            s[at] = STREAM_COMMANDS_DESCRIPTOR;
            s[at + 1] = 0x02;
            s[at + 3] = (byte) f.streamFlags();
        }
        return s;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
