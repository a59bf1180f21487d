package org.scstj.transports.iscsi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.MessageToMessageEncoder;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.util.List;

/**
 * Writes {@link TargetPdu}s (RFC 7143 11.2): allocates only the header (BHS + header digest) and
 * a trailer (padding + data digest) and passes the data segment through.
 *
 * <p>Buffer ownership: the PDU's data buffer is emitted as is, between header and trailer, and the
 * channel releases it after writing. If encoding fails the data buffer is released here.
 */
public final class PduEncoder extends MessageToMessageEncoder<TargetPdu> {
    private final Crc32c crc = new Crc32c();
    private boolean headerDigest;
    private boolean dataDigest;

    public PduEncoder() {
        super(TargetPdu.class);
    }

    /** Turns digests on or off for PDUs encoded from now on (after the final Login Response). */
    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TargetPdu pdu, List<Object> out) {
        if (pdu.fileData() != null) {
            encodeFileData(ctx, pdu, pdu.fileData(), out);
            return;
        }
        ByteBuf data = pdu.data();
        ByteBuf header = null;
        try {
            int length = data.readableBytes();
            header = ctx.alloc().directBuffer(Bhs.LENGTH + 4);
            pdu.writeBhs(header, length);
            if (headerDigest) {
                header.writeIntLE(crc.reset().update(header, 0, Bhs.LENGTH).value());
            }
            if (length == 0) {
                data.release();
                data = null;
                out.add(header);
                header = null;
                return;
            }
            // header, data and trailer as separate messages: the channel gathers them into one
            // writev, and no composite is allocated per PDU
            int pad = -length & 3;
            ByteBuf trailer = null;
            if (pad > 0 || dataDigest) {
                trailer = ctx.alloc().directBuffer(8);
                trailer.writeZero(pad);
                if (dataDigest) {
                    trailer.writeIntLE(crc.reset().update(data, data.readerIndex(), length).pad(length).value());
                }
            }
            out.add(header);
            header = null;
            out.add(data);
            data = null;
            if (trailer != null) {
                out.add(trailer);
            }
        } finally {
            if (header != null) {
                header.release();
            }
            if (data != null) {
                data.release();
            }
        }
    }

    /**
     * A data segment sent from a file (sendfile): the header, the region, then the padding, as
     * three messages the channel writes in order. A data digest would need the bytes, so the
     * sender never uses a file region when DataDigest is on.
     */
    private void encodeFileData(ChannelHandlerContext ctx, TargetPdu pdu, FileRegion region, List<Object> out) {
        pdu.data().release();
        if (dataDigest || region.count() > 0xFF_FFFF) {
            region.release();
            throw new IllegalStateException("a file-backed data segment needs DataDigest=None and at most 16 MiB");
        }
        int length = (int) region.count();
        ByteBuf header = ctx.alloc().directBuffer(Bhs.LENGTH + 4);
        pdu.writeBhs(header, length);
        if (headerDigest) {
            header.writeIntLE(crc.reset().update(header, 0, Bhs.LENGTH).value());
        }
        out.add(header);
        out.add(region);
        int pad = -length & 3;
        if (pad > 0) {
            out.add(ctx.alloc().directBuffer(4).writeZero(pad));
        }
    }
}
