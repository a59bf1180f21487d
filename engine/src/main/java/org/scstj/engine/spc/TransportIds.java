package org.scstj.engine.spc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.scstj.engine.pr.Registrant;

/**
 * SPC-5 7.6.4.6 iSCSI TransportIDs (PROTOCOL IDENTIFIER 5h): FORMAT CODE 00b (the iSCSI name) and
 * 01b (the name, {@code ",i,0x"} and the 12-digit ISID), each NUL-terminated and padded to a
 * multiple of four bytes, ADDITIONAL LENGTH at bytes 2-3. Parsing never reads outside the list
 * and refuses anything else with {@code null} (INVALID FIELD IN PARAMETER LIST 26/00): another
 * protocol, another format, an ADDITIONAL LENGTH that is not a multiple of four, shorter than 4
 * or past the end of the list, a name that is empty, not terminated, or not printable, a bad ISID.
 * The wire form is built by {@link #encode} for READ FULL STATUS.
 */
public final class TransportIds {
    /** RFC 7143 4.2.7.1: an iSCSI name is at most 223 bytes; with ",i,0x" + ISID and NUL, 241. */
    static final int MAX_LENGTH = 4 + 244;
    private static final int ISCSI = 0x5;

    private TransportIds() {
    }

    /**
     * The TransportIDs in {@code list[from, from + length)}, or null if any is malformed or the
     * last one runs past the end.
     */
    public static List<Registrant> parseAll(byte[] list, int from, int length) {
        if (from < 0 || length < 0 || from + length > list.length) {
            return null;
        }
        List<Registrant> ids = new ArrayList<>();
        int at = from;
        int end = from + length;
        while (at < end) {
            if (end - at < 4) {
                return null;
            }
            int idLength = 4 + ((list[at + 2] & 0xFF) << 8 | list[at + 3] & 0xFF);
            if (idLength > end - at) {
                return null;
            }
            Registrant r = parse(list, at, idLength);
            if (r == null) {
                return null;
            }
            ids.add(r);
            at += idLength;
        }
        return ids;
    }

    /** One TransportID of {@code length} bytes at {@code at}, or null. */
    static Registrant parse(byte[] list, int at, int length) {
        if (length < 8 || length > MAX_LENGTH || (length - 4) % 4 != 0 || at + length > list.length) {
            return null;
        }
        int format = (list[at] & 0xC0) >>> 6;
        if ((list[at] & 0x0F) != ISCSI || (list[at] & 0x30) != 0 || format > 1) {
            return null;
        }
        int nul = -1;
        for (int i = at + 4; i < at + length; i++) {
            if (list[i] == 0) {
                nul = i;
                break;
            }
            if ((list[i] & 0xFF) < 0x21 || (list[i] & 0xFF) > 0x7E) {
                return null;
            }
        }
        if (nul <= at + 4) {
            return null; // not terminated, or empty
        }
        String text = new String(list, at + 4, nul - at - 4, StandardCharsets.US_ASCII);
        if (format == 0) {
            return text.contains(",") ? null : new Registrant(text, null, 0, false);
        }
        int sep = text.toLowerCase(java.util.Locale.ROOT).lastIndexOf(",i,0x"); // the Registrant canonicalizes the name
        if (sep <= 0) {
            return null;
        }
        String isid = text.substring(sep + 5);
        if (isid.length() != 12 || !isid.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        return new Registrant(text.substring(0, sep), isid, 0, false);
    }

    /** The TransportID of a registrant: format 01b with its ISID, 00b without. */
    public static byte[] encode(Registrant r) {
        String text = r.isid() == null ? r.initiatorName() : r.initiatorName() + ",i,0x" + r.isid();
        byte[] name = text.getBytes(StandardCharsets.US_ASCII);
        int padded = (name.length + 1 + 3) & ~3;
        padded = Math.max(padded, 20); // SPC-5 7.6.4.6: at least 20 bytes of name
        byte[] id = new byte[4 + padded];
        id[0] = (byte) ((r.isid() == null ? 0x00 : 0x40) | ISCSI);
        id[2] = (byte) (padded >>> 8);
        id[3] = (byte) padded;
        System.arraycopy(name, 0, id, 4, name.length);
        return id;
    }
}
