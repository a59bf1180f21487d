package org.scstj.transports.iscsi.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.InboundPdu;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of the PDU framer (RFC 7143 11.2): arbitrary bytes, cut into arbitrary
 * reads, through {@link PduDecoder} in an {@link EmbeddedChannel}, with the login limit and
 * digests off, or with a negotiated limit and digests switched on after the first PDU (as the
 * connection does after the final Login Response, RFC 7143 13.1). Invariants: the decoder never
 * throws; it emits only {@link InboundPdu} values whose data segment is exactly DataSegmentLength;
 * nothing follows a header digest failure; every input buffer is released once the channel
 * closes; and what it holds between reads never exceeds one PDU's header and limit plus one read.
 *
 * <p>Input layout ({@link FuzzedDataProvider}): the last byte chooses the mode, the four before it
 * seed the read sizes, the rest is the byte stream. Without JAZZER_FUZZ this replays the corpus
 * in {@code src/test/resources/.../fuzz/PduDecoderFuzzTestInputs/decode/}.
 */
class PduDecoderFuzzTest {
    /** Largest BHS + AHS + header digest + padding + data digest around a data segment. */
    private static final int FRAMING = Bhs.LENGTH + 255 * 4 + 4 + 3 + 4;

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider in) {
        int mode = in.consumeByte() & 0xff;
        long readSeed = in.consumeInt();
        byte[] stream = in.consumeRemainingAsBytes();

        boolean afterLogin = (mode & 1) != 0;
        boolean headerDigest = (mode & 2) != 0;
        boolean dataDigest = (mode & 4) != 0;
        int maxRead = (mode & 8) != 0 ? 1 + (mode >>> 4) : 4096;
        int limit = afterLogin ? 512 << ((mode >>> 4) & 7) : PduDecoder.LOGIN_DATA_SEGMENT_LIMIT;

        PduDecoder decoder = new PduDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> reads = new ArrayList<>();
        SplittableRandom sizes = new SplittableRandom(readSeed);
        boolean switched = !afterLogin;
        boolean headerFailed = false;
        int largestLimit = PduDecoder.LOGIN_DATA_SEGMENT_LIMIT;
        int offset = 0;
        while (offset < stream.length) {
            int n = Math.min(stream.length - offset, 1 + sizes.nextInt(maxRead));
            ByteBuf read = Unpooled.buffer(n).writeBytes(stream, offset, n);
            offset += n;
            reads.add(read);
            channel.writeInbound(read.retain()); // our reference stays, to check it is released at the end
            Object o;
            while ((o = channel.readInbound()) != null) {
                InboundPdu pdu = assertInstanceOf(InboundPdu.class, o);
                try {
                    if (headerFailed) {
                        fail("a PDU after a header digest failure: " + pdu);
                    }
                    check(pdu);
                    if (pdu instanceof BadPdu(Bhs ignored, BadPdu.Problem problem) && problem == BadPdu.Problem.HEADER_DIGEST) {
                        headerFailed = true;
                    }
                } finally {
                    pdu.release();
                }
                if (!switched) { // the connection's switch after the final Login Response
                    decoder.maxDataSegmentLength(limit);
                    decoder.digests(headerDigest, dataDigest);
                    largestLimit = Math.max(largestLimit, limit);
                    switched = true;
                }
            }
            long held = 0;
            for (ByteBuf r : reads) {
                if (r.refCnt() > 1) { // still referenced by the decoder's cumulation
                    held += r.capacity();
                }
            }
            assertTrue(held <= (long) largestLimit + FRAMING + 2L * maxRead,
                    "decoder holds " + held + " bytes, limit " + largestLimit);
        }
        channel.finishAndReleaseAll();
        for (ByteBuf r : reads) {
            assertEquals(1, r.refCnt(), "an input buffer was leaked or over-released by the decoder");
            r.release();
        }
    }

    private static void check(InboundPdu pdu) {
        if (pdu instanceof BadPdu bad) {
            assertEquals(0, bad.data().readableBytes());
            return;
        }
        assertEquals(pdu.bhs().dataSegmentLength(), pdu.data().readableBytes(), "data segment length");
        assertTrue(pdu.data().refCnt() > 0);
    }
}
