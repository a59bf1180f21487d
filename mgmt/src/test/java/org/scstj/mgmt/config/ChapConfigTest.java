package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.config.ChapCredentials;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CHAP credentials in the configuration (RFC 7143 12.1.3): accepted shapes and every refusal with file:line. */
class ChapConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private static final String TARGET = "iqn.2026-11.org.scstj:chap";

    /** Line 9 holds the target's chap block, line 15 the group's, line 20 discovery's. */
    private String conf(String targetChap, String groupChap, String discoveryChap) {
        return """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { null0 { size = 1G } } }
                  target-drivers {
                    iscsi {
                      portals = ["127.0.0.1:3260"]
                      targets {
                        "%s" {
                          auth { chap { %s } }
                          luns { 0 = null0 }
                          groups {
                            trusted {
                              initiators = ["iqn.1993-08.org.debian:01:*"]
                              luns { 0 = null0 }
                              %s
                            }
                          }
                        }
                      }
                      %s
                    }
                  }
                }
                """.formatted(dir.resolve("state"), TARGET, targetChap, groupChap, discoveryChap);
    }

    private static final String GOOD = "user = alice, secret = \"alice-secret-1\"";

    private ScstjConfigAndSettings load(String text) throws Exception {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, text);
        ScstjConfig c = loader.load(file);
        return new ScstjConfigAndSettings(c, IscsiSettings.from(c.iscsi()));
    }

    private record ScstjConfigAndSettings(ScstjConfig config, IscsiSettings settings) {
    }

    private String refused(String text) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, text);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file));
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    @Test
    void targetGroupAndDiscoveryCredentials_areReadAndLookedUp() throws Exception {
        IscsiSettings s = load(conf(GOOD,
                "auth { chap { user = bob, secret = \"bob-secret-123\", target-user = tgt, target-secret = \"tgt-secret-1234\" } }",
                "discovery-auth { chap { user = disco, secret = \"discovery-secret\" } }")).settings();
        ChapCredentials target = s.chap().credentials(TARGET, "iqn.2000-01.com.example:host", false);
        assertEquals("alice", target.user());
        assertFalse(target.mutual());
        ChapCredentials group = s.chap().credentials(TARGET.toUpperCase(), "iqn.1993-08.org.debian:01:abc", false);
        assertEquals("bob", group.user());
        assertEquals("tgt", group.targetUser());
        assertEquals("disco", s.chap().credentials(null, "iqn.x", true).user());
        assertNull(s.chap().credentials("iqn.2026-11.org.scstj:other", "iqn.x", false));
    }

    @Test
    void groupWithoutItsOwnCredentials_usesTheTargets() throws Exception {
        IscsiSettings s = load(conf(GOOD, "", "")).settings();
        assertEquals("alice", s.chap().credentials(TARGET, "iqn.1993-08.org.debian:01:abc", false).user());
        assertNull(s.chap().credentials(null, "iqn.x", true));
    }

    @Test
    void emptyGroupAuth_meansNoneForTheGroup() throws Exception {
        IscsiSettings s = load(conf(GOOD, "auth { }", "")).settings();
        assertNull(s.chap().credentials(TARGET, "iqn.1993-08.org.debian:01:abc", false));
        assertEquals("alice", s.chap().credentials(TARGET, "iqn.2000-01.com.example:host", false).user());
    }

    @Test
    void aTargetSecretThatIsAnotherUsersInitiatorSecret_isRefused() throws Exception {
        assertMentions(refused(conf(GOOD,
                        "auth { chap { user = bob, secret = \"bob-secret-123\", target-user = t, target-secret = \"alice-secret-1\" } }", "")),
                "scstj.conf:15:", "a secret serves one direction only");
    }

    @Test
    void shortSecret_isRefusedAtItsLine() throws Exception {
        assertMentions(refused(conf("user = alice, secret = \"short\"", "", "")), "scstj.conf:9:", "secret", "too short: at least 12 bytes");
    }

    @Test
    void longSecret_isRefused() throws Exception {
        assertMentions(refused(conf("user = alice, secret = \"" + "s".repeat(256) + "\"", "", "")), "scstj.conf:9:", "too long: at most 255 bytes");
    }

    @Test
    void sameSecretBothWays_isRefused() throws Exception {
        assertMentions(refused(conf("user = a, secret = \"same-secret-12\", target-user = t, target-secret = \"same-secret-12\"", "", "")),
                "scstj.conf:9:", "target-secret", "must differ from secret");
    }

    @Test
    void userWithoutSecret_isRefused() throws Exception {
        assertMentions(refused(conf("user = alice", "", "")), "scstj.conf:9:", "a CHAP user needs a secret");
        assertMentions(refused(conf("secret = \"alice-secret-1\"", "", "")), "scstj.conf:9:", "user", "missing");
        assertMentions(refused(conf(GOOD + ", target-user = t", "", "")), "scstj.conf:9:", "target-user needs a target-secret");
        assertMentions(refused(conf(GOOD + ", target-secret = \"tgt-secret-1234\"", "", "")), "scstj.conf:9:", "target-secret needs a target-user");
    }

    @Test
    void mutualRequiredWithoutTargetCredentials_isRefused() throws Exception {
        assertMentions(refused(conf(GOOD + ", mutual-required = true", "", "")), "scstj.conf:9:", "mutual-required", "needs target-user");
    }

    @Test
    void unknownChapKey_isRefused() throws Exception {
        assertMentions(refused(conf(GOOD + ", pasword = x", "", "")), "scstj.conf:9:", "pasword", "unknown key");
    }

    @Test
    void groupAndDiscoveryProblems_nameTheirLines() throws Exception {
        assertMentions(refused(conf(GOOD, "auth { chap { user = bob, secret = \"tiny\" } }", "")),
                "scstj.conf:15:", "groups.trusted.auth.chap.secret", "too short");
        assertMentions(refused(conf(GOOD, "", "discovery-auth { chap { user = d, secret = \"tiny\" } }")),
                "scstj.conf:20:", "discovery-auth.chap.secret", "too short");
        assertMentions(refused(conf(GOOD, "", "discovery-auth { chap { user = d, secret = \"discovery-secret\", extra = 1 } }")),
                "scstj.conf:20:", "unknown key");
    }

    @Test
    void unknownAlgorithm_isRefused() throws Exception {
        assertMentions(refused(conf(GOOD, "", "chap-algorithms = [SHA-512]")), "scstj.conf:20:", "unknown algorithm SHA-512");
    }

    @Test
    void refusals_neverEchoTheSecret() throws Exception {
        String message = refused(conf("user = a, secret = \"same-secret-12\", target-user = t, target-secret = \"same-secret-12\"", "", ""));
        assertFalse(message.contains("same-secret-12"), message);
        assertFalse(refused(conf("user = alice, secret = \"shortpw\"", "", "")).contains("shortpw"));
    }
}
