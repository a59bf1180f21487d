package org.scstj.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.pdu.BadPdu;
import org.scstj.transports.iscsi.pdu.InboundPdu;

import java.util.concurrent.TimeUnit;

/**
 * The iSCSI receive path's framing and parsing (RFC 7143 11.2, 11.3, 11.7) through the real
 * {@link PduDecoder} in a Netty pipeline: one socket read's worth of bytes in, typed PDUs out to
 * a sink that releases their data segments the way the connection handler does.
 *
 * <p>{@code layout}: {@code IMMEDIATE} is a SCSI Command carrying 4 KiB of immediate data (one
 * PDU); {@code DATA_OUT} is a SCSI Command followed by a Data-Out PDU with the 4 KiB (two PDUs,
 * the R2T path). {@code digests} turns CRC32C header and data digests on (RFC 7143 13.1).
 *
 * <p>The input is a retained duplicate of a pooled direct buffer made once, so the harness adds
 * no allocation or copy; the decoder's data segments are retained slices of it, as from a socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-XX:+UseParallelGC", "-Xms256m", "-Xmx1g",
        // run on Netty threads, as on the event loop (NettyThreads); a -jvmArgsAppend on the command line replaces these
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.scstj.bench.micro.NettyThreads"})
public class PduDecodeBench {
    /** Which PDUs carry the write. */
    public enum Layout { IMMEDIATE, DATA_OUT }

    static final int DATA = 4096;

    @Param({"IMMEDIATE", "DATA_OUT"})
    public Layout layout;

    @Param({"false", "true"})
    public boolean digests;

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private ByteBuf wire;
    private Sink sink;
    private int expectedPdus;

    /** The connection handler's stand-in: consumes each PDU and releases its data segment. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        Blackhole blackhole;
        long pdus;
        long bad;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            InboundPdu pdu = (InboundPdu) msg;
            try {
                if (pdu instanceof BadPdu) {
                    bad++;
                }
                pdus++;
                blackhole.consume(pdu);
            } finally {
                pdu.release();
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        PduDecoder decoder = new PduDecoder();
        decoder.maxDataSegmentLength(262144); // the target's MaxRecvDataSegmentLength (reference.conf)
        decoder.digests(digests, digests);
        sink = new Sink();
        channel = new EmbeddedChannel(decoder, sink);
        pipeline = channel.pipeline();
        byte[] data = IscsiPdus.pattern(DATA);
        if (layout == Layout.IMMEDIATE) {
            wire = IscsiPdus.wire(PooledByteBufAllocator.DEFAULT, digests,
                    new byte[][] {IscsiPdus.scsiCommandBhs(0x10, DATA, DATA)}, new byte[][] {data});
            expectedPdus = 1;
        } else {
            wire = IscsiPdus.wire(PooledByteBufAllocator.DEFAULT, digests,
                    new byte[][] {IscsiPdus.scsiCommandBhs(0x10, DATA, 0), IscsiPdus.dataOutBhs(0x10, 0x1, DATA)},
                    new byte[][] {new byte[0], data});
            expectedPdus = 2;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        wire.release();
        if (sink.bad != 0) {
            throw new IllegalStateException(sink.bad + " PDUs were refused by the decoder");
        }
    }

    /** Decodes the PDUs of one write; returns how many came out (always the layout's count). */
    @Benchmark
    public long decode(Blackhole bh) {
        sink.blackhole = bh;
        long before = sink.pdus;
        pipeline.fireChannelRead(wire.retainedDuplicate());
        pipeline.fireChannelReadComplete();
        return sink.pdus - before;
    }

    int expectedPdus() {
        return expectedPdus;
    }

    long refused() {
        return sink.bad;
    }
}
