package org.scstj.bench.micro;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;
import org.scstj.engine.spi.ScsiResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark's setup, benchmark method(s) and teardown directly, outside JMH, for every
 * parameter value JMH would use, so a change that breaks a benchmark fails the build instead of a
 * later measurement. Checks that each did real work (no refused PDUs, failed commands or leaks;
 * the suite runs with Netty's paranoid leak detection). Times nothing: numbers come from JMH.
 */
class BenchmarksRunOnceTest {
    private static Blackhole blackhole;

    @BeforeAll
    static void blackhole() {
        blackhole = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    }

    @AfterAll
    static void evaporate() {
        blackhole.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    @ParameterizedTest
    @EnumSource(PduDecodeBench.Layout.class)
    void pduDecode(PduDecodeBench.Layout layout) {
        for (boolean digests : new boolean[] {false, true}) {
            PduDecodeBench b = new PduDecodeBench();
            b.layout = layout;
            b.digests = digests;
            b.setUp();
            try {
                for (int i = 0; i < 3; i++) {
                    assertEquals(b.expectedPdus(), b.decode(blackhole), layout + " digests=" + digests);
                }
                assertEquals(0, b.refused());
            } finally {
                b.tearDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PduEncodeBench.Pdu.class)
    void pduEncode(PduEncodeBench.Pdu pdu) {
        for (boolean digests : new boolean[] {false, true}) {
            PduEncodeBench b = new PduEncodeBench();
            b.pdu = pdu;
            b.digests = digests;
            b.setUp();
            try {
                long before = b.bytesWritten();
                b.encode(blackhole);
                // RFC 7143 11.2: BHS, header digest, data padded to 4, data digest
                int data = pdu == PduEncodeBench.Pdu.DATA_IN_STATUS ? PduEncodeBench.DATA : 2 + 18;
                int expected = 48 + (digests ? 4 : 0) + ((data + 3) & ~3) + (digests ? 4 : 0);
                assertEquals(expected, b.bytesWritten() - before, pdu + " digests=" + digests);
            } finally {
                b.tearDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CdbDecodeBench.Command.class)
    void cdbDecode(CdbDecodeBench.Command command) {
        CdbDecodeBench b = new CdbDecodeBench();
        b.command = command;
        b.setUp();
        assertTrue(b.parse().decoded(), command::toString);
    }

    @ParameterizedTest
    @ValueSource(ints = {48, 4096, 262144})
    void crc32c(int size) {
        Crc32cBench b = new Crc32cBench();
        b.size = size;
        b.setUp(); // checks the three agree
        try {
            assertEquals(b.jdkDirectByteBuffer(), b.directByteBuf());
            assertEquals(b.jdkDirectByteBuffer(), b.heapArray());
        } finally {
            b.tearDown();
        }
    }

    @Test
    void crc32c_matchesTheRfcExample() {
        // RFC 7143 B.4: 32 bytes of zeros have CRC32C 0x8a9136aa (sent as aa 36 91 8a)
        Crc32cBench b = new Crc32cBench();
        b.size = 32;
        b.setUp();
        try {
            assertEquals(0x8a9136aa, new org.scstj.transports.iscsi.codec.Crc32c().reset().update(new byte[32], 0, 32).value());
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @EnumSource(SenseBench.Kind.class)
    void sense(SenseBench.Kind kind) {
        for (SenseBench.Format format : SenseBench.Format.values()) {
            SenseBench b = new SenseBench();
            b.kind = kind;
            b.format = format;
            ScsiResponse r = b.build();
            assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
            assertEquals(format == SenseBench.Format.FIXED ? 0x70 : 0x72, r.sense()[0] & 0x7F);
        }
    }

    @ParameterizedTest
    @EnumSource(RoundTripBench.Device.class)
    void roundTrip(RoundTripBench.Device device) throws Exception {
        for (RoundTripBench.Op op : RoundTripBench.Op.values()) {
            for (int size : new int[] {4096, 1048576}) {
                RoundTripBench b = new RoundTripBench();
                b.device = device;
                b.op = op;
                b.size = size;
                b.setUp();
                try {
                    b.qd1();
                    for (int i = 0; i < 2 * RoundTripBench.CDBS; i++) { // past the window and the CDB ring
                        b.qd32();
                    }
                    b.endIteration(); // drains and throws if any command failed
                } finally {
                    b.tearDown(); // throws if a Data-In buffer was not released
                }
            }
        }
    }
}
