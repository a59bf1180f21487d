package org.scstj.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
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
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.pdu.DataInPdu;
import org.scstj.transports.iscsi.pdu.ScsiResponsePdu;
import org.scstj.transports.iscsi.pdu.TargetPdu;

import java.util.concurrent.TimeUnit;

/**
 * The iSCSI send path's PDU building and encoding (RFC 7143 11.2) through the real
 * {@link PduEncoder} in a Netty pipeline, built the way the connection's status sender builds them:
 *
 * <ul>
 *   <li>{@code DATA_IN_STATUS}: the last Data-In of a 4 KiB READ with the status folded in (S bit,
 *       RFC 7143 11.7.3), its data a retained slice of the core's pooled read buffer;</li>
 *   <li>{@code RESPONSE_SENSE}: a SCSI Response with CHECK CONDITION and 18 bytes of fixed-format
 *       sense (RFC 7143 11.4.7.2: SenseLength, then the sense data, in a buffer from the channel's
 *       allocator).</li>
 * </ul>
 *
 * <p>A sink in front of the head stands for the socket: it releases what the encoder wrote.
 * {@code digests} adds the CRC32C header and data digests (RFC 7143 13.1).
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
public class PduEncodeBench {
    /** Which PDU is encoded. */
    public enum Pdu { DATA_IN_STATUS, RESPONSE_SENSE }

    static final int DATA = 4096;
    static final long LUN_1 = 0x0001_0000_0000_0000L;

    @Param({"DATA_IN_STATUS", "RESPONSE_SENSE"})
    public Pdu pdu;

    @Param({"false", "true"})
    public boolean digests;

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private ByteBufAllocator alloc;
    private ByteBuf readBuffer;
    private byte[] sense;
    private Socket socket;
    private int statSn;

    /** The socket's stand-in: takes each encoded buffer and releases it. */
    static final class Socket extends ChannelOutboundHandlerAdapter {
        Blackhole blackhole;
        long bytes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf b = (ByteBuf) msg;
            try {
                bytes += b.readableBytes();
                blackhole.consume(b);
            } finally {
                b.release();
            }
            promise.trySuccess();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        PduEncoder encoder = new PduEncoder();
        encoder.digests(digests, digests);
        socket = new Socket();
        channel = new EmbeddedChannel(socket, encoder);
        pipeline = channel.pipeline();
        alloc = channel.alloc();
        // the core's read buffer: the loopback and iSCSI drivers both hand out pooled direct buffers
        readBuffer = PooledByteBufAllocator.DEFAULT.directBuffer(DATA, DATA);
        readBuffer.writeBytes(IscsiPdus.pattern(DATA));
        sense = SenseData.build(SenseReason.LBA_OUT_OF_RANGE, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        readBuffer.release();
    }

    /** Builds and encodes one PDU; returns the bytes the socket received so far. */
    @Benchmark
    public long encode(Blackhole bh) {
        socket.blackhole = bh;
        pipeline.write(build(), channel.voidPromise());
        return socket.bytes;
    }

    private TargetPdu build() {
        int sn = ++statSn;
        if (pdu == Pdu.DATA_IN_STATUS) {
            return new DataInPdu(true, true, 0, ScsiResponse.GOOD, LUN_1, 0x10, sn, sn, sn + 128, 0, 0, 0,
                    readBuffer.retainedSlice(0, DATA));
        }
        ByteBuf senseData = alloc.buffer(2 + sense.length);
        senseData.writeShort(sense.length);
        senseData.writeBytes(sense);
        return new ScsiResponsePdu(0x10, ScsiResponse.CHECK_CONDITION, 0, sn, sn, sn + 128, 0, 0, senseData);
    }

    long bytesWritten() {
        return socket.bytes;
    }
}
