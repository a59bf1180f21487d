package org.scstj.transports.iscsi.login;

/** What the connection does with one Login Request (RFC 7143 6.3). */
public sealed interface LoginStep {
    /** Send a Login Response with status 0 and these keys; the login goes on. */
    record Reply(boolean transit, int csg, int nsg, byte[] text) implements LoginStep {
    }

    /** The initiator asked for the full feature phase and negotiation allows it: open the session, then answer. */
    record Complete(int csg, byte[] text, LoginIdentity identity, OperationalParameters parameters)
            implements LoginStep {
    }

    /** Refuse with this status (11.13.5) and close the connection. */
    record Refuse(int status) implements LoginStep {
    }

    /** Redirect (status class 1, 11.13.5) with {@code TargetAddress=} in the text, then close (RFC 7143 6.2). */
    record Redirect(int status, byte[] text) implements LoginStep {
    }
}
