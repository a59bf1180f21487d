package org.scstj.transports.iscsi.conn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.login.TextAccumulator;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full-feature text negotiation (RFC 7143 6.2, 11.10, 11.11) and its bounds (bad-inputs rows 5 and 17). */
class TextExchangeTest {
    private static final int F = 0x80;
    private static final int C = 0x40;
    private final ConnectionHarness h = new ConnectionHarness("");

    @AfterEach
    void close() {
        h.close();
    }

    private void text(int flags, int itt, int ttt, byte[] data) {
        h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(flags).itt(itt).i32(20, ttt).cmdSn(1).data(data));
    }

    private static byte[] pairs(String... pairs) {
        return (String.join("\0", pairs) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private void assertProtocolErrorReject() {
        ReceivedPdu r = h.one();
        assertEquals(Opcode.REJECT, r.opcode());
        assertEquals(0x04, r.u8(2));
    }

    /** The session still answers, and a new negotiation has a new budget (a discovery session takes only Text). */
    private void assertStillServing() {
        text(F, 99, Opcode.RESERVED_TAG, pairs("SendTargets=All"));
        ReceivedPdu r = h.one();
        assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
        assertEquals(F, r.flags() & F);
        assertTrue(h.open());
    }

    @Test
    void requestWithFinalZero_isAnsweredWithFinalZeroAndATtt_thenFinishedByTheInitiator() {
        h.discoveryLogin();
        text(0, 3, Opcode.RESERVED_TAG, pairs("X-vendor.a=1"));
        ReceivedPdu r = h.one();
        assertEquals(0, r.flags() & (F | C), "11.11.1: F=1 answering F=0 would be a protocol error");
        assertNotEquals(Opcode.RESERVED_TAG, r.i32(20));
        assertEquals(List.of("X-vendor.a=NotUnderstood"), r.pairs());
        text(F, 3, r.i32(20), pairs("SendTargets=All"));
        ReceivedPdu last = h.one();
        assertEquals(F, last.flags() & (F | C));
        assertEquals(Opcode.RESERVED_TAG, last.i32(20));
        assertTrue(last.pairs().getFirst().startsWith("TargetName="));
    }

    @Test
    void endlessNegotiationWithTheSameKey_endsWithReject_andTheSessionGoesOn() {
        h.discoveryLogin();
        int ttt = Opcode.RESERVED_TAG;
        int answered = 0;
        for (int i = 0; i < TextAccumulator.MAX_PDUS; i++) {
            text(0, 3, ttt, pairs("X-vendor.a=1"));
            ReceivedPdu r = h.one();
            assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
            ttt = r.i32(20);
            answered++;
        }
        assertEquals(TextAccumulator.MAX_PDUS, answered);
        text(0, 3, ttt, pairs("X-vendor.a=1"));
        assertProtocolErrorReject();
        assertStillServing();
    }

    @Test
    void endlessEmptyContinuation_endsWithReject() {
        h.discoveryLogin();
        int ttt = Opcode.RESERVED_TAG;
        for (int i = 0; i < TextAccumulator.MAX_PDUS; i++) {
            text(C, 3, ttt, new byte[0]);
            ReceivedPdu r = h.one();
            assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
            assertEquals(0, r.data().length);
            ttt = r.i32(20);
        }
        text(C, 3, ttt, new byte[0]);
        assertProtocolErrorReject();
        assertStillServing();
    }

    @Test
    void continuationPastTheTotalTextCap_endsWithReject() {
        h.discoveryLogin(); // MaxRecvDataSegmentLength=8192 for the target
        byte[] piece = new byte[8192];
        java.util.Arrays.fill(piece, (byte) 'x');
        int ttt = Opcode.RESERVED_TAG;
        for (int i = 0; i < TextAccumulator.MAX_TEXT / piece.length; i++) {
            text(C, 3, ttt, piece);
            ttt = h.one().i32(20);
        }
        text(C, 3, ttt, new byte[]{'x'});
        assertProtocolErrorReject();
        assertStillServing();
    }

    @Test
    void continuationWithAnotherTtt_isProtocolErrorReject() {
        h.discoveryLogin();
        text(C, 3, Opcode.RESERVED_TAG, "SendTar".getBytes());
        int ttt = h.one().i32(20);
        text(F, 3, ttt + 1, "gets=All\0".getBytes());
        assertProtocolErrorReject();
    }

    @Test
    void continueAndFinalBothSet_isProtocolErrorReject() {
        h.discoveryLogin();
        text(F | C, 3, Opcode.RESERVED_TAG, pairs("SendTargets=All"));
        assertProtocolErrorReject();
    }
}
