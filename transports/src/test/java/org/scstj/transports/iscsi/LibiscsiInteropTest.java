package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The real libiscsi utilities (Debian libiscsi-bin) against this driver on 127.0.0.1; skipped when absent. */
class LibiscsiInteropTest {
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private IscsiTargetDriver driver;
    private int port;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(!"false".equals(System.getProperty("scstj.it")), "integration tests disabled");
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString("portals = [\"127.0.0.1:0\"]")));
        driver.start(new RamDiskCore(2048, coreThread)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = driver.boundAddresses().getFirst().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        coreThread.shutdownNow();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", command[0])), command[0] + " not installed");
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "timed out: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void iscsiLs_discoversTheTargetAndItsLun() throws Exception {
        String out = run("iscsi-ls", "-s", "-i", "iqn.2026-11.test:ls", "iscsi://127.0.0.1:" + port);
        assertTrue(out.contains(RamDiskCore.TARGET), out);
        assertTrue(out.contains("Lun:0"), out);
    }

    @Test
    void iscsiInq_readsStandardInquiry() throws Exception {
        String out = run("iscsi-inq", "-i", "iqn.2026-11.test:inq", "iscsi://127.0.0.1:" + port + "/" + RamDiskCore.TARGET + "/0");
        assertTrue(out.contains("SCSTJ"), out);
    }

    @Test
    void headerDigests_interoperate() throws Exception {
        String out = run("iscsi-inq", "-i", "iqn.2026-11.test:hd",
                "iscsi://127.0.0.1:" + port + "/" + RamDiskCore.TARGET + "/0?header_digest=crc32c");
        assertTrue(out.contains("SCSTJ"), out);
    }

    @Test
    void qemuImg_writesAndReadsTheWholeDiskBack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] image = new byte[2048 * RamDiskCore.BLOCK];
        new java.util.Random(42).nextBytes(image);
        Path in = dir.resolve("in.img");
        Path back = dir.resolve("back.img");
        Files.write(in, image);
        String url = "iscsi://127.0.0.1:" + port + "/" + RamDiskCore.TARGET + "/0";
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), url);
        run("qemu-img", "convert", "-f", "raw", "-O", "raw", url, back.toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(image, Files.readAllBytes(back));
    }

    @Test
    void iscsiReadcapacity16_reportsTheSize() throws Exception {
        String out = run("iscsi-readcapacity16", "-i", "iqn.2026-11.test:rc", "iscsi://127.0.0.1:" + port + "/" + RamDiskCore.TARGET + "/0");
        assertTrue(out.contains("2047") || out.contains("1048576"), out);
    }
}
