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
 * empty response); long answers leave in pieces with C=1 and a TTT the initiator echoes. A
 * changed ITT mid-exchange is a protocol error (bad-inputs row 17). Event-loop only.
 */
final class TextExchange {
    private final IscsiConnection conn;
    private final TextAccumulator request = new TextAccumulator();
    private int itt = Opcode.RESERVED_TAG;
    private int ttt = Opcode.RESERVED_TAG;
    private byte[] answer;
    private int answerOffset;

    TextExchange(IscsiConnection conn) {
        this.conn = conn;
    }

    void onText(TextRequest t) {
        if (itt != Opcode.RESERVED_TAG && t.itt() != itt) {
            clear();
            conn.reject(RejectPdu.PROTOCOL_ERROR, t.bhs());
            return;
        }
        if (answer != null) {
            if (t.ttt() != ttt) {
                clear();
                conn.reject(RejectPdu.PROTOCOL_ERROR, t.bhs());
            } else {
                sendPiece();
            }
            return;
        }
        if (!request.append(t.data())) {
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
                        conn.target().settings(), conn.target().portals().get(), conn.localAddress(),
                        identity.targetName()));
            } else {
                out.writeBytes((e.getKey() + "=NotUnderstood").getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
        }
        answer = out.toByteArray();
        answerOffset = 0;
        sendPiece();
    }

    private void sendPiece() {
        int n = Math.min(answer.length - answerOffset, conn.parameters().initiatorMaxRecvDataSegmentLength());
        boolean last = answerOffset + n == answer.length;
        ttt = last ? Opcode.RESERVED_TAG : conn.nextTargetTransferTag();
        conn.send(new TextResponsePdu(last, !last, 0, itt, ttt, conn.nextStatSn(), conn.expCmdSn(), conn.maxCmdSn(),
                Unpooled.wrappedBuffer(answer, answerOffset, n)));
        answerOffset += n;
        if (last) {
            clear();
        }
    }

    void clear() {
        request.clear();
        answer = null;
        itt = Opcode.RESERVED_TAG;
        ttt = Opcode.RESERVED_TAG;
    }
}
