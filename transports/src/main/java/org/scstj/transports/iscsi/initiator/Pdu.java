package org.scstj.transports.iscsi.initiator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One iSCSI PDU as bytes (RFC 7143 11.2): the 48-byte BHS, the AHS and the data segment, without
 * digests or padding (the {@link Connection} adds them). Mutable on purpose: hostile tests set any
 * field to any value. TotalAHSLength and DataSegmentLength are filled in from the AHS and data
 * when sent unless {@link #keepLengths()} was called.
 */
public final class Pdu {
    public static final int BHS = 48;
    /** The reserved tag (RFC 7143 11.18.2). */
    public static final int NO_TAG = 0xffff_ffff;

    private final byte[] bhs;
    private byte[] ahs;
    private byte[] data;
    private boolean keepLengths;

    public Pdu(byte[] bhs, byte[] ahs, byte[] data) {
        if (bhs.length != BHS) {
            throw new IllegalArgumentException("a BHS is 48 bytes");
        }
        this.bhs = bhs;
        this.ahs = ahs == null ? new byte[0] : ahs;
        this.data = data == null ? new byte[0] : data;
    }

    /** A PDU of {@code opcode}, immediate when asked, everything else zero. */
    public static Pdu of(int opcode, boolean immediate) {
        Pdu p = new Pdu(new byte[BHS], null, null);
        p.bhs[0] = (byte) ((immediate ? 0x40 : 0) | (opcode & 0x3f));
        return p;
    }

    // ---- raw field access (big-endian, RFC 7143 11.2.1) ----

    public byte[] bhs() {
        return bhs;
    }

    public byte[] ahs() {
        return ahs;
    }

    public byte[] data() {
        return data;
    }

    public Pdu ahs(byte[] ahs) {
        this.ahs = ahs;
        return this;
    }

    public Pdu data(byte[] data) {
        this.data = data;
        return this;
    }

    /** Sends TotalAHSLength and DataSegmentLength exactly as set with {@link #u8}/{@link #u24}. */
    public Pdu keepLengths() {
        this.keepLengths = true;
        return this;
    }

    boolean keepsLengths() {
        return keepLengths;
    }

    public int u8(int offset) {
        return bhs[offset] & 0xff;
    }

    public Pdu u8(int offset, int value) {
        bhs[offset] = (byte) value;
        return this;
    }

    public int u16(int offset) {
        return ((bhs[offset] & 0xff) << 8) | (bhs[offset + 1] & 0xff);
    }

    public Pdu u16(int offset, int value) {
        bhs[offset] = (byte) (value >>> 8);
        bhs[offset + 1] = (byte) value;
        return this;
    }

    public int u24(int offset) {
        return ((bhs[offset] & 0xff) << 16) | u16(offset + 1);
    }

    public Pdu u24(int offset, int value) {
        bhs[offset] = (byte) (value >>> 16);
        return u16(offset + 1, value);
    }

    public int i32(int offset) {
        return (u16(offset) << 16) | u16(offset + 2);
    }

    public Pdu i32(int offset, int value) {
        u16(offset, value >>> 16);
        return u16(offset + 2, value);
    }

    public long i64(int offset) {
        return ((long) i32(offset) << 32) | (i32(offset + 4) & 0xffff_ffffL);
    }

    public Pdu i64(int offset, long value) {
        i32(offset, (int) (value >>> 32));
        return i32(offset + 4, (int) value);
    }

    // ---- common fields ----

    public int opcode() {
        return bhs[0] & 0x3f;
    }

    public boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    public int flags() {
        return u8(1);
    }

    public Pdu flags(int flags) {
        return u8(1, flags);
    }

    public int totalAhsLength() {
        return u8(4) * 4;
    }

    public int dataSegmentLength() {
        return u24(5);
    }

    public long lun() {
        return i64(8);
    }

    public Pdu lun(long lun) {
        return i64(8, lun);
    }

    public int itt() {
        return i32(16);
    }

    public Pdu itt(int itt) {
        return i32(16, itt);
    }

    /** Target Transfer Tag (or Referenced Task Tag, SNACK Tag) at bytes 20-23. */
    public int ttt() {
        return i32(20);
    }

    public Pdu ttt(int ttt) {
        return i32(20, ttt);
    }

    /** CmdSN in requests, StatSN in responses (bytes 24-27). */
    public int sn24() {
        return i32(24);
    }

    public int statSn() {
        return i32(24);
    }

    public int expCmdSn() {
        return i32(28);
    }

    public int maxCmdSn() {
        return i32(32);
    }

    public boolean isFinal() {
        return (bhs[1] & 0x80) != 0;
    }

    /** Reject reason (RFC 7143 11.17.1), Logout/TMF response, SCSI response (byte 2). */
    public int response() {
        return u8(2);
    }

    /** SCSI status of a SCSI Response or of a Data-In with the S bit (byte 3). */
    public int status() {
        return u8(3);
    }

    /** Login status class and detail as one value, 0xCCDD (RFC 7143 11.13.5). */
    public int loginStatus() {
        return u16(36);
    }

    /** The data segment as text keys (RFC 7143 6.1), in order; a key without '=' maps to "". */
    public Map<String, String> keys() {
        return parseKeys(data);
    }

    static Map<String, String> parseKeys(byte[] text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs(text)) {
            int eq = pair.indexOf('=');
            out.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return out;
    }

    /** The NUL-separated key=value strings of a data segment. */
    public List<String> pairs() {
        return pairs(data);
    }

    private static List<String> pairs(byte[] text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == 0) {
                if (i > start) {
                    out.add(new String(text, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        if (start < text.length) {
            out.add(new String(text, start, text.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** key=value\0 for each entry (RFC 7143 6.1). */
    public static byte[] text(Map<String, String> keys) {
        StringBuilder b = new StringBuilder();
        keys.forEach((k, v) -> b.append(k).append('=').append(v).append('\0'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Each string followed by NUL. */
    public static byte[] text(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (String p : pairs) {
            b.append(p).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Pdu copy() {
        Pdu p = new Pdu(bhs.clone(), ahs.clone(), data.clone());
        p.keepLengths = keepLengths;
        return p;
    }

    @Override
    public String toString() {
        return String.format("Pdu[op=0x%02x flags=0x%02x itt=0x%08x b2=0x%02x b3=0x%02x ahs=%d data=%d]",
                opcode(), flags(), itt(), response(), status(), ahs.length, data.length)
                + (data.length > 0 && data.length <= 64 ? " " + Arrays.toString(data) : "");
    }
}
