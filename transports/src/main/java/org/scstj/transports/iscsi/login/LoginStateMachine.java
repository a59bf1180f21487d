package org.scstj.transports.iscsi.login;

import org.scstj.engine.spi.Names;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.LoginRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The login phase of one connection (RFC 7143 6.3): stage transitions (CSG/NSG, T and C bits),
 * identity keys, the security stage and operational negotiation. Pure: the connection opens the
 * session when it gets {@link LoginStep.Complete}. One instance per connection, event-loop only.
 */
public final class LoginStateMachine {
    public static final int SECURITY = 0;
    public static final int OPERATIONAL = 1;
    public static final int FULL_FEATURE = 3;
    /** RFC 7143 6.1 / 13.4: iSCSI names are at most 223 bytes. */
    public static final int MAX_NAME = 223;

    private final int portalGroupTag;
    private final OperationalNegotiation operational;
    private final SecurityNegotiation security;
    private final TextAccumulator text = new TextAccumulator();
    private final BiFunction<String, String, LoginStep> portalAccess;

    private boolean first = true;
    private int stage = -1;
    private String initiatorName;
    private String targetName;
    private boolean discovery;
    private long isid;
    private int tsih;

    /**
     * @param portalGroupTag the tag of the portal group the connection arrived on (13.9)
     * @param portalAccess   (initiator, target) of a Normal session → null to go on, or a
     *                       {@link LoginStep.Refuse} / {@link LoginStep.Redirect} ({@link PortalAccess})
     */
    public LoginStateMachine(IscsiSettings settings, SecurityNegotiation security, int portalGroupTag,
                             BiFunction<String, String, LoginStep> portalAccess) {
        this.portalGroupTag = portalGroupTag;
        this.portalAccess = portalAccess;
        this.operational = new OperationalNegotiation(settings.negotiation());
        this.security = security;
    }

    /**
     * How long the connection must hold back the answer to the last {@link #step} (the security
     * stage's brute-force guard, {@link SecurityNegotiation#takeDelay}); reading it resets it.
     */
    public Duration takeDelay() {
        return security.takeDelay();
    }

