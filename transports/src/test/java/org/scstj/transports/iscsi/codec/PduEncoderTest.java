package org.scstj.transports.iscsi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.Opcode;

import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PduEncoderTest {
    private static ByteBuf drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    @Test
    void dataIn_isHeaderPlusPassedThroughPayloadPlusPadding() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduEncoder());
        ByteBuf payload = Unpooled.directBuffer().writeBytes(new byte[]{1, 2, 3, 4, 5});
        ch.writeOutbound(new DataInPdu(true, true, 0, 0, 0, 0x11, 7, 8, 9, 0, 0, 0, payload));
        ByteBuf out = drain(ch);
        assertEquals(48 + 8, out.readableBytes());
        assertEquals(Opcode.DATA_IN, out.getByte(0));
        assertEquals(0x81, out.getUnsignedByte(1));
        assertEquals(5, out.getUnsignedMedium(5));
        assertEquals(7, out.getInt(24));
        assertEquals(5, out.getByte(48 + 4));
        assertEquals(0, out.getByte(48 + 5));
        assertEquals(0, payload.refCnt());
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void digests_followHeaderAndPaddedData() {
        PduEncoder encoder = new PduEncoder();
        encoder.digests(true, true);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeOutbound(new DataInPdu(true, false, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, Unpooled.wrappedBuffer(new byte[]{7, 7, 7})));
        ByteBuf out = drain(ch);
        assertEquals(48 + 4 + 4 + 4, out.readableBytes());
        byte[] header = new byte[48];
        out.getBytes(0, header);
        CRC32C h = new CRC32C();
        h.update(header);
        assertEquals((int) h.getValue(), out.getIntLE(48));
        CRC32C d = new CRC32C();
        d.update(new byte[]{7, 7, 7, 0});
        assertEquals((int) d.getValue(), out.getIntLE(56));
        out.release();
        assertFalse(ch.finish());
    }
}
