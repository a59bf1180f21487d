package org.scstj.mgmt;

import org.junit.jupiter.api.Test;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code vchanger} library over a {@code vtape} drive, driven through the engine by the loopback
 * driver as mtx and the kernel's ch driver would: READ ELEMENT STATUS with barcodes and the drive's
 * identifier, MOVE MEDIUM into the drive (its nexus sees the medium arrive) and back, the refusals
 * SMC-3 names, EXCHANGE MEDIUM, and an inventory that survives a restart with the drive loaded again.
 */
class VchangerEngineTest extends EngineThroughLoopback {
    private static final String TARGET = "iqn.2026-12.org.scstj:library";
    private static final long CHANGER = LoopbackSession.lun(0);
    private static final long DRIVE = LoopbackSession.lun(1);

    private void start() throws Exception {
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers {
                    vtape { tape0 { library = "%s", capacity = 16M } }
                    vchanger { lib0 { drives = [tape0], slots = 4, import-export = 1, cartridges = [A00001L8, A00002L8] } }
                  }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "%s" { luns { 0 = lib0, 1 = tape0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), dir.resolve("library"), TARGET);
        run("library", hocon, TARGET, "iqn.2026-12.org.scstj:backup");
        run(CHANGER, new byte[6], 0).close(); // POWER ON unit attentions
        run(DRIVE, new byte[6], 0).close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return LoopbackEngine.await(stage);
    }

    private LoopbackResult run(long lun, byte[] cdb, int dataIn) throws Exception {
        return await(session.execute(lun, cdb, null, dataIn));
    }

    private String status(long lun, byte[] cdb, int dataIn) throws Exception {
        try (LoopbackResult r = run(lun, cdb, dataIn)) {
            return r.good() ? "GOOD" : "%X/%02X/%02X".formatted(r.senseKey(), r.asc(), r.ascq());
        }
    }

    private static byte[] move(int source, int destination) {
        return new byte[] {(byte) 0xA5, 0, 0, 0, (byte) (source >>> 8), (byte) source, (byte) (destination >>> 8),
                (byte) destination, 0, 0, 0, 0};
    }

    /** READ ELEMENT STATUS of every element with volume tags: address to barcode ("" when empty). */
    private Map<Integer, String> inventory() throws Exception {
        byte[] cdb = {(byte) 0xB8, 0x10, 0, 0, 0x10, 0, 0x01, 0, 0x40, 0, 0, 0};
        Map<Integer, String> out = new LinkedHashMap<>();
        try (LoopbackResult r = run(CHANGER, cdb, 0x4000)) {
            assertTrue(r.good(), r.toString());
            ByteBuffer d = ByteBuffer.wrap(r.dataInBytes());
            int count = d.getShort(2);
            int at = 8;
            int read = 0;
            while (read < count) {
                int descriptor = d.getShort(at + 2);
                boolean tags = (d.get(at + 1) & 0x80) != 0;
                int pageBytes = d.get(at + 5) << 16 & 0xFF0000 | d.getShort(at + 6) & 0xFFFF;
                for (int p = at + 8; p < at + 8 + pageBytes; p += descriptor) {
                    boolean full = (d.get(p + 2) & 0x01) != 0;
                    String tag = tags && full ? new String(r.dataInBytes(), p + 12, 32, StandardCharsets.US_ASCII).strip() : "";
                    out.put(d.getShort(p) & 0xFFFF, tag);
                    read++;
                }
                at += 8 + pageBytes;
            }
        }
        return out;
    }

    @Test
    void cartridgesMoveBetweenSlotsAndTheDrive_asSmc3Says_andTheInventorySurvivesARestart() throws Exception {
        start();
        try (LoopbackResult inquiry = run(CHANGER, new byte[] {0x12, 0, 0, 0, 96, 0}, 96)) {
            assertEquals(0x08, inquiry.dataInBytes()[0], "medium changer");
        }
        Map<Integer, String> first = inventory();
        assertEquals("A00001L8", first.get(1024));
        assertEquals("A00002L8", first.get(1025));
        assertEquals("", first.get(256), "the drive is empty");
        assertEquals("", first.get(768), "the import/export slot is empty");
        assertEquals("2/3A/00", status(DRIVE, new byte[6], 0), "an empty drive");

        assertEquals("GOOD", status(CHANGER, move(1024, 256), 0));
        assertEquals("6/28/00", status(DRIVE, new byte[6], 0), "the drive's nexus sees the cartridge arrive");
        assertEquals("GOOD", status(DRIVE, new byte[6], 0));
        byte[] record = "a backup block".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackResult w = await(session.execute(DRIVE, new byte[] {0x0A, 0, 0, 0, (byte) record.length, 0},
                ByteBuffer.wrap(record), 0))) {
            assertTrue(w.good(), w.toString());
        }

