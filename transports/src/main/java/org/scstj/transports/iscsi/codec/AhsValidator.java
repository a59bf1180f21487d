package org.scstj.transports.iscsi.codec;

import org.scstj.transports.iscsi.pdu.Opcode;

import java.util.Arrays;

/**
 * Additional Header Segments (RFC 7143 11.2.2): only a SCSI Command may carry them, and only an
 * Extended CDB (type 1) and a Bidirectional Read Expected Data Transfer Length (type 2), each at
 * most once, each inside TotalAHSLength.
 */
final class AhsValidator {
    private static final int EXTENDED_CDB = 1;
    private static final int BIDI_READ_LENGTH = 2;

    private AhsValidator() {
    }

    static boolean valid(int opcode, byte[] ahs) {
        if (opcode != Opcode.SCSI_COMMAND) {
            return false;
        }
        boolean seenCdb = false;
        boolean seenBidi = false;
        int offset = 0;
        while (offset < ahs.length) {
            if (offset + 4 > ahs.length) {
                return false;
            }
            int length = ((ahs[offset] & 0xff) << 8) | (ahs[offset + 1] & 0xff);
            int type = ahs[offset + 2] & 0xff;
            int padded = (3 + length + 3) & ~3;
            if (length == 0 || offset + padded > ahs.length) {
                return false;
            }
            switch (type) {
                case EXTENDED_CDB -> {
                    if (seenCdb || length < 2) {
                        return false;
                    }
                    seenCdb = true;
                }
                case BIDI_READ_LENGTH -> {
                    if (seenBidi || length != 5) {
                        return false;
                    }
                    seenBidi = true;
                }
                default -> {
                    return false;
                }
            }
            offset += padded;
        }
        return true;
    }

    /** The CDB bytes beyond the first 16 from an already validated AHS, or null. */
    static byte[] extendedCdb(byte[] ahs) {
        if (ahs == null) {
            return null;
        }
        int offset = 0;
        while (offset < ahs.length) {
            int length = ((ahs[offset] & 0xff) << 8) | (ahs[offset + 1] & 0xff);
            if ((ahs[offset + 2] & 0xff) == EXTENDED_CDB) {
                return Arrays.copyOfRange(ahs, offset + 4, offset + 3 + length);
            }
            offset += (3 + length + 3) & ~3;
        }
        return null;
    }
}
