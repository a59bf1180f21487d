package org.scstj.transports.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text-mode key=value pairs (RFC 7143 6.1): UTF-8, each pair ended by a NUL. Keys are at most 63
 * bytes of {@code a-z A-Z 0-9 . - + @ _}; values at most 255 bytes (6.1, 6.2); a key may appear
 * once per text.
 */
public final class TextParameters {
    public static final int MAX_KEY_LENGTH = 63;
    public static final int MAX_VALUE_LENGTH = 255;

    private TextParameters() {
    }

    /** A parsed text, or why it is malformed. */
    public sealed interface Parsed {
    }

    public record Pairs(Map<String, String> values) implements Parsed {
    }

    public record Malformed(String reason) implements Parsed {
    }

    /** Parses {@code length} bytes of {@code text}. */
    public static Parsed parse(byte[] text, int length) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && text[end] != 0) {
                end++;
            }
            if (end == length) {
                return new Malformed("text does not end with NUL");
            }
            if (end == start) { // padding NULs at the end are tolerated, an empty pair in the middle is not
                for (int i = end; i < length; i++) {
                    if (text[i] != 0) {
                        return new Malformed("empty key=value pair");
                    }
                }
                break;
            }
            int eq = -1;
            for (int i = start; i < end; i++) {
                if (text[i] == '=') {
                    eq = i;
                    break;
                }
            }
            if (eq < 0) {
                return new Malformed("pair without '='");
            }
            int keyLength = eq - start;
            if (keyLength == 0 || keyLength > MAX_KEY_LENGTH) {
                return new Malformed("key length " + keyLength + " outside 1.." + MAX_KEY_LENGTH);
            }
            for (int i = start; i < eq; i++) {
                if (!keyChar(text[i])) {
                    return new Malformed("bad character in key");
                }
            }
            String key = new String(text, start, keyLength, StandardCharsets.US_ASCII);
            int valueLength = end - eq - 1;
            if (valueLength > maxValueLength(key)) {
                return new Malformed("value of " + key + " longer than " + maxValueLength(key));
            }
            String value = utf8(text, eq + 1, valueLength);
            if (value == null) { // 6.1: values are UTF-8; a replacement character would change the value and its length
                return new Malformed("value of " + key + " is not UTF-8");
            }
            if (pairs.putIfAbsent(key, value) != null) {
                return new Malformed("duplicate key " + key);
            }
            start = end + 1;
        }
        return new Pairs(pairs);
    }

    /**
     * The value limit for a key: 255 bytes (RFC 7143 6.1), except CHAP's binary challenge and
     * response (RFC 7143 12.1.3: at most 1024 bytes), which only the text cap bounds here so that
     * {@link ChapNegotiation} answers an oversized one with 0x0201 (bad-inputs row 9).
     */
    static int maxValueLength(String key) {
        return key.equals("CHAP_C") || key.equals("CHAP_R") ? TextAccumulator.MAX_TEXT : MAX_VALUE_LENGTH;
    }

    /** The strictly decoded UTF-8 string, or null when the bytes are not UTF-8. */
    private static String utf8(byte[] text, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean keyChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '.' || b == '-' || b == '+' || b == '@' || b == '_';
    }

    /** Writes pairs as NUL-terminated {@code key=value} UTF-8 text. */
    public static byte[] format(Map<String, String> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * pairs.size() + 1);
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            out.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
            out.write('=');
            out.writeBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }
}
