package org.scstj.engine.spi;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The one form in which the core keeps and compares initiator and target names.
 *
 * <p>iSCSI names are compared after the stringprep profile of RFC 3722 (RFC 7143 4.2.7.1): the
 * characters RFC 3454 table B.1 maps to nothing are removed, letters are case-folded (table B.2)
 * and the result is normalized with Unicode NFKC. So {@code IQN.2026-11.ORG.EXAMPLE:HOST} and
 * {@code iqn.2026-11.org.example:host} are one initiator: one session identity (RFC 7143 4.4.3),
 * one ACL match, one reservation holder, one TransportID. Transports hand the core names in this
 * form ({@link Nexus} keeps them so whatever it is given), and configuration is read into it.
 *
 * <p>Case folding uses the JDK's full upper-then-lower case mapping, which gives table B.2's
 * result for every letter an iSCSI name may hold in practice (ASCII, and e.g. {@code ß} → {@code ss}).
 */
public final class Names {
    private Names() {
    }

    /** The canonical form of {@code name}; {@code null} stays {@code null}. Idempotent. */
    public static String canonical(String name) {
        if (name == null) {
            return null;
        }
        if (lowerAscii(name)) {
            return name; // the usual case: already canonical, no allocation
        }
        StringBuilder mapped = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            if (!mapsToNothing(c)) {
                mapped.appendCodePoint(c);
            }
        }
        String folded = mapped.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }

    /**
     * Whether a name matches one of {@code patterns}: names, or patterns with {@code *} (any run of
     * characters) and {@code ?} (one character), everything else literal; both sides compared in
     * the canonical form. Security groups (LUN masking) and the iSCSI driver's per-group CHAP
     * credentials match initiators with it, so both follow one rule.
     */
    public static Predicate<String> matcher(List<String> patterns) {
        List<Pattern> compiled = patterns.stream().map(Names::wildcard).toList();
        return name -> {
            String canonical = canonical(name);
            for (Pattern p : compiled) {
                if (p.matcher(canonical).matches()) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Pattern wildcard(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : canonical(glob).toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }

    private static boolean lowerAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3454 table B.1: commonly mapped to nothing. */
    private static boolean mapsToNothing(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D)
                || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }
}
