package org.scstj.transports.iscsi.initiator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * CHAP for the initiator (RFC 7143 12.1.3; RFC 1994; algorithm numbers from RFC 9345): the
 * response is H(identifier byte || secret || challenge). One-way when {@code targetUser} is null;
 * mutual otherwise, the target then answering this side's challenge with its own secret.
 *
 * @param algorithms CHAP_A values in order of preference (5 MD5, 6 SHA-1, 7 SHA-256, 8 SHA3-256)
 */
public record Chap(String user, byte[] secret, String targetUser, byte[] targetSecret, List<Integer> algorithms) {
    public static final int MD5 = 5;
    public static final int SHA1 = 6;
    public static final int SHA256 = 7;
    public static final int SHA3_256 = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Chap oneWay(String user, String secret) {
        return new Chap(user, secret.getBytes(StandardCharsets.UTF_8), null, null, List.of(SHA3_256, SHA256, SHA1, MD5));
    }

    public static Chap mutual(String user, String secret, String targetUser, String targetSecret) {
        return new Chap(user, secret.getBytes(StandardCharsets.UTF_8), targetUser,
                targetSecret.getBytes(StandardCharsets.UTF_8), List.of(SHA3_256, SHA256, SHA1, MD5));
    }

    public Chap withAlgorithms(Integer... preference) {
        return new Chap(user, secret, targetUser, targetSecret, List.of(preference));
    }

    public boolean isMutual() {
        return targetUser != null;
    }

    /** The CHAP_A offer, e.g. "8,7,6,5". */
    String offer() {
        StringBuilder b = new StringBuilder();
        for (int a : algorithms) {
            b.append(b.isEmpty() ? "" : ",").append(a);
        }
        return b.toString();
    }

    /** The Java digest name of a CHAP_A value. */
    static String digestName(int algorithm) {
        return switch (algorithm) {
            case MD5 -> "MD5";
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            case SHA3_256 -> "SHA3-256";
            default -> throw new IllegalArgumentException("CHAP_A " + algorithm);
        };
    }

    static int digestLength(int algorithm) {
        return algorithm == MD5 ? 16 : algorithm == SHA1 ? 20 : 32;
    }

    /** H(id || secret || challenge) (RFC 1994 4.1). */
    public static byte[] response(int algorithm, int identifier, byte[] secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestName(algorithm));
            md.update((byte) identifier);
            md.update(secret);
            md.update(challenge);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh challenge as long as the digest (RFC 7143 12.1.3 asks for unpredictable values). */
    static byte[] challenge(int algorithm) {
        byte[] c = new byte[Math.max(16, digestLength(algorithm))];
        RANDOM.nextBytes(c);
        return c;
    }

    static int identifier() {
        return RANDOM.nextInt(256);
    }

    /** RFC 7143 6.1 binary values: "0x" hex or "0b" base64. */
    static byte[] decodeBinary(String value) {
        if (value.length() > 2 && (value.startsWith("0x") || value.startsWith("0X"))) {
            String hex = value.substring(2);
            return HexFormat.of().parseHex(hex.length() % 2 == 1 ? "0" + hex : hex);
        }
        if (value.length() > 2 && (value.startsWith("0b") || value.startsWith("0B"))) {
            return Base64.getDecoder().decode(value.substring(2));
        }
        throw new IllegalArgumentException("not a binary value: " + value);
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "Chap[user=" + user + ", mutual=" + isMutual() + ", algorithms=" + algorithms + "]"; // never the secrets
    }
}
