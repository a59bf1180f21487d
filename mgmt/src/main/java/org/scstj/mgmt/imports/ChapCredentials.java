package org.scstj.mgmt.imports;

/**
 * CHAP credentials for {@code auth { chap { ... } }}: the initiator's name and secret, and for
 * mutual CHAP the target's ({@code target-user}, {@code target-secret}), or null when there are
 * none. {@link #toString()} never shows a secret.
 */
public record ChapCredentials(String user, String secret, String targetUser, String targetSecret) {

    /** Whether the initiator authenticates to the target (the one-way part). */
    public boolean hasInitiatorSide() {
        return user != null && secret != null;
    }

    /** Whether the target authenticates to the initiator too. */
    public boolean hasTargetSide() {
        return targetUser != null && targetSecret != null;
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + ", targetUser=" + targetUser + "]";
    }
}
