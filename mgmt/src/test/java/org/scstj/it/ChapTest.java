package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CHAP (RFC 7143 12.1.3) against the real daemon with libiscsi's tools and QEMU: one-way, mutual
 * (libiscsi's target_user/target_password URL arguments), per-group credentials, discovery; wrong
 * secrets refused while a target without CHAP keeps serving; no secret ever in the log. libiscsi
 * 1.19 offers CHAP_A=5 (MD5) only, so these logins use MD5; the other algorithms are covered by
 * the unit tests and by raw logins that check the target answers CHAP_A in the initiator's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ChapTest {
    private static final String CHAP = "iqn.2026-11.org.scstj:chap";
    private static final String MUTUAL = "iqn.2026-11.org.scstj:mutual";
    private static final String GROUPED = "iqn.2026-11.org.scstj:grouped";
    /** No CHAP; the name AptplRestartTest's raw initiator logs in to, so a session can stay open meanwhile. */
    private static final String OPEN = AptplRestartTest.TARGET;
    private static final String ALICE_SECRET = "alice-secret-12";
    private static final String BOB_SECRET = "bob-secret-1234";
    private static final String TARGET_SECRET = "tgt-secret-1234";
    private static final String CAROL_SECRET = "carol-secret-12";
    private static final String DISCOVERY_SECRET = "disco-secret-12";
    private static final List<String> SECRETS = List.of(ALICE_SECRET, BOB_SECRET, TARGET_SECRET, CAROL_SECRET,
            DISCOVERY_SECRET, "wrong-secret-99");

    private static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vdisk_fileio { d0 { filename = "@DIR@/d0.img", size = 16M, thin-provisioned = true } }
                vdisk_nullio { n0 { size = 1G } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                discovery-auth { chap { user = disco, secret = "%s" } }
                targets {
                  "%s" {
                    luns { 0 = d0 }
                    auth { chap { user = alice, secret = "%s" } }
                  }
                  "%s" {
                    luns { 0 = n0 }
                    auth { chap { user = bob, secret = "%s", target-user = tgt, target-secret = "%s", mutual-required = true } }
                  }
                  "%s" {
                    luns { 0 = n0 }
                    auth { chap { user = alice, secret = "%s" } }
                    groups {
                      libiscsi {
                        initiators = ["iqn.2007-10.com.github:sahlberg:*"]
                        luns { 0 = n0 }
                        auth { chap { user = carol, secret = "%s" } }
                      }
                    }
                  }
                  "%s" { luns { 0 = n0 } }
                }
              }
            }
            """.formatted(DISCOVERY_SECRET, CHAP, ALICE_SECRET, MUTUAL, BOB_SECRET, TARGET_SECRET,
            GROUPED, ALICE_SECRET, CAROL_SECRET, OPEN);

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-inq", "libiscsi-bin");
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            String log = daemon.log();
            for (String secret : SECRETS) {
                assertFalse(log.contains(secret), "a secret reached the daemon log:\n" + log);
            }
            daemon.stopCleanly();
        }
    }

    private String url(String user, String secret, String target, String query) {
        return "iscsi://" + user + "%" + secret + "@127.0.0.1:" + daemon.port + "/" + target + "/0" + query;
    }

    private Tools.Result inq(String url) {
        return Tools.run(List.of("iscsi-inq", url), 60);
    }

    @Test
    void oneWayChap_logsIn() throws Exception {
        Tools.Result r = inq(url("alice", ALICE_SECRET, CHAP, ""));
        assertEquals(0, r.exit(), r.output() + daemon.log());
        assertTrue(r.output().contains("SCSTJ") || r.output().contains("scstj") || r.output().contains("Vendor"),
                r.output());
    }

    @Test
    void qemuImgInfo_logsInWithChap() throws Exception {
        if (!Tools.onPath("qemu-img")) {
            return; // qemu-utils absent: libiscsi's own tools cover the login
        }
        Tools.Result r = Tools.run(List.of("qemu-img", "info", url("alice", ALICE_SECRET, CHAP, "")), 60);
        assertEquals(0, r.exit(), r.output() + daemon.log());
        assertTrue(r.output().contains("16 MiB"), r.output());
    }

    @Test
    void wrongOrMissingCredentials_areRefused_whileAnOpenTargetServes() throws Exception {
        try (AptplRestartTest.RawInitiator bystander = AptplRestartTest.RawInitiator.login(daemon.port,
                "iqn.2026-11.test:bystander")) {
            bystander.clearUnitAttention();
            refusals();
            assertEquals(0, bystander.command(new byte[6], null, 0).status(), "the open session carried on");
        }
    }

    private void refusals() throws Exception {
        Tools.Result wrong = inq(url("alice", "wrong-secret-99", CHAP, ""));
        assertNotEquals(0, wrong.exit(), wrong.output());
        Tools.Result wrongUser = inq(url("mallory", ALICE_SECRET, CHAP, ""));
        assertNotEquals(0, wrongUser.exit(), wrongUser.output());
        Tools.Result none = inq("iscsi://127.0.0.1:" + daemon.port + "/" + CHAP + "/0");
        assertNotEquals(0, none.exit(), none.output());
        Tools.Result open = inq("iscsi://127.0.0.1:" + daemon.port + "/" + OPEN + "/0");
        assertEquals(0, open.exit(), open.output() + daemon.log());
        String log = daemon.log();
        assertTrue(log.contains("authentication failed"), log);
        assertTrue(log.contains("iqn.2007-10.com.github:sahlberg"), "the log names the initiator:\n" + log);
        assertTrue(daemon.alive());
    }

    @Test
    void mutualChap_withLibiscsiTargetCredentials() throws Exception {
        Tools.Result r = inq(url("bob", BOB_SECRET, MUTUAL, "?target_user=tgt&target_password=" + TARGET_SECRET));
        assertEquals(0, r.exit(), r.output() + daemon.log());
        // the target requires mutual CHAP: a one-way login is refused
        Tools.Result oneWay = inq(url("bob", BOB_SECRET, MUTUAL, ""));
        assertNotEquals(0, oneWay.exit(), oneWay.output());
        // libiscsi checks the target's answer: a target secret it does not share fails the login
        Tools.Result wrongTarget = inq(url("bob", BOB_SECRET, MUTUAL, "?target_user=tgt&target_password=wrong-secret-99"));
        assertNotEquals(0, wrongTarget.exit(), wrongTarget.output());
    }

    @Test
    void groupCredentials_takePrecedenceForTheGroupsInitiators() throws Exception {
        Tools.Result carol = inq(url("carol", CAROL_SECRET, GROUPED, ""));
        assertEquals(0, carol.exit(), carol.output() + daemon.log());
        Tools.Result alice = inq(url("alice", ALICE_SECRET, GROUPED, "")); // the target's, not the group's
        assertNotEquals(0, alice.exit(), alice.output());
    }

    /** bad-inputs rows 7-9 on the wire: each malformed CHAP key ends the login with 0x0201. */
    @Test
    void malformedChapKeys_areRefusedWith0201() throws Exception {
        assertEquals(0x0201, rawLogin(ignored -> "CHAP_A=56"));
        assertEquals(0x0201, rawLogin(ignored -> "CHAP_A="));
        assertEquals(0x0201, rawLogin(c -> "CHAP_N=alice\0CHAP_R=0x" + "00".repeat(17)));
        assertEquals(0x0201, rawLogin(c -> "CHAP_N=alice\0CHAP_R=0b" + "A".repeat(4000)));
        assertEquals(0x0201, rawLogin(c -> "CHAP_N=alice\0CHAP_R=" + md5(c, ALICE_SECRET) + "\0CHAP_I=256\0CHAP_C=0x0011"));
        assertEquals(0x0201, rawLogin(c -> "CHAP_N=alice\0CHAP_R=" + md5(c, ALICE_SECRET)
                + "\0CHAP_I=1\0CHAP_C=0x" + "ab".repeat(1025)));
        assertEquals(0x0201, rawLogin(c -> "CHAP_N=alice\0CHAP_R=" + md5(c, "wrong-secret-99")));
        assertEquals(0, rawLogin(c -> "CHAP_N=alice\0CHAP_R=" + md5(c, ALICE_SECRET)), "the well-formed login passes");
        assertTrue(daemon.alive());
    }

    /**
     * RFC 7143 6.2.1 (CHAP_A is a list, 12.1.3): the target answers the first algorithm of the
     * initiator's list that it accepts, not the one it likes best; libiscsi after 1.19 checks this.
     */
    @Test
    void chapA_isChosenInTheInitiatorsOrder() throws Exception {
        Map<String, String> expected = Map.of("5,6,7,8", "5", "8,7,6,5", "8", "99,7,5,8", "7");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Map<String, String> challenge = new HashMap<>();
            int status = rawLogin(e.getKey(), c -> {
                challenge.putAll(c);
                return "CHAP_N=alice\0CHAP_R=" + response(c, ALICE_SECRET);
            });
            assertEquals(e.getValue(), challenge.get("CHAP_A"), "the target's answer to CHAP_A=" + e.getKey());
            assertEquals(0, status, "CHAP_A=" + e.getKey());
        }
    }

    /** CHAP_R for the challenge with the algorithm its CHAP_A names (MD5 before the target chose). */
    private static String response(Map<String, String> challenge, String secret) throws Exception {
        String algorithm = switch (challenge.getOrDefault("CHAP_A", "5")) {
            case "5" -> "MD5";
            case "6" -> "SHA-1";
            case "7" -> "SHA-256";
            case "8" -> "SHA3-256";
            default -> throw new AssertionError("CHAP_A " + challenge.get("CHAP_A"));
        };
        MessageDigest md = MessageDigest.getInstance(algorithm);
        md.update((byte) Integer.parseInt(challenge.get("CHAP_I")));
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(HexFormat.of().parseHex(challenge.get("CHAP_C").substring(2)));
        return "0x" + HexFormat.of().formatHex(md.digest());
    }

    private static String md5(Map<String, String> challenge, String secret) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update((byte) Integer.parseInt(challenge.get("CHAP_I")));
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(HexFormat.of().parseHex(challenge.get("CHAP_C").substring(2)));
        return "0x" + HexFormat.of().formatHex(md.digest());
    }

    private interface Step {
        /** The third PDU's keys (or the second's, for keys starting with CHAP_A), from the target's challenge. */
        String keys(Map<String, String> challenge) throws Exception;
    }

    private int rawLogin(Step step) throws Exception {
        return rawLogin("5", step);
    }

    /**
     * A raw security-stage login to the CHAP target (RFC 7143 12.1.3): AuthMethod=CHAP, then
     * CHAP_A={@code offer} (or the step's own CHAP_A), then the step's keys. Returns the first non-zero
     * status class/detail, or 0 when every response was success.
     */
    private int rawLogin(String offer, Step step) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", daemon.port)) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String first = "InitiatorName=iqn.2026-11.test:raw\0TargetName=" + CHAP + "\0SessionType=Normal\0AuthMethod=CHAP\0";
            String stepKeys = step.keys(Map.of("CHAP_I", "0", "CHAP_C", "0x00"));
            boolean ownA = stepKeys.startsWith("CHAP_A");
            List<String> texts = ownA ? List.of(first, stepKeys + "\0") : List.of(first, "CHAP_A=" + offer + "\0");
            Map<String, String> challenge = Map.of();
            int statSn = 0;
            for (int n = 0; n < 3; n++) {
                String text = n < texts.size() ? texts.get(n) : step.keys(challenge) + "\0";
                byte[] data = text.getBytes(StandardCharsets.UTF_8);
                byte[] bhs = new byte[48];
                bhs[0] = 0x43;       // Login Request, immediate
                bhs[1] = (byte) (n == 2 ? 0x81 : 0x01); // CSG security, NSG operational; T on the response PDU
                bhs[5] = (byte) (data.length >>> 16);
                bhs[6] = (byte) (data.length >>> 8);
                bhs[7] = (byte) data.length;
                bhs[8] = 0x40;       // ISID: random
                bhs[13] = 7;
                ByteBuffer.wrap(bhs).putInt(16, 1).putInt(24, 1).putInt(28, statSn);
                socket.getOutputStream().write(bhs);
                socket.getOutputStream().write(data);
                socket.getOutputStream().write(new byte[(4 - data.length % 4) % 4]);
                socket.getOutputStream().flush();
                byte[] response = new byte[48];
                in.readFully(response);
                int length = ByteBuffer.wrap(response).getInt(4) & 0xFFFFFF;
                byte[] segment = new byte[length];
                in.readFully(segment);
                in.skipNBytes((4 - length % 4) % 4);
                int status = (response[36] & 0xFF) << 8 | (response[37] & 0xFF);
                if (status != 0) {
                    return status;
                }
                statSn = ByteBuffer.wrap(response).getInt(24) + 1;
                Map<String, String> keys = new HashMap<>();
                for (String pair : new String(segment, StandardCharsets.UTF_8).split("\0")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        keys.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                if (keys.containsKey("CHAP_C")) {
                    challenge = keys;
                }
                if (ownA && n == 1) {
                    return 0;
                }
            }
            return 0;
        }
    }

    @Test
    void discoverySession_needsTheDiscoveryCredentials() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "iscsi://disco%" + DISCOVERY_SECRET + "@127.0.0.1:" + daemon.port), 60);
        assertEquals(0, r.exit(), r.output() + daemon.log());
        assertTrue(r.output().contains("Target:" + OPEN), r.output());
        Tools.Result none = Tools.run(List.of("iscsi-ls", "iscsi://127.0.0.1:" + daemon.port), 60);
        assertFalse(none.output().contains("Target:" + OPEN), none.output());
        Tools.Result wrong = Tools.run(List.of("iscsi-ls", "iscsi://disco%wrong-secret-99@127.0.0.1:" + daemon.port), 60);
        assertFalse(wrong.output().contains("Target:" + OPEN), wrong.output());
    }
}
