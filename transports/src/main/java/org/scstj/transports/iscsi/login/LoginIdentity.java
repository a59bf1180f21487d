package org.scstj.transports.iscsi.login;

/**
 * Who is logging in (RFC 7143 13.4-13.6, 11.12.5).
 *
 * @param targetName null for a discovery session
 * @param isid       the 48-bit initiator session identifier
 */
public record LoginIdentity(String initiatorName, String targetName, boolean discovery, long isid) {
}
