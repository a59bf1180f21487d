package org.scstj.transports.iscsi.conn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CHAP logins (RFC 7143 12.1.3) through the connection: PDU sequencing, T bits and Login 0x0201. */
class ChapLoginTest {
    private static final String SECRET = "initiator-secret-1";
    private static final String CONFIG = "scstj.target-drivers.iscsi {\n"
            + " targets { \"" + RamDiskCore.TARGET + "\" { auth { chap { user = alice, secret = \"" + SECRET + "\","
            + " target-user = tgt, target-secret = \"target-secret-22\" } } } }\n"
            + " discovery-auth { chap { user = disco, secret = \"discovery-secret\" } }\n}";

    private final ConnectionHarness h = new ConnectionHarness(CONFIG);

    @AfterEach
    void close() {
        h.close();
    }

    private static String response(String algorithm, Map<String, String> c, String secret) throws Exception {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        md.update((byte) Integer.parseInt(c.get("CHAP_I")));
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(HexFormat.of().parseHex(c.get("CHAP_C").substring(2)));
        return "0x" + HexFormat.of().formatHex(md.digest());
    }

    /** First two PDUs of the security stage; returns the target's challenge keys. */
    private Map<String, String> challenge(String sessionKeys, String algorithms) {
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, sessionKeys, "AuthMethod=CHAP,None"));
        ReceivedPdu r1 = h.one();
        assertEquals(0, r1.loginStatus());
        assertEquals("CHAP", r1.keys().get("AuthMethod"));
        assertEquals(0, r1.flags() & 0x80, "no transit before authentication");
        h.send(h.loginPdu(0x81, "CHAP_A=" + algorithms));
        ReceivedPdu r2 = h.one();
        assertEquals(0, r2.loginStatus());
        assertEquals(0, r2.flags() & 0x80);
        return r2.keys();
    }

    private void assertRefused(int status) {
        ReceivedPdu r = h.one();
        assertEquals(Opcode.LOGIN_RESPONSE, r.opcode());
        assertEquals(status, r.loginStatus());
        assertFalse(h.open(), "closed after a refused login");
    }

    @Test
    void oneWayChap_thenOperational_reachesFullFeature() throws Exception {
        Map<String, String> c = challenge("TargetName=" + RamDiskCore.TARGET, "7,5");
        assertEquals("7", c.get("CHAP_A"));
        h.send(h.loginPdu(0x81, "CHAP_N=alice", "CHAP_R=" + response("SHA-256", c, SECRET)));
        ReceivedPdu r3 = h.one();
        assertEquals(0, r3.loginStatus());
        assertTrue((r3.flags() & 0x80) != 0, "transit to operational after success");
        assertEquals(1, r3.flags() & 3);
        assertFalse(r3.keys().containsKey("CHAP_R"), "no mutual answer unasked");
        h.send(h.loginPdu(0x87));
        ReceivedPdu r4 = h.one();
        assertEquals(0, r4.loginStatus());
        assertEquals(3, r4.flags() & 3);
    }

    @Test
    void mutualChap_answersTheInitiatorsChallenge() throws Exception {
        Map<String, String> c = challenge("TargetName=" + RamDiskCore.TARGET, "5");
        h.send(h.loginPdu(0x81, "CHAP_N=alice", "CHAP_R=" + response("MD5", c, SECRET), "CHAP_I=9",
                "CHAP_C=0x0102030405060708090a0b0c0d0e0f10"));
        ReceivedPdu r3 = h.one();
        assertEquals(0, r3.loginStatus());
        assertEquals("tgt", r3.keys().get("CHAP_N"));
        assertEquals(response("MD5", Map.of("CHAP_I", "9", "CHAP_C", "0x0102030405060708090a0b0c0d0e0f10"),
                "target-secret-22"), r3.keys().get("CHAP_R"));
    }

    @Test
    void wrongSecret_isRefusedWith0201AndClosed() throws Exception {
        Map<String, String> c = challenge("TargetName=" + RamDiskCore.TARGET, "5");
        h.send(h.loginPdu(0x81, "CHAP_N=alice", "CHAP_R=" + response("MD5", c, "not-the-secret")));
        assertRefused(0x0201);
    }

    @Test
    void oversizedMutualChallenge_is0201Not0200() throws Exception { // bad-inputs row 9
        Map<String, String> c = challenge("TargetName=" + RamDiskCore.TARGET, "5");
        h.send(h.loginPdu(0x81, "CHAP_N=alice", "CHAP_R=" + response("MD5", c, SECRET), "CHAP_I=1",
                "CHAP_C=0x" + "ab".repeat(1025)));
        assertRefused(0x0201);
    }

    @Test
    void badChapA_isRefused() { // bad-inputs row 7
        h.send(h.loginPdu(0x01, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET,
                "AuthMethod=CHAP"));
        assertEquals(0, h.one().loginStatus());
        h.send(h.loginPdu(0x01, "CHAP_A=56"));
        assertRefused(0x0201);
    }

    @Test
    void skippingTheSecurityStage_isRefused() {
        h.send(h.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET));
        assertRefused(0x0201);
    }

    @Test
    void authMethodNoneOnly_isRefused() {
        h.send(h.loginPdu(0x81, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET,
                "AuthMethod=None"));
        assertRefused(0x0201);
    }

    @Test
    void discoverySession_usesDiscoveryCredentials() throws Exception {
        Map<String, String> c = challenge("SessionType=Discovery", "5");
        h.send(h.loginPdu(0x81, "CHAP_N=disco", "CHAP_R=" + response("MD5", c, "discovery-secret")));
        assertEquals(0, h.one().loginStatus());
        h.send(h.loginPdu(0x87, "MaxRecvDataSegmentLength=8192"));
        assertEquals(3, h.one().flags() & 3);
    }

    @Test
    void discoveryWithTheTargetsCredentials_isRefused() throws Exception {
        Map<String, String> c = challenge("SessionType=Discovery", "5");
        h.send(h.loginPdu(0x81, "CHAP_N=alice", "CHAP_R=" + response("MD5", c, SECRET)));
        assertRefused(0x0201);
    }
}
