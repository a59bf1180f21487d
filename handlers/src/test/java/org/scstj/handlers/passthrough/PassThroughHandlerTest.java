package org.scstj.handlers.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.ScsiPassThrough;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pass-through handlers over a fake SG driver and a sysfs tree of their own: how the
 * {@code device} key finds the SG node, what opening refuses, and commands and resets through the
 * device's {@link ScsiPassThrough}.
 */
class PassThroughHandlerTest {
    @TempDir
    Path root;
    private Path sysfs;
    private Path dev;

    @BeforeEach
    void tree() throws IOException {
        sysfs = root.resolve("sys");
        dev = root.resolve("dev");
        Files.createDirectories(dev);
        Files.createFile(dev.resolve("sg3"));
        Files.createFile(dev.resolve("sdb"));
        Files.createDirectories(dev.resolve("disk/by-id"));
        Files.createSymbolicLink(dev.resolve("disk/by-id/scsi-35000c500a1b2c3d4"), dev.resolve("sdb"));
        Path scsiDevice = sysfs.resolve("devices/pci0000:00/host2/target2:0:1/2:0:1:0");
        Files.createDirectories(scsiDevice.resolve("scsi_generic/sg3"));
        Files.createDirectories(sysfs.resolve("bus/scsi/devices"));
        Files.createSymbolicLink(sysfs.resolve("bus/scsi/devices/2:0:1:0"), scsiDevice);
        Files.createDirectories(sysfs.resolve("class/block/sdb"));
        Files.createSymbolicLink(sysfs.resolve("class/block/sdb/device"), scsiDevice);
    }

    private PassThroughHandler handler(String type, int pdt, FakeSg sg) {
        return new PassThroughHandler(type, pdt, sg, sysfs, dev);
    }

    private static Config device(String value) {
        return ConfigFactory.parseString("device = \"" + value + "\"");
    }

    private static DeviceHandlerFactory.Context context() {
        return new DeviceHandlerFactory.Context(Runnable::run, Path.of("/nonexistent"));
    }

    @Test
    void everyTypeHasItsHandler_registeredForTheServiceLoader() {
        List<String> types = ServiceLoader.load(DeviceHandlerFactory.class).stream().map(p -> p.get().type()).toList();
        assertTrue(types.containsAll(List.of("dev_disk", "dev_tape", "dev_processor", "dev_cdrom", "dev_modisk",
                "dev_changer", "dev_raid")), types.toString());
    }

    @Test
    void deviceKey_findsTheSgNode_byNode_byAnotherNodeOrLink_andByScsiAddress() throws Exception {
        SgAddress a = new SgAddress(sysfs, dev);
        assertEquals(dev.resolve("sg3").toRealPath(), a.resolve(dev.resolve("sg3").toString()));
        assertEquals(dev.resolve("sg3"), a.resolve(dev.resolve("sdb").toString()));
        assertEquals(dev.resolve("sg3"), a.resolve(dev.resolve("disk/by-id/scsi-35000c500a1b2c3d4").toString()));
        assertEquals(dev.resolve("sg3"), a.resolve("2:0:1:0"));
        assertEquals(dev.resolve("sg3"), a.resolve("[2:0:1:0]"));
    }

    @Test
    void validate_reportsEachProblemAsKeyAndMessage() {
        PassThroughHandler h = handler("dev_disk", 0, new FakeSg(0, true));
        assertEquals(List.of(), h.validate("d", device(dev.resolve("sg3").toString())));
        List<String> missing = h.validate("d", ConfigFactory.empty());
        assertTrue(missing.getFirst().startsWith("device: required"), missing.toString());
        List<String> address = h.validate("d", device("3:0:0:0"));
        assertTrue(address.getFirst().startsWith("device: no SCSI device at 3:0:0:0"), address.toString());
        List<String> bad = h.validate("d", ConfigFactory.parseString("device = \"/dev/sg3\", threads = 0, timeout = 2,"
                + " colour = blue"));
        assertTrue(bad.stream().anyMatch(p -> p.startsWith("threads: must be 1..")), bad.toString());
        assertTrue(bad.stream().anyMatch(p -> p.startsWith("colour: unknown key")), bad.toString());
    }

