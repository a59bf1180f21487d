package org.scstj.transports.iscsi.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.Unpooled;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.LoginStateMachine;
import org.scstj.transports.iscsi.login.LoginStatus;
import org.scstj.transports.iscsi.login.LoginStep;
import org.scstj.transports.iscsi.login.OperationalNegotiation;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.login.SecurityNegotiation;
import org.scstj.transports.iscsi.login.TextAccumulator;
import org.scstj.transports.iscsi.login.TextParameters;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.LoginRequest;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.testing.LoginMachines;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the login and text key handling (RFC 7143 6, 11.12, 13): the key=value
 * parser, the C-bit accumulator, operational negotiation and the login stage machine. Invariants:
 * nothing throws; every refusal is a Login status of class 2 or 3 (11.13.5); every answer is
 * well-formed text (6.1); a completed login carries parameters inside the RFC ranges (13).
 * Without JAZZER_FUZZ each target replays its corpus under {@code .../fuzz/TextFuzzTestInputs/}.
 */
class TextFuzzTest {
    private static final IscsiSettings SETTINGS = IscsiSettings.from(ConfigFactory.empty());
    private static final Set<Integer> LOGIN_STATUSES = Set.of(LoginStatus.INITIATOR_ERROR,
            LoginStatus.AUTHENTICATION_FAILURE, LoginStatus.AUTHORIZATION_FAILURE, LoginStatus.NOT_FOUND,
            LoginStatus.UNSUPPORTED_VERSION, LoginStatus.MISSING_PARAMETER, LoginStatus.SESSION_TYPE_NOT_SUPPORTED,
            LoginStatus.SESSION_DOES_NOT_EXIST, LoginStatus.INVALID_DURING_LOGIN, LoginStatus.TARGET_ERROR,
            LoginStatus.OUT_OF_RESOURCES);
    /** The keys RFC 7143 13 defines plus the identity keys, so values get explored without guessing names. */
    static final List<String> KEYS = List.of("HeaderDigest", "DataDigest", "MaxConnections", "SendTargets",
            "TargetName", "InitiatorName", "TargetAlias", "InitiatorAlias", "TargetAddress", "TargetPortalGroupTag",
            "InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
            "DefaultTime2Wait", "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
            "ErrorRecoveryLevel", "SessionType", "AuthMethod", "TaskReporting", "iSCSIProtocolLevel", "IFMarker",
            "OFMarker", "IFMarkInt", "OFMarkInt", "X-com.example.vendor");

    /** TextParameters.parse on any bytes: Pairs that format back to the same pairs, or Malformed; never a throw. */
    @FuzzTest(maxDuration = "60s")
    void parse(FuzzedDataProvider in) {
        byte[] text = in.consumeRemainingAsBytes();
        if (TextParameters.parse(text, text.length) instanceof TextParameters.Pairs(Map<String, String> pairs)) {
            byte[] formatted = TextParameters.format(pairs);
            assertEquals(pairs, TextChecks.wellFormed(formatted));
        }
    }

    /** TextAccumulator: holds exactly what it accepted, never more than its cap. */
    @FuzzTest(maxDuration = "60s")
    void accumulate(FuzzedDataProvider in) {
        TextAccumulator acc = new TextAccumulator();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        FuzzInput f = new FuzzInput(in.consumeRemainingAsBytes());
        while (f.more()) {
            int op = f.u8();
            if (op == 0) {
                acc.clear();
                expected.reset();
                continue;
            }
            int n = f.u16();
            byte[] piece = n > 4096 ? new byte[n] : f.bytes(n); // large pieces are zeros: the cap is what matters
            if (acc.append(Unpooled.wrappedBuffer(piece))) {
                expected.writeBytes(piece);
            }
            assertTrue(acc.length() <= TextAccumulator.MAX_TEXT);
            assertEquals(expected.size(), acc.length());
        }
        assertArrayEquals(expected.toByteArray(), Arrays.copyOf(acc.bytes(), acc.length()));
    }

    /** OperationalNegotiation.respond for known keys with any values: answers well-formed, results in range. */
    @FuzzTest(maxDuration = "60s")
    void negotiate(FuzzedDataProvider in) {
        FuzzInput f = new FuzzInput(in.consumeRemainingAsBytes());
        OperationalNegotiation n = new OperationalNegotiation(SETTINGS.negotiation());
        n.discovery((f.u8() & 1) != 0);
        while (f.more()) {
            Map<String, String> offered = new LinkedHashMap<>();
            int count = f.u8() & 15;
            for (int i = 0; i < count && f.more(); i++) {
                int k = f.u8();
                String key = k < KEYS.size() ? KEYS.get(k) : new String(f.bytes(k & 63), StandardCharsets.UTF_8);
                offered.putIfAbsent(key, new String(f.bytes(f.u8()), StandardCharsets.UTF_8));
            }
            if (TextParameters.format(offered) instanceof byte[] raw
                    && !(TextParameters.parse(raw, raw.length) instanceof TextParameters.Pairs)) {
                continue; // not something the parser would have passed on
            }
            Map<String, String> answers = n.respond(offered);
            TextChecks.wellFormed(TextParameters.format(answers));
            assertTrue(offered.keySet().containsAll(answers.keySet()), "answered a key nobody offered");
        }
        checkRanges(n.result());
    }

