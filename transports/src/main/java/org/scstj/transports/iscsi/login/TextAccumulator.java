package org.scstj.transports.iscsi.login;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Joins a text split over PDUs with the C bit (RFC 7143 11.10.2, 11.12.2) up to a total cap, so
 * an endless continuation cannot grow memory (bad-inputs row 5: Login 0x0302 past the cap).
 */
public final class TextAccumulator {
    /** Total text accepted for one login or one Text exchange. */
    public static final int MAX_TEXT = 64 * 1024;

    private byte[] bytes = new byte[0];
    private int length;

    /** Appends a data segment (not released here); false when the cap would be exceeded. */
    public boolean append(ByteBuf data) {
        int n = data.readableBytes();
        if (length + n > MAX_TEXT) {
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, Math.min(MAX_TEXT, bytes.length * 2)));
        }
        data.getBytes(data.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public void clear() {
        bytes = new byte[0];
        length = 0;
    }
}
