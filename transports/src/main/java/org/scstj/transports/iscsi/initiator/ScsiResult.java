package org.scstj.transports.iscsi.initiator;

import java.util.List;

/**
 * How a SCSI command ended (RFC 7143 11.4): iSCSI response code, SCSI status, sense data (without
 * the SenseLength prefix), the data received, the residual flags and count, and every Reject the
 * target sent about one of this command's PDUs.
 *
 * @param received bytes of Data-In received (the highest offset reached)
 */
public record ScsiResult(int response, int status, byte[] sense, byte[] data, int received,
                         boolean overflow, boolean underflow, int residual, List<Pdu> rejects) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;

    public boolean good() {
        return response == 0 && status == GOOD;
    }

    /** The sense key, or -1 without sense data (fixed and descriptor formats, SPC-5 4.4). */
    public int senseKey() {
        if (sense.length < 3) {
            return -1;
        }
        return ((sense[0] & 0x7f) >= 0x72 ? sense[1] : sense[2]) & 0x0f;
    }

    public int asc() {
        return senseByte(12, 2);
    }

    public int ascq() {
        return senseByte(13, 3);
    }

    private int senseByte(int fixed, int descriptor) {
        int at = (sense.length > 0 && (sense[0] & 0x7f) >= 0x72) ? descriptor : fixed;
        return sense.length > at ? sense[at] & 0xff : -1;
    }

    @Override
    public String toString() {
        return String.format("ScsiResult[response=%d status=0x%02x sense=%x/%02x/%02x received=%d residual=%s%d rejects=%d]",
                response, status, senseKey(), asc(), ascq(), received,
                overflow ? "over " : underflow ? "under " : "", residual, rejects.size());
    }
}