    /**
     * LoginStateMachine.step over a sequence of Login Requests with any flags, versions, TSIH, ISID
     * and key text: a Reply, a Complete or a Refuse with a defined status; never a throw.
     * Record layout: flags, VersionMin, misc (bit 0 TSIH=1, bit 1 another ISID), text length (u16), text.
     */
    @FuzzTest(maxDuration = "60s")
    void login(FuzzedDataProvider in) {
        FuzzInput f = new FuzzInput(in.consumeRemainingAsBytes());
        LoginStateMachine login = LoginMachines.onFirstPortalGroup(SETTINGS, SecurityNegotiation.none());
        for (int step = 0; step < 64 && f.more(); step++) {
            int flags = f.u8();
            int versionMin = f.u8();
            int misc = f.u8();
            byte[] text = f.bytes(f.u16());
            LoginRequest r = request(flags, versionMin, misc, text);
            LoginStep answer = login.step(r);
            r.release();
            switch (answer) {
                case LoginStep.Refuse(int status) -> {
                    assertTrue(LOGIN_STATUSES.contains(status), "status " + Integer.toHexString(status));
                    return; // the connection closes
                }
                case LoginStep.Redirect redirect -> {
                    return; // 11.13.5: the login ends with the redirection (main did not compile without this case)
                }
                case LoginStep.Reply reply -> {
                    TextChecks.wellFormed(reply.text());
                    if (r.cont()) {
                        assertEquals(0, reply.text().length, "a partial text is answered empty (11.12.2)");
                    }
                    if (reply.transit()) { // 6.3: the only transit that is not the final one (NSG is reserved while T=0)
                        assertEquals(LoginStateMachine.OPERATIONAL, reply.nsg());
                    }
                }
                case LoginStep.Complete complete -> {
                    TextChecks.wellFormed(complete.text());
                    checkRanges(complete.parameters());
                    return;
                }
            }
        }
    }

    static LoginRequest request(int flags, int versionMin, int misc, byte[] text) {
        byte[] h = new byte[Bhs.LENGTH];
        h[0] = (byte) (0x40 | Opcode.LOGIN_REQUEST);
        h[1] = (byte) flags;
        h[3] = (byte) versionMin;
        h[5] = (byte) (text.length >>> 16);
        h[6] = (byte) (text.length >>> 8);
        h[7] = (byte) text.length;
        h[8] = (byte) 0x80; // ISID: random qualifier type
        h[13] = (byte) ((misc & 2) != 0 ? 2 : 1);
        h[15] = (byte) (misc & 1); // TSIH
        return assertInstanceOf(LoginRequest.class, PduParser.parse(new Bhs(h), null, Unpooled.wrappedBuffer(text)));
    }

    /** RFC 7143 13: the ranges of the negotiated values. */
    static void checkRanges(OperationalParameters p) {
        inRange("MaxRecvDataSegmentLength (initiator)", p.initiatorMaxRecvDataSegmentLength(), 512, 0xFF_FFFF); // 13.12
        inRange("MaxRecvDataSegmentLength (target)", p.targetMaxRecvDataSegmentLength(), 512, 0xFF_FFFF);
        inRange("MaxBurstLength", p.maxBurstLength(), 512, 0xFF_FFFF); // 13.13
        inRange("FirstBurstLength", p.firstBurstLength(), 512, p.maxBurstLength()); // 13.14
        inRange("MaxOutstandingR2T", p.maxOutstandingR2T(), 1, 65535); // 13.17
        inRange("DefaultTime2Wait", p.defaultTime2Wait(), 0, 3600); // 13.15
        inRange("DefaultTime2Retain", p.defaultTime2Retain(), 0, 3600); // 13.16
        inRange("ErrorRecoveryLevel", p.errorRecoveryLevel(), 0, 2); // 13.20
        inRange("MaxConnections", p.maxConnections(), 1, 65535); // 13.2
    }

    private static void inRange(String name, int v, int min, int max) {
        assertTrue(v >= min && v <= max, name + "=" + v + " outside " + min + ".." + max);
    }
}
