package org.scstj.engine.spi;

/**
 * What the core hands back for one command: SCSI status, optional sense data and optional
 * Data-In.
 *
 * <p>Residuals (SAM-5 5.2, RFC 7143 11.4.5): {@code transferLength} is the number of bytes the
 * command itself would move (the CDB's transfer length or allocation length, capped by what
 * exists); the transport compares it with the expected data transfer length it received and
 * reports an overflow ({@code transferLength > EDTL}) or an underflow ({@code transferLength <
 * EDTL}). {@code dataIn} holds at most {@code min(transferLength, EDTL)} bytes. A command with
 * Data-Out that took it reports the Data-Out length its CDB gives, whatever its status; one refused
 * before it asked for its Data-Out reports 0, the whole EDTL being the residual
 * ({@code org.scstj.engine.exec.ExecContext}).
 *
 * @param status         SAM-5 status byte (0x00 GOOD, 0x02 CHECK CONDITION, 0x08 BUSY, 0x18
 *                       RESERVATION CONFLICT, 0x28 TASK SET FULL)
 * @param sense          sense data bytes or {@code null}
 * @param dataIn         read data or {@code null}; ownership passes to the transport
 * @param transferLength bytes the command would transfer per its CDB, for the residual
 */
public record ScsiResponse(int status, byte[] sense, DataBuffer dataIn, int transferLength) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int ACA_ACTIVE = 0x30;
    public static final int TASK_ABORTED = 0x40;

    public static ScsiResponse good(DataBuffer dataIn, int transferLength) {
        return new ScsiResponse(GOOD, null, dataIn, transferLength);
    }

    public static ScsiResponse checkCondition(byte[] sense, int transferLength) {
        return new ScsiResponse(CHECK_CONDITION, sense, null, transferLength);
    }

    /** The same status, sense and Data-In with another transfer length. */
    public ScsiResponse withTransferLength(int length) {
        return new ScsiResponse(status, sense, dataIn, length);
    }
}
