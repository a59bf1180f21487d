package org.scstj.transports.iscsi.codec;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc32cTest {
    @Test
    void thirtyTwoZeroBytes_matchTheRfcExample() {
        // RFC 3720 B.4 (kept by RFC 7143): 32 bytes of zeros -> aa 36 91 8a on the wire
        int v = new Crc32c().reset().update(Unpooled.wrappedBuffer(new byte[32]), 0, 32).value();
        assertEquals(0x8a9136aa, v);
    }

    @Test
    void thirtyTwoOnes_matchTheRfcExample() {
        byte[] ff = new byte[32];
        java.util.Arrays.fill(ff, (byte) 0xff);
        assertEquals(0x62a8ab43, new Crc32c().reset().update(ff, 0, 32).value());
    }
}
