package org.scstj.mgmt;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;
import org.scstj.transports.loopback.LoopbackSettings;
import org.scstj.transports.loopback.LoopbackTargetDriver;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@code vdisk_blockio} LU on a loop device with 4096-byte sectors, configured in HOCON and
 * driven through the engine by the loopback driver, as the daemon would: what initiators see of
 * the device's geometry, and its data path end to end.
 */
class BlockIoEngineTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:blockio-test";
    private static final long LUN0 = LoopbackSession.lun(0);
    private static final int BLOCK = 4096;
    private static final long BYTES = 32L << 20;

    @TempDir
    Path dir;
    private String loop;
    private ScsiEngine engine;
    private LoopbackTargetDriver driver;
    private LoopbackSession session;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            await(driver.stop());
        }
        if (engine != null) {
            await(engine.shutdown());
        }
        if (loop != null) {
            assertEquals(0, run("losetup", "-d", loop).exitValue());
        }
    }

    private void start() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (var raf = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            raf.setLength(BYTES);
        }
        Process p;
        try {
            p = run("losetup", "-f", "--show", "--sector-size", Integer.toString(BLOCK), backing.toString());
        } catch (java.io.IOException e) {
            assumeTrue(false, "losetup is missing");
            return;
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.exitValue() == 0 || !err.contains("ermi"), "losetup not permitted: " + err);
        assertEquals(0, p.exitValue(), err);
        loop = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_blockio { blk0 { filename = "%s" } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]   # required by the model; the loopback driver binds nothing
                    targets { "%s" { luns { 0 = blk0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), loop, TARGET);
        ScstjConfig config = new ConfigLoader(ConfigLoader.installedHandlers()).load("blockio-test", hocon,
                ConfigFactory.empty());
        engine = ScsiEngine.start(config.engine(), config.config(), ConfigLoader.installedHandlers());
        driver = new LoopbackTargetDriver(LoopbackSettings.DEFAULTS, LoopbackTargetDriver.POOLED_DIRECT);
        await(driver.start(engine.core()));
        session = await(driver.login("iqn.2026-11.org.scstj:blockio-initiator", TARGET));
        // SAM-5 5.14: the first command of a new nexus reports POWER ON 29/00
        await(session.execute(LUN0, new byte[6], null, 0)).close();
    }

    private static Process run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        return p;
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private byte[] command(byte[] cdb, ByteBuffer dataOut, int dataIn) throws Exception {
        try (LoopbackResult r = await(session.execute(LUN0, cdb, dataOut, dataIn))) {
            assertTrue(r.good(), r.toString());
            return r.dataInBytes();
        }
    }

    /** A 16-byte CDB with an 8-byte LBA at 2 and a 4-byte length at 10 (SBC-4 READ(16), WRITE(16), ...). */
    private static byte[] cdb16(int opcode, int flags, long lba, int length) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) opcode).put((byte) flags).putLong(lba).putInt(length);
        return b.array();
    }

    @Test
    void readCapacity16_showsTheLoopDevicesBlocks_andItIsThin() throws Exception {
        start();
        // SBC-4 5.20 READ CAPACITY(16): SERVICE ACTION IN(16) 9Eh / 10h, allocation length 32
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x10;
        cdb[13] = 32;
        ByteBuffer data = ByteBuffer.wrap(command(cdb, null, 32));
        assertEquals(BYTES / BLOCK - 1, data.getLong(0), "RETURNED LOGICAL BLOCK ADDRESS");
        assertEquals(BLOCK, data.getInt(8), "LOGICAL BLOCK LENGTH IN BYTES");
        assertEquals(0, data.get(13) & 0x0F, "LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (a loop device: 4096 on 4096)");
        assertEquals(0x80, data.get(14) & 0x80, "LBPME: the loop device discards, so the LU is thin");
        assertEquals(0x40, data.get(14) & 0x40, "LBPRZ");
    }

    @Test
    void writeWithFua_readsBack_synchronizeCache_andUnmapReadsZeros() throws Exception {
        start();
        byte[] data = new byte[4 * BLOCK];
        new Random(15).nextBytes(data);
        // SBC-4 5.46 WRITE(16) with FUA (byte 1 bit 3)
        command(cdb16(0x8A, 0x08, 100, 4), ByteBuffer.wrap(data), 0);
        // SBC-4 5.16 READ(16)
        assertArrayEquals(data, command(cdb16(0x88, 0, 100, 4), null, data.length));
        // SBC-4 5.25 SYNCHRONIZE CACHE(10)
        command(new byte[] {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 0);
        // SBC-4 5.30 UNMAP: an 8-byte header, then one 16-byte descriptor {LBA, blocks}
        ByteBuffer list = ByteBuffer.allocate(24);
        list.putShort((short) 22).putShort((short) 16).putInt(0).putLong(100).putInt(4).putInt(0).flip();
        command(new byte[] {0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0}, list, 0);
        assertArrayEquals(new byte[data.length], command(cdb16(0x88, 0, 100, 4), null, data.length));
    }
}
