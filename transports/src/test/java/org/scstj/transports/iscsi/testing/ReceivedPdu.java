package org.scstj.transports.iscsi.testing;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A target PDU as the initiator sees it on the wire: header bytes and data segment. */
public record ReceivedPdu(byte[] bhs, byte[] data) {

    /** Splits a byte stream into PDUs (no digests); consumes what it parses. */
    public static List<ReceivedPdu> parseAll(ByteBuf in) {
        List<ReceivedPdu> out = new ArrayList<>();
        while (in.readableBytes() >= 48) {
            int dsl = in.getUnsignedMedium(in.readerIndex() + 5);
            int padded = (dsl + 3) & ~3;
            if (in.readableBytes() < 48 + padded) {
                break;
            }
            byte[] h = new byte[48];
            in.readBytes(h);
            byte[] d = new byte[dsl];
            in.readBytes(d);
            in.skipBytes(padded - dsl);
            out.add(new ReceivedPdu(h, d));
        }
        return out;
    }

    public int opcode() {
        return bhs[0] & 0x3f;
    }

    public int flags() {
        return bhs[1] & 0xff;
    }

    public int u8(int i) {
        return bhs[i] & 0xff;
    }

    public int u16(int i) {
        return ((bhs[i] & 0xff) << 8) | (bhs[i + 1] & 0xff);
    }

    public int i32(int i) {
        return ((bhs[i] & 0xff) << 24) | ((bhs[i + 1] & 0xff) << 16) | ((bhs[i + 2] & 0xff) << 8) | (bhs[i + 3] & 0xff);
    }

    public int itt() {
        return i32(16);
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

    /** Login Response status class and detail (RFC 7143 11.13.5). */
    public int loginStatus() {
        return u16(36);
    }

    public Map<String, String> keys() {
        Map<String, String> m = new LinkedHashMap<>();
        String s = new String(data, StandardCharsets.UTF_8);
        for (String pair : s.split("\0")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            m.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return m;
    }

    /** All key=value pairs in order, duplicates kept (SendTargets answers repeat TargetAddress). */
    public List<String> pairs() {
        List<String> out = new ArrayList<>();
        for (String pair : new String(data, StandardCharsets.UTF_8).split("\0")) {
            if (!pair.isEmpty()) {
                out.add(pair);
            }
        }
        return out;
    }
}
