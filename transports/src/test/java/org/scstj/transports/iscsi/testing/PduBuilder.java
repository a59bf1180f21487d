package org.scstj.transports.iscsi.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Builds initiator PDUs byte by byte, as an initiator would put them on the wire (RFC 7143 11). */
public final class PduBuilder {
    private final byte[] h = new byte[48];
    private byte[] ahs = new byte[0];
    private byte[] data = new byte[0];
    private Integer dslOverride;

    private PduBuilder(int opcode, boolean immediate) {
        h[0] = (byte) (opcode | (immediate ? 0x40 : 0));
    }

    public static PduBuilder pdu(int opcode) {
        return new PduBuilder(opcode, false);
    }

    public static PduBuilder immediate(int opcode) {
        return new PduBuilder(opcode, true);
    }

    public PduBuilder flags(int flags) {
        h[1] = (byte) flags;
        return this;
    }

    public PduBuilder u8(int index, int v) {
        h[index] = (byte) v;
        return this;
    }

    public PduBuilder u16(int index, int v) {
        h[index] = (byte) (v >> 8);
        h[index + 1] = (byte) v;
        return this;
    }

    public PduBuilder i32(int index, int v) {
        for (int i = 0; i < 4; i++) {
            h[index + i] = (byte) (v >>> (24 - 8 * i));
        }
        return this;
    }

    public PduBuilder lun(long lun) {
        i32(8, (int) (lun >>> 32));
        return i32(12, (int) lun);
    }

    public PduBuilder itt(int itt) {
        return i32(16, itt);
    }

    public PduBuilder cmdSn(int sn) {
        return i32(24, sn);
    }

    public PduBuilder cdb(int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            h[32 + i] = (byte) bytes[i];
        }
        return this;
    }

    /** Raw AHS bytes (already padded); sets TotalAHSLength. */
    public PduBuilder ahs(byte[] raw) {
        this.ahs = raw;
        h[4] = (byte) (raw.length / 4);
        return this;
    }

    public PduBuilder totalAhsLength(int words) {
        h[4] = (byte) words;
        return this;
    }

    public PduBuilder data(byte[] bytes) {
        this.data = bytes;
        return this;
    }

    /** key=value pairs, each NUL-terminated. */
    public PduBuilder text(String... pairs) {
        StringBuilder sb = new StringBuilder();
        for (String p : pairs) {
            sb.append(p).append('\0');
        }
        return data(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Announces a DataSegmentLength different from the bytes actually attached. */
    public PduBuilder dataSegmentLength(int length) {
        this.dslOverride = length;
        return this;
    }

    public byte[] header() {
        byte[] copy = h.clone();
        int dsl = dslOverride != null ? dslOverride : data.length;
        copy[5] = (byte) (dsl >> 16);
        copy[6] = (byte) (dsl >> 8);
        copy[7] = (byte) dsl;
        return copy;
    }

    public ByteBuf build() {
        return build(false, false);
    }

    public ByteBuf build(boolean headerDigest, boolean dataDigest) {
        byte[] header = header();
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(header);
        out.writeBytes(ahs);
        if (headerDigest) {
            CRC32C c = new CRC32C();
            c.update(header);
            c.update(ahs);
            out.writeIntLE((int) c.getValue());
        }
        out.writeBytes(data);
        int pad = -data.length & 3;
        out.writeZero(pad);
        if (dataDigest && data.length > 0) {
            CRC32C c = new CRC32C();
            c.update(data);
            c.update(new byte[pad]);
            out.writeIntLE((int) c.getValue());
        }
        return out;
    }
}
