package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.testing.LoginMachines;
import org.scstj.transports.iscsi.testing.PduBuilder;

import java.nio.charset.StandardCharsets;

/** A login's text is bounded by the {@link TextAccumulator} budget: RFC 7143 6.2, bad-inputs row 5 (Login 0x0302). */
class LoginTextBoundsTest {
    private final LoginStateMachine login = LoginMachines.onFirstPortalGroup(IscsiSettings.from(ConfigFactory.empty()),
            SecurityNegotiation.none());

    private static LoginRequest request(int flags, byte[] text) {
        byte[] h = PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).u16(8, 0x8000).i32(10, 1).itt(1)
                .data(text).header();
        return (LoginRequest) PduParser.parse(new Bhs(h), null, Unpooled.wrappedBuffer(text));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void endlessEmptyContinuation_isRefusedOutOfResources() {
        int status = 0;
        for (int i = 0; i <= TextAccumulator.MAX_PDUS && status == 0; i++) {
            if (login.step(request(0x41, new byte[0])) instanceof LoginStep.Refuse(int s)) { // C=1, CSG 0, NSG 1
                status = s;
                assertEquals(TextAccumulator.MAX_PDUS, i);
            }
        }
        assertEquals(LoginStatus.OUT_OF_RESOURCES, status);
    }

    @Test
    void endlessSecurityStageWithoutTransit_isRefusedOutOfResources() {
        assertInstanceOf(LoginStep.Reply.class, login.step(request(0x01,
                text("InitiatorName=iqn.i\0TargetName=iqn.t\0AuthMethod=None\0"))));
        LoginStep last = null;
        for (int i = 1; i <= TextAccumulator.MAX_PDUS; i++) { // the same key again and again, T=0
            last = login.step(request(0x01, text("AuthMethod=None\0")));
        }
        assertEquals(LoginStatus.OUT_OF_RESOURCES, assertInstanceOf(LoginStep.Refuse.class, last).status());
    }

    @Test
    void textPastTheTotalCap_isRefusedOutOfResources() {
        byte[] piece = new byte[8192];
        java.util.Arrays.fill(piece, (byte) 'x');
        LoginStep last = null;
        for (int i = 0; i <= TextAccumulator.MAX_TEXT / piece.length; i++) {
            last = login.step(request(0x41, piece));
        }
        assertEquals(LoginStatus.OUT_OF_RESOURCES, assertInstanceOf(LoginStep.Refuse.class, last).status());
    }
}
