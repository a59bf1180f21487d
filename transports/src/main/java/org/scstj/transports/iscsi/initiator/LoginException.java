package org.scstj.transports.iscsi.initiator;

import java.io.IOException;

/** The target refused a login: the Login Response status class and detail (RFC 7143 11.13.5). */
public final class LoginException extends IOException {
    private final int status;
    private final transient Pdu response;

    public LoginException(int status, Pdu response, String message) {
        super(String.format("login refused 0x%04x: %s", status, message));
        this.status = status;
        this.response = response;
    }

    /** 0xCCDD; 0 when the failure was this side's (a bad mutual CHAP answer, a protocol error). */
    public int status() {
        return status;
    }

    public Pdu response() {
        return response;
    }
}
