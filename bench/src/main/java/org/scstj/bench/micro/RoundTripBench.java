package org.scstj.bench.micro;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import io.netty.buffer.ByteBufAllocator;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;
import org.scstj.transports.loopback.LoopbackTargetDriver;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A whole command through the engine over the loopback driver: the session actor's parse stage,
 * the LUN actor's checks, the device handler, the xmit stage and back to the initiator's callback
 * (SAM-5 5.1 execute command procedure call, end to end minus the wire). READ(10) or WRITE(10)
 * (SBC-4 5.15, 5.39) of 4 KiB or 1 MiB on a {@code vdisk_nullio} or a {@code vdisk_fileio} LUN on
 * tmpfs, 512-byte blocks.
 *
 * <p>{@link #qd1}: one command at a time, so the average time is the round-trip latency and the
 * throughput is IOPS at queue depth 1. {@link #qd32}: the initiator keeps 32 commands in flight
 * (one op = one more command submitted once the window has room), so throughput is IOPS at queue
 * depth 32 and the average time is the inverse. MB/s = ops/s × size.
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation of every thread (engine,
 * handler and initiator) per command. The initiator's own share is one task and one result object
 * per command: the CDBs and the Data-Out buffer are made once in setup and never modified.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-XX:+UseParallelGC", "-Xms256m", "-Xmx1g", "-XX:MaxDirectMemorySize=1g"})
@Threads(1)
public class RoundTripBench {
    /** The LUN's device handler. */
    public enum Device {
        NULLIO(LoopbackTarget.Lun.NULLIO), FILEIO(LoopbackTarget.Lun.FILEIO);

        final LoopbackTarget.Lun lun;

        Device(LoopbackTarget.Lun lun) {
            this.lun = lun;
        }
    }

    /** The command. */
    public enum Op { READ, WRITE }

    /** Where the loopback driver's Data-In buffers come from. */
    public enum Allocator {
        /** The driver's default: {@link LoopbackTargetDriver#POOLED_DIRECT}. */
        POOLED(LoopbackTargetDriver.POOLED_DIRECT),
        /** Netty 4.2's default allocator, which the iSCSI driver's channels use. */
        ADAPTIVE(ByteBufAllocator.DEFAULT);

        final ByteBufAllocator allocator;

        Allocator(ByteBufAllocator allocator) {
            this.allocator = allocator;
        }
    }

    /** Distinct CDBs cycled through (a power of two); each addresses its own LBA range. */
    static final int CDBS = 64;

    @Param({"NULLIO", "FILEIO"})
    public Device device;

    @Param({"READ", "WRITE"})
    public Op op;

    /** Bytes per command. */
    @Param({"4096", "1048576"})
    public int size;

    /** The Data-In allocator; compare with {@code -p allocator=POOLED,ADAPTIVE}. */
    @Param({"POOLED"})
    public Allocator allocator = Allocator.POOLED;

    private LoopbackTarget target;
    private LoopbackSession session;
    private final Outstanding outstanding = new Outstanding();
    private long lun;
    private byte[][] cdbs;
    private ByteBuffer dataOut;
    private int dataIn;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        target = LoopbackTarget.start(allocator.allocator);
        session = target.session();
        lun = device.lun.field;
        int blocks = size / LoopbackTarget.BLOCK;
        if ((long) CDBS * size > LoopbackTarget.FILE_SIZE) {
            throw new IllegalArgumentException("size " + size + " too large for the LUN");
        }
        cdbs = new byte[CDBS][];
        for (int i = 0; i < CDBS; i++) {
            cdbs[i] = rw10(op == Op.READ ? 0x28 : 0x2A, (long) i * blocks, blocks);
        }
        if (op == Op.WRITE) {
            dataOut = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                dataOut.put(i, (byte) (i * 31));
            }
        } else {
            dataIn = size;
        }
        // one command outside the measurement, checked: the numbers below are of commands that succeed
        try (LoopbackResult r = target.run(device.lun, cdbs[0], dataOut, dataIn)) {
            if (!r.good() || r.dataInLength() != dataIn) {
                throw new IllegalStateException("setup command failed: " + r);
            }
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        outstanding.drain();
        outstanding.check();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        outstanding.drain();
        target.stop();
    }

    /** One command, start to callback. */
    @Benchmark
    public void qd1() {
        submit(1);
        outstanding.drain();
    }

    /** One more command once fewer than 32 are in flight. */
    @Benchmark
    public void qd32() {
        submit(32);
    }

    private void submit(int depth) {
        outstanding.acquire(depth);
        byte[] cdb = cdbs[next];
        next = (next + 1) & (CDBS - 1);
        session.execute(lun, cdb, dataOut, dataIn, TaskAttribute.SIMPLE, outstanding);
    }

    /** SBC-4 5.15 READ(10) / 5.39 WRITE(10): LBA in bytes 2-5, TRANSFER LENGTH in bytes 7-8. */
    static byte[] rw10(int opcode, long lba, int blocks) {
        byte[] c = new byte[10];
        c[0] = (byte) opcode;
        c[2] = (byte) (lba >>> 24);
        c[3] = (byte) (lba >>> 16);
        c[4] = (byte) (lba >>> 8);
        c[5] = (byte) lba;
        c[7] = (byte) (blocks >>> 8);
        c[8] = (byte) blocks;
        return c;
    }
}
