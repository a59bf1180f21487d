package org.scstj.transports.iscsi.codec;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * iSCSI digests (RFC 7143 13.1, CRC32C): computed with {@link CRC32C} over nio views of the
 * buffers, sent little-endian as in the RFC's examples. Not thread-safe; one per channel.
 */
public final class Crc32c {
    private static final byte[] ZEROS = new byte[4];
    private final CRC32C crc = new CRC32C();

    public Crc32c reset() {
        crc.reset();
        return this;
    }

    public Crc32c update(byte[] bytes, int off, int len) {
        crc.update(bytes, off, len);
        return this;
    }

    /** Adds {@code len} bytes of {@code buf} from {@code index}, without moving its indices. */
    public Crc32c update(ByteBuf buf, int index, int len) {
        if (len == 0) {
            return this;
        }
        if (buf.nioBufferCount() == 1) {
            // the buffer's own cached view: no ByteBuffer per digest (the caller's thread owns buf)
            crc.update(buf.internalNioBuffer(index, len));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, len)) {
                crc.update(b);
            }
        }
        return this;
    }

    /** Adds the zero padding that rounds {@code length} up to a multiple of four. */
    public Crc32c pad(int length) {
        int pad = -length & 3;
        crc.update(ZEROS, 0, pad);
        return this;
    }

    public int value() {
        return (int) crc.getValue();
    }
}
