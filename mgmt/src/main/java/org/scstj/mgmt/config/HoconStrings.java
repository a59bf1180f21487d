package org.scstj.mgmt.config;

import java.util.regex.Pattern;

/**
 * Keys and strings as HOCON text, for everything that writes a configuration (the admin plane's
 * file, {@code scstj import}): a key stays bare only when it is one plain word, since a dot would
 * make it a path; a string is written as a JSON string literal, which HOCON reads unchanged.
 */
public final class HoconStrings {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private HoconStrings() {
    }

    /** A key: bare when it is one plain word (no dot, no space), else quoted. */
    public static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : quote(key);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                case '\b' -> q.append("\\b");
                case '\f' -> q.append("\\f");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
