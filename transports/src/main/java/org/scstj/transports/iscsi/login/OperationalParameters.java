package org.scstj.transports.iscsi.login;

/**
 * The negotiated operational parameters of a session (RFC 7143 13), in force from the full
 * feature phase.
 *
 * @param initiatorMaxRecvDataSegmentLength what the initiator declared it receives (13.12): Data-In and text size
 * @param targetMaxRecvDataSegmentLength    what this target declared (8192 if it never did)
 */
public record OperationalParameters(int initiatorMaxRecvDataSegmentLength, int targetMaxRecvDataSegmentLength,
                                    int maxBurstLength, int firstBurstLength, boolean initialR2T,
                                    boolean immediateData, int maxOutstandingR2T, boolean dataPduInOrder,
                                    boolean dataSequenceInOrder, boolean headerDigest, boolean dataDigest,
                                    int defaultTime2Wait, int defaultTime2Retain, int errorRecoveryLevel,
                                    int maxConnections) {
}
