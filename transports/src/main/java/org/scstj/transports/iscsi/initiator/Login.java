package org.scstj.transports.iscsi.initiator;

import org.scstj.transports.iscsi.pdu.Opcode;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The initiator's side of a login (RFC 7143 6.3, 11.12, 11.13): optional security stage (CHAP,
 * RFC 7143 12.1.3) then the operational stage, each exchange following continued (C bit)
 * responses, until the target transits to the full feature phase.
 */
final class Login {
    private static final int SECURITY = 0;
    private static final int OPERATIONAL = 1;
    private static final int FULL_FEATURE = 3;
    /** Bound on exchanges of one stage (a target that never transits). */
    private static final int MAX_ROUNDS = 16;

    private final Connection c;
    private final LoginSpec spec;
    private final int itt;
    private final int cmdSn;
    private final long deadline;
    private boolean leadingSent;
    private Pdu last;

    private Login(Connection c, LoginSpec spec, int itt, int cmdSn, Duration timeout) {
        this.c = c;
        this.spec = spec;
        this.itt = itt;
        this.cmdSn = cmdSn;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /** Logs {@code c} in; on success digests and data segment limits are in force on it. */
    static Negotiated run(Connection c, LoginSpec spec, int itt, int cmdSn, Duration timeout) throws IOException {
        return new Login(c, spec, itt, cmdSn, timeout).run();
    }

    private Negotiated run() throws IOException {
        if (spec.startsWithSecurity()) {
            security();
        }
        Map<String, String> answered = new LinkedHashMap<>();
        Map<String, String> keys = withLeading(spec.operationalKeys());
        Map<String, String> got = exchange(OPERATIONAL, FULL_FEATURE, true, keys);
        answered.putAll(got);
        for (int round = 0; !transitedTo(FULL_FEATURE); round++) {
            if (round == MAX_ROUNDS) {
                throw new LoginException(0, last, "target did not reach the full feature phase");
            }
            answered.putAll(exchange(OPERATIONAL, FULL_FEATURE, true, Map.of()));
        }
        int own = Integer.parseInt(spec.operationalKeys().getOrDefault("MaxRecvDataSegmentLength", "8192"));
        Negotiated n = Negotiated.from(answered, last.u16(14), own);
        c.digests(n.headerDigest(), n.dataDigest());
        c.receiveLimit(own);
        c.sendLimit(n.maxRecvDataSegmentLength());
        return n;
    }

    private void security() throws IOException {
        Chap chap = spec.chap();
        if (chap == null) {
            exchange(SECURITY, OPERATIONAL, true, withLeading(Map.of("AuthMethod", "None")));
        } else {
            Map<String, String> r = exchange(SECURITY, OPERATIONAL, false, withLeading(Map.of("AuthMethod", "CHAP")));
            if (!"CHAP".equals(r.get("AuthMethod"))) {
                throw new LoginException(0, last, "target did not choose CHAP: " + r);
            }
            r = exchange(SECURITY, OPERATIONAL, false, Map.of("CHAP_A", chap.offer()));
            int algorithm;
            int id;
            byte[] challenge;
            try {
                algorithm = Integer.parseInt(r.get("CHAP_A"));
                id = Integer.parseInt(r.get("CHAP_I"));
                challenge = Chap.decodeBinary(r.get("CHAP_C"));
                Chap.digestName(algorithm);
            } catch (RuntimeException e) {
                throw new LoginException(0, last, "bad CHAP challenge from the target: " + r);
            }
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("CHAP_N", chap.user());
            answer.put("CHAP_R", Chap.hex(Chap.response(algorithm, id, chap.secret(), challenge)));
            int myId = Chap.identifier();
            byte[] myChallenge = Chap.challenge(algorithm);
            if (chap.isMutual()) {
                answer.put("CHAP_I", Integer.toString(myId));
                answer.put("CHAP_C", Chap.hex(myChallenge));
            }
            r = exchange(SECURITY, OPERATIONAL, true, answer);
            if (chap.isMutual()) {
                byte[] expected = Chap.response(algorithm, myId, chap.targetSecret(), myChallenge);
                byte[] got;
                try {
                    got = Chap.decodeBinary(r.getOrDefault("CHAP_R", ""));
                } catch (RuntimeException e) {
                    got = new byte[0];
                }
                if (!chap.targetUser().equals(r.get("CHAP_N")) || !MessageDigest.isEqual(expected, got)) {
                    throw new LoginException(0, last, "the target failed mutual CHAP");
                }
            }
        }
        for (int round = 0; !transitedTo(OPERATIONAL) && !transitedTo(FULL_FEATURE); round++) {
            if (round == MAX_ROUNDS) {
                throw new LoginException(0, last, "target did not leave the security stage");
            }
            exchange(SECURITY, OPERATIONAL, true, Map.of());
        }
    }

    private boolean transitedTo(int stage) {
        return (last.flags() & 0x80) != 0 && (last.flags() & 3) == stage;
    }

    private Map<String, String> withLeading(Map<String, String> keys) {
        if (leadingSent) {
            return keys;
        }
        leadingSent = true;
        Map<String, String> all = new LinkedHashMap<>(spec.leadingKeys());
        all.putAll(keys);
        return all;
    }

    /** One request and its response, following C-bit continuations (RFC 7143 6.3 / 11.13.2). */
    private Map<String, String> exchange(int csg, int nsg, boolean transit, Map<String, String> keys) throws IOException {
        send(csg, nsg, transit, Pdu.text(keys));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int part = 0; ; part++) {
            last = c.read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (last.opcode() != Opcode.LOGIN_RESPONSE) {
                throw new LoginException(0, last, "expected a Login Response, got " + last);
            }
            if (last.loginStatus() != 0) {
                throw new LoginException(last.loginStatus(), last, String.join(", ", last.pairs()));
            }
            text.writeBytes(last.data());
            if ((last.flags() & 0x40) == 0) {
                break;
            }
            if (part == MAX_ROUNDS * 16) {
                throw new LoginException(0, last, "endless continued login response");
            }
            send(csg, nsg, false, new byte[0]);
        }
        return Pdu.parseKeys(text.toByteArray());
    }

    private void send(int csg, int nsg, boolean transit, byte[] text) throws IOException {
        c.send(Pdus.login(transit, false, csg, nsg, spec.isid(), spec.tsih(), itt, spec.cid(), cmdSn,
                c.expStatSn(), text));
    }
}
