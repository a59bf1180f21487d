package org.scstj.handlers.user;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's side of the rings (docs/user-handlers.md "The shared memory") against a handler this
 * test plays by writing the memory itself: submissions land where the layout says, a full ring is
 * backpressure, and every index, status and sense length the "handler" writes is checked before
 * use ("The core never trusts this memory").
 */
class RingsTest {
    private final Rings.Layout layout = new Rings.Layout(4, 8, 4, 4096);
    private final MemorySegment memory = Arena.ofAuto().allocate(layout.size(), 4096);
    private final Rings rings = new Rings(memory, layout);

    /** The handler takes {@code n} submissions: it moves the SQ head. */
    private void take(int head) {
        memory.set(ValueLayout.JAVA_INT, Rings.SQ_HEAD, head);
    }

    /** The handler writes completion {@code index} and publishes the CQ tail {@code tail}. */
    private void complete(int index, long id, int status, byte[] sense, int dataLength, int tail) {
        long at = layout.cqOffset() + (long) (index & (layout.cqEntries() - 1)) * Rings.CQ_ENTRY;
        memory.asSlice(at, Rings.CQ_ENTRY).fill((byte) 0);
        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, at, id);
        memory.set(ValueLayout.JAVA_BYTE, at + 8, (byte) status);
        memory.set(ValueLayout.JAVA_BYTE, at + 9, (byte) sense.length);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, at + 12, dataLength);
        MemorySegment.copy(sense, 0, memory, ValueLayout.JAVA_BYTE, at + 16, Math.min(sense.length, 48));
        memory.set(ValueLayout.JAVA_INT, Rings.CQ_TAIL, tail);
    }

    private static Rings.Submission read(long id, int buffer) {
        return new Rings.Submission(id, Rings.OP_READ, Rings.FLAG_DATA_IN, buffer, 4096L * id, 4096, 4096, null);
    }

    @Test
    void layout_regionsOnPageBoundaries_headerMarked() {
        assertEquals(4096, layout.sqOffset());
        assertEquals(4096 + 4096, layout.cqOffset(), "4 SQ entries of 128 bytes, rounded up to a page");
        assertEquals(8192 + 4096, layout.buffersOffset());
        assertEquals(12288 + 4 * 4096, layout.size());
        assertEquals(Rings.RING_MAGIC, memory.get(ValueLayout.JAVA_INT, 0));
        assertEquals(1, memory.get(ValueLayout.JAVA_INT, 4));
    }

    @Test
    void submissions_landInTheRing_andAFullRingIsBackpressure() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertTrue(rings.submit(read(i, i)));
        }
        assertFalse(rings.submit(read(4, 0)), "four in the ring, none taken: full");
        assertEquals(4, memory.get(ValueLayout.JAVA_INT, Rings.SQ_TAIL));
        long at = layout.sqOffset() + 2L * Rings.SQ_ENTRY;
        assertEquals(2L, memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at), "entry 2's id");
        assertEquals(Rings.OP_READ, memory.get(ValueLayout.JAVA_BYTE, at + 8));
        assertEquals(2, memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12), "its buffer");
        assertEquals(8192L, memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16), "its byte offset");
        take(1);
        assertTrue(rings.submit(read(4, 0)), "one taken: room for one");
        assertEquals(4L, memory.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) layout.sqOffset()),
                "entry 4 wrapped to slot 0");
    }

    @Test
    void aCdbSubmission_carriesItsCdb() throws Exception {
        byte[] cdb = {(byte) 0x85, 0x08, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xEC, 0};
        assertTrue(rings.submit(new Rings.Submission(9, Rings.OP_CDB, Rings.FLAG_DATA_IN, 1, 0, 0, 512, cdb)));
        long at = layout.sqOffset();
        assertEquals(16, memory.get(ValueLayout.JAVA_BYTE, at + 10));
        assertArrayEquals(cdb, memory.asSlice(at + 40, 16).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void completions_areCopiedOutAndCheckedInOrder() throws Exception {
        assertNull(rings.nextCompletion(), "nothing yet");
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = 0x03;
        sense[7] = 10;
        sense[12] = 0x11;
        complete(0, 7, 0x00, new byte[0], 4096, 1);
        complete(1, 8, 0x02, sense, 0, 2);
        Rings.Completion first = rings.nextCompletion();
        assertEquals(7, first.id());
        assertEquals(0, first.status());
        assertEquals(4096, first.dataLength());
        Rings.Completion second = rings.nextCompletion();
        assertEquals(2, second.status());
        assertArrayEquals(sense, second.sense(), "MEDIUM ERROR, UNRECOVERED READ ERROR: the handler's sense");
        assertNull(rings.nextCompletion());
        assertEquals(2, memory.get(ValueLayout.JAVA_INT, Rings.CQ_HEAD), "the core published its head");
    }

    @Test
    void aCqTailFarAhead_orBehind_isGarbage() {
        memory.set(ValueLayout.JAVA_INT, Rings.CQ_TAIL, 9); // 9 completions in a ring of 8
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
        memory.set(ValueLayout.JAVA_INT, Rings.CQ_TAIL, -3);
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
    }

    @Test
    void anSqHeadAheadOfTheTail_isGarbage() throws Exception {
        assertTrue(rings.submit(read(1, 0)));
        take(5);
        assertThrows(Rings.Garbage.class, () -> rings.submit(read(2, 1)));
    }

    @Test
    void badStatusesAndSense_areGarbage() {
        complete(0, 1, 0x18, new byte[0], 0, 1); // RESERVATION CONFLICT is the core's
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
        complete(1, 2, 0x00, new byte[] {0x70, 0, 5}, 0, 2); // GOOD with sense
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
        complete(2, 3, 0x02, new byte[] {0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 3); // no such response code
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
        complete(3, 4, 0x02, new byte[0], 0, 4); // CHECK CONDITION without sense
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
        long at = layout.cqOffset() + 4L * Rings.CQ_ENTRY;
        complete(4, 5, 0x00, new byte[0], 0, 5);
        memory.set(ValueLayout.JAVA_BYTE, at + 9, (byte) 200); // sense length 200
        assertThrows(Rings.Garbage.class, rings::nextCompletion);
    }
}
