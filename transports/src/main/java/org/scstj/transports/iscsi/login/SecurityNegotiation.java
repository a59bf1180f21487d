package org.scstj.transports.iscsi.login;

import java.util.Map;

/**
 * The security stage (RFC 7143 6.3.1, 12): which AuthMethod is chosen and whether the initiator
 * is authenticated. Only {@code None} exists today; CHAP (12.1.3) plugs in here as another
 * implementation that answers CHAP_A/CHAP_N/CHAP_R keys over several PDUs.
 */
public interface SecurityNegotiation {
    /** Answers the security keys of one PDU; returns null to refuse the login with authentication failure (0x0201). */
    Map<String, String> respond(Map<String, String> offered);

    /** True when the initiator may leave the security stage. */
    boolean authenticated();

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
