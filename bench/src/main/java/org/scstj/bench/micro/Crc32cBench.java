package org.scstj.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.scstj.transports.iscsi.codec.Crc32c;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * iSCSI digests (RFC 7143 13.1, CRC32C) with the project's {@link Crc32c} helper, over a 48-byte
 * header, a 4 KiB and a 256 KiB data segment (the target's MaxRecvDataSegmentLength):
 *
 * <ul>
 *   <li>{@link #directByteBuf}: a pooled direct Netty buffer, as the decoder digests data
 *       segments and the encoder digests headers and data;</li>
 *   <li>{@link #heapArray}: a {@code byte[]}, as the decoder digests the received BHS;</li>
 *   <li>{@link #jdkDirectByteBuffer}: the JDK's {@link CRC32C} on one cached direct
 *       {@link ByteBuffer}, the floor the helper's cost can be compared with.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-XX:+UseParallelGC", "-Xms256m", "-Xmx1g"})
public class Crc32cBench {
    /** Bytes digested. */
    @Param({"48", "4096", "262144"})
    public int size;

    private final Crc32c crc = new Crc32c();
    private final CRC32C jdk = new CRC32C();
    private ByteBuf direct;
    private ByteBuffer nio;
    private byte[] heap;

    @Setup(Level.Trial)
    public void setUp() {
        heap = IscsiPdus.pattern(size);
        direct = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
        direct.writeBytes(heap);
        nio = ByteBuffer.allocateDirect(size).put(heap).flip();
        int a = directByteBuf();
        int b = heapArray();
        int c = jdkDirectByteBuffer();
        if (a != b || b != c) {
            throw new IllegalStateException("CRC32C disagrees: " + a + " " + b + " " + c);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        direct.release();
    }

    @Benchmark
    public int directByteBuf() {
        return crc.reset().update(direct, 0, size).value();
    }

    @Benchmark
    public int heapArray() {
        return crc.reset().update(heap, 0, size).value();
    }

    @Benchmark
    public int jdkDirectByteBuffer() {
        jdk.reset();
        nio.clear();
        jdk.update(nio);
        return (int) jdk.getValue();
    }
}
