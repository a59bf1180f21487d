package org.scstj.handlers.fileio;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileIoHandlerTest {
    @TempDir
    Path dir;
    private final FileIoHandler handler = new FileIoHandler();

    private BlockDevice open(Map<String, Object> keys, ExecutorService io) throws Exception {
        return handler.open("d0", ConfigFactory.parseMap(keys), new DeviceHandlerFactory.Context(io, dir));
    }

    private static void await(java.util.function.Consumer<BlockDevice.Completion> op) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        op.accept(new BlockDevice.Completion() {
            @Override public void completed() { f.complete(null); }
            @Override public void failed(BlockDevice.IoFailure failure, Throwable cause) { f.completeExceptionally(cause); }
        });
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void missingThinFile_isCreatedSparseWithTheConfiguredSize() throws Exception {
        Path file = dir.resolve("sub/thin.img");
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", file.toString(), "size", "64M", "thin-provisioned", true), io)) {
            assertEquals(64L << 20, Files.size(file));
            assertEquals((64L << 20) / 512, d.blockCount());
            Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
            long allocatedBlocks = Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip());
            assertTrue(allocatedBlocks * 512 < (1 << 20), "sparse file allocated " + allocatedBlocks + " 512-byte blocks");
        } finally {
            io.shutdown();
        }
    }

    @Test
    void neverWrittenBlocks_readAsZeros_andWritesReadBack() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", dir.resolve("a.img").toString(), "size", "1M",
                "block-size", 4096, "thin-provisioned", true), io)) {
            assertEquals(4096, d.blockSize());
            ByteBuffer stale = ByteBuffer.allocateDirect(8192);
            while (stale.hasRemaining()) {
                stale.put((byte) 0x5A); // what a reused pool buffer may hold
            }
            stale.clear();
            await(c -> d.read(4096, stale, c));
            for (int i = 0; i < 8192; i++) {
                assertEquals(0, stale.get(i), "byte " + i);
            }
            byte[] data = new byte[4096];
            new java.util.Random(1).nextBytes(data);
            await(c -> d.write(8192, ByteBuffer.wrap(data), true, c));
            ByteBuffer back = ByteBuffer.allocate(4096);
            await(c -> d.read(8192, back, c));
            assertArrayEquals(data, back.array());
            await(d::flush);
        } finally {
            io.shutdown();
        }
    }

    @Test
    void readOnlyDevice_reportsIt() throws Exception {
        Path file = dir.resolve("ro.img");
        Files.write(file, new byte[4096]);
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", file.toString(), "read-only", true), io)) {
            assertTrue(d.capabilities().readOnly());
            assertEquals(8, d.blockCount());
        } finally {
            io.shutdown();
        }
    }

    @Test
    void removableDevice_reportsIt() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", dir.resolve("rm.img").toString(), "size", "1M", "removable", true), io)) {
            assertTrue(d.capabilities().removable());
            assertFalse(d.capabilities().readOnly());
        } finally {
            io.shutdown();
        }
        assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", dir.resolve("rm.img").toString(),
                "removable", "sometimes"))).getFirst().startsWith("removable: "));
    }

    @Test
    void writeBackDefault_andIdentityStableAcrossOpens() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        Map<String, Object> keys = Map.of("filename", dir.resolve("w.img").toString(), "size", "1M");
        BlockDevice.Capabilities first;
        try (BlockDevice d = open(keys, io)) {
            first = d.capabilities();
            assertTrue(first.writeBackCache());
            assertFalse(first.removable());
        }
        try (BlockDevice d = open(keys, io)) {
            assertEquals(first.naaId(), d.capabilities().naaId());
            assertEquals(first.serial(), d.capabilities().serial());
            assertEquals(5, d.capabilities().naaId() >>> 60, "NAA IEEE Registered");
        } finally {
            io.shutdown();
        }
    }

    @Test
    void validate_refusesBadKeysAndSizesNamingTheKey() throws Exception {
        Path existing = dir.resolve("e.img");
        Files.write(existing, new byte[8192]);
        assertEquals(List.of("size: required when " + dir.resolve("nope.img") + " does not exist yet"),
                handler.validate("d", ConfigFactory.parseMap(Map.of("filename", dir.resolve("nope.img").toString()))));
        assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", existing.toString(), "size", "1M")))
                .getFirst().startsWith("size: 1048576 bytes does not fit the existing file"));
        assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", existing.toString(), "block-size", 1024)))
                .getFirst().startsWith("block-size: must be 512 or 4096"));
        assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", existing.toString(), "colour", "red")))
                .getFirst().startsWith("colour: unknown key for a vdisk_fileio device"));
        assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", dir.resolve("x.img").toString(), "size", "1000")))
                .getFirst().contains("not a multiple of the block size"));
        assertEquals(List.of(), handler.validate("d", ConfigFactory.parseMap(Map.of("filename", existing.toString()))));
        for (int bad : new int[] {256, 3072, 131072}) {
            assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", existing.toString(),
                    "physical-block-size", bad))).getFirst().startsWith("physical-block-size: must be a power of two"), "" + bad);
        }
    }

    @Test
    void physicalBlockSize_isReported_andDefaultsToTheLogicalOne() throws Exception {
        Path file = dir.resolve("p.img");
        Files.write(file, new byte[8192]);
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", file.toString(), "physical-block-size", 4096), io);
             BlockDevice plain = open(Map.of("filename", file.toString()), io)) {
            assertEquals(512, d.blockSize());
            assertEquals(4096, d.physicalBlockSize());
            assertEquals(512, plain.physicalBlockSize());
        } finally {
            io.shutdown();
        }
    }

    @Test
    void enospc_isReportedAsNoSpace_otherErrorsAsMediumError() {
        assertEquals(BlockDevice.IoFailure.NO_SPACE, FileIoDevice.classify(new java.io.IOException("No space left on device")));
        assertEquals(BlockDevice.IoFailure.MEDIUM_ERROR, FileIoDevice.classify(new java.io.IOException("Input/output error")));
    }

    @Test
    void inlineIo_auto_runsOnTheCallersThreadOnlyForMemoryFileSystems() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        Path shm = Path.of("/dev/shm");
        Path inMemory = Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type())
                ? Files.write(Files.createTempFile(shm, "scstj-inline", ".img"), new byte[4096]) : null;
        try {
            assertEquals(FileIoHandler.memoryBacked(dir), "tmpfs".equals(Files.getFileStore(dir).type()));
            try (BlockDevice d = open(Map.of("filename", dir.resolve("never.img").toString(), "size", "1M",
                    "inline-io", "never"), io)) {
                assertFalse(((FileIoDevice) d).inline());
                Thread[] ran = new Thread[1];
                await(c -> d.read(0, ByteBuffer.allocateDirect(512), new BlockDevice.Completion() {
                    @Override public void completed() { ran[0] = Thread.currentThread(); c.completed(); }
                    @Override public void failed(BlockDevice.IoFailure f, Throwable t) { c.failed(f, t); }
                }));
                assertFalse(ran[0] == Thread.currentThread(), "inline-io = never: the blocking pool ran it");
            }
            try (BlockDevice d = open(Map.of("filename", dir.resolve("always.img").toString(), "size", "1M",
                    "inline-io", "always"), io)) {
                Thread[] ran = new Thread[1];
                d.read(0, ByteBuffer.allocateDirect(512), new BlockDevice.Completion() {
                    @Override public void completed() { ran[0] = Thread.currentThread(); }
                    @Override public void failed(BlockDevice.IoFailure f, Throwable t) { }
                });
                assertTrue(ran[0] == Thread.currentThread(), "inline-io = always: completed before read() returned");
            }
            if (inMemory != null) {
                try (BlockDevice d = open(Map.of("filename", inMemory.toString()), io)) {
                    assertTrue(((FileIoDevice) d).inline(), "a file on tmpfs runs inline by default");
                }
            }
            assertTrue(handler.validate("d", ConfigFactory.parseMap(Map.of("filename", "/x", "size", "1M",
                    "inline-io", "sometimes"))).stream().anyMatch(p -> p.startsWith("inline-io:")));
        } finally {
            io.shutdown();
            if (inMemory != null) {
                Files.deleteIfExists(inMemory);
            }
        }
    }

    @Test
    void gatheredWrite_writesThePiecesBackToBack() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", dir.resolve("g.img").toString(), "size", "1M"), io)) {
            byte[] a = new byte[1536];
            byte[] b = new byte[512];
            java.util.Arrays.fill(a, (byte) 1);
            java.util.Arrays.fill(b, (byte) 2);
            await(c -> d.write(4096, new ByteBuffer[]{ByteBuffer.wrap(a), ByteBuffer.allocateDirect(512).put(b).flip()},
                    true, c));
            ByteBuffer back = ByteBuffer.allocate(2048);
            await(c -> d.read(4096, back, c));
            byte[] expected = new byte[2048];
            System.arraycopy(a, 0, expected, 0, 1536);
            System.arraycopy(b, 0, expected, 1536, 512);
            assertArrayEquals(expected, back.array());
        } finally {
            io.shutdown();
        }
    }

    private static List<BlockDevice.Extent> status(BlockDevice d, long offset, long length) throws Exception {
        CompletableFuture<List<BlockDevice.Extent>> f = new CompletableFuture<>();
        d.lbaStatus(offset, length, 16, new BlockDevice.StatusCompletion() {
            @Override public void completed(List<BlockDevice.Extent> extents) { f.complete(extents); }
            @Override public void failed(BlockDevice.IoFailure failure, Throwable cause) { f.completeExceptionally(cause); }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void thinDevice_unmapPunchesAHole_readsZeros_andLbaStatusReportsIt() throws Exception {
        for (String inlineIo : List.of("never", "always")) {
            ExecutorService io = Executors.newSingleThreadExecutor();
            Path file = dir.resolve("thin-" + inlineIo + ".img");
            try (BlockDevice d = open(Map.of("filename", file.toString(), "size", "1M", "thin-provisioned", true,
                    "inline-io", inlineIo), io)) {
                assertTrue(d.capabilities().thinProvisioned());
                assertEquals(List.of(new BlockDevice.Extent(0, 1 << 20, false)), status(d, 0, 1 << 20));
                byte[] data = new byte[64 << 10];
                java.util.Arrays.fill(data, (byte) 0x61);
                await(c -> d.write(0, ByteBuffer.wrap(data), true, c));
                List<BlockDevice.Extent> written = status(d, 0, 1 << 20);
                assertEquals(new BlockDevice.Extent(0, 64 << 10, true), written.get(0), written.toString());
                assertEquals(new BlockDevice.Extent(64 << 10, (1 << 20) - (64 << 10), false), written.get(1));

                await(c -> d.unmap(16 << 10, 16 << 10, c));
                ByteBuffer back = ByteBuffer.allocate(64 << 10);
                await(c -> d.read(0, back, c));
                for (int i = 0; i < back.capacity(); i++) {
                    boolean hole = i >= 16 << 10 && i < 32 << 10;
                    assertEquals(hole ? 0 : 0x61, back.get(i), "byte " + i);
                }
                assertEquals(List.of(new BlockDevice.Extent(0, 16 << 10, true),
                        new BlockDevice.Extent(16 << 10, 16 << 10, false),
                        new BlockDevice.Extent(32 << 10, 32 << 10, true)), status(d, 0, 64 << 10));
                assertEquals(List.of(new BlockDevice.Extent(16 << 10, 512, false)), status(d, 16 << 10, 512));
            } finally {
                io.shutdown();
            }
        }
    }

    @Test
    void fullyProvisionedDevice_isNotThin_andReportsEverythingMapped() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", dir.resolve("full.img").toString(), "size", "1M"), io)) {
            assertFalse(d.capabilities().thinProvisioned());
            assertEquals(List.of(new BlockDevice.Extent(4096, 8192, true)), status(d, 4096, 8192));
        } finally {
            io.shutdown();
        }
    }

    @Test
    void thinDevice_reportsTheFilesAllocatedBytesAsUsed_andItsFileSystemsFreeSpaceAsShared() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        Path file = dir.resolve("prov.img");
        try (BlockDevice d = open(Map.of("filename", file.toString(), "size", "8M", "thin-provisioned", true), io)) {
            assertTrue(d.provisioning().usedBytes() < (1 << 20), "a sparse file uses next to nothing");
            byte[] data = new byte[1 << 20];
            java.util.Arrays.fill(data, (byte) 0x61);
            await(c -> d.write(2 << 20, ByteBuffer.wrap(data), true, c));
            BlockDevice.Provisioning p = d.provisioning();
            Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
            long statBytes = Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip()) * 512;
            assertEquals(statBytes, p.usedBytes(), "st_blocks * 512, as stat(1) says");
            assertTrue(p.usedBytes() >= 1 << 20, "the written MiB is allocated");
            assertEquals(Files.getFileStore(file).getUsableSpace(), p.availableBytes(), 64L << 20);
            assertTrue(p.shared());
        } finally {
            io.shutdown();
        }
    }

    @Test
    void fullyProvisionedDevice_reportsItsWholeCapacityUsed() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor();
        try (BlockDevice d = open(Map.of("filename", dir.resolve("fullprov.img").toString(), "size", "1M"), io)) {
            assertEquals(new BlockDevice.Provisioning(1 << 20, 0, false), d.provisioning());
        } finally {
            io.shutdown();
        }
    }
}
