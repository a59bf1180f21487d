package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.ChapBackoff;
import org.scstj.transports.iscsi.config.ChapConfig;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Bad-inputs row 9, CHAP brute force: wrong responses slow the next verdicts down, per source and per account. */
class AuthFailureBackoffTest {
    private static final ChapBackoff SETTINGS = new ChapBackoff(3,
            Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofMinutes(10), 8);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthFailureBackoff backoff = new AuthFailureBackoff(SETTINGS, now::get);

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void theFirstFailuresCostNothing_thenTheDelayDoublesUpToTheMaximum() throws Exception {
        InetAddress a = ip("192.0.2.1");
        long[] expectedMillis = {0, 0, 0, 250, 500, 1000, 2000, 4000, 4000, 4000};
        for (long expected : expectedMillis) {
            assertEquals(Duration.ofMillis(expected), backoff.delay(a, "alice"));
            backoff.failed(a, "alice");
        }
    }

    @Test
    void failuresFromOneSource_delayItsAttemptsAtAnyAccount_butNotAnotherSourcesAtAnother() throws Exception {
        InetAddress attacker = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            backoff.failed(attacker, "alice");
        }
        assertEquals(Duration.ofMillis(1000), backoff.delay(attacker, "bob"), "the source is slowed at every account");
        assertEquals(Duration.ofMillis(1000), backoff.delay(ip("198.51.100.7"), "alice"),
                "the account is slowed from every source (a delay, never a refusal)");
        assertEquals(Duration.ZERO, backoff.delay(ip("198.51.100.7"), "bob"));
    }

    @Test
    void newSettings_keepTheFailuresRemembered_delayByTheNewValues_andForgetBeyondFewerTrackedSources() throws Exception {
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        for (int i = 0; i < 4; i++) {
            backoff.failed(a, "alice");
        }
        assertEquals(Duration.ofMillis(500), backoff.delay(a, "carol"), "4 failures past 3 free: 250 ms doubled once");
        backoff.settings(new ChapBackoff(1, Duration.ofMillis(100), Duration.ofSeconds(4), Duration.ofMinutes(10), 8));
        assertEquals(Duration.ofMillis(800), backoff.delay(a, "carol"), "4 failures past 1 free: 100 ms doubled 3 times");
        backoff.failed(b, "bob");
        backoff.failed(b, "bob"); // b and bob are now the most recently seen
        backoff.settings(new ChapBackoff(1, Duration.ofMillis(100), Duration.ofSeconds(4), Duration.ofMinutes(10), 1));
        assertEquals(Duration.ZERO, backoff.delay(a, "carol"), "a source beyond tracked-sources is forgotten");
        assertEquals(Duration.ZERO, backoff.delay(ip("192.0.2.9"), "alice"), "so is an account");
        assertEquals(Duration.ofMillis(200), backoff.delay(b, "carol"), "b is kept: 2 failures, 1 free");
    }

    @Test
    void anIpv6Source_countsByItsSlash64() throws Exception {
        for (int i = 0; i < 4; i++) {
            backoff.failed(ip("2001:db8:1:2::" + (i + 1)), "acct-" + i);
        }
        assertEquals(Duration.ofMillis(500), backoff.delay(ip("2001:db8:1:2::ffff"), "other"),
                "addresses of one /64 are one source");
        assertEquals(Duration.ZERO, backoff.delay(ip("2001:db8:1:3::1"), "other"));
    }

    @Test
    void failuresAreForgottenAfterAQuietPeriod_orASuccessfulLogin() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 4; i++) {
            backoff.failed(a, "alice");
        }
        assertTrue(backoff.delay(a, "alice").toMillis() > 0);
        now.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        assertEquals(Duration.ZERO, backoff.delay(a, "alice"), "quiet for forget-after");
        for (int i = 0; i < 4; i++) {
            backoff.failed(a, "alice");
        }
        backoff.succeeded(a, "alice");
        assertEquals(Duration.ZERO, backoff.delay(a, "alice"), "the owner logged in");
    }

    @Test
    void memoryIsBounded_theLeastRecentlySeenSourceIsForgottenFirst() throws Exception {
        InetAddress first = ip("192.0.2.1");
        for (int i = 0; i < 4; i++) {
            backoff.failed(first, "alice");
        }
        for (int i = 2; i < 2 + SETTINGS.trackedSources(); i++) {
            backoff.failed(ip("192.0.2." + i), "acct-" + i); // sprays sources and accounts past the bound
        }
        assertEquals(Duration.ZERO, backoff.delay(first, "carol"), "forgotten: at most trackedSources are kept");
    }

    @Test
    void chapNegotiation_holdsBackEveryVerdictPastTheFreeFailures_rightOrWrong() throws Exception {
        ChapConfig config = ChapConfig.from(ConfigFactory.parseString(
                "targets { \"iqn.t\" { auth { chap { user = alice, secret = \"initiator-secret-1\" } } } }"));
        InetAddress source = ip("192.0.2.9");
        for (int i = 0; i < 3; i++) {
            ChapNegotiation chap = started(config, source);
            assertNull(chap.respond(Map.of("CHAP_N", "alice", "CHAP_R", "0x" + "00".repeat(32))));
            assertEquals(Duration.ZERO, chap.takeDelay(), "failure " + (i + 1) + " is free");
        }
        ChapNegotiation wrong = started(config, source);
        assertNull(wrong.respond(Map.of("CHAP_N", "alice", "CHAP_R", "0x" + "00".repeat(32))));
        assertEquals(Duration.ofMillis(250), wrong.takeDelay());
        assertEquals(Duration.ZERO, wrong.takeDelay(), "taken once");

        ChapNegotiation right = started(config, source);
        Map<String, String> c = lastChallenge;
        MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
        sha3.update((byte) Integer.parseInt(c.get("CHAP_I")));
        sha3.update("initiator-secret-1".getBytes(StandardCharsets.UTF_8));
        sha3.update(HexFormat.of().parseHex(c.get("CHAP_C").substring(2)));
        assertNotNull(right.respond(Map.of("CHAP_N", "alice", "CHAP_R", "0x" + HexFormat.of().formatHex(sha3.digest()))));
        assertEquals(Duration.ofMillis(500), right.takeDelay(), "the right answer waits as long: nothing to learn early");
        ChapNegotiation after = started(config, source);
        assertNull(after.respond(Map.of("CHAP_N", "alice", "CHAP_R", "0x" + "00".repeat(32))));
        assertEquals(Duration.ZERO, after.takeDelay(), "the success cleared the source and the account");
    }

    private Map<String, String> lastChallenge;

    private ChapNegotiation started(ChapConfig config, InetAddress source) {
        ChapNegotiation chap = new ChapNegotiation(config, backoff, source);
        chap.identify("iqn.i", "iqn.t", false);
        assertNotNull(chap.respond(Map.of("AuthMethod", "CHAP")));
        lastChallenge = chap.respond(Map.of("CHAP_A", "8"));
        assertNotNull(lastChallenge);
        return chap;
    }
}
