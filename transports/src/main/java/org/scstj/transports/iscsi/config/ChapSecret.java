package org.scstj.transports.iscsi.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A CHAP secret (RFC 7143 12.1.3). Its text never leaves this object: {@link #toString()} is
 * redacted, so a secret inside a record, a log line or an exception message shows as
 * {@code <secret>}. Equality is by content, compared in constant time.
 */
public final class ChapSecret {
    /** RFC 7143 12.1.3 / RFC 3723: secrets shorter than 12 bytes are guessable offline. */
    public static final int MIN_BYTES = 12;
    /** The longest secret accepted from the configuration. */
    public static final int MAX_BYTES = 255;

    private final byte[] bytes;

    private ChapSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The UTF-8 bytes of {@code text}; the caller checks {@link #MIN_BYTES}/{@link #MAX_BYTES}. */
    public static ChapSecret of(String text) {
        return new ChapSecret(text.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return bytes.length;
    }

    /** RFC 7143 12.1.3: the CHAP response to {@code challenge} under this secret; the secret's bytes stay here. */
    public byte[] response(ChapAlgorithm algorithm, int identifier, byte[] challenge) {
        return algorithm.response(identifier, bytes, challenge);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChapSecret other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(bytes.length); // nothing of the content
    }

    @Override
    public String toString() {
        return "<secret>";
    }
}
