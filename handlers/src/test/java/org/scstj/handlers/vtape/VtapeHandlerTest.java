package org.scstj.handlers.vtape;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.TapeMedium;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class VtapeHandlerTest {
    @TempDir
    Path dir;
    private final VtapeHandler handler = new VtapeHandler();
    private final ExecutorService io = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws Exception {
        io.shutdown();
        assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
    }

    private BlockDevice open(Map<String, Object> keys) throws IOException {
        return handler.open("tape0", ConfigFactory.parseMap(keys), new DeviceHandlerFactory.Context(io, dir));
    }

    private List<String> validate(Map<String, Object> keys) {
        return handler.validate("tape0", ConfigFactory.parseMap(keys));
    }

    private Map<String, Object> keys(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("library", dir.resolve("vtl").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static BlockDevice.IoFailure run(java.util.function.Consumer<BlockDevice.Completion> op) throws Exception {
        CompletableFuture<BlockDevice.IoFailure> f = new CompletableFuture<>();
        op.accept(new BlockDevice.Completion() {
            @Override public void completed() { f.complete(null); }
            @Override public void failed(BlockDevice.IoFailure failure, Throwable cause) { f.complete(failure); }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHandler_isFoundByTheServiceLoader_withItsMediumKeyAndDefaults() {
        assertTrue(ServiceLoader.load(DeviceHandlerFactory.class).stream()
                .anyMatch(p -> p.type() == VtapeHandler.class));
        assertEquals("vtape", handler.type());
        assertEquals("cartridge", handler.mediumAttribute());
        assertEquals(List.of("library", "cartridge", "capacity", "cartridges"),
                handler.attributes().stream().map(DeviceHandlerFactory.Attribute::name).toList());
        assertEquals(1L << 30, ConfigFactory.defaultReference().getBytes("scstj.handler-defaults.vtape.capacity"));
    }

    @Test
    void validate_acceptsAGoodDrive_andNamesTheKeyOfEachProblem() throws Exception {
        assertEquals(List.of(), validate(keys("cartridge", "A00001", "capacity", "1M", "cartridges", List.of("B1", "B2"))));
        assertEquals(List.of("library: missing (the directory holding the cartridges)"),
                handler.validate("tape0", ConfigFactory.empty()));
        assertEquals(List.of("library: vtl is not an absolute path"), validate(Map.of("library", "vtl")));
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals(List.of("library: " + file + " is not a directory"), validate(Map.of("library", file.toString())));
        assertEquals(List.of("library: " + file.resolve("vtl") + " does not exist and cannot be created ("
                + file + " is not a writable directory)"), validate(Map.of("library", file.resolve("vtl").toString())));
        assertEquals(List.of("capacity: 524288 bytes is less than the smallest cartridge, 1M (1048576 bytes)"),
                validate(keys("capacity", "512K")));
        assertTrue(validate(keys("capacity", "lots")).getFirst().startsWith("capacity: not a size: \"lots\""));
        assertTrue(validate(keys("cartridge", "A 1")).getFirst().startsWith("cartridge: 'A 1' holds a space"));
        assertTrue(validate(keys("cartridge", "A/1")).getFirst().startsWith("cartridge: 'A/1' holds a '/'"));
        assertTrue(validate(keys("cartridge", "x".repeat(33))).getFirst().startsWith("cartridge: '" + "x".repeat(33)
                + "' is 33 characters, more than a volume tag's 32"));
        assertEquals(List.of("cartridge: an empty barcode (leave the key out for an empty drive)"),
                validate(keys("cartridge", "")));
        assertEquals(List.of("cartridges: an empty barcode"), validate(keys("cartridges", List.of("C1", ""))));
        assertTrue(validate(keys("cartridges", "C1")).getFirst().startsWith("cartridges: expected a list of barcodes"));
        assertEquals(List.of("image: unknown key for a vtape device (known: capacity, cartridge, cartridges, library)"),
                validate(keys("image", "/x.iso")));
        assertFalse(Files.exists(dir.resolve("vtl")), "validate creates nothing");
    }

    @Test
    void validate_checksTheHeaderOfAnExistingCartridge() throws Exception {
        Path vtl = Files.createDirectory(dir.resolve("vtl"));
        Files.write(vtl.resolve("JUNK01.vtape"), new byte[100]);
        Files.createDirectory(vtl.resolve("DIR001.vtape"));
        assertEquals(List.of("cartridge: " + vtl.resolve("JUNK01.vtape") + " is not a vtape cartridge (no SCSTJTAP magic)"),
                validate(keys("cartridge", "JUNK01")));
        assertEquals(List.of("cartridges: " + vtl.resolve("DIR001.vtape") + " is not a regular file"),
                validate(keys("cartridges", List.of("DIR001"))));
        open(keys("cartridges", List.of("GOOD01"))).close();
        assertEquals(List.of(), validate(keys("cartridge", "GOOD01")));
    }

    @Test
    void validate_refusesALibraryThisProcessCannotWrite() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertEquals(List.of("library: " + ro + " is not writable by this process"),
                    validate(Map.of("library", ro.toString())));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void open_createsTheLibraryAndItsCartridges_andIsATapeDrive() throws Exception {
        try (BlockDevice d = open(keys("cartridge", "A00001", "capacity", "2M", "cartridges", List.of("B00001", "B00002")))) {
            Path vtl = dir.resolve("vtl");
            for (String barcode : List.of("A00001", "B00001", "B00002")) {
                assertTrue(Files.isRegularFile(vtl.resolve(barcode + ".vtape")), barcode);
            }
            assertEquals(BlockDevice.TAPE, d.peripheralDeviceType());
            assertEquals("vtape", d.handlerType());
            assertTrue(d.mediumLoaded());
            assertEquals("A00001", d.tape().barcode());
            assertEquals(2L << 20, d.tape().capacityBytes());
            assertEquals(0, d.blockSize());
            assertEquals(0, d.blockCount());
            BlockDevice.Capabilities caps = d.capabilities();
            assertTrue(caps.removable());
            assertFalse(caps.readOnly());
            assertFalse(caps.writeBackCache());
            assertEquals(BlockDevice.IoFailure.INTERNAL, run(c -> d.read(0, ByteBuffer.allocate(512), c)));
            assertEquals(BlockDevice.IoFailure.INTERNAL, run(c -> d.write(0, ByteBuffer.allocate(512), true, c)));
            assertNull(run(d::flush));
        }
    }

    @Test
    void aDriveWithoutCartridge_isEmpty() throws Exception {
        try (BlockDevice d = open(keys())) {
            assertFalse(d.mediumLoaded());
            assertNull(d.tape());
            assertTrue(Files.isDirectory(dir.resolve("vtl")));
        }
    }

    @Test
    void changeMedium_swapsCartridges_creatingMissingOnes_andKeepsTheOldOneOnFailure() throws Exception {
        try (BlockDevice d = open(keys("capacity", "4M"))) {
            d.changeMedium("A00001");
            TapeMedium a = d.tape();
            assertEquals("A00001", a.barcode());
            assertEquals(4L << 20, a.capacityBytes());
            byte[] data = "written on A".getBytes();
            assertNull(run(c -> a.write(0, new ByteBuffer[]{ByteBuffer.wrap(data)}, 1, c)));

            d.changeMedium("A00001"); // already in: nothing changes
            assertSame(a, d.tape());

            d.changeMedium("B00001");
            assertEquals("B00001", d.tape().barcode());
            assertEquals(0, d.tape().objectCount());

            IOException bad = assertThrows(IOException.class, () -> d.changeMedium("no/such"));
            assertTrue(bad.getMessage().startsWith("'no/such' holds a '/'"), bad.getMessage());
            assertEquals("B00001", d.tape().barcode());

            d.changeMedium("A00001");
            TapeMedium again = d.tape();
            assertEquals(2, again.objectCount());
            assertTrue(again.isFilemark(1));
            ByteBuffer back = ByteBuffer.allocate(data.length);
            assertNull(run(c -> again.readRecord(0, back, c)));
            assertArrayEquals(data, back.array());

            d.changeMedium(null);
            assertFalse(d.mediumLoaded());
            assertNull(d.tape());
        }
    }

    @Test
    void aCartridgeInOneDrive_cannotBeLoadedIntoAnother() throws Exception {
        try (BlockDevice one = open(keys("cartridge", "A00001")); BlockDevice two = open(keys("cartridge", "B00001"))) {
            IOException busy = assertThrows(IOException.class, () -> two.changeMedium("A00001"));
            assertTrue(busy.getMessage().contains("in another drive"), busy.getMessage());
            assertEquals("B00001", two.tape().barcode());
            one.changeMedium(null);
            two.changeMedium("A00001");
            assertEquals("A00001", two.tape().barcode());
        }
    }
}
