package org.scstj.transports.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * iSCSI name syntax, RFC 3720 3.2.6 (kept by RFC 7143 4.2.7): the {@code iqn.}, {@code eui.} and
 * {@code naa.} (RFC 3980) forms. Names are checked in their normalised form, so upper-case letters
 * in an {@code iqn.} name are refused rather than silently folded.
 */
public final class IscsiNames {
    /** RFC 7143 6.1: an iSCSI name is at most 223 bytes (UTF-8). */
    public static final int MAX_BYTES = 223;

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
    /** {@code iqn.yyyy-mm.reversed.domain.name[:anything]}; after the colon a-z 0-9 - . : only. */
    private static final Pattern IQN = Pattern.compile(
            "iqn\\.\\d{4}-(?:0[1-9]|1[0-2])\\." + LABEL + "(?:\\." + LABEL + ")*(?::[a-z0-9.:-]+)?");
    /** {@code eui.} and 16 hex digits (EUI-64). */
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9A-Fa-f]{16}");
    /** {@code naa.} and 16 or 32 hex digits (RFC 3980). */
    private static final Pattern NAA = Pattern.compile("naa\\.(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})");

    private IscsiNames() {
    }

    /** Why {@code name} is not a valid iSCSI name, or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("an iSCSI name is at most " + MAX_BYTES + " bytes");
        }
        if (IQN.matcher(name).matches() || EUI.matcher(name).matches() || NAA.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of("'" + name + "' is not an iSCSI name (RFC 3720 3.2.6): use "
                + "iqn.YYYY-MM.reversed.domain[:unique] in lower case, eui.<16 hex digits> or naa.<16 or 32 hex digits>");
    }
}
