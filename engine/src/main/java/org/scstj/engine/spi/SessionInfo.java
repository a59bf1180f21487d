package org.scstj.engine.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the management plane may see of one session of a {@link TargetDriver}; values in the
 * transport's own terms. A snapshot: nothing in it changes after it was made.
 *
 * @param id             stable while the session lives, URL-safe, unique in the driver (iSCSI:
 *                       {@code "<tsih>-<isid hex>"})
 * @param initiatorName  the initiator's name (iSCSI: InitiatorName, RFC 7143 13.5.2)
 * @param initiatorPort  the initiator port name (iSCSI: {@code <name>,i,0x<isid>}, RFC 7143 4.4.3)
 * @param isid           the ISID as 12 hex digits (RFC 7143 11.12.5)
 * @param tsih           the target-assigned session handle (RFC 7143 11.12.6)
 * @param target         the target's name
 * @param portalGroupTag the portal group the session's connections use (RFC 7143 13.9)
 * @param state          e.g. LOGGED_IN, FAILED_WAITING (ERL 2: no connection, tasks retained), CLOSING
 * @param loggedInAt     when the leading login completed
 * @param parameters     the negotiated session-wide keys (RFC 7143 13), by their RFC names
 * @param connections    the session's connections by CID
 * @param commands       SCSI commands received
 * @param bytesRead      Data-In payload bytes sent to the initiator
 * @param bytesWritten   Data-Out and immediate data payload bytes received
 * @param tasksInFlight  by LUN, the commands the session holds not yet answered
 */
public record SessionInfo(String id, String initiatorName, String initiatorPort, String isid, int tsih,
                          String target, int portalGroupTag, String state, Instant loggedInAt,
                          Map<String, String> parameters, List<ConnectionInfo> connections, long commands,
                          long bytesRead, long bytesWritten, Map<Long, Integer> tasksInFlight) {

    public SessionInfo {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters)); // in the driver's order
        connections = List.copyOf(connections);
        tasksInFlight = Collections.unmodifiableMap(new TreeMap<>(tasksInFlight));
    }

    /**
     * One connection of a session.
     *
     * @param localAddress the address the initiator reached, {@code host:port} (IPv6 in brackets)
     * @param peerAddress  the initiator's address, {@code host:port} (IPv6 in brackets)
     * @param state        the connection's phase, e.g. FULL_FEATURE, LOGGING_OUT
     * @param parameters   the per-connection keys (iSCSI: both MaxRecvDataSegmentLengths, the digests)
     */
    public record ConnectionInfo(int cid, String localAddress, String peerAddress, String state,
                                 Map<String, String> parameters) {
        public ConnectionInfo {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }
}
