package org.scstj.transports.iscsi.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of a whole target connection after login (decoder, connection, command
 * window, data-out, text, task management, logout) over a RAM disk: any bytes, in any reads. The
 * connection never lets an exception out of its pipeline (EmbeddedChannel rethrows it), and
 * everything it sends is a well-framed target PDU; a Reject echoes the 48-byte header (11.17); once
 * the connection is closed every buffer it received has been released.
 *
 * <p>Input: byte 0 bit 0 chooses a discovery session; then records of a read length (u16) and the
 * bytes of that read.
 */
class ConnectionFuzzTest {
    private static final Set<Integer> TARGET_OPCODES = Set.of(Opcode.NOP_IN, Opcode.SCSI_RESPONSE,
            Opcode.TASK_MGMT_RESPONSE, Opcode.LOGIN_RESPONSE, Opcode.TEXT_RESPONSE, Opcode.DATA_IN,
            Opcode.LOGOUT_RESPONSE, Opcode.R2T, Opcode.ASYNC_MESSAGE, Opcode.REJECT);

    @FuzzTest(maxDuration = "60s")
    void afterLogin(FuzzedDataProvider in) {
        FuzzInput f = new FuzzInput(in.consumeRemainingAsBytes());
        List<ByteBuf> reads = new ArrayList<>();
        try (ConnectionHarness h = new ConnectionHarness("")) {
            if ((f.u8() & 1) != 0) {
                h.discoveryLogin();
            } else {
                h.login();
            }
            for (int i = 0; i < 64 && f.more() && h.open(); i++) {
                ByteBuf read = Unpooled.wrappedBuffer(f.bytes(f.u16()));
                if (read != Unpooled.EMPTY_BUFFER) { // the shared empty buffer is never released
                    reads.add(read);
                }
                h.sendRaw(read);
                for (ReceivedPdu r : h.received()) {
                    assertTrue(TARGET_OPCODES.contains(r.opcode()), "sent opcode 0x" + Integer.toHexString(r.opcode()));
                    if (r.opcode() == Opcode.REJECT) {
                        assertEquals(48, r.data().length, "a Reject carries the rejected header");
                    }
                }
            }
        }
        for (ByteBuf read : reads) { // the connection is closed: nothing may still hold what it received
            assertEquals(0, read.refCnt(), "a received buffer outlived its connection");
        }
    }
}
