package org.scstj.mgmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.handlers.passthrough.PassThroughHandler;
import org.scstj.handlers.passthrough.SgLayer;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;
import org.scstj.transports.loopback.LoopbackSettings;
import org.scstj.transports.loopback.LoopbackTargetDriver;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code dev_disk} pass-through device configured in HOCON over a fake SG driver (this host has no
 * SCSI layer), driven through the engine by two loopback initiators: the core's emulation on top of
 * the device, end to end.
 */
class PassThroughEngineTest {
    private static final String TARGET = "iqn.2026-12.org.scstj:sg-test";
    private static final long LUN0 = LoopbackSession.lun(0);
    private static final byte[] TUR = new byte[6];

    @TempDir
    Path dir;
    private final FakeDisk disk = new FakeDisk();
    private ScsiEngine engine;
    private LoopbackTargetDriver driver;
    private LoopbackSession a;
    private LoopbackSession b;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            await(driver.stop());
        }
        if (engine != null) {
            await(engine.shutdown());
        }
    }

    private void start() throws Exception {
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Files.createFile(dev.resolve("sg7"));
        List<DeviceHandlerFactory> handlers = new ArrayList<>();
        handlers.add(new PassThroughHandler("dev_disk", 0x00, disk, dir.resolve("sys"), dev));
        ConfigLoader.installedHandlers().stream().filter(h -> !h.type().equals("dev_disk")).forEach(handlers::add);
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers { dev_disk { real0 { device = "%s", max-transfer = 64K } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "%s" { luns { 0 = real0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), dev.resolve("sg7"), TARGET);
        ScstjConfig config = new ConfigLoader(handlers).load("sg-test", hocon, ConfigFactory.empty());
        engine = ScsiEngine.start(config.engine(), config.config(), handlers);
        driver = new LoopbackTargetDriver(LoopbackSettings.DEFAULTS, LoopbackTargetDriver.POOLED_DIRECT);
        await(driver.start(engine.core()));
        a = await(driver.login("iqn.2026-12.org.scstj:host-a", TARGET));
        b = await(driver.login("iqn.2026-12.org.scstj:host-b", TARGET));
        for (LoopbackSession s : List.of(a, b)) {
            try (LoopbackResult r = await(s.execute(LUN0, TUR, null, 0))) {
                assertEquals(0x29, r.asc(), r.toString());  // SAM-5 5.14: POWER ON, from the core
            }
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private LoopbackResult run(LoopbackSession s, byte[] cdb, ByteBuffer out, int in) throws Exception {
        return await(s.execute(LUN0, cdb, out, in));
    }

    private static byte[] read10(int lba, int blocks) {
        return new byte[] {0x28, 0, 0, 0, 0, (byte) lba, 0, 0, (byte) blocks, 0};
    }

    @Test
    void twoInitiators_shareTheDevice_underTheCoresEmulation() throws Exception {
        start();
        // an opcode the core does not know reaches the device; READ data comes back
        try (LoopbackResult r = run(a, new byte[] {(byte) 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 0)) {
            assertTrue(r.good(), r.toString());
        }
        assertEquals(1, disk.count(0xC2));
        try (LoopbackResult r = run(a, read10(3, 1), null, 512)) {
            assertTrue(r.good(), r.toString());
            byte[] expected = new byte[512];
            Arrays.fill(expected, (byte) 3);
            assertArrayEquals(expected, r.dataInBytes());
        }

        // RESERVE(6) by A: B's commands conflict; the device never sees RESERVE or RELEASE
        try (LoopbackResult r = run(a, new byte[] {0x16, 0, 0, 0, 0, 0}, null, 0)) {
            assertTrue(r.good(), r.toString());
        }
        try (LoopbackResult r = run(b, read10(0, 1), null, 512)) {
            assertEquals(0x18, r.status(), r.toString());
        }
        try (LoopbackResult r = run(a, new byte[] {0x17, 0, 0, 0, 0, 0}, null, 0)) {
            assertTrue(r.good(), r.toString());
        }
        assertEquals(0, disk.count(0x16) + disk.count(0x17));

        // a READ beyond the device's transfer limit is refused before it
        try (LoopbackResult r = run(a, read10(0, 255), null, 255 * 512)) {
            assertEquals(0x24, r.asc(), r.toString());
        }
        assertEquals(1, disk.count(0x28));

        // a unit attention the device reports reaches A with the device's sense, and B from the core
        disk.unitAttentions.add(new int[] {0x2A, 0x09});
        try (LoopbackResult r = run(a, TUR, null, 0)) {
            assertEquals(0x2A, r.asc(), r.toString());
        }
        try (LoopbackResult r = run(b, TUR, null, 0)) {
            assertEquals(0x2A, r.asc(), r.toString());
            assertEquals(0x09, r.ascq(), r.toString());
        }

        // MODE SELECT by A: B gets MODE PARAMETERS CHANGED
        byte[] control = {0, 0, 0, 0, 0x0A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        try (LoopbackResult r = run(a, new byte[] {0x15, 0x10, 0, 0, 16, 0}, ByteBuffer.wrap(control), 0)) {
            assertTrue(r.good(), r.toString());
        }
        try (LoopbackResult r = run(b, TUR, null, 0)) {
            assertEquals(0x2A, r.asc(), r.toString());
            assertEquals(0x01, r.ascq(), r.toString());
        }
        try (LoopbackResult r = run(a, TUR, null, 0)) {
            assertTrue(r.good(), "not to the initiator that changed them: " + r);
        }

        // INQUIRY VPD 83h: the device's logical unit designator, scstj's target port
        try (LoopbackResult r = run(b, new byte[] {0x12, 1, (byte) 0x83, 0, (byte) 255, 0}, null, 255)) {
            assertTrue(r.good(), r.toString());
            byte[] p = r.dataInBytes();
            boolean deviceNaa = false;
            boolean scsiName = false;
            for (int at = 4; at + 4 <= p.length; at += 4 + (p[at + 3] & 0xFF)) {
                deviceNaa |= (p[at + 1] & 0x3F) == 0x03 && p[at + 4] == 0x60;
                scsiName |= (p[at + 1] & 0x3F) == 0x18
                        && new String(p, at + 4, p[at + 3] & 0xFF).startsWith(TARGET);
            }
            assertTrue(deviceNaa, "the device's NAA designator");
            assertTrue(scsiName, "scstj's target port SCSI name");
        }

        // LOGICAL UNIT RESET: the device is reset, both initiators learn of it
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE,
                await(a.taskManagement(TmfRequest.Function.LOGICAL_UNIT_RESET, LUN0, 0)));
        assertEquals(1, disk.resets.get());
        for (LoopbackSession s : List.of(a, b)) {
            try (LoopbackResult r = run(s, TUR, null, 0)) {
                assertEquals(0x29, r.asc(), r.toString());
            }
        }
    }

    /** The SG driver with a disk of 64 blocks behind it, block n filled with n. */
    static final class FakeDisk implements SgLayer {
        final List<byte[]> seen = new CopyOnWriteArrayList<>();
        final ArrayDeque<int[]> unitAttentions = new ArrayDeque<>();
        final AtomicInteger resets = new AtomicInteger();

        int count(int opcode) {
            return (int) seen.stream().filter(c -> (c[0] & 0xFF) == opcode).count();
        }

        @Override
        public Device open(Path node) {
            return new Device() {
                @Override public int versionNumber() { return 30536; }
                @Override public int maxTransferBytes() { return 1 << 20; }
                @Override public void reset() { resets.incrementAndGet(); }
                @Override public void close() { }

                @Override
                public Answer execute(byte[] cdb, int direction, ByteBuffer data, int timeoutMs) {
                    return answer(cdb, data);
                }
            };
        }

        private Answer answer(byte[] cdb, ByteBuffer data) {
            seen.add(cdb.clone());
            int room = data == null ? 0 : data.remaining();
            int[] ua;
            synchronized (unitAttentions) {
                ua = (cdb[0] & 0xFF) == 0x12 ? null : unitAttentions.poll();
            }
            if (ua != null) {
                byte[] s = new byte[18];
                s[0] = 0x70;
                s[2] = 0x6;
                s[7] = 10;
                s[12] = (byte) ua[0];
                s[13] = (byte) ua[1];
                return new Answer(0x02, 0, 0x08, s, room);
            }
            byte[] d = switch (cdb[0] & 0xFF) {
                case 0x12 -> (cdb[1] & 1) == 0 ? standard()
                        : new byte[] {0, (byte) 0x83, 0, 12, 0x01, 0x03, 0, 8, 0x60, 0, 0x12, 0x34, 0x56, 0x78, 0, 1};
                case 0x25 -> new byte[] {0, 0, 0, 63, 0, 0, 2, 0};
                case 0x28 -> {
                    byte[] blocks = new byte[(cdb[8] & 0xFF) * 512];
                    Arrays.fill(blocks, cdb[5]);
                    yield blocks;
                }
                case 0x5A -> new byte[] {0, 18, 0, 0, 0, 0, 0, 0, 0x0A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
                default -> new byte[0];
            };
            int n = Math.min(room, d.length);
            if (n > 0) {
                data.duplicate().put(d, 0, n);
            }
            return new Answer(0, 0, 0, new byte[0], room - n);
        }

        private static byte[] standard() {
            byte[] d = new byte[36];
            d[2] = 0x06;
            d[3] = 0x02;
            d[4] = 31;
            System.arraycopy("FAKESG  FAKE DISK       ".getBytes(), 0, d, 8, 24);
            return d;
        }
    }
}
