package org.scstj.engine.xcopy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

class BlockCopyTest {
    private final ExecutorService io = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    /** What the listener heard. */
    private static final class Heard implements BlockCopy.Listener {
        final List<Integer> segments = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger finishes = new AtomicInteger();
        volatile long bytes;
        final CompletableFuture<BlockDevice.IoFailure> done = new CompletableFuture<>();

        @Override public void transferred(long n) { bytes += n; }
        @Override public void segmentDone(int index) { segments.add(index); }

        @Override
        public void finished(BlockDevice.IoFailure failure, boolean writing) {
            finishes.incrementAndGet();
            done.complete(failure);
        }
    }

    /** A device completing every I/O on another thread, as {@code vdisk_fileio} does. */
    private final class AsyncDevice implements BlockDevice {
        final RamBlockDevice ram;
        volatile int failWritesAfter = Integer.MAX_VALUE;
        final AtomicInteger ios = new AtomicInteger();
        /** Every I/O as {read 0 / write 1, byte offset, length}. */
        final List<long[]> log = Collections.synchronizedList(new ArrayList<>());

        AsyncDevice(RamBlockDevice ram) {
            this.ram = ram;
        }

        @Override public String name() { return "async"; }
        @Override public String handlerType() { return "test"; }
        @Override public int blockSize() { return ram.blockSize(); }
        @Override public long blockCount() { return ram.blockCount(); }
        @Override public Capabilities capabilities() { return ram.capabilities(); }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            ios.incrementAndGet();
            log.add(new long[] {0, offset, dst.remaining()});
            io.execute(() -> ram.read(offset, dst, done));
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            int n = ios.incrementAndGet();
            log.add(new long[] {1, offset, src.remaining()});
            io.execute(() -> {
                if (n > failWritesAfter) {
                    done.failed(IoFailure.MEDIUM_ERROR, null);
                } else {
                    ram.write(offset, src, fua, done);
                }
            });
        }

        @Override public void flush(Completion done) { done.completed(); }
        @Override public void close() { }
    }

    private static RamBlockDevice filled(int blocks, int seed) {
        RamBlockDevice d = new RamBlockDevice(512, blocks);
        for (int i = 0; i < d.store().length; i++) {
            d.store()[i] = (byte) (seed + i * 7 + i / 4096);
        }
        return d;
    }

    @Test
    void asynchronousCompletions_copyEverySegmentInOrder() throws Exception {
        AsyncDevice src = new AsyncDevice(filled(8192, 1));
        AsyncDevice dst = new AsyncDevice(new RamBlockDevice(512, 8192));
        long chunk = BlockCopy.CHUNK;
        List<BlockCopy.Segment> segments = List.of(
                new BlockCopy.Segment(src, 0, dst, 512 * 100L, 3 * chunk - 512, false),
                new BlockCopy.Segment(src, 512 * 6000L, dst, 0, 0, false),
                new BlockCopy.Segment(src, 512 * 6000L, dst, 512 * 7000L, 512 * 50L, true));
        Heard heard = new Heard();
        new BlockCopy(segments, heard).start();
        assertNull(heard.done.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1, 2), heard.segments);
        assertEquals(3 * chunk - 512 + 512 * 50L, heard.bytes);
        assertEquals(1, heard.finishes.get());
        byte[] s = src.ram.store();
        byte[] d = dst.ram.store();
        assertArrayEquals(Arrays.copyOfRange(s, 0, (int) (3 * chunk - 512)),
                Arrays.copyOfRange(d, 512 * 100, (int) (512 * 100 + 3 * chunk - 512)));
        assertArrayEquals(Arrays.copyOfRange(s, 512 * 6000, 512 * 6050), Arrays.copyOfRange(d, 512 * 7000, 512 * 7050));
    }

    @Test
    void bytesOffBlockBoundaries_moveInWholeBlockIos_andTheEdgeBlocksKeepTheirOtherBytes() throws Exception {
        AsyncDevice src = new AsyncDevice(filled(8192, 3));
        AsyncDevice dst = new AsyncDevice(filled(8192, 4));
        int n = 2 * BlockCopy.CHUNK + 700;
        byte[] expected = dst.ram.store().clone();
        System.arraycopy(src.ram.store(), 512 * 3 + 100, expected, 512 * 10 + 300, n);
        Heard heard = new Heard();
        new BlockCopy(List.of(new BlockCopy.Segment(src, 512 * 3 + 100, dst, 512 * 10 + 300, n, false)), heard)
                .start();
        assertNull(heard.done.get(10, TimeUnit.SECONDS));
        assertArrayEquals(expected, dst.ram.store());
        assertEquals(n, heard.bytes, "the bytes copied, not the blocks written");
        for (AsyncDevice d : List.of(src, dst)) {
            for (long[] io : d.log) {
                assertEquals(0, io[1] % 512, "SPC-4 5.17.7.2: whole-block I/O only, offset " + io[1]);
                assertEquals(0, io[2] % 512, "length " + io[2]);
                assertTrue(io[2] <= BlockCopy.CHUNK + 512, "bounded: " + io[2]);
            }
        }
        long destinationReads = dst.log.stream().filter(io -> io[0] == 0).count();
        assertEquals(2, destinationReads, "the first and the last destination block, read to be merged");
    }

    @Test
    void aFailedWrite_endsTheCopyOnce_andNothingMoreIsIssued() throws Exception {
        AsyncDevice src = new AsyncDevice(filled(8192, 2));
        AsyncDevice dst = new AsyncDevice(new RamBlockDevice(512, 8192));
        dst.failWritesAfter = 1;
        Heard heard = new Heard();
        new BlockCopy(List.of(new BlockCopy.Segment(src, 0, dst, 0, 4L * BlockCopy.CHUNK, false)), heard).start();
        assertEquals(BlockDevice.IoFailure.MEDIUM_ERROR, heard.done.get(10, TimeUnit.SECONDS));
        assertEquals(BlockCopy.CHUNK, heard.bytes, "the first chunk was written");
        assertEquals(2, dst.ios.get());
        assertEquals(2, src.ios.get(), "no read after the failed write");
        assertEquals(1, heard.finishes.get());
    }

    @Test
    void inlineCompletions_doNotDeepenTheStack() {
        List<Integer> depths = new ArrayList<>();
        BlockDevice inline = new BlockDevice() {
            @Override public String name() { return "inline"; }
            @Override public String handlerType() { return "test"; }
            @Override public int blockSize() { return 512; }
            @Override public long blockCount() { return 1L << 30; }
            @Override public Capabilities capabilities() { return null; }

            @Override
            public void read(long offset, ByteBuffer dst, Completion done) {
                depths.add(Thread.currentThread().getStackTrace().length);
                done.completed();
            }

            @Override
            public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
                done.completed();
            }

            @Override public void flush(Completion done) { done.completed(); }
            @Override public void close() { }
        };
        Heard heard = new Heard();
        List<BlockCopy.Segment> segments = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            segments.add(new BlockCopy.Segment(inline, 0, inline, 1L << 29, 16L * BlockCopy.CHUNK, false));
        }
        new BlockCopy(segments, heard).start();
        assertTrue(heard.done.isDone());
        assertEquals(256, depths.size());
        assertEquals(depths.get(1), depths.get(depths.size() - 1), "the 256th read runs at the depth of the second");
    }
}