    @Test
    void open_refusesANodeThatIsNotAnSgDevice() {
        PassThroughHandler h = handler("dev_disk", 0, new FakeSg(0, false));
        IOException e = assertThrows(IOException.class,
                () -> h.open("d", device(dev.resolve("sg3").toString()), context()));
        assertTrue(e.getMessage().contains("is not a SCSI generic (sg) device"), e.getMessage());
        assertTrue(e.getMessage().startsWith("device: "), e.getMessage());
    }

    @Test
    void open_refusesADeviceOfAnotherType_namingItsHandler() {
        PassThroughHandler h = handler("dev_disk", 0, new FakeSg(0x01, true));
        IOException e = assertThrows(IOException.class, () -> h.open("d", device("2:0:1:0"), context()));
        assertTrue(e.getMessage().contains("is a sequential-access device (peripheral device type 01h), not a direct"
                + " access block device for dev_disk; use dev_tape"), e.getMessage());
    }

    @Test
    void open_getsPastThePowerOnUnitAttention_readsTheGeometry_andSendsCommands() throws Exception {
        FakeSg sg = new FakeSg(0, true);
        BlockDevice d = handler("dev_disk", 0, sg).open("d", device("2:0:1:0"), context());
        try {
            assertEquals(dev.resolve("sg3"), sg.opened);
            assertEquals(512, d.blockSize());
            assertEquals(64, d.blockCount());
            ScsiPassThrough pt = d.passThrough();
            assertNotNull(pt);
            assertSame(pt, d.passThrough());
            assertEquals(8192, pt.maxTransferBytes(), "the driver's limit");

            byte[] block = new byte[512];
            java.util.Arrays.fill(block, (byte) 0x3C);
            ScsiPassThrough.Result w = send(pt, new byte[] {0x2A, 0, 0, 0, 0, 5, 0, 0, 1, 0},
                    ScsiPassThrough.Direction.TO_DEVICE, DataBuffer.wrap(block, 512), null);
            assertEquals(0, w.status());
            byte[] in = new byte[1024];
            ScsiPassThrough.Result r = send(pt, new byte[] {0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0},
                    ScsiPassThrough.Direction.FROM_DEVICE, null, DataBuffer.wrap(in, in.length));
            assertEquals(0, r.status());
            assertEquals(512, r.residual(), "one block of the two the buffer had room for");
            assertArrayEquals(block, java.util.Arrays.copyOf(in, 512));

            ScsiPassThrough.Result beyond = send(pt, new byte[] {0x28, 0, 0, 0, 0, 64, 0, 0, 1, 0},
                    ScsiPassThrough.Direction.FROM_DEVICE, null, DataBuffer.wrap(new byte[512], 512));
            assertEquals(0x02, beyond.status());
            assertEquals(0x21, beyond.sense()[12], "the device's own sense");

            CompletableFuture<Throwable> reset = new CompletableFuture<>();
            pt.reset(reset::complete);
            assertEquals(null, reset.get(5, TimeUnit.SECONDS));
            assertEquals(1, sg.resets.get());
        } finally {
            d.close();
        }
    }

    @Test
    void maxTransfer_overridesTheDriversLimit() throws Exception {
        BlockDevice d = handler("dev_disk", 0, new FakeSg(0, true)).open("d",
                ConfigFactory.parseString("device = \"2:0:1:0\", max-transfer = 4K"), context());
        try {
            assertEquals(4096, d.passThrough().maxTransferBytes());
        } finally {
            d.close();
        }
    }

    private static ScsiPassThrough.Result send(ScsiPassThrough pt, byte[] cdb, ScsiPassThrough.Direction direction,
                                               DataBuffer out, DataBuffer in) throws Exception {
        CompletableFuture<ScsiPassThrough.Result> f = new CompletableFuture<>();
        pt.execute(cdb, direction, out, in, new ScsiPassThrough.CommandCompletion() {
            @Override
            public void completed(ScsiPassThrough.Result result) {
                f.complete(result);
            }

            @Override
            public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                f.completeExceptionally(cause);
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }
}
