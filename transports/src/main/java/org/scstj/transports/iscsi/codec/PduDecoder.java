package org.scstj.transports.iscsi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.pdu.PduParser;

import java.util.List;

/**
 * Frames PDUs (RFC 7143 11.2): BHS → AHS → header digest → data segment (padded to 4) → data
 * digest, as an explicit state machine. Emits {@link org.scstj.transports.iscsi.pdu.InboundPdu}
 * values; malformed input becomes a {@link BadPdu}, never an exception.
 *
 * <p>Buffer ownership: a data segment is a retained slice of the cumulation buffer, owned by the
 * emitted PDU (the next handler releases it). A data segment longer than the current limit is
 * skipped as it arrives and never buffered. After a header digest error every byte is discarded
 * (the connection handler closes the channel).
 *
 * <p>The limit and digests are changed by the connection handler, on the event loop, while it
 * handles a PDU; the change applies from the next PDU (digests start after the final Login
 * Response, RFC 7143 13.1).
 */
public final class PduDecoder extends ByteToMessageDecoder {
    /** Data segment limit before the operational parameters are in force (RFC 7143 13.12 default). */
    public static final int LOGIN_DATA_SEGMENT_LIMIT = 8192;

    private enum State { BHS, AHS, HEADER_DIGEST, DATA, DATA_DIGEST, SKIP, FAILED }

    private final Crc32c crc = new Crc32c();
    private State state = State.BHS;
    private int maxDataSegmentLength = LOGIN_DATA_SEGMENT_LIMIT;
    private boolean headerDigest;
    private boolean dataDigest;

    private Bhs bhs;
    private byte[] ahs;
    private int dataLength;
    private int dataDigestExpected;
    private ByteBuf data;
    private long skip;

    /**
     * Cumulates socket reads as a composite instead of copying each into one growing buffer: a
     * data segment spanning several reads (256 KiB Data-Out over 64 KiB reads) becomes a slice
     * over those reads, never a copy, and the write path hands those pieces to the device.
     */
    public PduDecoder() {
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /** Largest DataSegmentLength accepted from now on. */
    public void maxDataSegmentLength(int limit) {
        this.maxDataSegmentLength = limit;
    }

    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case BHS -> {
                    if (in.readableBytes() < Bhs.LENGTH) {
                        return;
                    }
                    byte[] raw = new byte[Bhs.LENGTH];
                    in.readBytes(raw);
                    bhs = new Bhs(raw);
                    dataLength = bhs.dataSegmentLength();
                    ahs = null;
                    state = State.AHS;
                }
                case AHS -> {
                    int ahsLength = bhs.totalAhsLength();
                    if (ahsLength > 0) {
                        if (in.readableBytes() < ahsLength) {
                            return;
                        }
                        ahs = new byte[ahsLength]; // at most 1020 bytes: header, not payload
                        in.readBytes(ahs);
                    }
                    state = State.HEADER_DIGEST;
                }
                case HEADER_DIGEST -> {
                    if (headerDigest) {
                        if (in.readableBytes() < 4) {
                            return;
                        }
                        int received = in.readIntLE();
                        crc.reset().update(bhs.bytes(), 0, Bhs.LENGTH);
                        if (ahs != null) {
                            crc.update(ahs, 0, ahs.length);
                        }
                        if (received != crc.value()) {
                            state = State.FAILED;
                            out.add(new BadPdu(bhs, BadPdu.Problem.HEADER_DIGEST));
                            return;
                        }
                    }
                    long trailing = paddedData() + (dataDigest && dataLength > 0 ? 4 : 0);
                    if (dataLength > maxDataSegmentLength) {
                        skipThen(out, trailing, BadPdu.Problem.DATA_SEGMENT_TOO_LONG);
                        return;
                    }
                    if (ahs != null && !AhsValidator.valid(bhs.opcode(), ahs)) {
                        skipThen(out, trailing, BadPdu.Problem.BAD_AHS);
                        return;
                    }
                    state = State.DATA;
                }
                case DATA -> {
                    int padded = paddedData();
                    if (in.readableBytes() < padded) {
                        return;
                    }
                    if (dataDigest && dataLength > 0) {
                        dataDigestExpected = crc.reset().update(in, in.readerIndex(), padded).value();
                    }
                    data = dataLength == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(dataLength);
                    in.skipBytes(padded - dataLength);
                    if (dataDigest && dataLength > 0) {
                        state = State.DATA_DIGEST;
                    } else {
                        emit(out);
                        return;
                    }
                }
                case DATA_DIGEST -> {
                    if (in.readableBytes() < 4) {
                        return;
                    }
                    if (in.readIntLE() != dataDigestExpected) {
                        data.release();
                        data = null;
                        state = State.BHS;
                        out.add(new BadPdu(bhs, BadPdu.Problem.DATA_DIGEST));
                    } else {
                        emit(out);
                    }
                    return;
                }
                case SKIP -> {
                    int n = (int) Math.min(in.readableBytes(), skip);
                    in.skipBytes(n);
                    skip -= n;
                    if (skip > 0) {
                        return;
                    }
                    state = State.BHS;
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private int paddedData() {
        return (dataLength + 3) & ~3;
    }

    private void emit(List<Object> out) {
        ByteBuf d = data;
        data = null;
        state = State.BHS;
        out.add(PduParser.parse(bhs, bhs.opcode() == Opcode.SCSI_COMMAND ? AhsValidator.extendedCdb(ahs) : null, d));
    }

    private void skipThen(List<Object> out, long bytes, BadPdu.Problem problem) {
        skip = bytes;
        state = bytes > 0 ? State.SKIP : State.BHS;
        out.add(new BadPdu(bhs, problem));
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (data != null) {
            data.release();
            data = null;
        }
    }
}
