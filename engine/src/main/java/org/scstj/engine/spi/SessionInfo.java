package org.scstj.engine.spi;

/** Placeholder until the transport branch lands (replaced by its version at the merge). */
public record SessionInfo(String id, String initiatorName, String initiatorPort, String isid, int tsih, String target,
                          int portalGroupTag, String state, java.time.Instant loggedInAt,
                          java.util.Map<String, String> parameters, java.util.List<ConnectionInfo> connections,
                          long commands, long bytesRead, long bytesWritten, java.util.Map<Long, Integer> tasksInFlight) {
    public record ConnectionInfo(int cid, String localAddress, String peerAddress, String state,
                                 java.util.Map<String, String> parameters) {
    }
}
