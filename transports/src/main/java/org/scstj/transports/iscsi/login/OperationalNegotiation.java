package org.scstj.transports.iscsi.login;

import org.scstj.transports.iscsi.config.IscsiSettings;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The target's side of operational parameter negotiation (RFC 7143 6.2, 13): each key the
 * initiator offers gets the result of its result function against the target's settings, or
 * {@code NotUnderstood}, {@code Irrelevant} or {@code Reject}. Keys not offered keep the RFC
 * defaults. Identity keys (names, SessionType, AuthMethod) are handled by the login itself.
 */
public final class OperationalNegotiation {
    private static final String NOT_UNDERSTOOD = "NotUnderstood";
    private static final String IRRELEVANT = "Irrelevant";
    private static final String REJECT = "Reject";
    private static final int MAX_LENGTH = 0xFF_FFFF;

    private final IscsiSettings.Negotiation target;
    private boolean discovery;

    // RFC 7143 13.x defaults
    private int initiatorMrdsl = 8192;
    private int maxBurst = 262144;
    private int firstBurst = 65536;
    private boolean initialR2T = true;
    private boolean immediateData = true;
    private int maxOutstandingR2T = 1;
    private boolean dataPduInOrder = true;
    private boolean dataSequenceInOrder = true;
    private boolean headerDigest;
    private boolean dataDigest;
    private int time2Wait = 2;
    private int time2Retain = 20;
    private int errorRecoveryLevel;
    private int maxConnections = 1;
    private boolean targetMrdslDeclared;

    public OperationalNegotiation(IscsiSettings.Negotiation target) {
        this.target = target;
    }

    /** Discovery sessions make the data-transfer keys Irrelevant (13.2, 13.10, 13.11, 13.13, ...). */
    public void discovery(boolean discovery) {
        this.discovery = discovery;
    }

