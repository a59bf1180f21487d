package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.InboundPdu;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.testing.LoginMachines;
import org.scstj.transports.iscsi.testing.PduBuilder;

import java.nio.charset.StandardCharsets;

class LoginStateMachineTest {
    private final LoginStateMachine login = LoginMachines.onFirstPortalGroup(IscsiSettings.from(ConfigFactory.empty()),
            SecurityNegotiation.none());

    private static LoginRequest request(int flags, int versionMin, String... keys) {
        PduBuilder b = PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).u8(3, versionMin)
                .u16(8, 0x8000).i32(10, 0x1234).itt(1).text(keys);
        byte[] h = b.header();
        ByteBuf data = Unpooled.wrappedBuffer(String.join("\0", keys).concat(keys.length > 0 ? "\0" : "")
                .getBytes(StandardCharsets.UTF_8));
        InboundPdu pdu = PduParser.parse(new Bhs(h), null, data);
        return (LoginRequest) pdu;
    }

    private static int status(LoginStep step) {
        return assertInstanceOf(LoginStep.Refuse.class, step).status();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    // flags: T=0x80, C=0x40, CSG<<2, NSG
    @Test
    void securityThenOperationalThenFullFeature_completes() {
        var s1 = assertInstanceOf(LoginStep.Reply.class, login.step(request(0x81, 0,
                "InitiatorName=iqn.i", "TargetName=iqn.t", "SessionType=Normal", "AuthMethod=CHAP,None")));
        assertTrue(s1.transit());
        assertEquals(1, s1.nsg());
        assertTrue(text(s1.text()).contains("AuthMethod=None"));
        assertTrue(text(s1.text()).contains("TargetPortalGroupTag=1"));
        var s2 = assertInstanceOf(LoginStep.Complete.class, login.step(request(0x87, 0,
                "HeaderDigest=None", "MaxRecvDataSegmentLength=65536", "ImmediateData=Yes")));
        assertTrue(text(s2.text()).contains("MaxRecvDataSegmentLength=262144"));
        assertEquals("iqn.i", s2.identity().initiatorName());
        assertEquals("iqn.t", s2.identity().targetName());
        assertEquals(0x8000_0000_1234L, s2.identity().isid());
        assertEquals(65536, s2.parameters().initiatorMaxRecvDataSegmentLength());
    }

    @Test
    void discoverySession_needsNoTargetName() {
        var step = assertInstanceOf(LoginStep.Complete.class, login.step(request(0x87, 0,
                "InitiatorName=iqn.i", "SessionType=Discovery")));
        assertTrue(step.identity().discovery());
        assertNull(step.identity().targetName());
    }

    @Test
    void missingInitiatorName_is0207() {
        assertEquals(0x0207, status(login.step(request(0x81, 0, "TargetName=iqn.t"))));
    }

    @Test
    void normalSessionWithoutTargetName_is0207() {
        assertEquals(0x0207, status(login.step(request(0x81, 0, "InitiatorName=iqn.i"))));
    }

    @Test
    void namesOver223Bytes_are020B() {
        assertEquals(0x020B, status(login.step(request(0x81, 0, "InitiatorName=iqn." + "a".repeat(220), "TargetName=t"))));
    }

    @Test
    void versionMinAboveZero_is0205() {
        assertEquals(0x0205, status(login.step(request(0x81, 1, "InitiatorName=i", "TargetName=t"))));
    }

    @Test
    void transitWithContinue_is0200() {
        assertEquals(0x0200, status(login.step(request(0xc1, 0, "InitiatorName=i", "TargetName=t"))));
    }

    @Test
    void backwardOrReservedTransitions_are0200() {
        assertEquals(0x0200, status(login.step(request(0x84 | 0x00, 0, "InitiatorName=i", "TargetName=t")))); // 1 -> 0
        var other = LoginMachines.onFirstPortalGroup(IscsiSettings.from(ConfigFactory.empty()), SecurityNegotiation.none());
        assertEquals(0x0200, status(other.step(request(0x82, 0, "InitiatorName=i", "TargetName=t")))); // 0 -> 2
    }

    @Test
    void duplicateKeys_are0200_andUnknownKeysNotUnderstood() {
        assertEquals(0x0200, status(login.step(request(0x81, 0, "InitiatorName=i", "InitiatorName=j"))));
        var fresh = LoginMachines.onFirstPortalGroup(IscsiSettings.from(ConfigFactory.empty()), SecurityNegotiation.none());
        var step = assertInstanceOf(LoginStep.Reply.class, fresh.step(request(0x81, 0,
                "InitiatorName=i", "TargetName=t", "X-Vendor=1")));
        assertTrue(text(step.text()).contains("X-Vendor=NotUnderstood"));
    }

    @Test
    void noAcceptableAuthMethod_is0201() {
        assertEquals(0x0201, status(login.step(request(0x81, 0, "InitiatorName=i", "TargetName=t", "AuthMethod=CHAP"))));
    }

    @Test
    void continuedText_isJoinedAcrossPdus() {
        var first = assertInstanceOf(LoginStep.Reply.class, login.step(requestRaw(0x40 | 0x01, "InitiatorName=iq")));
        assertFalse(first.transit());
        assertEquals(0, first.text().length);
        var done = assertInstanceOf(LoginStep.Complete.class, login.step(requestRaw(0x83, "n.i\0SessionType=Discovery\0")));
        assertEquals("iqn.i", done.identity().initiatorName());
    }

    @Test
    void endlessContinuation_isRefusedPastTheCap() {
        LoginStep last = null;
        String chunk = "X".repeat(8000);
        for (int i = 0; i < 20 && !(last instanceof LoginStep.Refuse); i++) {
            last = login.step(requestRaw(0x40, chunk));
        }
        assertEquals(0x0302, status(last));
    }

    private static LoginRequest requestRaw(int flags, String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        byte[] h = PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).itt(1).data(bytes).header();
        return (LoginRequest) PduParser.parse(new Bhs(h), null, Unpooled.wrappedBuffer(bytes));
    }

    // ---- RFC 7143 4.4.1 portal groups, 6.2 / 11.13.5 redirection ----

    private static final IscsiSettings GROUPS = IscsiSettings.from(ConfigFactory.parseString("""
            portal-groups {
              one { tag = 1, portals = ["127.0.0.1:3261"] }
              two { tag = 2, portals = ["127.0.0.2:3262"] }
              old { tag = 3, portals = ["127.0.0.3:3263"], redirect { to = "127.0.0.1:3261", permanent = true } }
            }
            targets {
              "iqn.t.a" { portal-groups = [one] }
              "iqn.t.moved" { portal-groups = [one], redirect { to = "127.0.0.1:3261" } }
              "iqn.t.b" { portal-groups = [one, two, old] }
            }
            """));

    private static LoginStateMachine on(String group, boolean visible) {
        IscsiSettings.PortalGroup g = GROUPS.portalGroups().stream().filter(x -> x.name().equals(group)).findFirst().orElseThrow();
        return new LoginStateMachine(GROUPS, SecurityNegotiation.none(), g.tag(),
                (initiator, target) -> PortalAccess.check(GROUPS, g, target, visible));
    }

    private static LoginStep first(LoginStateMachine m, String target) {
        return m.step(request(0x81, 0, "InitiatorName=iqn.i", "TargetName=" + target, "AuthMethod=None"));
    }

    @Test
    void loginOnAPortalOfTheTargetsGroup_goesOn_andAnswersThatGroupsTag() {
        var reply = assertInstanceOf(LoginStep.Reply.class, first(on("two", true), "iqn.t.b"));
        assertTrue(text(reply.text()).contains("TargetPortalGroupTag=2"), text(reply.text()));
        assertInstanceOf(LoginStep.Reply.class, first(on("one", true), "iqn.t.moved")); // its own group: no redirect
    }

    @Test
    void loginOnAnotherGroupsPortal_isRefusedNotFound() {
        assertEquals(LoginStatus.NOT_FOUND, status(first(on("two", true), "iqn.t.a")));
    }

    @Test
    void redirectedTarget_answersMovedTemporarilyWithTheAddress_beforeSecurity() {
        var r = assertInstanceOf(LoginStep.Redirect.class, first(on("two", true), "iqn.t.moved"));
        assertEquals(0x0101, r.status());
        assertEquals("TargetAddress=127.0.0.1:3261,1\0", text(r.text()));
    }

    @Test
    void redirectingGroup_answersMovedPermanentlyForItsTargets_butNotForDiscovery() {
        var r = assertInstanceOf(LoginStep.Redirect.class, first(on("old", true), "iqn.t.b"));
        assertEquals(0x0102, r.status());
        assertEquals("TargetAddress=127.0.0.1:3261,1\0", text(r.text()));
        assertEquals(LoginStatus.NOT_FOUND, status(first(on("old", true), "iqn.t.a")));
        assertInstanceOf(LoginStep.Reply.class, on("old", true).step(request(0x81, 0, "InitiatorName=iqn.i",
                "SessionType=Discovery", "AuthMethod=None")));
    }

    @Test
    void initiatorThatMayNotSeeTheTarget_isNotToldWhereItWent() {
        assertEquals(LoginStatus.NOT_FOUND, status(first(on("two", false), "iqn.t.moved")));
        // in the group: the login goes on and the engine refuses it later
        assertInstanceOf(LoginStep.Reply.class, first(on("old", false), "iqn.t.b"));
    }
}
