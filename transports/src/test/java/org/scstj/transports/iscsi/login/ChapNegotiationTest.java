package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scstj.transports.iscsi.config.ChapAlgorithm;
import org.scstj.transports.iscsi.config.ChapConfig;
import org.scstj.transports.iscsi.config.ChapCredentials;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 7143 12.1.3 CHAP exchanges and bad-inputs rows 7-9 (each refusal is null, i.e. Login 0x0201). */
class ChapNegotiationTest {
    private static final String SECRET = "initiator-secret-1";
    private static final String TARGET_SECRET = "target-secret-22";

    private static ChapConfig config(String chap) {
        return ChapConfig.from(ConfigFactory.parseString(
                "targets { \"iqn.t\" { auth { chap { " + chap + " } } } }"));
    }

    private static final ChapConfig ONE_WAY = config("user = alice, secret = \"" + SECRET + "\"");
    private static final ChapConfig MUTUAL = config("user = alice, secret = \"" + SECRET
            + "\", target-user = tgt, target-secret = \"" + TARGET_SECRET + "\"");

    private static ChapNegotiation start(ChapConfig config) {
        ChapNegotiation chap = new ChapNegotiation(config);
        chap.identify("iqn.i", "iqn.t", false);
        return chap;
    }

    /** AuthMethod and CHAP_A answered; returns the target's CHAP_A/CHAP_I/CHAP_C. */
    private static Map<String, String> challenge(ChapNegotiation chap, String algorithms) {
        assertEquals(Map.of("AuthMethod", "CHAP"), chap.respond(Map.of("AuthMethod", "CHAP,None")));
        assertFalse(chap.authenticated());
        Map<String, String> c = chap.respond(Map.of("CHAP_A", algorithms));
        assertNotNull(c);
        return c;
    }

    private static byte[] digest(String algorithm, int id, String secret, byte[] challenge) throws Exception {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        md.update((byte) id);
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(challenge);
        return md.digest();
    }

    private static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    private static byte[] challengeBytes(Map<String, String> c) {
        return HexFormat.of().parseHex(c.get("CHAP_C").substring(2));
    }

