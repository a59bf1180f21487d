package org.scstj.transports.iscsi.login;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextAccumulatorTest {
    private final TextAccumulator acc = new TextAccumulator();

    @Test
    void pieces_joinInOrder() {
        assertTrue(acc.append(Unpooled.wrappedBuffer(new byte[]{'A', '='})));
        assertTrue(acc.append(Unpooled.wrappedBuffer(new byte[]{'1', 0})));
        assertEquals(4, acc.length());
        assertArrayEquals(new byte[]{'A', '=', '1', 0}, java.util.Arrays.copyOf(acc.bytes(), acc.length()));
    }

    @Test
    void totalTextPastTheCap_isRefused_evenAcrossClears() {
        assertTrue(acc.append(Unpooled.wrappedBuffer(new byte[TextAccumulator.MAX_TEXT - 10])));
        acc.clear(); // parsed; the negotiation goes on
        assertEquals(0, acc.length());
        assertFalse(acc.append(Unpooled.wrappedBuffer(new byte[11])));
        assertTrue(acc.append(Unpooled.wrappedBuffer(new byte[10])));
    }

    @Test
    void emptyPdusPastTheCap_areRefused() { // an endless C-bit sequence of empty PDUs (bad-inputs row 5)
        for (int i = 0; i < TextAccumulator.MAX_PDUS; i++) {
            assertTrue(acc.append(Unpooled.EMPTY_BUFFER), "PDU " + i);
        }
        assertFalse(acc.append(Unpooled.EMPTY_BUFFER));
    }

    @Test
    void reset_startsANewBudget() {
        for (int i = 0; i < TextAccumulator.MAX_PDUS; i++) {
            acc.append(Unpooled.EMPTY_BUFFER);
        }
        acc.reset();
        assertTrue(acc.append(Unpooled.wrappedBuffer(new byte[TextAccumulator.MAX_TEXT])));
    }
}
