package org.scstj.transports.iscsi.conn;

import org.scstj.transports.iscsi.login.LoginIdentity;
import org.scstj.transports.iscsi.login.OperationalParameters;

/**
 * What a successful login hands to the full feature phase (RFC 7143 6.3 → 3.2), from the {@link
 * LoginHandler} to the {@link IscsiConnection} ({@link IscsiConnection#enterFullFeature}) and the
 * {@link FullFeatureHandler} that replaces the login handler in the pipeline.
 *
 * <p>Moves across: the session the connection now belongs to (opened by a leading login,
 * reinstating its predecessor, or joined with the login's TSIH), and with it the session's CmdSN
 * window (3.2.2.1, which a leading login started) and ITT table; the nexus's identity; the
 * connection's operational parameters (the session's leading-only values with the connection's
 * own digests and MaxRecvDataSegmentLengths, 13). The connection itself carries on unchanged:
 * its StatSN (the final Login Response took the last login one), CID, ISID, target transfer tags,
 * and the channel; the digests and the receive limit the parameters name apply from the first PDU
 * after the final Login Response (13.1, 13.12).
 *
 * <p>Stays behind, ended with the login handler: the {@link
 * org.scstj.transports.iscsi.login.LoginStateMachine} and its CHAP state, the login deadline,
 * the CHAP back-off's held answer, the login's ITT, and a joining login's own command window.
 *
 * @param session    the session, not yet holding this connection (the hand-over adds it under the CID)
 * @param identity   initiator, target and session type; a joined session's own
 * @param parameters what this connection works with in the full feature phase
 */
record LoginHandOver(IscsiSession session, LoginIdentity identity, OperationalParameters parameters) {
}
