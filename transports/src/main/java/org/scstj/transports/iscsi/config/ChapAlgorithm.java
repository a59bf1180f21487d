package org.scstj.transports.iscsi.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * CHAP digest algorithms an iSCSI target may negotiate with CHAP_A (RFC 7143 12.1.3 names MD5;
 * RFC 9345 adds SHA-1, SHA-256 and SHA3-256), by their IANA "PPP Authentication Algorithms"
 * numbers. The challenge the target sends is as long as the digest (never under 16 bytes).
 */
public enum ChapAlgorithm {
    MD5(5, "MD5", 16),
    SHA1(6, "SHA-1", 20),
    SHA256(7, "SHA-256", 32),
    SHA3_256(8, "SHA3-256", 32);

    private final int code;
    private final String javaName;
    private final int digestLength;

    ChapAlgorithm(int code, String javaName, int digestLength) {
        this.code = code;
        this.javaName = javaName;
        this.digestLength = digestLength;
    }

    /** The CHAP_A value (IANA PPP Authentication Algorithms). */
    public int code() {
        return code;
    }

    /** The name used in the configuration and by {@link MessageDigest}. */
    public String configName() {
        return javaName;
    }

    public int digestLength() {
        return digestLength;
    }

    /** RFC 7143 12.1.3: the target's challenge; as long as the digest and at least 16 bytes. */
    public int challengeLength() {
        return Math.max(16, digestLength);
    }

    /** RFC 1994 4.1 as RFC 7143 12.1.3 uses it: H(identifier || secret || challenge); see {@link ChapSecret#response}. */
    byte[] response(int identifier, byte[] secret, byte[] challenge) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(javaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(javaName + " is missing from this JVM", e);
        }
        md.update((byte) identifier);
        md.update(secret);
        md.update(challenge);
        return md.digest();
    }

    /** By CHAP_A number; null when unknown. */
    public static ChapAlgorithm byCode(int code) {
        for (ChapAlgorithm a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }

    /** By configuration name (MD5, SHA-1, SHA-256, SHA3-256; case-insensitive); null when unknown. */
    public static ChapAlgorithm byName(String name) {
        for (ChapAlgorithm a : values()) {
            if (a.javaName.equalsIgnoreCase(name.trim()) || a.name().equalsIgnoreCase(name.trim())) {
                return a;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return javaName;
    }
}
