package org.scstj.transports.iscsi.login;

import org.scstj.transports.iscsi.config.ChapAlgorithm;
import org.scstj.transports.iscsi.config.ChapBackoff;
import org.scstj.transports.iscsi.config.ChapConfig;
import org.scstj.transports.iscsi.config.ChapCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CHAP security stage of one login (RFC 7143 12.1.3, 6.3.1), one-way or mutual:
 * <ol>
 * <li>AuthMethod offered → AuthMethod=CHAP (only if offered; AuthMethod=None when no credentials apply);</li>
 * <li>CHAP_A=&lt;list&gt; → CHAP_A (the first value of the list that is a configured algorithm), CHAP_I, CHAP_C;</li>
 * <li>CHAP_N, CHAP_R [, CHAP_I, CHAP_C] → [CHAP_N, CHAP_R]; the login may leave the security
 *     stage only after this step succeeded.</li>
 * </ol>
 * Every refusal is Login 0x0201 (bad-inputs rows 7-9). Lengths are checked on the encoded text
 * before anything is decoded; responses are compared with {@link MessageDigest#isEqual}; a mutual
 * challenge equal to ours (reflection) is refused. The log names the initiator, the address it
 * connects from and the reason, never a secret or a response. Wrong responses feed the
 * {@link AuthFailureBackoff}, which may hold back the verdict on a response ({@link #takeDelay}).
 */
public final class ChapNegotiation implements SecurityNegotiation {
    private static final Logger log = LoggerFactory.getLogger(ChapNegotiation.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 7143 12.1.3: CHAP_C and CHAP_R carry at most 1024 bytes. */
    static final int MAX_BINARY = 1024;

    private enum State { METHOD, ALGORITHM, RESPONSE, DONE, FAILED }

    private final ChapConfig config;
    private final AuthFailureBackoff backoff;
    /** The address the connection comes from, or null when unknown (not a socket). */
    private final InetAddress source;
    private Duration delay = Duration.ZERO;
    private final SecurityNegotiation none = SecurityNegotiation.none();
    private ChapCredentials credentials;
    private String initiatorName = "?";
    private String targetName;
    private State state = State.METHOD;
    private ChapAlgorithm algorithm;
    private int identifier;
    private byte[] challenge;

    public ChapNegotiation(ChapConfig config) {
        this(config, new AuthFailureBackoff(ChapBackoff.OFF, System::nanoTime), null);
    }

    /** @param source the initiator's address: failures are counted per source and per account */
    public ChapNegotiation(ChapConfig config, AuthFailureBackoff backoff, InetAddress source) {
        this.config = config;
        this.backoff = backoff;
        this.source = source;
    }

    @Override
    public Duration takeDelay() {
        Duration d = delay;
        delay = Duration.ZERO;
        return d;
    }

    @Override
    public void identify(String initiatorName, String targetName, boolean discovery) {
        this.initiatorName = initiatorName;
        this.targetName = discovery ? "discovery" : targetName;
        this.credentials = config.credentials(targetName, initiatorName, discovery);
    }

    @Override
    public boolean authenticated() {
        return credentials == null || state == State.DONE;
    }

    @Override
    public Map<String, String> respond(Map<String, String> offered) {
        if (state == State.FAILED) {
            return null;
        }
        if (credentials == null) {
            if (hasChapKey(offered)) {
                return fail("CHAP keys without AuthMethod=CHAP");
            }
            Map<String, String> answer = none.respond(offered);
            return answer != null ? answer : fail("AuthMethod None not offered and no CHAP credentials apply");
        }
        Map<String, String> answers = new LinkedHashMap<>();
        switch (state) {
            case METHOD -> {
                String methods = offered.get("AuthMethod");
                if (methods == null) {
                    return fail("CHAP is required but no AuthMethod was offered");
                }
                if (!listed(methods, "CHAP")) {
                    return fail("CHAP is required but AuthMethod offers only " + printable(methods));
                }
                answers.put("AuthMethod", "CHAP"); // 12.1.3: the initiator's next PDU carries CHAP_A
                state = State.ALGORITHM;
                if (offered.containsKey("CHAP_A")) {
                    return algorithm(offered, answers);
                }
                return unexpected(offered, "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R") ? fail("CHAP keys out of order") : answers;
            }
            case ALGORITHM -> {
                if (offered.containsKey("AuthMethod")) {
                    return fail("AuthMethod offered twice");
                }
                return algorithm(offered, answers);
            }
            case RESPONSE -> {
                return response(offered, answers);
            }
            default -> { // DONE: operational keys may follow in the security stage
                return offered.containsKey("AuthMethod") || hasChapKey(offered) ? fail("CHAP keys after authentication") : answers;
            }
        }
    }

    /** 12.1.3 step 2: pick an algorithm, send identifier and challenge. */
    private Map<String, String> algorithm(Map<String, String> offered, Map<String, String> answers) {
        String list = offered.get("CHAP_A");
        if (list == null) {
            return fail("expected CHAP_A");
        }
        if (unexpected(offered, "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R")) {
            return fail("CHAP keys out of order");
        }
        ChapAlgorithm chosen = null;
        for (String token : list.split(",", -1)) { // RFC 7143 6.2.1: the first value of the initiator's list we accept
            ChapAlgorithm a = identifierLike(token) ? ChapAlgorithm.byCode(Integer.parseInt(token)) : null;
            if (a != null && config.algorithms().contains(a)) {
                chosen = a;
                break;
            }
        }
        if (chosen == null) {
            return fail("no acceptable algorithm in CHAP_A=" + printable(list)); // bad-inputs row 7
        }
        algorithm = chosen;
        identifier = RANDOM.nextInt(256);
        challenge = new byte[chosen.challengeLength()];
        RANDOM.nextBytes(challenge);
        answers.put("CHAP_A", Integer.toString(chosen.code()));
        answers.put("CHAP_I", Integer.toString(identifier));
        answers.put("CHAP_C", "0x" + HexFormat.of().formatHex(challenge));
        state = State.RESPONSE;
        return answers;
    }

    /** 12.1.3 step 3: check CHAP_N/CHAP_R; answer a mutual challenge. */
    private Map<String, String> response(Map<String, String> offered, Map<String, String> answers) {
        if (offered.containsKey("AuthMethod") || offered.containsKey("CHAP_A")) {
            return fail("CHAP keys out of order");
        }
        String name = offered.get("CHAP_N");
        String encoded = offered.get("CHAP_R");
        if (name == null || encoded == null) {
            return fail("expected CHAP_N and CHAP_R");
        }
        byte[] received = decodeBinary(encoded, algorithm.digestLength(), algorithm.digestLength()); // row 8
        if (received == null) {
            return fail("CHAP_R is not a " + algorithm.digestLength() + "-byte hex or base64 value");
        }
        String mutualId = offered.get("CHAP_I");
        String mutualChallenge = offered.get("CHAP_C");
        if ((mutualId == null) != (mutualChallenge == null)) {
            return fail("CHAP_I and CHAP_C must come together");
        }
        int targetIdentifier = 0;
        byte[] targetChallenge = null;
        if (mutualId != null) {
            targetIdentifier = identifier(mutualId);
            if (targetIdentifier < 0) {
                return fail("CHAP_I is not a number 0..255"); // row 7
            }
            targetChallenge = decodeBinary(mutualChallenge, 1, MAX_BINARY);
            if (targetChallenge == null) {
                return fail("CHAP_C is not 1.." + MAX_BINARY + " bytes of hex or base64"); // row 9
            }
        }
        // row 9: after recent failures from this source or for this account the verdict waits, right or wrong
        String account = credentials.user();
        if (source != null) {
            delay = backoff.delay(source, account);
        }
        byte[] expected = credentials.secret().response(algorithm, identifier, challenge);
        boolean nameOk = MessageDigest.isEqual(name.getBytes(StandardCharsets.UTF_8),
                account.getBytes(StandardCharsets.UTF_8));
        boolean responseOk = MessageDigest.isEqual(expected, received); // constant time (row 9)
        if (!(nameOk & responseOk)) {
            if (source == null) {
                return fail("wrong CHAP_N or CHAP_R");
            }
            int recent = backoff.failed(source, account);
            return fail("wrong CHAP_N or CHAP_R (" + recent + " recent failure" + (recent == 1 ? "" : "s")
                    + " from this address; the next verdict waits " + backoff.delay(source, account).toMillis() + " ms)");
        }
        if (targetChallenge == null) {
            if (credentials.mutualRequired()) {
                return fail("mutual CHAP is required but the initiator sent no CHAP_I/CHAP_C");
            }
        } else {
            if (!credentials.mutual()) {
                return fail("mutual CHAP asked but no target credentials are configured");
            }
            if (MessageDigest.isEqual(targetChallenge, challenge)) {
                return fail("the initiator's challenge reflects the target's"); // row 9
            }
            byte[] proof = credentials.targetSecret().response(algorithm, targetIdentifier, targetChallenge);
            answers.put("CHAP_N", credentials.targetUser());
            answers.put("CHAP_R", "0x" + HexFormat.of().formatHex(proof));
        }
        challenge = null; // one response per challenge
        state = State.DONE;
        if (source != null) {
            backoff.succeeded(source, account);
        }
        return answers;
    }

    private Map<String, String> fail(String reason) {
        state = State.FAILED;
        log.warn("iSCSI login of {} from {} to {}: authentication failed: {}", printable(initiatorName),
                source == null ? "?" : source.getHostAddress(), targetName == null ? "?" : printable(targetName), reason);
        return null;
    }

    // ---- value parsing (RFC 7143 6.1) ----

    /** CHAP_I: a decimal or 0x hex number 0..255; -1 otherwise. */
    static int identifier(String v) {
        int n;
        if (v.length() >= 3 && (v.startsWith("0x") || v.startsWith("0X"))) {
            if (v.length() > 4 || !hex(v, 2)) {
                return -1;
            }
            n = Integer.parseInt(v.substring(2), 16);
        } else {
            if (v.isEmpty() || v.length() > 3) {
                return -1;
            }
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                    return -1;
                }
            }
            n = Integer.parseInt(v);
        }
        return n <= 255 ? n : -1;
    }

    /**
     * A binary-value (RFC 7143 6.1): {@code 0x}/{@code 0X} then hex digits, or {@code 0b}/{@code 0B}
     * then base64 (RFC 4648, padding optional). Null when malformed or when the length it encodes is
     * outside [min, max]; the length is computed from the text before anything is decoded.
     */
    static byte[] decodeBinary(String v, int min, int max) {
        if (v.length() < 3 || v.charAt(0) != '0') {
            return null;
        }
        char kind = v.charAt(1);
        int digits = v.length() - 2;
        if (kind == 'x' || kind == 'X') {
            if (digits % 2 != 0 || digits / 2 < min || digits / 2 > max || !hex(v, 2)) {
                return null;
            }
            return HexFormat.of().parseHex(v, 2, v.length());
        }
        if (kind == 'b' || kind == 'B') {
            int end = v.length();
            int pad = 0;
            while (pad < 2 && end > 2 && v.charAt(end - 1) == '=') {
                end--;
                pad++;
            }
            int chars = end - 2;
            if (chars % 4 == 1 || (pad > 0 && (chars + pad) % 4 != 0)) {
                return null;
            }
            int length = chars / 4 * 3 + Math.max(0, chars % 4 - 1);
            if (length < min || length > max) {
                return null;
            }
            try {
                byte[] out = Base64.getDecoder().decode(v.substring(2));
                return out.length == length ? out : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean hex(String v, int from) {
        for (int i = from; i < v.length(); i++) {
            if (Character.digit(v.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean identifierLike(String token) {
        if (token.isEmpty() || token.length() > 3) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean listed(String list, String value) {
        for (String token : list.split(",", -1)) {
            if (token.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasChapKey(Map<String, String> offered) {
        return unexpected(offered, "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R");
    }

    private static boolean unexpected(Map<String, String> offered, String... keys) {
        for (String k : keys) {
            if (offered.containsKey(k)) {
                return true;
            }
        }
        return false;
    }

    /** Attacker-chosen text for the log: printable ASCII only, at most 64 characters. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 64 ? sb.append("...").toString() : sb.toString();
    }
}