    /** Answers every offered key in order; the response map holds only keys that need an answer. */
    public Map<String, String> respond(Map<String, String> offered) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : offered.entrySet()) {
            String answer = respond(e.getKey(), e.getValue());
            if (answer != null) {
                answers.put(e.getKey(), answer);
            }
        }
        // 13.14: FirstBurstLength is Irrelevant when InitialR2T=Yes and ImmediateData=No
        if (answers.containsKey("FirstBurstLength") && initialR2T && !immediateData) {
            answers.put("FirstBurstLength", IRRELEVANT);
        }
        return answers;
    }

    /** This target's own declaration (13.12), to be sent once in the operational stage. */
    public Map<String, String> declarations() {
        if (targetMrdslDeclared) {
            return Map.of();
        }
        targetMrdslDeclared = true;
        return Map.of("MaxRecvDataSegmentLength", Integer.toString(target.maxRecvDataSegmentLength()));
    }

    private String respond(String key, String value) {
        return switch (key) {
            // identity and security keys: answered by the login stage machine, never here
            case "InitiatorName", "InitiatorAlias", "TargetName", "SessionType", "AuthMethod" -> null;
            case "HeaderDigest" -> digest(value, true);
            case "DataDigest" -> digest(value, false);
            case "MaxRecvDataSegmentLength" -> { // 13.12: declarative, no answer
                long v = number(value, 512, MAX_LENGTH);
                if (v < 0) {
                    yield REJECT;
                }
                initiatorMrdsl = (int) v;
                yield null;
            }
            case "MaxConnections" -> discovery ? IRRELEVANT : minimum(value, 1, 65535, target.maxConnections(), v -> maxConnections = v);
            case "MaxBurstLength" -> discovery ? IRRELEVANT : minimum(value, 512, MAX_LENGTH, target.maxBurstLength(), v -> maxBurst = v);
            case "FirstBurstLength" -> discovery ? IRRELEVANT : minimum(value, 512, MAX_LENGTH, target.firstBurstLength(), v -> firstBurst = v);
            case "MaxOutstandingR2T" -> discovery ? IRRELEVANT : minimum(value, 1, 65535, target.maxOutstandingR2T(), v -> maxOutstandingR2T = v);
            case "DefaultTime2Retain" -> minimum(value, 0, 3600, target.defaultTime2Retain(), v -> time2Retain = v);
            case "ErrorRecoveryLevel" -> minimum(value, 0, 2, target.errorRecoveryLevel(), v -> errorRecoveryLevel = v);
            case "DefaultTime2Wait" -> { // 13.15: Maximum
                long v = number(value, 0, 3600);
                if (v < 0) {
                    yield REJECT;
                }
                time2Wait = (int) Math.max(v, target.defaultTime2Wait());
                yield Integer.toString(time2Wait);
            }
            case "InitialR2T" -> discovery ? IRRELEVANT : bool(value, true, target.initialR2T(), v -> initialR2T = v);
            case "ImmediateData" -> discovery ? IRRELEVANT : bool(value, false, target.immediateData(), v -> immediateData = v);
            case "DataPDUInOrder" -> discovery ? IRRELEVANT : bool(value, true, true, v -> dataPduInOrder = v);
            case "DataSequenceInOrder" -> discovery ? IRRELEVANT : bool(value, true, true, v -> dataSequenceInOrder = v);
            // RFC 3720 markers, obsoleted by RFC 7143: never used here
            case "IFMarker", "OFMarker" -> bool(value, false, false, v -> { });
            case "IFMarkInt", "OFMarkInt" -> IRRELEVANT;
            case "TaskReporting" -> Arrays.asList(value.split(",")).contains("RFC3720") ? "RFC3720" : REJECT; // 13.23
            case "iSCSIProtocolLevel" -> { // 13.24: Minimum; RFC 7143 is level 1
                long v = number(value, 0, 31);
                yield v < 0 ? REJECT : Long.toString(Math.min(v, 1));
            }
            // declared by targets only; an initiator may not offer them
            case "TargetAlias", "TargetAddress", "TargetPortalGroupTag" -> REJECT;
            case "SendTargets" -> IRRELEVANT;
            default -> NOT_UNDERSTOOD;
        };
    }

    private String digest(String value, boolean header) {
        // 6.2.1 list negotiation: the first value of the offer that this target accepts
        var accepted = header ? target.headerDigest() : target.dataDigest();
        for (String v : value.split(",")) {
            if (accepted.contains(v)) {
                if (header) {
                    headerDigest = v.equals("CRC32C");
                } else {
                    dataDigest = v.equals("CRC32C");
                }
                return v;
            }
        }
        return REJECT;
    }

    private interface IntSink {
        void accept(int v);
    }

    private interface BoolSink {
        void accept(boolean v);
    }

    private static String minimum(String value, long min, long max, int targetValue, IntSink sink) {
        long v = number(value, min, max);
        if (v < 0) {
            return REJECT;
        }
        int result = (int) Math.min(v, targetValue);
        sink.accept(result);
        return Integer.toString(result);
    }

    /** Boolean negotiation (6.2.2): OR when {@code or}, AND otherwise. */
    private static String bool(String value, boolean or, boolean targetValue, BoolSink sink) {
        boolean v;
        if (value.equals("Yes")) {
            v = true;
        } else if (value.equals("No")) {
            v = false;
        } else {
            return REJECT;
        }
        boolean result = or ? v || targetValue : v && targetValue;
        sink.accept(result);
        return result ? "Yes" : "No";
    }

    /** A decimal or 0x-hex number (RFC 7143 6.1 numerical values) within bounds, or -1. */
    static long number(String value, long min, long max) {
        try {
            long v;
            if (value.startsWith("0x") || value.startsWith("0X")) {
                if (value.length() < 3 || value.length() > 18) {
                    return -1;
                }
                v = Long.parseUnsignedLong(value.substring(2), 16);
            } else {
                if (value.isEmpty() || value.length() > 19 || !value.chars().allMatch(Character::isDigit)) {
                    return -1;
                }
                v = Long.parseLong(value);
            }
            return v < min || v > max ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The parameters in force once the login completes. */
    public OperationalParameters result() {
        int mb = maxBurst;
        int fb = Math.min(firstBurst, mb); // 13.14: FirstBurstLength never exceeds MaxBurstLength
        return new OperationalParameters(initiatorMrdsl,
                targetMrdslDeclared ? target.maxRecvDataSegmentLength() : 8192, mb, fb, initialR2T, immediateData,
                maxOutstandingR2T, dataPduInOrder, dataSequenceInOrder, headerDigest, dataDigest, time2Wait,
                time2Retain, errorRecoveryLevel, maxConnections);
    }
}
