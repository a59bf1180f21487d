package org.scstj.transports.iscsi.conn;

import io.netty.buffer.Unpooled;
import org.scstj.transports.iscsi.login.SendTargets;
import org.scstj.transports.iscsi.login.TextAccumulator;
import org.scstj.transports.iscsi.login.TextParameters;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.RejectPdu;
import org.scstj.transports.iscsi.pdu.TextRequest;
import org.scstj.transports.iscsi.pdu.TextResponsePdu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Text negotiation in the full feature phase (RFC 7143 6.2, 11.10, 11.11): SendTargets
 * (Appendix C) and NotUnderstood for the rest. Long requests arrive with C=1 (each answered by an
 * empty response); long answers leave in pieces with C=1 and a TTT the initiator echoes. A request
 * with F=0 keeps the negotiation open: its answer goes out with F=0 and a TTT (11.11.1: F=1 would
 * be a protocol error), and the initiator continues with the same ITT and that TTT. A changed ITT
 * or TTT mid-exchange, C and F both set, or a negotiation past the {@link TextAccumulator} budget
 * (64 KiB, 128 request PDUs; 6.2 allows ending a negotiation that does not converge) is answered
 * by Reject (protocol error) and ends the negotiation (bad-inputs rows 5 and 17). Event-loop only.
 */
final class TextExchange {
    private final IscsiConnection conn;
    private final TextAccumulator request = new TextAccumulator();
    private int itt = Opcode.RESERVED_TAG;
    private int ttt = Opcode.RESERVED_TAG;
    private byte[] answer;
    private int answerOffset;
    private boolean initiatorFinal;

    TextExchange(IscsiConnection conn) {
        this.conn = conn;
    }

    void onText(TextRequest t) {
        boolean continuing = itt != Opcode.RESERVED_TAG;
        if ((continuing && (t.itt() != itt || t.ttt() != ttt)) // 11.10.4: the same ITT, the TTT the target sent
                || (t.finalFlag() && t.cont())) { // 11.10.2: C=1 with F=1 is an error
            clear();
            conn.reject(RejectPdu.PROTOCOL_ERROR, t.bhs());
            return;
        }
        if (answer != null) {
            sendPiece();
            return;
        }
        if (!request.append(t.data())) { // the negotiation's budget is spent (6.2)
            clear();
            conn.reject(RejectPdu.PROTOCOL_ERROR, t.bhs());
            return;
        }
        itt = t.itt();
        if (t.cont()) {
            ttt = conn.nextTargetTransferTag();
            conn.send(new TextResponsePdu(false, false, 0, itt, ttt, conn.nextStatSn(), conn.expCmdSn(),
                    conn.maxCmdSn(), Unpooled.EMPTY_BUFFER));
            return;
        }
        TextParameters.Parsed parsed = TextParameters.parse(request.bytes(), request.length());
        request.clear();
        if (!(parsed instanceof TextParameters.Pairs(Map<String, String> keys))) {
            clear();
            conn.reject(RejectPdu.PROTOCOL_ERROR, t.bhs());
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().equals("SendTargets")) {
                var identity = conn.identity();
                out.writeBytes(SendTargets.answer(e.getValue(), identity.initiatorName(), conn.target().core(),
                        conn.target().settings() /* the portals in force now, like the bound addresses */, conn.target().portals().get(), conn.localAddress(),
                        identity.targetName()));
            } else {
                out.writeBytes((e.getKey() + "=NotUnderstood").getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
        }
        answer = out.toByteArray();
        answerOffset = 0;
        initiatorFinal = t.finalFlag();
        sendPiece();
    }

    private void sendPiece() {
        int n = Math.min(answer.length - answerOffset, conn.parameters().initiatorMaxRecvDataSegmentLength());
        boolean last = answerOffset + n == answer.length;
        boolean done = last && initiatorFinal; // 11.11.1: F=1 only in answer to F=1
        ttt = done ? Opcode.RESERVED_TAG : conn.nextTargetTransferTag();
        conn.send(new TextResponsePdu(done, !last, 0, itt, ttt, conn.nextStatSn(), conn.expCmdSn(), conn.maxCmdSn(),
                Unpooled.wrappedBuffer(answer, answerOffset, n)));
        answerOffset += n;
        if (done) {
            clear();
        } else if (last) {
            answer = null; // the negotiation stays open: the initiator continues with this ITT and TTT
        }
    }

    void clear() {
        request.reset();
        answer = null;
        itt = Opcode.RESERVED_TAG;
        ttt = Opcode.RESERVED_TAG;
    }
}
