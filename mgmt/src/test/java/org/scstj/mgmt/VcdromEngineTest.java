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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code vcdrom} LU configured in HOCON and driven through the engine by the loopback driver,
 * as the daemon runs it: the MMC-6 answers Linux's sr and Windows' cdrom.sys rely on, and the live
 * media change, told to every I_T nexus (28/00 and the GET EVENT STATUS NOTIFICATION media event),
 * refused while an initiator prevents removal unless forced.
 */
class VcdromEngineTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:cd-test";
    private static final long LUN0 = LoopbackSession.lun(0);
    private static final int BLOCK = 2048;

    @TempDir
    Path dir;
    private ScsiEngine engine;
    private LoopbackTargetDriver driver;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            await(driver.stop());
        }
        if (engine != null) {
            await(engine.shutdown());
        }
    }

    private Path image(String name, int blocks, long seed) throws Exception {
        byte[] data = new byte[blocks * BLOCK];
        new Random(seed).nextBytes(data);
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }

    private void start(Path image) throws Exception {
        String device = image == null ? "cd0 {}" : "cd0 { image = \"" + image + "\" }";
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers { vcdrom { %s } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]   # required by the model; the loopback driver binds nothing
                    targets { "%s" { luns { 0 = cd0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), device, TARGET);
        ScstjConfig config = new ConfigLoader(ConfigLoader.installedHandlers()).load("cd-test", hocon, ConfigFactory.empty());
        engine = ScsiEngine.start(config.engine(), config.config(), ConfigLoader.installedHandlers());
        driver = new LoopbackTargetDriver(LoopbackSettings.DEFAULTS, LoopbackTargetDriver.POOLED_DIRECT);
        await(driver.start(engine.core()));
    }

    /** A new nexus, its POWER ON unit attention (SAM-5 5.14) already taken. */
    private LoopbackSession login(String initiator) throws Exception {
        LoopbackSession s = await(driver.login("iqn.2026-11.org.scstj:" + initiator, TARGET));
        try (LoopbackResult r = run(s, new byte[6], 0)) {
            assertEquals(0x29, r.asc(), r.toString());
        }
        return s;
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static LoopbackResult run(LoopbackSession s, byte[] cdb, int dataIn) throws Exception {
        return await(s.execute(LUN0, cdb, null, dataIn));
    }

    private static byte[] good(LoopbackSession s, byte[] cdb, int dataIn) throws Exception {
        try (LoopbackResult r = run(s, cdb, dataIn)) {
            assertTrue(r.good(), r.toString());
            return r.dataInBytes();
        }
    }

    /** Sense key, ASC and ASCQ of a CHECK CONDITION, as "k/aa/qq". */
    private static String sense(LoopbackSession s, byte[] cdb, int dataIn) throws Exception {
        try (LoopbackResult r = run(s, cdb, dataIn)) {
            assertFalse(r.good(), "expected CHECK CONDITION: " + r);
            return "%X/%02X/%02X".formatted(r.senseKey(), r.asc(), r.ascq());
        }
    }

    private static byte[] cdb(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    private static byte[] read10(long lba, int blocks) {
        return ByteBuffer.allocate(10).put((byte) 0x28).put((byte) 0).putInt((int) lba).put((byte) 0)
                .putShort((short) blocks).put((byte) 0).array();
    }

    private static final byte[] TUR = new byte[6];
    private static final byte[] GESN_MEDIA = cdb(0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0);
    private static final byte[] PREVENT = cdb(0x1E, 0, 0, 0, 0x01, 0);

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    @Test
    void inquiry_isARemovableCdDvdDevice_claimingMmc6_andReadsTheImage() throws Exception {
        Path iso = image("a.iso", 64, 1);
        start(iso);
        LoopbackSession s = login("a");
        byte[] inquiry = good(s, cdb(0x12, 0, 0, 0, 96, 0), 96);
        assertEquals(0x05, inquiry[0], "PERIPHERAL DEVICE TYPE 05h");
        assertEquals((byte) 0x80, inquiry[1], "RMB");
        assertEquals(0, inquiry[5] & 0x08, "no third-party copy");
        boolean mmc6 = false;
        for (int at = 58; at < 74; at += 2) {
            mmc6 |= u16(inquiry, at) == 0x04E0;
        }
        assertTrue(mmc6, "MMC-6 version descriptor");

        byte[] capacity = good(s, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8);
        assertEquals(63, u32(capacity, 0));
        assertEquals(BLOCK, u32(capacity, 4));
        byte[] expected = Arrays.copyOfRange(Files.readAllBytes(iso), 5 * BLOCK, 8 * BLOCK);
        assertArrayEquals(expected, good(s, read10(5, 3), 3 * BLOCK));
        // READ(12) and READ(6) are the block commands' own
        byte[] read12 = ByteBuffer.allocate(12).put((byte) 0xA8).put((byte) 0).putInt(5).putInt(3).put((byte) 0)
                .put((byte) 0).array();
        assertArrayEquals(expected, good(s, read12, 3 * BLOCK));
        assertEquals("5/21/00", sense(s, read10(64, 1), BLOCK), "past the disc: LBA OUT OF RANGE");

        // writes: DATA PROTECT, WRITE PROTECTED; an SBC command MMC does not have: INVALID COMMAND OPERATION CODE
        try (LoopbackResult r = await(s.execute(LUN0, cdb(0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0),
                ByteBuffer.allocate(BLOCK), 0))) {
            assertEquals("7/27/00", "%X/%02X/%02X".formatted(r.senseKey(), r.asc(), r.ascq()), r.toString());
        }
        assertEquals("5/20/00", sense(s, cdb(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0), 32),
                "READ CAPACITY(16) is not a CD/DVD device's");
    }

    @Test
    void toc_discAndTrackInformation_describeOneFinishedDataTrack() throws Exception {
        start(image("a.iso", 1000, 2));
        LoopbackSession s = login("a");
        byte[] toc = good(s, cdb(0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0), 100);
        assertEquals(18, u16(toc, 0), "TOC DATA LENGTH: 2 + two descriptors");
        assertEquals(1, toc[2]);
        assertEquals(1, toc[3]);
        assertEquals(0x14, toc[5], "ADR 1, CONTROL data track");
        assertEquals(1, toc[6]);
        assertEquals(0, u32(toc, 8), "track 1 at LBA 0");
        assertEquals((byte) 0xAA, toc[14]);
        assertEquals(1000, u32(toc, 16), "lead-out after the last block");

        byte[] msf = good(s, cdb(0x43, 0x02, 0, 0, 0, 0, 0xAA, 0, 100, 0), 100);
        assertEquals(10, u16(msf, 0), "the lead-out alone");
        // LBA 1000 + 150 frames = 1150 = 0:15:25
        assertArrayEquals(new byte[] {0, 0, 15, 25}, Arrays.copyOfRange(msf, 8, 12));
        assertEquals("5/24/00", sense(s, cdb(0x43, 0, 0, 0, 0, 0, 2, 0, 100, 0), 100), "no track 2");
        assertEquals("5/24/00", sense(s, cdb(0x43, 0, 4, 0, 0, 0, 0, 0, 100, 0), 100), "no ATIP on a pressed disc");

        byte[] session = good(s, cdb(0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0), 12);
        assertEquals(10, u16(session, 0));
        byte[] full = good(s, cdb(0x43, 0x02, 2, 0, 0, 0, 1, 0, 200, 0), 200);
        assertEquals(2 + 4 * 11, u16(full, 0));
        assertEquals((byte) 0xA2, full[4 + 2 * 11 + 3], "POINT A2h: the lead-out");

        byte[] disc = good(s, cdb(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), 34);
        assertEquals(32, u16(disc, 0));
        assertEquals(0x0E, disc[2], "complete session, finished disc");
        byte[] track = good(s, cdb(0x52, 0x01, 0, 0, 0, 1, 0, 0, 48, 0), 48);
        assertEquals(1000, u32(track, 24), "LOGICAL TRACK SIZE");
        assertEquals("5/24/00", sense(s, cdb(0x52, 0x01, 0, 0, 0, 2, 0, 0, 48, 0), 48), "no track 2");
        assertEquals("5/24/00", sense(s, cdb(0x52, 0x00, 0, 0, 0x03, 0xE8, 0, 0, 48, 0), 48), "LBA 1000 is the lead-out");
    }

    /** The feature codes of GET CONFIGURATION data, in order (MMC-6 5.3.1: 4-byte header, ADDITIONAL LENGTH at byte 3). */
    private static List<Integer> featureCodes(byte[] data) {
        List<Integer> codes = new java.util.ArrayList<>();
        for (int at = 8; at < data.length; at += 4 + (data[at + 3] & 0xFF)) {
            codes.add(u16(data, at));
        }
        return codes;
    }

    @Test
    void getConfiguration_reportsTheCdRomProfile_andItsFeatures() throws Exception {
        start(image("a.iso", 100, 3));
        LoopbackSession s = login("a");
        byte[] all = good(s, cdb(0x46, 0, 0, 0, 0, 0, 0, 0x01, 0, 0), 256);
        assertEquals(0x0008, u16(all, 6), "current profile CD-ROM");
        assertEquals(all.length - 4, u32(all, 0));
        assertEquals(List.of(0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001E, 0x001F), featureCodes(all));
        byte[] current = good(s, cdb(0x46, 0x01, 0, 0, 0, 0, 0, 0x01, 0, 0), 256);
        assertEquals(List.of(0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001E), featureCodes(current),
                "no DVD Read with a CD in");
        byte[] one = good(s, cdb(0x46, 0x02, 0, 0x03, 0, 0, 0, 0x01, 0, 0), 256);
        assertEquals(8 + 8, one.length, "RT 10b: the Removable Medium feature alone");
        assertEquals("5/24/00", sense(s, cdb(0x46, 0x03, 0, 0, 0, 0, 0, 0x01, 0, 0), 256), "RT 11b is reserved");
        assertEquals("5/24/00", sense(s, cdb(0x4A, 0x00, 0, 0, 0x10, 0, 0, 0, 8, 0), 8),
                "GET EVENT STATUS NOTIFICATION: asynchronous (POLLED 0) is not supported");
        assertEquals("5/24/00", sense(s, cdb(0xAC, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0x05, 0), 64),
                "GET PERFORMANCE type 05h");
        assertEquals("5/24/00", sense(s, cdb(0x51, 0x01, 0, 0, 0, 0, 0, 0, 34, 0), 34),
                "READ DISC INFORMATION: only standard disc information");
        byte[] performance = good(s, cdb(0xAC, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0), 64);
        assertEquals(8 + 16 - 4, u32(performance, 0), "one nominal read descriptor");
        assertEquals(99, u32(performance, 16), "to the last block");

        byte[] page2a = good(s, cdb(0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0, 64, 0), 64);
        assertEquals(0, u16(page2a, 6), "no block descriptor");
        assertEquals(0x2A, page2a[8] & 0x3F);
        assertEquals(0x08, page2a[8 + 6] & 0x08, "the tray ejects");
    }

    @Test
    void aSwap_tellsEveryNexus_28_00_andNewMedia_andTheNewDiscIsRead() throws Exception {
        Path a = image("a.iso", 64, 4);
        Path b = image("b.iso", 128, 5);
        start(a);
        LoopbackSession one = login("one");
        LoopbackSession two = login("two");
        byte[] idle = good(one, GESN_MEDIA, 8);
        assertEquals(4, idle[2], "media class");
        assertEquals(0, idle[4], "no change");
        assertEquals(0x02, idle[5], "media present, tray closed");

        await(engine.changeMedium("cd0", b.toString(), false));
        for (LoopbackSession s : List.of(one, two)) {
            byte[] event = good(s, GESN_MEDIA, 8); // not held up by the unit attention (MMC-6 4.1.6.1)
            assertEquals(0x02, event[4], "NewMedia");
            assertEquals("6/28/00", sense(s, TUR, 0), "NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED");
            good(s, TUR, 0);
            assertEquals(0, good(s, GESN_MEDIA, 8)[4], "the event was taken");
        }
        byte[] capacity = good(one, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8);
        assertEquals(127, u32(capacity, 0));
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(b), 100 * BLOCK, 101 * BLOCK),
                good(two, read10(100, 1), BLOCK));
    }

    @Test
    void aSwapWhileAnInitiatorPreventsRemoval_isRefusedUnlessForced_andAsksThemToEject() throws Exception {
        Path a = image("a.iso", 64, 6);
        Path b = image("b.iso", 64, 7);
        start(a);
        LoopbackSession s = login("one");
        good(s, PREVENT, 0);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> await(engine.changeMedium("cd0", b.toString(), false)));
        assertTrue(refused.getCause().getMessage().contains("prevented"), refused.getCause().getMessage());
        assertEquals(0x01, good(s, GESN_MEDIA, 8)[4], "EjectRequest");
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(a), 0, BLOCK), good(s, read10(0, 1), BLOCK),
                "the old disc is still in");
        assertEquals("5/53/02", sense(s, cdb(0x1B, 0, 0, 0, 0x02, 0), 0), "START STOP UNIT eject: MEDIUM REMOVAL PREVENTED");

        await(engine.changeMedium("cd0", b.toString(), true));
        assertEquals("6/28/00", sense(s, TUR, 0));
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(b), 0, BLOCK), good(s, read10(0, 1), BLOCK));
    }

    @Test
    void anEmptyDrive_isNotReady_trayClosed_andATrayOpenedByAnInitiator_says3A02() throws Exception {
        Path a = image("a.iso", 64, 8);
        start(null);
        LoopbackSession s = login("one");
        assertEquals("2/3A/01", sense(s, TUR, 0), "MEDIUM NOT PRESENT - TRAY CLOSED");
        assertEquals("2/3A/01", sense(s, read10(0, 1), BLOCK));
        byte[] config = good(s, cdb(0x46, 0, 0, 0, 0, 0, 0, 0x01, 0, 0), 256);
        assertEquals(0, u16(config, 6), "no current profile");
        byte[] formats = good(s, cdb(0x23, 0, 0, 0, 0, 0, 0, 0, 12, 0), 12);
        assertEquals(0x03, formats[8] & 0x03, "no media present");
        assertEquals(0x00, good(s, GESN_MEDIA, 8)[5], "no media, tray closed");

        await(engine.changeMedium("cd0", a.toString(), false));
        assertEquals("6/28/00", sense(s, TUR, 0));
        good(s, TUR, 0);
        assertEquals(0x02, good(s, GESN_MEDIA, 8)[4], "NewMedia");
        good(s, cdb(0x1B, 0, 0, 0, 0x02, 0), 0);          // LOEJ 1, START 0: open the tray
        assertEquals("2/3A/02", sense(s, TUR, 0), "MEDIUM NOT PRESENT - TRAY OPEN");
        byte[] removal = good(s, GESN_MEDIA, 8);
        assertEquals(0x03, removal[4], "MediaRemoval");
        assertEquals(0x01, removal[5], "tray open, no media");
        byte[] mechanism = good(s, cdb(0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0), 8);
        assertEquals(0x10, mechanism[1] & 0x10, "DOOR OPEN");
        good(s, cdb(0x1B, 0, 0, 0, 0x03, 0), 0);          // LOEJ 1, START 1: close it, the disc is back
        good(s, TUR, 0);
        assertEquals(0x02, good(s, GESN_MEDIA, 8)[4], "NewMedia");

        await(engine.changeMedium("cd0", null, false));
        assertEquals("2/3A/01", sense(s, TUR, 0));
        assertEquals(0x03, good(s, GESN_MEDIA, 8)[4], "MediaRemoval");
    }

    @Test
    void badImages_areRefused_withTheKeyAndWhy() throws Exception {
        Path odd = dir.resolve("odd.iso");
        Files.write(odd, new byte[3000]);
        ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());
        for (String[] c : new String[][] {
                {odd.toString(), "not a multiple of 2048"},
                {dir.resolve("missing.iso").toString(), "does not exist"},
                {dir.toString(), "not a regular file"},
                {"relative.iso", "not an absolute path"}}) {
            String hocon = """
                    scstj {
                      handlers { vcdrom { cd0 { image = "%s" } } }
                      target-drivers.iscsi { portals = ["127.0.0.1:3260"], targets { "%s" { luns { 0 = cd0 } } } }
                    }
                    """.formatted(c[0], TARGET);
            Exception e = assertThrows(Exception.class, () -> loader.load("cd.conf", hocon, ConfigFactory.empty()));
            assertTrue(e.getMessage().contains("cd.conf:2: scstj.handlers.vcdrom.cd0.image: "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        start(image("a.iso", 16, 9));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(engine.changeMedium("cd0", odd.toString(), false)));
        assertTrue(e.getCause().getMessage().contains("not a multiple of 2048"), e.getCause().getMessage());
    }
}
