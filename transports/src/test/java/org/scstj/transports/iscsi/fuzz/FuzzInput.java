package org.scstj.transports.iscsi.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A fuzz input read as a simple record stream: unsigned bytes, big-endian shorts and byte runs,
 * with zeros past the end. The fuzz targets read their PDUs from it and {@link Writer} writes the
 * corpus seeds in the same layout, so a seed file is a readable list of fields.
 */
final class FuzzInput {
    private final byte[] bytes;
    private int offset;

    FuzzInput(byte[] bytes) {
        this.bytes = bytes;
    }

    boolean more() {
        return offset < bytes.length;
    }

    int u8() {
        return offset < bytes.length ? bytes[offset++] & 0xff : 0;
    }

    int u16() {
        return (u8() << 8) | u8();
    }

    int i32() {
        return (u16() << 16) | u16();
    }

    /** Up to {@code n} bytes (fewer at the end of the input). */
    byte[] bytes(int n) {
        int k = Math.min(n, bytes.length - offset);
        byte[] out = Arrays.copyOfRange(bytes, offset, offset + k);
        offset += k;
        return out;
    }

    /** Writes seeds in the layout {@link FuzzInput} reads. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        Writer i32(int v) {
            return u16(v >>> 16).u16(v);
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
