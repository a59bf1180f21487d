package org.scstj.transports.loopback;

/**
 * How the command's own transfer length compares with the initiator's expected data transfer
 * length (SAM-5 5.2; computed as RFC 7143 11.4.5 defines the iSCSI U and O bits, so a loopback
 * initiator sees what an iSCSI initiator would).
 */
public enum Residual {
    /** The command moved exactly EDTL bytes. */
    NONE,
    /** The command moved fewer bytes than EDTL (RFC 7143 11.4.5.1, U bit). */
    UNDERFLOW,
    /** The command would have moved more bytes than EDTL (RFC 7143 11.4.5.1, O bit). */
    OVERFLOW;

    /**
     * The residual kind for a command.
     *
     * @param expected bytes the initiator expected, unsigned: EDTL, or 0 for Data-In the initiator
     *                 did not ask for (RFC 7143 11.3.1: without R no Data-In is sent)
     * @param transfer bytes the command would move per its CDB, unsigned
     */
    static Residual of(long expected, long transfer) {
        return transfer > expected ? OVERFLOW : transfer < expected ? UNDERFLOW : NONE;
    }
}
