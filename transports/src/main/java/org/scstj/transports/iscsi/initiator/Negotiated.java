package org.scstj.transports.iscsi.initiator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values in force after a login (RFC 7143 13): the RFC defaults, overlaid with what the target
 * answered. {@link #maxRecvDataSegmentLength} is the target's declared value (the limit for what
 * this side sends); {@link #ownMaxRecvDataSegmentLength} is the one this side declared.
 */
public record Negotiated(Map<String, String> values, int tsih, int ownMaxRecvDataSegmentLength) {
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("HeaderDigest", "None"), Map.entry("DataDigest", "None"),
            Map.entry("MaxConnections", "1"), Map.entry("InitialR2T", "Yes"), Map.entry("ImmediateData", "Yes"),
            Map.entry("MaxRecvDataSegmentLength", "8192"), Map.entry("MaxBurstLength", "262144"),
            Map.entry("FirstBurstLength", "65536"), Map.entry("DefaultTime2Wait", "2"),
            Map.entry("DefaultTime2Retain", "20"), Map.entry("MaxOutstandingR2T", "1"),
            Map.entry("DataPDUInOrder", "Yes"), Map.entry("DataSequenceInOrder", "Yes"),
            Map.entry("ErrorRecoveryLevel", "0"));

    static Negotiated from(Map<String, String> answered, int tsih, int own) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        v.putAll(answered);
        return new Negotiated(Map.copyOf(v), tsih, own);
    }

    public String get(String key) {
        return values.get(key);
    }

    private int number(String key) {
        return Integer.parseInt(values.get(key));
    }

    public boolean headerDigest() {
        return "CRC32C".equals(values.get("HeaderDigest"));
    }

    public boolean dataDigest() {
        return "CRC32C".equals(values.get("DataDigest"));
    }

    public int maxRecvDataSegmentLength() {
        return number("MaxRecvDataSegmentLength");
    }

    public int maxBurstLength() {
        return number("MaxBurstLength");
    }

    public int firstBurstLength() {
        return number("FirstBurstLength");
    }

    public boolean initialR2T() {
        return "Yes".equals(values.get("InitialR2T"));
    }

    public boolean immediateData() {
        return "Yes".equals(values.get("ImmediateData"));
    }

    public int errorRecoveryLevel() {
        return number("ErrorRecoveryLevel");
    }

    public int maxConnections() {
        return number("MaxConnections");
    }
}