        assertEquals("5/3B/0D", status(CHANGER, move(1025, 256), 0), "MEDIUM DESTINATION ELEMENT FULL");
        assertEquals("5/3B/0E", status(CHANGER, move(1026, 1027), 0), "MEDIUM SOURCE ELEMENT EMPTY");
        assertEquals("5/21/01", status(CHANGER, move(9999, 1027), 0), "INVALID ELEMENT ADDRESS");
        assertEquals("5/24/00", status(CHANGER, new byte[] {(byte) 0xA5, 0, 0, 0, 4, 0, 4, 3, 0, 0, 1, 0}, 0), "INVERT");

        assertEquals("GOOD", status(DRIVE, new byte[] {0x1E, 0, 0, 0, 1, 0}, 0), "the drive's initiator prevents removal");
        assertEquals("5/53/02", status(CHANGER, move(256, 1026), 0), "MEDIUM REMOVAL PREVENTED");
        assertEquals("GOOD", status(DRIVE, new byte[] {0x1E, 0, 0, 0, 0, 0}, 0));

        // EXCHANGE MEDIUM: the drive's cartridge to slot 1027, slot 1025's into the drive
        byte[] exchange = {(byte) 0xA6, 0, 0, 0, 0x04, 0x01, 0x01, 0x00, 0x04, 0x03, 0, 0};
        assertEquals("GOOD", status(CHANGER, exchange, 0));
        Map<Integer, String> after = inventory();
        assertEquals("A00002L8", after.get(256));
        assertEquals("A00001L8", after.get(1027));
        assertEquals("", after.get(1025));

        shutdown();
        start();
        assertEquals(after, inventory(), "the inventory survives a restart");
        // the changer loads the drive again as the inventory says: its nexus sees the cartridge
        String drive = status(DRIVE, new byte[6], 0);
        assertTrue(drive.equals("GOOD") || drive.equals("6/28/00"), drive);
        assertEquals("GOOD", status(CHANGER, move(256, 1025), 0));
        assertEquals("GOOD", status(CHANGER, move(1027, 256), 0));
        assertEquals("6/28/00", status(DRIVE, new byte[6], 0), "A00001L8 arrived");
        assertEquals("GOOD", status(DRIVE, new byte[] {0x01, 0, 0, 0, 0, 0}, 0), "REWIND");
        try (LoopbackResult r = run(DRIVE, new byte[] {0x08, 0, 0, 0, (byte) record.length, 0}, record.length)) {
            assertTrue(r.good(), r.toString());
            assertArrayEquals(record, r.dataInBytes(), "A00001L8 still holds the backup block");
        }
        try (LoopbackResult page = run(CHANGER, new byte[] {0x1A, 0x08, 0x1D, 0, 64, 0}, 64)) {
            ByteBuffer d = ByteBuffer.wrap(page.dataInBytes());
            assertEquals(0x1D, d.get(4) & 0x3F);
            assertEquals(1024, d.getShort(4 + 6), "first storage element");
            assertEquals(4, d.getShort(4 + 8), "four slots");
            assertEquals(256, d.getShort(4 + 14), "first data transfer element");
            assertEquals(1, d.getShort(4 + 16), "one drive");
        }
    }

    @Test
    void theOperatorImportsAndExportsCartridges_throughTheImportExportElement() throws Exception {
        start();
        await(engine.importExport("lib0", "B00001L8", true, false));
        assertEquals("6/28/01", status(CHANGER, new byte[6], 0), "IMPORT OR EXPORT ELEMENT ACCESSED");
        assertEquals("B00001L8", inventory().get(768));
        java.util.concurrent.ExecutionException full = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> await(engine.importExport("lib0", "B00002L8", true, false)));
        assertTrue(full.getCause().getMessage().contains("full"), full.getCause().getMessage());
        assertEquals("GOOD", status(CHANGER, move(768, 1026), 0), "the initiator stores it");
        java.util.concurrent.ExecutionException notThere = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> await(engine.importExport("lib0", "A00001L8", false, false)));
        assertTrue(notThere.getCause().getMessage().contains("no import/export element"), notThere.getCause().getMessage());

        assertEquals("GOOD", status(CHANGER, move(1024, 768), 0), "the initiator puts A00001L8 out for export");
        assertEquals("GOOD", status(CHANGER, new byte[] {0x1E, 0, 0, 0, 1, 0}, 0), "and locks the mail slot");
        java.util.concurrent.ExecutionException locked = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> await(engine.importExport("lib0", "A00001L8", false, false)));
        assertTrue(locked.getCause().getMessage().contains("prevented"), locked.getCause().getMessage());
        assertEquals("GOOD", status(CHANGER, new byte[] {0x1E, 0, 0, 0, 0, 0}, 0));
        await(engine.importExport("lib0", "A00001L8", false, false));
        assertEquals("6/28/01", status(CHANGER, new byte[6], 0));
        Map<Integer, String> now = inventory();
        assertEquals("", now.get(768));
        assertEquals("B00001L8", now.get(1026));
        assertTrue(!now.containsValue("A00001L8"), now.toString());
    }
}
