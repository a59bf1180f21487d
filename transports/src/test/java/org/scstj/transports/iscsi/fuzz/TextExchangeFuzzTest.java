package org.scstj.transports.iscsi.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of full-feature text negotiation (RFC 7143 6.2, 11.10, 11.11) through a
 * whole connection ({@link ConnectionHarness}): after a discovery or normal login, any sequence of
 * Text Requests with any F/C bits, ITT, TTT and key text. Invariants: the connection never throws;
 * each request is answered by at most one Text Response or one Reject (or the connection closes);
 * a Text Response never exceeds the initiator's MaxRecvDataSegmentLength; every complete answer
 * (the pieces up to one with C=0) is well-formed text.
 *
 * <p>Input: byte 0 bit 0 chooses a discovery session, then records of flags, ITT (u8), TTT choice
 * (0: reserved, 1: the last TTT the target sent, else that value), text length (u16), text.
 */
class TextExchangeFuzzTest {
    private static final int MRDSL = 512;

    @FuzzTest(maxDuration = "60s")
    void exchange(FuzzedDataProvider in) {
        FuzzInput f = new FuzzInput(in.consumeRemainingAsBytes());
        try (ConnectionHarness h = new ConnectionHarness("")) {
            if ((f.u8() & 1) != 0) {
                h.send(h.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "SessionType=Discovery",
                        "MaxRecvDataSegmentLength=" + MRDSL));
                assertEquals(0, h.one().loginStatus());
            } else {
                h.login("MaxRecvDataSegmentLength=" + MRDSL);
            }
            int lastTtt = Opcode.RESERVED_TAG;
            int cmdSn = 1;
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            for (int i = 0; i < 256 && f.more() && h.open(); i++) {
                int flags = f.u8() & 0xc0;
                int itt = f.u8();
                int tttChoice = f.u8();
                int ttt = tttChoice == 0 ? Opcode.RESERVED_TAG : tttChoice == 1 ? lastTtt : tttChoice;
                byte[] text = f.bytes(f.u16());
                h.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(flags).itt(itt).i32(20, ttt).cmdSn(cmdSn)
                        .i32(28, 2).data(text));
                List<ReceivedPdu> out = h.received();
                assertTrue(out.size() <= 1, "one request, " + out.size() + " answers");
                for (ReceivedPdu r : out) {
                    switch (r.opcode()) {
                        case Opcode.TEXT_RESPONSE -> {
                            assertTrue(r.data().length <= MRDSL, "Text Response of " + r.data().length + " bytes");
                            assertTrue((r.flags() & 0xc0) != 0xc0, "F and C both set (11.11.1)");
                            lastTtt = r.i32(20);
                            answer.writeBytes(r.data());
                            if ((r.flags() & 0x40) == 0) { // C=0: this response ends a text (11.11.1)
                                TextChecks.wellFormed(answer.toByteArray());
                                answer.reset();
                            }
                        }
                        case Opcode.REJECT -> answer.reset();
                        default -> fail("answered a Text Request with opcode 0x" + Integer.toHexString(r.opcode()));
                    }
                }
            }
        }
    }
}
