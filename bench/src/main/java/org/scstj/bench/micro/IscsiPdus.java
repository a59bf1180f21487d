package org.scstj.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.zip.CRC32C;

/**
 * Initiator-side PDUs as bytes on the wire, for the decoder benchmark (RFC 7143 11.2 framing: BHS,
 * header digest, data segment, data digest; digests are CRC32C sent little-endian, 13.1).
 */
final class IscsiPdus {
    static final int BHS = 48;
    static final long LUN_1 = 0x0001_0000_0000_0000L;

    private IscsiPdus() {
    }

    /**
     * RFC 7143 11.3 SCSI Command: WRITE(10) of {@code dataLength} bytes at LBA 0 (512-byte blocks),
     * SIMPLE, F and W set, EDTL {@code dataLength}, carrying {@code immediate} bytes of immediate data.
     */
    static byte[] scsiCommandBhs(int itt, int dataLength, int immediate) {
        byte[] b = new byte[BHS];
        b[0] = 0x01;                      // opcode SCSI Command
        b[1] = (byte) (0x80 | 0x20 | 0x01); // F, W, ATTR = SIMPLE
        putMedium(b, 5, immediate);       // DataSegmentLength
        putLong(b, 8, LUN_1);
        putInt(b, 16, itt);               // Initiator Task Tag
        putInt(b, 20, dataLength);        // Expected Data Transfer Length
        putInt(b, 24, 1);                 // CmdSN
        putInt(b, 28, 1);                 // ExpStatSN
        b[32] = 0x2A;                     // CDB: WRITE(10), SBC-4 5.39
        int blocks = dataLength / 512;
        b[32 + 7] = (byte) (blocks >>> 8);
        b[32 + 8] = (byte) blocks;
        return b;
    }

    /** RFC 7143 11.7 SCSI Data-Out: the final PDU of a burst answering R2T {@code ttt}, at offset 0. */
    static byte[] dataOutBhs(int itt, int ttt, int dataLength) {
        byte[] b = new byte[BHS];
        b[0] = 0x05;                      // opcode SCSI Data-Out
        b[1] = (byte) 0x80;               // F
        putMedium(b, 5, dataLength);
        putLong(b, 8, LUN_1);
        putInt(b, 16, itt);
        putInt(b, 20, ttt);               // Target Transfer Tag
        putInt(b, 28, 1);                 // ExpStatSN
        putInt(b, 36, 0);                 // DataSN
        putInt(b, 40, 0);                 // Buffer Offset
        return b;
    }

    /** Appends one PDU: BHS, [header digest], data padded to 4, [data digest]. */
    static void write(ByteBuf out, byte[] bhs, byte[] data, boolean digests) {
        out.writeBytes(bhs);
        if (digests) {
            out.writeIntLE(crc32c(bhs, bhs.length));
        }
        if (data.length > 0) {
            out.writeBytes(data);
            int padded = (data.length + 3) & ~3;
            out.writeZero(padded - data.length);
            if (digests) {
                byte[] withPad = java.util.Arrays.copyOf(data, padded);
                out.writeIntLE(crc32c(withPad, padded));
            }
        }
    }

    /** A pooled direct buffer holding {@code pdus} back to back (the bytes one socket read would bring). */
    static ByteBuf wire(ByteBufAllocator alloc, boolean digests, byte[][] bhs, byte[][] data) {
        ByteBuf b = alloc.directBuffer();
        for (int i = 0; i < bhs.length; i++) {
            write(b, bhs[i], data[i], digests);
        }
        return b;
    }

    /** A data segment with a recognisable pattern. */
    static byte[] pattern(int length) {
        byte[] d = new byte[length];
        for (int i = 0; i < length; i++) {
            d[i] = (byte) (i * 7 + 3);
        }
        return d;
    }

    private static int crc32c(byte[] b, int length) {
        CRC32C c = new CRC32C();
        c.update(b, 0, length);
        return (int) c.getValue();
    }

    private static void putMedium(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 16);
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