    public LoginStep step(LoginRequest r) {
        if (r.versionMin() > 0) {
            return new LoginStep.Refuse(LoginStatus.UNSUPPORTED_VERSION); // 11.12.4: only version 0 exists
        }
        if (r.transit() && r.cont()) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR); // 11.12.2
        }
        if (r.csg() != SECURITY && r.csg() != OPERATIONAL) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR);
        }
        if (stage >= 0 && r.csg() != stage) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR);
        }
        if (r.transit() && !validTransition(r.csg(), r.nsg())) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR); // 6.3: stages only move forward
        }
        if (first) {
            // 6.3.3: TSIH 0 opens a session, another adds a connection to it (the connection checks it exists)
            isid = r.isid();
            tsih = r.tsih();
        } else if (r.isid() != isid || r.tsih() != tsih) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR); // 11.12.5/11.12.6: fixed for the whole login
        }
        stage = r.csg();
        if (!text.append(r.data())) {
            return new LoginStep.Refuse(LoginStatus.OUT_OF_RESOURCES);
        }
        if (r.cont()) { // 11.12.2: answer each partial text with an empty response
            return new LoginStep.Reply(false, r.csg(), r.nsg(), new byte[0]);
        }
        TextParameters.Parsed parsed = TextParameters.parse(text.bytes(), text.length());
        text.clear();
        if (!(parsed instanceof TextParameters.Pairs(Map<String, String> offered))) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR);
        }
        Map<String, String> answers = new LinkedHashMap<>();
        if (first) {
            LoginStep refused = identity(offered);
            if (refused != null) {
                return refused;
            }
            LoginStep placed = discovery ? null : portalAccess.apply(initiatorName, targetName);
            if (placed != null) {
                return placed; // 6.2 / 11.13.5: refused or redirected once the target is known, before security
            }
            answers.put("TargetPortalGroupTag", Integer.toString(portalGroupTag)); // 13.9: in the first response
            first = false;
            security.identify(initiatorName, targetName, discovery);
        } else if (offered.containsKey("InitiatorName") || offered.containsKey("TargetName")
                || offered.containsKey("SessionType")) {
            return new LoginStep.Refuse(LoginStatus.INITIATOR_ERROR); // leading-PDU keys only
        }
        if (r.csg() == OPERATIONAL && !security.authenticated()) {
            return new LoginStep.Refuse(LoginStatus.AUTHENTICATION_FAILURE); // 6.3.1, 12: required security stage skipped
        }
        if (r.csg() == SECURITY) {
            Map<String, String> sec = security.respond(offered);
            if (sec == null) {
                return new LoginStep.Refuse(LoginStatus.AUTHENTICATION_FAILURE);
            }
            answers.putAll(sec);
        } else if (offered.containsKey("AuthMethod")) {
            answers.put("AuthMethod", "Irrelevant");
        }
        answers.putAll(operational.respond(r.csg() == SECURITY ? withoutChapKeys(offered) : offered));
        boolean transit = r.transit();
        if (transit && r.csg() == SECURITY && !security.authenticated()) {
            transit = false;
        }
        if (r.csg() == OPERATIONAL) {
            answers.putAll(operational.declarations());
        }
        byte[] out = TextParameters.format(answers);
        if (transit && r.nsg() == FULL_FEATURE) {
            return new LoginStep.Complete(r.csg(), out,
                    new LoginIdentity(initiatorName, targetName, discovery, isid), operational.result());
        }
        if (transit) {
            stage = r.nsg();
        }
        return new LoginStep.Reply(transit, r.csg(), transit ? r.nsg() : r.csg(), out);
    }

    private LoginStep identity(Map<String, String> offered) {
        String type = offered.getOrDefault("SessionType", "Normal"); // 13.6
        if (type.equals("Discovery")) {
            discovery = true;
        } else if (!type.equals("Normal")) {
            return new LoginStep.Refuse(LoginStatus.SESSION_TYPE_NOT_SUPPORTED);
        }
        operational.discovery(discovery);
        initiatorName = offered.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) {
            return new LoginStep.Refuse(LoginStatus.MISSING_PARAMETER); // 13.5: required in the leading login
        }
        if (tooLong(initiatorName)) {
            return new LoginStep.Refuse(LoginStatus.INVALID_DURING_LOGIN);
        }
        targetName = offered.get("TargetName");
        if (targetName != null && tooLong(targetName)) {
            return new LoginStep.Refuse(LoginStatus.INVALID_DURING_LOGIN);
        }
        if (!discovery && (targetName == null || targetName.isEmpty())) {
            return new LoginStep.Refuse(LoginStatus.MISSING_PARAMETER); // 13.4: required for Normal sessions
        }
        if (discovery) {
            targetName = null;
        }
        // RFC 7143 4.2.7.1, RFC 3722: names compare after stringprep; from here on (session identity and
        // reinstatement, access control, CHAP credentials, reservations) only the canonical form exists
        initiatorName = Names.canonical(initiatorName);
        targetName = Names.canonical(targetName);
        return null;
    }

    /** RFC 7143 12.1.3: CHAP keys belong to the security stage; the operational side must not answer them. */
    private static Map<String, String> withoutChapKeys(Map<String, String> offered) {
        Map<String, String> out = new LinkedHashMap<>(offered);
        out.keySet().removeAll(Set.of("CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R"));
        return out;
    }

    private static boolean tooLong(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME;
    }

    private static boolean validTransition(int csg, int nsg) {
        return switch (csg) {
            case SECURITY -> nsg == OPERATIONAL || nsg == FULL_FEATURE;
            case OPERATIONAL -> nsg == FULL_FEATURE;
            default -> false;
        };
    }
}