    private static String answer(Map<String, String> c, String javaName, String secret) throws Exception {
        return hex(digest(javaName, Integer.parseInt(c.get("CHAP_I")), secret, challengeBytes(c)));
    }

    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"5:MD5:16", "6:SHA-1:20", "7:SHA-256:32", "8:SHA3-256:32"})
    void eachAlgorithm_authenticatesWithTheRightResponse(String spec) throws Exception {
        String[] p = spec.split(":");
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, p[0]);
        assertEquals(p[0], c.get("CHAP_A"));
        int id = Integer.parseInt(c.get("CHAP_I"));
        assertTrue(id >= 0 && id <= 255);
        assertEquals(Math.max(16, Integer.parseInt(p[2])), challengeBytes(c).length); // digest length, >= 16
        assertEquals(Map.of(), chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, p[1], SECRET))));
        assertTrue(chap.authenticated());
    }

    @Test
    void aConfiguredChapName_fitsTheLoginsTextValue() {
        assertEquals(TextParameters.MAX_VALUE_LENGTH, ChapConfig.MAX_NAME_BYTES, "RFC 7143 6.1: CHAP_N is a text value");
    }

    @Test // RFC 7143 6.2.1: the responder takes the first value of the originator's list that it supports
    void firstOfferedAlgorithmTheTargetAccepts_isChosen_inTheInitiatorsOrder() {
        assertEquals("5", challenge(start(ONE_WAY), "5,6,7,8").get("CHAP_A"));
        assertEquals("8", challenge(start(ONE_WAY), "8,7,6,5").get("CHAP_A"));
        assertEquals("7", challenge(start(ONE_WAY), "7,5,8").get("CHAP_A"));
        assertEquals("6", challenge(start(ONE_WAY), "99,6,5").get("CHAP_A"));
        ChapConfig noMd5 = ChapConfig.from(ConfigFactory.parseString("chap-algorithms = [SHA-1, SHA3-256]\n"
                + "targets { \"iqn.t\" { auth { chap { user = alice, secret = \"" + SECRET + "\" } } } }"));
        assertEquals("8", challenge(start(noMd5), "5,8,6").get("CHAP_A")); // MD5 forbidden: skipped, not reordered
    }

    @Test
    void defaultAlgorithms_areAllFourStrongestFirst() {
        assertEquals(List.of(ChapAlgorithm.SHA3_256, ChapAlgorithm.SHA256, ChapAlgorithm.SHA1, ChapAlgorithm.MD5),
                IscsiSettings.from(ConfigFactory.empty()).chap().algorithms());
        assertEquals(8, ChapAlgorithm.SHA3_256.code());
        assertEquals(7, ChapAlgorithm.SHA256.code());
        assertEquals(6, ChapAlgorithm.SHA1.code());
        assertEquals(5, ChapAlgorithm.MD5.code());
    }

    @Test
    void configuredAlgorithms_limitTheChoice() {
        ChapConfig md5Only = ChapConfig.from(ConfigFactory.parseString("chap-algorithms = [MD5]\n"
                + "targets { \"iqn.t\" { auth { chap { user = alice, secret = \"" + SECRET + "\" } } } }"));
        assertEquals("5", challenge(start(md5Only), "8,7,6,5").get("CHAP_A"));
        ChapNegotiation chap = start(md5Only);
        chap.respond(Map.of("AuthMethod", "CHAP"));
        assertNull(chap.respond(Map.of("CHAP_A", "7,8")));
    }

    @Test
    void challenges_differBetweenLogins() {
        assertFalse(challenge(start(ONE_WAY), "5").get("CHAP_C").equals(challenge(start(ONE_WAY), "5").get("CHAP_C")));
    }

    @ParameterizedTest // bad-inputs row 7
    @ValueSource(strings = {"56", "", ",", "abc", "0005", "5x", "-5"})
    void unusableChapA_isRefused(String list) {
        ChapNegotiation chap = start(ONE_WAY);
        chap.respond(Map.of("AuthMethod", "CHAP"));
        assertNull(chap.respond(Map.of("CHAP_A", list)));
        assertFalse(chap.authenticated());
    }

    @Test
    void base64Response_isAccepted() throws Exception {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, "7");
        byte[] r = digest("SHA-256", Integer.parseInt(c.get("CHAP_I")), SECRET, challengeBytes(c));
        assertEquals(Map.of(), chap.respond(keys("CHAP_N", "alice", "CHAP_R", "0b" + Base64.getEncoder().encodeToString(r))));
        assertTrue(chap.authenticated());
    }

    @Test
    void upperCaseHexPrefix_isAccepted() throws Exception {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, "5");
        String r = "0X" + answer(c, "MD5", SECRET).substring(2).toUpperCase();
        assertEquals(Map.of(), chap.respond(keys("CHAP_N", "alice", "CHAP_R", r)));
    }

    @ParameterizedTest // bad-inputs row 8: refused on length, before decoding
    @ValueSource(strings = {"0x00", "0x", "0x0011223344556677889900aabbccddeeff", "0x00112233445566778899aabbccddee",
            "0b", "0bAAAA", "0bAAECAwQFBgcICQoLDA0ODxAREhM=", "0xzz112233445566778899aabbccddeeff", "1234",
            "0x0g112233445566778899aabbccddeeff", "0b!!!!!!!!!!!!!!!!!!!!!!==", "0bAAECAwQFBgcICQoLDA0ODw=="})
    void responseOfWrongLengthOrEncoding_isRefused(String r) {
        ChapNegotiation chap = start(ONE_WAY);
        challenge(chap, "5");
        Map<String, String> reply = chap.respond(keys("CHAP_N", "alice", "CHAP_R", r));
        assertNull(reply);
        assertFalse(chap.authenticated());
    }

    @Test
    void hugeResponse_isRefusedWithoutDecoding() {
        ChapNegotiation chap = start(ONE_WAY);
        challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", "0x" + "ab".repeat(5000))));
        assertNull(ChapNegotiation.decodeBinary("0b" + "A".repeat(100_000), 16, 16));
    }

    @Test
    void wrongSecretOrName_isRefused() throws Exception {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", "initiator-secret-2"))));
        assertFalse(chap.authenticated());
        chap = start(ONE_WAY);
        c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "mallory", "CHAP_R", answer(c, "MD5", SECRET))));
        chap = start(ONE_WAY);
        c = challenge(chap, "5");
        byte[] r = digest("MD5", Integer.parseInt(c.get("CHAP_I")), SECRET, challengeBytes(c));
        r[15] ^= 1; // differs only in its last byte
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", hex(r))));
    }

    @Test
    void afterARefusal_nothingIsAccepted() throws Exception {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", "0x" + "00".repeat(16))));
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET))));
        assertFalse(chap.authenticated());
    }

    @Test
    void mutual_answersWithTheTargetsNameAndResponse() throws Exception {
        ChapNegotiation chap = start(MUTUAL);
        Map<String, String> c = challenge(chap, "5");
        byte[] mine = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0011223344556677");
        Map<String, String> reply = chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET),
                "CHAP_I", "77", "CHAP_C", hex(mine)));
        assertNotNull(reply);
        assertEquals("tgt", reply.get("CHAP_N"));
        assertEquals(hex(digest("MD5", 77, TARGET_SECRET, mine)), reply.get("CHAP_R"));
        assertTrue(chap.authenticated());
    }

    @Test
    void mutualBase64Challenge_isAccepted() throws Exception {
        ChapNegotiation chap = start(MUTUAL);
        Map<String, String> c = challenge(chap, "8");
        byte[] mine = new byte[32];
        mine[3] = 9;
        Map<String, String> reply = chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "SHA3-256", SECRET),
                "CHAP_I", "0x1f", "CHAP_C", "0B" + Base64.getEncoder().encodeToString(mine)));
        assertEquals(hex(digest("SHA3-256", 31, TARGET_SECRET, mine)), reply.get("CHAP_R"));
    }

    @Test
    void reflectedChallenge_isRefused() throws Exception { // bad-inputs row 9
        ChapNegotiation chap = start(MUTUAL);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET),
                "CHAP_I", c.get("CHAP_I"), "CHAP_C", c.get("CHAP_C"))));
        assertFalse(chap.authenticated());
    }

    @ParameterizedTest // bad-inputs rows 7 and 9
    @ValueSource(strings = {"256|0x0011", "abc|0x0011", "-1|0x0011", "0x100|0x0011", "|0x0011", "1|0x",
            "1|0x001", "1|zz", "1|0b=", "1|BIG"})
    void badMutualIdentifierOrChallenge_isRefused(String spec) throws Exception {
        String[] p = spec.split("\\|", -1);
        String challenge = p[1].equals("BIG") ? "0x" + "ab".repeat(1025) : p[1];
        ChapNegotiation chap = start(MUTUAL);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET),
                "CHAP_I", p[0], "CHAP_C", challenge)));
    }

    @Test
    void challengeOf1024Bytes_isTheLargestAccepted() throws Exception {
        ChapNegotiation chap = start(MUTUAL);
        Map<String, String> c = challenge(chap, "5");
        assertNotNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET),
                "CHAP_I", "1", "CHAP_C", "0x" + "ab".repeat(1024))));
    }

    @Test
    void mutualWithoutTargetCredentials_isRefused() throws Exception {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET),
                "CHAP_I", "1", "CHAP_C", "0x00112233445566778899aabbccddeeff")));
    }

    @Test
    void requiredMutual_refusesAOneWayLogin() throws Exception {
        ChapConfig required = config("user = alice, secret = \"" + SECRET + "\", target-user = tgt, target-secret = \""
                + TARGET_SECRET + "\", mutual-required = true");
        ChapNegotiation chap = start(required);
        Map<String, String> c = challenge(chap, "5");
        assertNull(chap.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET))));
    }

    @Test
    void chapRequired_refusesNoneOnlyOrMissingAuthMethod() {
        assertNull(start(ONE_WAY).respond(Map.of("AuthMethod", "None")));
        assertNull(start(ONE_WAY).respond(Map.of("HeaderDigest", "None")));
        assertFalse(start(ONE_WAY).authenticated());
    }

    @Test
    void noCredentials_meansAuthMethodNone() {
        ChapNegotiation chap = new ChapNegotiation(ONE_WAY);
        chap.identify("iqn.i", "iqn.other", false);
        assertTrue(chap.authenticated());
        assertEquals(Map.of("AuthMethod", "None"), chap.respond(Map.of("AuthMethod", "CHAP,None")));
        ChapNegotiation onlyChap = new ChapNegotiation(ONE_WAY);
        onlyChap.identify("iqn.i", "iqn.other", false);
        assertNull(onlyChap.respond(Map.of("AuthMethod", "CHAP")));
    }

    @Test
    void keysOutOfOrder_areRefused() throws Exception {
        ChapNegotiation early = start(ONE_WAY);
        early.respond(Map.of("AuthMethod", "CHAP"));
        assertNull(early.respond(keys("CHAP_A", "5", "CHAP_R", "0x" + "00".repeat(16))));
        ChapNegotiation noA = start(ONE_WAY);
        noA.respond(Map.of("AuthMethod", "CHAP"));
        assertNull(noA.respond(keys("CHAP_N", "alice", "CHAP_R", "0x" + "00".repeat(16))));
        ChapNegotiation twice = start(ONE_WAY);
        challenge(twice, "5");
        assertNull(twice.respond(Map.of("CHAP_A", "5")));
        ChapNegotiation after = start(ONE_WAY);
        Map<String, String> c = challenge(after, "5");
        after.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET)));
        assertNull(after.respond(keys("CHAP_N", "alice", "CHAP_R", answer(c, "MD5", SECRET))));
    }

    @Test
    void chapAInTheAuthMethodPdu_isAnsweredAtOnce() {
        ChapNegotiation chap = start(ONE_WAY);
        Map<String, String> r = chap.respond(keys("AuthMethod", "CHAP,None", "CHAP_A", "5"));
        assertEquals("CHAP", r.get("AuthMethod"));
        assertEquals("5", r.get("CHAP_A"));
        assertNotNull(r.get("CHAP_C"));
    }

    @Test
    void identifier_acceptsDecimalAndHexUpTo255() {
        assertEquals(0, ChapNegotiation.identifier("0"));
        assertEquals(255, ChapNegotiation.identifier("255"));
        assertEquals(255, ChapNegotiation.identifier("0xff"));
        assertEquals(-1, ChapNegotiation.identifier("256"));
        assertEquals(-1, ChapNegotiation.identifier("1000"));
        assertEquals(-1, ChapNegotiation.identifier("0x"));
        assertEquals(-1, ChapNegotiation.identifier("1e2"));
    }

    @Test
    void secret_isNeverPrinted() {
        ChapCredentials c = ONE_WAY.credentials("iqn.t", "iqn.i", false);
        assertFalse(c.toString().contains(SECRET));
        assertFalse(MUTUAL.credentials("iqn.t", "iqn.i", false).toString().contains(TARGET_SECRET));
        assertEquals("<secret>", c.secret().toString());
    }
}
