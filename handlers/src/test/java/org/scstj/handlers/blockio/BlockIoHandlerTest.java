package org.scstj.handlers.blockio;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vdisk_blockio on loop devices made for each test ({@code losetup}), and on a regular file, with
 * {@code io-engine = threads}; {@link BlockIoUringTest} runs every test again with {@code io_uring}.
 */
class BlockIoHandlerTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    final BlockIoHandler handler = new BlockIoHandler();
    final ExecutorService io = Executors.newFixedThreadPool(2);
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        io.shutdownNow();
        if (first != null) {
            throw first;
        }
    }

    LoopDevice loop(long bytes, int sectorSize) throws Exception {
        LoopDevice l = LoopDevice.attach(dir, "backing-" + cleanup.size() + ".img", bytes, sectorSize);
        cleanup.add(l);
        return l;
    }

    /** The {@code io-engine} the tests run with. */
    String engine() {
        return "threads";
    }

    /** {@code keys} with this class's {@code io-engine} unless they name one. */
    Map<String, Object> withEngine(Map<String, Object> keys) {
        Map<String, Object> m = new java.util.HashMap<>(keys);
        m.putIfAbsent("io-engine", engine());
        return m;
    }

    BlockDevice open(Map<String, Object> keys) throws Exception {
        BlockDevice d = handler.open("d0", ConfigFactory.parseMap(withEngine(keys)), new DeviceHandlerFactory.Context(io, dir));
        cleanup.add(d);
        return d;
    }

    private static void await(java.util.function.Consumer<BlockDevice.Completion> op) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        op.accept(new BlockDevice.Completion() {
            @Override public void completed() { f.complete(null); }
            @Override public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                f.completeExceptionally(new IoFailed(failure, cause));
            }
        });
        f.get(30, TimeUnit.SECONDS);
    }

    static final class IoFailed extends Exception {
        final BlockDevice.IoFailure failure;

        IoFailed(BlockDevice.IoFailure failure, Throwable cause) {
            super(failure + ": " + cause, cause);
            this.failure = failure;
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A heap buffer holding {@code data} starting at array offset {@code skew}: not aligned to anything. */
    private static ByteBuffer heapAt(int skew, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(skew + data.length);
        b.position(skew);
        b.put(data);
        return b.position(skew);
    }

    private static byte[] bytes(ByteBuffer b, int from, int n) {
        byte[] out = new byte[n];
        b.get(from, out);
        return out;
    }

    @Test
    void geometry_isTheLoopDevices_with512ByteSectors() throws Exception {
        LoopDevice l = loop(64 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString()));
        assertEquals(512, d.blockSize());
        assertEquals(512, d.physicalBlockSize());
        assertEquals(64 * MIB / 512, d.blockCount());
        assertTrue(d.capabilities().thinProvisioned(), "a loop device discards, so thin by default");
        assertTrue(d.capabilities().writeBackCache());
        assertEquals(1, d.capabilities().rotationRate());
        assertEquals(BlockIoHandler.TYPE, d.handlerType());
        assertEquals(engine(), ((BlockIoDevice) d).ioEngine().value);
    }

    @Test
    void geometry_isTheLoopDevices_with4096ByteSectors() throws Exception {
        LoopDevice l = loop(32 * MIB, 4096);
        BlockDevice d = open(Map.of("filename", l.device.toString(), "block-size", 4096));
        assertEquals(4096, d.blockSize());
        assertEquals(4096, d.physicalBlockSize());
        assertEquals(32 * MIB / 4096, d.blockCount());
    }

    @Test
    void unalignedHeapBuffers_writeAndReadBack_acrossSeveralPoolBuffers() throws Exception {
        LoopDevice l = loop(16 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString()));
        int n = (int) (2 * MIB + 512 * 3); // three chunks through 1 MiB pool buffers
        byte[] data = random(n, 1);
        ByteBuffer src = heapAt(3, data);
        await(c -> d.write(512 * 7, src, false, c));
        assertFalse(src.hasRemaining());
        ByteBuffer dst = ByteBuffer.allocate(n + 5).position(5);
        await(c -> d.read(512 * 7, dst, c));
        assertFalse(dst.hasRemaining());
        assertArrayEquals(data, bytes(dst, 5, n));
        await(d::flush);
        // the loop device wrote the backing file at the same offset
        byte[] onFile = new byte[n];
        try (var ch = java.nio.channels.FileChannel.open(l.backing)) {
            ch.read(ByteBuffer.wrap(onFile), 512 * 7);
        }
        assertArrayEquals(data, onFile);
    }

    /** A read the initiator's expected length cut short (iSCSI residual overflow) asks for part of a block. */
    @Test
    void aReadOfPartOfABlock_readsTheWholeBlockAndGivesThePartAskedFor() throws Exception {
        for (int sector : new int[] {512, 4096}) {
            LoopDevice l = loop(4 * MIB, sector);
            BlockDevice d = open(Map.of("filename", l.device.toString()));
            byte[] data = random(2 * sector, sector);
            await(c -> d.write(sector, heapAt(0, data), false, c));
            ByteBuffer part = ByteBuffer.allocate(200);
            await(c -> d.read(sector, part, c));
            assertFalse(part.hasRemaining());
            assertArrayEquals(java.util.Arrays.copyOf(data, 200), part.array());
            ByteBuffer more = ByteBuffer.allocateDirect(sector + 312);
            await(c -> d.read(sector, more, c));
            assertFalse(more.hasRemaining());
            assertArrayEquals(java.util.Arrays.copyOf(data, sector + 312), bytes(more, 0, sector + 312));
        }
    }

    @Test
    void directBuffersAtOddPositions_withFua_andGatheredPieces() throws Exception {
        LoopDevice l = loop(8 * MIB, 4096);
        BlockDevice d = open(Map.of("filename", l.device.toString()));
        int n = 3 * 4096;
        byte[] data = random(n, 2);
        ByteBuffer src = ByteBuffer.allocateDirect(n + 7).position(7);
        src.put(data).position(7);
        await(c -> d.write(4096, src, true, c));
        ByteBuffer dst = ByteBuffer.allocateDirect(n + 11).position(11);
        await(c -> d.read(4096, dst, c));
        assertArrayEquals(data, bytes(dst, 11, n));

        // pieces of odd sizes as PDUs bring them, together a whole number of blocks
        byte[] more = random(2 * 4096, 3);
        ByteBuffer[] pieces = {heapAt(1, java.util.Arrays.copyOfRange(more, 0, 100)),
                ByteBuffer.wrap(more, 100, 5000).slice(),
                heapAt(9, java.util.Arrays.copyOfRange(more, 5100, more.length))};
        await(c -> d.write(8 * 4096, pieces, true, c));
        ByteBuffer back = ByteBuffer.allocate(more.length);
        await(c -> d.read(8 * 4096, back, c));
        assertArrayEquals(more, back.array());
    }

    @Test
    void alignedNativeBuffer_isUsedWithoutTheCopy_andReadsBack() throws Exception {
        LoopDevice l = loop(8 * MIB, 512);
        BlockIoDevice d = (BlockIoDevice) open(Map.of("filename", l.device.toString()));
        byte[] data = random(8192, 4);
        try (Arena arena = Arena.ofShared()) { // shared: the I/O runs on the pool
            ByteBuffer src = arena.allocate(8192, 4096).asByteBuffer().put(data).flip();
            await(c -> d.write(0, src, false, c));
            ByteBuffer dst = arena.allocate(8192, 4096).asByteBuffer();
            await(c -> d.read(0, dst, c));
            assertArrayEquals(data, bytes(dst, 0, 8192));
        }
        assertEquals(0, d.buffersMade(), "no pool buffer for an aligned native buffer");
    }

    @Test
    void unmap_readsZeros_andShrinksTheLoopDevicesBackingFile() throws Exception {
        LoopDevice l = loop(16 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString()));
        assertTrue(d.capabilities().thinProvisioned());
        byte[] data = random((int) (4 * MIB), 5);
        await(c -> d.write(MIB, ByteBuffer.wrap(data), true, c));
        long before = l.backingAllocatedSectors();
        assertTrue(before >= 4 * MIB / 512, "written: " + before + " sectors allocated");
        await(c -> d.unmap(MIB, 4 * MIB, c));
        ByteBuffer back = ByteBuffer.allocate((int) (4 * MIB));
        await(c -> d.read(MIB, back, c));
        assertArrayEquals(new byte[(int) (4 * MIB)], back.array());
        long after = l.backingAllocatedSectors();
        assertTrue(after <= before - 4 * MIB / 512, "allocated sectors " + before + " -> " + after);
    }

    @Test
    void validate_refusesMissingPathDirectoryCharacterDeviceAndWrongBlockSize_namingTheKey() throws Exception {
        assertProblem(Map.of("filename", dir.resolve("nope").toString()), "filename: ", "does not exist");
        assertProblem(Map.of("filename", dir.toString()), "filename: ", "neither a block device nor a regular file");
        assertProblem(Map.of("filename", "/dev/null"), "filename: ", "neither a block device nor a regular file");
        assertProblem(Map.of(), "filename: ", "missing");
        LoopDevice l = loop(4 * MIB, 512);
        assertProblem(Map.of("filename", l.device.toString(), "block-size", 4096), "block-size: ",
                "the device has 512-byte blocks");
        assertProblem(Map.of("filename", l.device.toString(), "size", "1G"), "size: ", "unknown key");
        assertProblem(Map.of("filename", l.device.toString(), "nv-cache", "maybe"), "nv-cache: ", "");
        assertProblem(Map.of("filename", l.device.toString(), "io-engine", "aio"), "io-engine: ",
                "must be auto, io_uring or threads, was aio");
        assertProblem(Map.of("filename", l.device.toString(), "ring-depth", 0), "ring-depth: ", "must be 1..4096");
        assertEquals(List.of(), handler.validate("d", ConfigFactory.parseMap(Map.of("filename", l.device.toString(),
                "block-size", 512))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(Map.of("filename", dir.resolve("nope").toString())));
        assertTrue(e.getMessage().startsWith("filename: "), e.getMessage());
    }

    private void assertProblem(Map<String, Object> keys, String prefix, String text) {
        List<String> problems = handler.validate("d", ConfigFactory.parseMap(keys));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix) && p.contains(text)),
                keys + " gave " + problems);
    }

    @Test
    void readOnlyDevice_reportsIt_failsAWriteItsDescriptorCannotTake_andLiveMadeWritableTakesWrites() throws Exception {
        LoopDevice l = loop(4 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString(), "read-only", true));
        assertTrue(d.capabilities().readOnly());
        // the core refuses writes to it with DATA PROTECT; the descriptor is O_RDONLY besides
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(c -> d.write(0, ByteBuffer.allocate(512), false, c)));
        assertTrue(e.getCause() instanceof IoFailed);
        d.setAttributes(ConfigFactory.parseMap(Map.of("read-only", false)));
        assertFalse(d.capabilities().readOnly());
        byte[] data = random(512, 6);
        await(c -> d.write(0, ByteBuffer.wrap(data), true, c));
        ByteBuffer back = ByteBuffer.allocate(512);
        await(c -> d.read(0, back, c));
        assertArrayEquals(data, back.array());
    }

    @Test
    void writeThroughAndNvCache_reportNoWriteBackCache_andStillWriteAndFlush() throws Exception {
        LoopDevice l = loop(4 * MIB, 512);
        for (String key : List.of("write-through", "nv-cache")) {
            BlockDevice d = handler.open(key, ConfigFactory.parseMap(withEngine(Map.of("filename", l.device.toString(), key, true))),
                    new DeviceHandlerFactory.Context(io, dir));
            try {
                assertFalse(d.capabilities().writeBackCache(), key);
                byte[] data = random(4096, 7);
                await(c -> d.write(8192, ByteBuffer.wrap(data), false, c));
                await(d::flush);
                ByteBuffer back = ByteBuffer.allocate(4096);
                await(c -> d.read(8192, back, c));
                assertArrayEquals(data, back.array(), key);
            } finally {
                d.close();
            }
        }
    }

    /** errno through the engine: ENOSPC past the end of a block device, EINVAL for an unaligned O_DIRECT offset. */
    @Test
    void failedSystemCalls_becomeTheFailureOfTheirErrno() throws Exception {
        LoopDevice l = loop(4 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString()));
        ExecutionException past = assertThrows(ExecutionException.class,
                () -> await(c -> d.write(4 * MIB, ByteBuffer.allocate(4096), false, c)));
        assertEquals(BlockDevice.IoFailure.NO_SPACE, ((IoFailed) past.getCause()).failure, past.getMessage());
        ExecutionException unaligned = assertThrows(ExecutionException.class,
                () -> await(c -> d.read(100, ByteBuffer.allocate(4096), c)));
        assertEquals(BlockDevice.IoFailure.INTERNAL, ((IoFailed) unaligned.getCause()).failure, unaligned.getMessage());
        // and the device goes on working
        byte[] data = random(4096, 9);
        await(c -> d.write(0, ByteBuffer.wrap(data), false, c));
        ByteBuffer back = ByteBuffer.allocate(4096);
        await(c -> d.read(0, back, c));
        assertArrayEquals(data, back.array());
    }

    /** Many more I/Os at once than the ring is deep (and than pool buffers): all done, none lost. */
    @Test
    void manyConcurrentIos_moreThanTheRingDepth_allCompleteWithTheirData() throws Exception {
        LoopDevice l = loop(16 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString(), "ring-depth", 4));
        int n = 300;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = random(4096, 100 + i);
            CompletableFuture<Void> f = new CompletableFuture<>();
            d.write(i * 4096L, i % 3 == 0 ? new ByteBuffer[]{heapAt(1, data)}
                    : new ByteBuffer[]{ByteBuffer.wrap(data, 0, 1000), ByteBuffer.wrap(data, 1000, 3096)}, i % 2 == 0, done(f));
            writes.add(f);
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        List<ByteBuffer> backs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer back = ByteBuffer.allocate(4096);
            backs.add(back);
            CompletableFuture<Void> f = new CompletableFuture<>();
            d.read(i * 4096L, back, done(f));
            reads.add(f);
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(random(4096, 100 + i), backs.get(i).array(), "block " + i);
        }
    }

    private static BlockDevice.Completion done(CompletableFuture<Void> f) {
        return new BlockDevice.Completion() {
            @Override public void completed() { f.complete(null); }
            @Override public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                f.completeExceptionally(new IoFailed(failure, cause));
            }
        };
    }

    @Test
    void rotational_isReportedAsRotationRateNotReported() throws Exception {
        LoopDevice l = loop(4 * MIB, 512);
        BlockDevice d = open(Map.of("filename", l.device.toString(), "rotational", true, "thin-provisioned", false));
        assertEquals(0, d.capabilities().rotationRate());
        assertFalse(d.capabilities().thinProvisioned());
    }

    @Test
    void regularFile_works_withTheConfiguredBlockSize_andPunchesHolesWhenThin() throws Exception {
        Path file = dir.resolve("plain.img");
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(4 * MIB);
        }
        BlockDevice plain = open(Map.of("filename", file.toString()));
        assertEquals(512, plain.blockSize());
        assertFalse(plain.capabilities().thinProvisioned(), "a file is thin only when asked");
        plain.close();
        cleanup.remove(plain);

        BlockDevice d = open(Map.of("filename", file.toString(), "block-size", 4096, "thin-provisioned", true));
        assertEquals(4096, d.blockSize());
        assertEquals(4 * MIB / 4096, d.blockCount());
        byte[] data = random((int) MIB, 8);
        await(c -> d.write(MIB, heapAt(1, data), true, c));
        ByteBuffer back = ByteBuffer.allocate((int) MIB);
        await(c -> d.read(MIB, back, c));
        assertArrayEquals(data, back.array());
        await(c -> d.unmap(MIB, MIB, c));
        ByteBuffer zeros = ByteBuffer.allocate((int) MIB);
        await(c -> d.read(MIB, zeros, c));
        assertArrayEquals(new byte[(int) MIB], zeros.array());
        assertTrue(Files.size(file) == 4 * MIB);
    }

    @Test
    void attributes_describeEveryKey_withTheDefaultsOfReferenceConf_andTheLiveOnes() {
        assertEquals(BlockIoSettings.KEYS, handler.attributes().stream().map(DeviceHandlerFactory.Attribute::name)
                .collect(Collectors.toSet()));
        assertEquals(Set.of("read-only"), handler.attributes().stream().filter(DeviceHandlerFactory.Attribute::live)
                .map(DeviceHandlerFactory.Attribute::name).collect(Collectors.toSet()));
        assertEquals(Set.of("read-only"), handler.liveAttributes());
        Config defaults = ConfigFactory.defaultReference().getConfig("scstj.handler-defaults.vdisk_blockio");
        for (DeviceHandlerFactory.Attribute a : handler.attributes()) {
            String inConf = defaults.hasPath(a.name()) ? defaults.getValue(a.name()).unwrapped().toString() : null;
            assertEquals(inConf, a.defaultValue(), a.name());
        }
    }

    @Test
    void isRegisteredAsAService() {
        assertTrue(java.util.ServiceLoader.load(DeviceHandlerFactory.class).stream()
                .anyMatch(p -> p.type() == BlockIoHandler.class));
    }
}
