package org.scstj.transports.iscsi.conn;

import org.scstj.transports.iscsi.login.LoginStatus;

import java.util.concurrent.atomic.LongAdder;

/**
 * The iSCSI driver's counters for the metrics (docs/metrics.md): written by any connection's event
 * loop (adders: no lock, no shared cache line on the way in), read by a scrape. None is written per
 * PDU of the fast path: logins, digest errors and unanswered NOP-In pings are events.
 */
public final class IscsiStats {
    /** A login's outcome (RFC 7143 11.13.5 Status-Class and Status-Detail, grouped). */
    public enum LoginResult {
        SUCCESS, REDIRECT, AUTHENTICATION_FAILURE, AUTHORIZATION_FAILURE, NOT_FOUND, TOO_MANY_CONNECTIONS,
        INITIATOR_ERROR, TARGET_ERROR;

        /** The label value: lower case. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static LoginResult of(int status) {
            return switch (status) {
                case LoginStatus.SUCCESS -> SUCCESS;
                case LoginStatus.AUTHENTICATION_FAILURE -> AUTHENTICATION_FAILURE;
                case LoginStatus.AUTHORIZATION_FAILURE -> AUTHORIZATION_FAILURE;
                case LoginStatus.NOT_FOUND -> NOT_FOUND;
                case LoginStatus.TOO_MANY_CONNECTIONS -> TOO_MANY_CONNECTIONS;
                default -> switch (status >> 8) {
                    case 0x01 -> REDIRECT;
                    case 0x02 -> INITIATOR_ERROR;
                    default -> TARGET_ERROR;
                };
            };
        }
    }

    private final LongAdder[] logins = new LongAdder[LoginResult.values().length];
    private final LongAdder headerDigestErrors = new LongAdder();
    private final LongAdder dataDigestErrors = new LongAdder();
    private final LongAdder nopTimeouts = new LongAdder();

    public IscsiStats() {
        for (int i = 0; i < logins.length; i++) {
            logins[i] = new LongAdder();
        }
    }

    /** A Login Response with this status ended a login (the final one of a success, or a refusal). */
    void login(int status) {
        logins[LoginResult.of(status).ordinal()].increment();
    }

    void headerDigestError() {
        headerDigestErrors.increment();
    }

    void dataDigestError() {
        dataDigestErrors.increment();
    }

    void nopTimeout() {
        nopTimeouts.increment();
    }

    public long logins(LoginResult result) {
        return logins[result.ordinal()].sum();
    }

    public long headerDigestErrors() {
        return headerDigestErrors.sum();
    }

    public long dataDigestErrors() {
        return dataDigestErrors.sum();
    }

    /** NOP-In pings the initiator did not answer in time (its connection was closed). */
    public long nopTimeouts() {
        return nopTimeouts.sum();
    }
}
