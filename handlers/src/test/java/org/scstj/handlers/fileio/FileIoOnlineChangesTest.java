package org.scstj.handlers.fileio;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vdisk_fileio changed while running (issue 14): resize through ftruncate and SEEK_DATA, live read-only and write-back. */
class FileIoOnlineChangesTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private final FileIoHandler handler = new FileIoHandler();
    private final ExecutorService io = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        io.shutdown();
    }

    private BlockDevice open(String file, boolean thin, Object... more) throws Exception {
        Map<String, Object> keys = new HashMap<>(Map.of("filename", dir.resolve(file).toString(), "thin-provisioned", thin));
        if (!Files.exists(dir.resolve(file))) {
            keys.put("size", "2M");
        }
        for (int i = 0; i < more.length; i += 2) {
            keys.put((String) more[i], more[i + 1]);
        }
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

    private static void writeBlock(BlockDevice d, long offset, byte value) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(512);
        while (b.hasRemaining()) {
            b.put(value);
        }
        await(c -> d.write(offset, b.flip(), true, c));
    }

    private static byte readByte(BlockDevice d, long offset) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(512);
        await(c -> d.read(offset, b, c));
        return b.get(0);
    }

    @Test
    void growingAThinDevice_extendsTheFileWithAHole() throws Exception {
        try (BlockDevice d = open("thin.img", true)) {
            d.resize(4 * MIB / 512, false);
            assertEquals(4 * MIB, Files.size(dir.resolve("thin.img")));
            assertEquals(4 * MIB / 512, d.blockCount());
            assertEquals(0, readByte(d, 3 * MIB), "new blocks read as zeros");
            writeBlock(d, 4 * MIB - 512, (byte) 7);
            assertEquals(7, readByte(d, 4 * MIB - 512), "the new last block takes data");
        }
    }

    @Test
    void growingAFullyProvisionedDevice_writesTheNewBlocks() throws Exception {
        try (BlockDevice d = open("full.img", false)) {
            d.resize(3 * MIB / 512, false);
            assertEquals(3 * MIB, Files.size(dir.resolve("full.img")));
            Process stat = new ProcessBuilder("stat", "-c", "%b", dir.resolve("full.img").toString()).start();
            long allocated = Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip()) * 512;
            assertTrue(allocated >= 3 * MIB, "allocated " + allocated);
        }
    }

    @Test
    void shrinkingOverData_isRefusedWithoutForce_andTruncatesWithIt() throws Exception {
        try (BlockDevice d = open("thin.img", true)) {
            writeBlock(d, MIB + 4096, (byte) 1);
            IOException e = assertThrows(IOException.class, () -> d.resize(MIB / 512, false));
            assertTrue(e.getMessage().contains("holds data past " + MIB + " bytes") && e.getMessage().contains("force"),
                    e.getMessage());
            assertEquals(2 * MIB, Files.size(dir.resolve("thin.img")), "nothing changed");
            assertEquals(2 * MIB / 512, d.blockCount());

            d.resize(MIB / 512, true);
            assertEquals(MIB, Files.size(dir.resolve("thin.img")));
            assertEquals(MIB / 512, d.blockCount());
        }
    }

    @Test
    void shrinkingOverHolesOnly_needsNoForce() throws Exception {
        try (BlockDevice d = open("thin.img", true)) {
            writeBlock(d, 0, (byte) 1);
            d.resize(MIB / 512, false);
            assertEquals(MIB, Files.size(dir.resolve("thin.img")));
            assertEquals(1, readByte(d, 0), "the data before the new end stays");
        }
    }

    @Test
    void shrinkingAFullyProvisionedDevice_needsForce_forEveryBlockHoldsData() throws Exception {
        try (BlockDevice d = open("full.img", false)) {
            assertThrows(IOException.class, () -> d.resize(MIB / 512, false));
            d.resize(MIB / 512, true);
            assertEquals(MIB, Files.size(dir.resolve("full.img")));
        }
    }

    @Test
    void aDeviceOpenedReadOnly_madeWritable_takesWrites_andCanThenResize() throws Exception {
        open("ro.img", false).close(); // create it
        try (BlockDevice d = open("ro.img", false, "read-only", true)) {
            assertThrows(IOException.class, () -> d.resize(MIB / 512, true), "a read-only descriptor cannot truncate");
            d.setAttributes(ConfigFactory.parseString("read-only = false"));
            assertFalse(d.capabilities().readOnly());
            writeBlock(d, 512, (byte) 9);
            assertEquals(9, readByte(d, 512));
            d.setAttributes(ConfigFactory.parseString("read-only = true"));
            assertTrue(d.capabilities().readOnly());
            d.resize(MIB / 512, true);
            assertEquals(MIB, Files.size(dir.resolve("ro.img")));
        }
    }

    @Test
    void writeBack_changes_theCapabilityTheCoreReads() throws Exception {
        try (BlockDevice d = open("wb.img", true)) {
            assertTrue(d.capabilities().writeBackCache());
            BlockDevice.Capabilities before = d.capabilities();
            d.setAttributes(ConfigFactory.parseString("write-back = false"));
            assertFalse(d.capabilities().writeBackCache());
            assertTrue(d.capabilities().thinProvisioned(), "the rest of the record is kept");
            assertEquals(before.naaId(), d.capabilities().naaId());
            writeBlock(d, 0, (byte) 3);
            assertEquals(3, readByte(d, 0));
        }
    }

    @Test
    void attributes_describeEveryKey_withTheDefaultsOfReferenceConf_andTheLiveOnes() {
        assertEquals(FileIoSettings.KEYS, handler.attributes().stream().map(DeviceHandlerFactory.Attribute::name)
                .collect(Collectors.toSet()));
        assertEquals(handler.liveAttributes(), handler.attributes().stream().filter(DeviceHandlerFactory.Attribute::live)
                .map(DeviceHandlerFactory.Attribute::name).collect(Collectors.toSet()));
        assertEquals(Set.of("read-only", "write-back"), handler.liveAttributes());
        Config defaults = ConfigFactory.defaultReference().getConfig("scstj.handler-defaults.vdisk_fileio");
        for (DeviceHandlerFactory.Attribute a : handler.attributes()) {
            String inConf = defaults.hasPath(a.name()) ? defaults.getValue(a.name()).unwrapped().toString() : null;
            assertEquals(inConf, a.defaultValue(), a.name());
        }
    }
}
