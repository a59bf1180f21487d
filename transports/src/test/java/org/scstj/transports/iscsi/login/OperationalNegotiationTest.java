package org.scstj.transports.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.util.LinkedHashMap;
import java.util.Map;

class OperationalNegotiationTest {
    private static IscsiSettings.Negotiation target(String overrides) {
        return IscsiSettings.from(ConfigFactory.parseString(overrides)).negotiation();
    }

    private static Map<String, String> offer(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void numericMinimumKeys_takeTheSmallerValue() {
        var n = new OperationalNegotiation(target("negotiation { max-burst-length = 65536, first-burst-length = 65536 }"));
        var r = n.respond(offer("MaxBurstLength", "1048576", "FirstBurstLength", "4096", "MaxOutstandingR2T", "8",
                "DefaultTime2Retain", "0", "ErrorRecoveryLevel", "2", "MaxConnections", "4"));
        assertEquals("65536", r.get("MaxBurstLength"));
        assertEquals("4096", r.get("FirstBurstLength"));
        assertEquals("1", r.get("MaxOutstandingR2T"));
        assertEquals("0", r.get("DefaultTime2Retain"));
        assertEquals("0", r.get("ErrorRecoveryLevel"));
        assertEquals("1", r.get("MaxConnections"));
        var p = n.result();
        assertEquals(65536, p.maxBurstLength());
        assertEquals(4096, p.firstBurstLength());
    }

    @Test
    void defaultTime2Wait_takesTheMaximum() {
        var n = new OperationalNegotiation(target("negotiation.default-time2wait = 2"));
        assertEquals("2", n.respond(offer("DefaultTime2Wait", "0")).get("DefaultTime2Wait"));
        assertEquals("5", n.respond(offer("DefaultTime2Wait", "5")).get("DefaultTime2Wait"));
    }

    @Test
    void booleans_useOrForInitialR2TAndAndForImmediateData() {
        var n = new OperationalNegotiation(target("negotiation { initial-r2t = false, immediate-data = false }"));
        var r = n.respond(offer("InitialR2T", "No", "ImmediateData", "Yes", "DataPDUInOrder", "No", "DataSequenceInOrder", "No"));
        assertEquals("No", r.get("InitialR2T"));
        assertEquals("No", r.get("ImmediateData"));
        assertEquals("Yes", r.get("DataPDUInOrder")); // OR with the target's Yes
        assertEquals("Yes", r.get("DataSequenceInOrder"));
        assertFalse(n.result().immediateData());
    }

    @Test
    void maxRecvDataSegmentLength_isDeclarative_notAnswered() {
        var n = new OperationalNegotiation(target(""));
        var r = n.respond(offer("MaxRecvDataSegmentLength", "65536"));
        assertNull(r.get("MaxRecvDataSegmentLength"));
        assertEquals(Map.of("MaxRecvDataSegmentLength", "262144"), n.declarations());
        assertEquals(Map.of(), n.declarations()); // once
        assertEquals(65536, n.result().initiatorMaxRecvDataSegmentLength());
        assertEquals(262144, n.result().targetMaxRecvDataSegmentLength());
    }

    @Test
    void undeclaredTarget_keepsTheDefault8192() {
        assertEquals(8192, new OperationalNegotiation(target("")).result().targetMaxRecvDataSegmentLength());
    }

    @Test
    void digests_pickTheFirstOfferedValueTheTargetAccepts() {
        var n = new OperationalNegotiation(target(""));
        var r = n.respond(offer("HeaderDigest", "CRC32C,None", "DataDigest", "None,CRC32C"));
        assertEquals("CRC32C", r.get("HeaderDigest"));
        assertEquals("None", r.get("DataDigest"));
        assertTrue(n.result().headerDigest());
        var strict = new OperationalNegotiation(target("negotiation.header-digest = [CRC32C]"));
        assertEquals("Reject", strict.respond(offer("HeaderDigest", "None")).get("HeaderDigest"));
    }

    @Test
    void outOfRangeOrMalformedValues_areRejected() {
        var n = new OperationalNegotiation(target(""));
        var r = n.respond(offer("MaxBurstLength", "100", "FirstBurstLength", "abc", "InitialR2T", "Maybe",
                "MaxRecvDataSegmentLength", "16777216", "MaxOutstandingR2T", "0x10"));
        assertEquals("Reject", r.get("MaxBurstLength"));
        assertEquals("Reject", r.get("FirstBurstLength"));
        assertEquals("Reject", r.get("InitialR2T"));
        assertEquals("Reject", r.get("MaxRecvDataSegmentLength"));
        assertEquals("1", r.get("MaxOutstandingR2T")); // hex accepted
    }

    @Test
    void unknownKeys_areNotUnderstood_includingSendTargetsPlease() {
        var r = new OperationalNegotiation(target("")).respond(offer("X-com.example.Foo", "1", "SendTargetsPlease", "All"));
        assertEquals("NotUnderstood", r.get("X-com.example.Foo"));
        assertEquals("NotUnderstood", r.get("SendTargetsPlease"));
    }

    @Test
    void discoverySessions_makeDataTransferKeysIrrelevant() {
        var n = new OperationalNegotiation(target(""));
        n.discovery(true);
        var r = n.respond(offer("MaxBurstLength", "4096", "InitialR2T", "Yes", "ImmediateData", "Yes", "HeaderDigest", "None"));
        assertEquals("Irrelevant", r.get("MaxBurstLength"));
        assertEquals("Irrelevant", r.get("InitialR2T"));
        assertEquals("Irrelevant", r.get("ImmediateData"));
        assertEquals("None", r.get("HeaderDigest"));
    }

    @Test
    void firstBurstLength_isIrrelevantWithInitialR2TYesAndImmediateDataNo() {
        var n = new OperationalNegotiation(target("negotiation.initial-r2t = true"));
        var r = n.respond(offer("FirstBurstLength", "4096", "InitialR2T", "Yes", "ImmediateData", "No"));
        assertEquals("Irrelevant", r.get("FirstBurstLength"));
    }

    @Test
    void firstBurstLength_neverExceedsMaxBurstLength() {
        var n = new OperationalNegotiation(target(""));
        n.respond(offer("MaxBurstLength", "8192", "FirstBurstLength", "65536"));
        assertEquals(8192, n.result().firstBurstLength());
    }
}
