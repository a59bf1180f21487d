package org.scstj.transports.iscsi.config;

/**
 * Who may log in with CHAP and how the target proves itself (RFC 7143 12.1.3).
 *
 * @param user          CHAP_N the initiator must send
 * @param secret        the secret the initiator's CHAP_R is computed with
 * @param targetUser    CHAP_N the target answers a mutual challenge with; null: no mutual CHAP
 * @param targetSecret  the secret of the target's CHAP_R; null exactly when targetUser is
 * @param mutualRequired refuse (0x0201) an initiator that does not challenge the target
 */
public record ChapCredentials(String user, ChapSecret secret, String targetUser, ChapSecret targetSecret,
                              boolean mutualRequired) {
    public boolean mutual() {
        return targetUser != null;
    }
}
