package org.scstj.transports.iscsi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.DataOut;
import org.scstj.transports.iscsi.pdu.InboundPdu;
import org.scstj.transports.iscsi.pdu.NopOut;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.OtherPdu;
import org.scstj.transports.iscsi.pdu.ScsiCommand;
import org.scstj.transports.iscsi.testing.PduBuilder;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduDecoderTest {

    private static byte[] extendedCdbAhs() {
        // AHSLength 5 (reserved byte + 4 CDB bytes, CDB of 20), type 1, padded to 8
        return new byte[]{0, 5, 1, 0, (byte) 0xa1, (byte) 0xa2, (byte) 0xa3, (byte) 0xa4};
    }

    private static ByteBuf stream(boolean digests) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf[] parts = {
                PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(1).data(new byte[]{1, 2, 3, 4, 5}).build(digests, digests),
                PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xa0).itt(2).cmdSn(7).i32(20, 6).cdb(0x2a)
                        .ahs(extendedCdbAhs()).data(new byte[]{9, 8, 7, 6, 5, 4}).build(digests, digests),
                PduBuilder.pdu(Opcode.DATA_OUT).flags(0x80).itt(2).i32(20, 0xffffffff).i32(40, 6).build(digests, digests),
        };
        for (ByteBuf p : parts) {
            all.writeBytes(p);
            p.release();
        }
        return all;
    }

    private static List<InboundPdu> decodeSplit(ByteBuf whole, int at, boolean digests) {
        PduDecoder decoder = new PduDecoder();
        decoder.digests(digests, digests);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf first = whole.retainedSlice(0, at);
        ByteBuf second = whole.retainedSlice(at, whole.readableBytes() - at);
        ch.writeInbound(first);
        ch.writeInbound(second);
        List<InboundPdu> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add((InboundPdu) o);
        }
        assertFalse(ch.finish());
        return out;
    }

    private static void checkThree(List<InboundPdu> pdus) {
        assertEquals(3, pdus.size());
        NopOut nop = assertInstanceOf(NopOut.class, pdus.get(0));
        assertTrue(nop.immediate());
        assertArrayEquals(new byte[]{1, 2, 3, 4, 5}, ByteBufUtil.getBytes(nop.data()));
        ScsiCommand cmd = assertInstanceOf(ScsiCommand.class, pdus.get(1));
        assertEquals(2, cmd.itt());
        assertEquals(7, cmd.cmdSn());
        assertEquals(6, cmd.expectedDataTransferLength());
        assertTrue(cmd.write());
        assertEquals(20, cmd.cdb().length);
        assertEquals((byte) 0xa4, cmd.cdb()[19]);
        assertArrayEquals(new byte[]{9, 8, 7, 6, 5, 4}, ByteBufUtil.getBytes(cmd.data()));
        DataOut d = assertInstanceOf(DataOut.class, pdus.get(2));
        assertEquals(6, d.bufferOffset());
        assertEquals(0, d.data().readableBytes());
    }

    @Test
    void validPdus_splitAtEveryByte_decodeIdentically() {
        for (boolean digests : new boolean[]{false, true}) {
            ByteBuf whole = stream(digests);
            for (int at = 0; at <= whole.readableBytes(); at++) {
                List<InboundPdu> pdus = decodeSplit(whole, at, digests);
                checkThree(pdus);
                pdus.forEach(InboundPdu::release);
            }
            assertTrue(whole.release());
        }
    }

    @Test
    void decodedDataSegments_areSlicesReleasedWithTheirPdu() {
        ByteBuf whole = stream(false);
        PduDecoder decoder = new PduDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(whole.retain());
        List<InboundPdu> pdus = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            pdus.add((InboundPdu) o);
        }
        ch.finish();
        assertTrue(whole.refCnt() > 1); // still referenced by the data slices
        pdus.forEach(InboundPdu::release);
        assertTrue(whole.release());
        assertEquals(0, whole.refCnt());
    }

    @Test
    void totalAhsLengthRunningPastTheAhs_isBadAhs_andTheNextPduStillDecodes() {
        ByteBuf in = Unpooled.buffer();
        // AHSLength 40 inside a TotalAHSLength of 8 bytes
        in.writeBytes(PduBuilder.pdu(Opcode.SCSI_COMMAND).itt(3).ahs(new byte[]{0, 40, 1, 0, 0, 0, 0, 0}).data(new byte[4]).build());
        in.writeBytes(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(4).build());
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder());
        ch.writeInbound(in);
        BadPdu bad = assertInstanceOf(BadPdu.class, ch.readInbound());
        assertEquals(BadPdu.Problem.BAD_AHS, bad.problem());
        assertEquals(3, bad.bhs().itt());
        NopOut nop = assertInstanceOf(NopOut.class, ch.readInbound());
        assertEquals(4, nop.itt());
        nop.release();
        assertFalse(ch.finish());
    }

    @Test
    void unknownAhsType_orAhsOnANonCommand_isBadAhs() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder());
        ch.writeInbound(PduBuilder.pdu(Opcode.SCSI_COMMAND).ahs(new byte[]{0, 1, 9, 0}).build());
        ch.writeInbound(PduBuilder.immediate(Opcode.NOP_OUT).ahs(new byte[]{0, 5, 2, 0, 0, 0, 0, 0}).build());
        assertEquals(BadPdu.Problem.BAD_AHS, ((BadPdu) ch.readInbound()).problem());
        assertEquals(BadPdu.Problem.BAD_AHS, ((BadPdu) ch.readInbound()).problem());
        assertFalse(ch.finish());
    }

    @Test
    void dataSegmentOver8KiBBeforeLogin_isReportedAndSkippedWithoutBuffering() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder());
        ch.writeInbound(PduBuilder.pdu(Opcode.LOGIN_REQUEST).dataSegmentLength(1 << 20).build());
        BadPdu bad = assertInstanceOf(BadPdu.class, ch.readInbound());
        assertEquals(BadPdu.Problem.DATA_SEGMENT_TOO_LONG, bad.problem());
        // the announced megabyte trickles in and is skipped; the PDU after it decodes
        for (int i = 0; i < 256; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[4096]));
            assertTrue(ch.inboundMessages().isEmpty());
        }
        ch.writeInbound(PduBuilder.immediate(Opcode.NOP_OUT).itt(9).build());
        NopOut nop = assertInstanceOf(NopOut.class, ch.readInbound());
        assertEquals(9, nop.itt());
        assertFalse(ch.finish());
    }

    @Test
    void raisedLimit_acceptsLargerSegments() {
        PduDecoder decoder = new PduDecoder();
        decoder.maxDataSegmentLength(65536);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(PduBuilder.pdu(Opcode.DATA_OUT).data(new byte[20000]).build());
        DataOut d = assertInstanceOf(DataOut.class, ch.readInbound());
        assertEquals(20000, d.data().readableBytes());
        d.release();
        assertFalse(ch.finish());
    }

    @Test
    void badHeaderDigest_failsAndDiscardsEverythingAfter() {
        PduDecoder decoder = new PduDecoder();
        decoder.digests(true, false);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf pdu = PduBuilder.immediate(Opcode.NOP_OUT).itt(1).build(true, false);
        pdu.setByte(48, pdu.getByte(48) ^ 1);
        ch.writeInbound(pdu);
        ch.writeInbound(PduBuilder.immediate(Opcode.NOP_OUT).itt(2).build(true, false));
        assertEquals(BadPdu.Problem.HEADER_DIGEST, ((BadPdu) ch.readInbound()).problem());
        assertTrue(ch.inboundMessages().isEmpty());
        assertFalse(ch.finish());
    }

    @Test
    void badDataDigest_isReportedWithTheHeader_andReleasesTheData() {
        PduDecoder decoder = new PduDecoder();
        decoder.digests(false, true);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf pdu = PduBuilder.pdu(Opcode.SCSI_COMMAND).itt(5).data(new byte[]{1, 2, 3}).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 0x55);
        ch.writeInbound(pdu);
        ch.writeInbound(PduBuilder.immediate(Opcode.NOP_OUT).itt(6).build(false, true));
        BadPdu bad = assertInstanceOf(BadPdu.class, ch.readInbound());
        assertEquals(BadPdu.Problem.DATA_DIGEST, bad.problem());
        assertEquals(5, bad.bhs().itt());
        assertEquals(6, ((NopOut) ch.readInbound()).itt());
        assertFalse(ch.finish());
        assertEquals(0, pdu.refCnt());
    }

    @Test
    void unknownOpcode_isAnOtherPdu() {
        EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder());
        ch.writeInbound(PduBuilder.pdu(0x1e).itt(8).data(new byte[]{1}).build());
        OtherPdu o = assertInstanceOf(OtherPdu.class, ch.readInbound());
        assertEquals(0x1e, o.bhs().opcode());
        o.release();
        assertFalse(ch.finish());
    }
}
