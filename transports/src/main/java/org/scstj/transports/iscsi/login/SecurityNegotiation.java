package org.scstj.transports.iscsi.login;

import org.scstj.transports.iscsi.config.ChapConfig;

import java.time.Duration;
import java.util.Map;

/**
 * The security stage (RFC 7143 6.3.1, 12): which AuthMethod is chosen and whether the initiator
 * is authenticated. {@link #none()} accepts AuthMethod None only; {@link ChapNegotiation} (12.1.3)
 * answers CHAP keys over several PDUs when credentials apply to the login.
 */
public interface SecurityNegotiation {
    /** Answers the security keys of one PDU; returns null to refuse the login with authentication failure (0x0201). */
    Map<String, String> respond(Map<String, String> offered);

    /** True when the initiator may leave the security stage. */
    boolean authenticated();

    /**
     * How long the answer to the last {@link #respond} must be held back (a brute-force guard,
     * {@link AuthFailureBackoff}); reading it resets it to zero.
     */
    default Duration takeDelay() {
        return Duration.ZERO;
    }

    /**
     * Who is logging in, from the leading Login Request, before its keys reach {@link #respond}
     * (RFC 7143 13.4-13.6): the credentials may depend on the target and the initiator.
     *
     * @param targetName null for a discovery session
     */
    default void identify(String initiatorName, String targetName, boolean discovery) {
    }

    /** The CHAP security stage with credentials from {@code config}; AuthMethod None where none apply. */
    static SecurityNegotiation chap(ChapConfig config) {
        return new ChapNegotiation(config);
    }

    /** AuthMethod=None: accepts any initiator that offers None (or offers nothing). */
    static SecurityNegotiation none() {
        return new SecurityNegotiation() {
            @Override
            public Map<String, String> respond(Map<String, String> offered) {
                String methods = offered.get("AuthMethod");
                if (methods == null) {
                    return Map.of();
                }
                for (String m : methods.split(",")) {
                    if (m.equals("None")) {
                        return Map.of("AuthMethod", "None");
                    }
                }
                return null;
            }

            @Override
            public boolean authenticated() {
                return true;
            }
        };
    }
}
