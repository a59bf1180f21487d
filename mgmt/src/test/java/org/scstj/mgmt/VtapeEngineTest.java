package org.scstj.mgmt;

import org.junit.jupiter.api.Test;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Random;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code vtape} drive configured in HOCON and driven through the engine by the loopback driver:
 * the SSC-3 command set over a cartridge file, what a backup writes (records, filemarks) read
 * back after a REWIND and after the engine restarted, and a cartridge swap by the operator.
 */
class VtapeEngineTest extends EngineThroughLoopback {
    private static final String TARGET = "iqn.2026-12.org.scstj:tape-test";
    private static final long LUN0 = LoopbackSession.lun(0);

    private void start() throws Exception {
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers { vtape { tape0 { library = "%s", cartridge = "A00001L8", capacity = 64M } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "%s" { luns { 0 = tape0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), dir.resolve("library"), TARGET);
        run("tape-test", hocon, TARGET, "iqn.2026-12.org.scstj:tape-initiator");
        try (LoopbackResult r = await(session.execute(LUN0, new byte[6], null, 0))) {
            assertEquals(0x29, r.asc(), r.toString()); // SAM-5 5.14: POWER ON
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return LoopbackEngine.await(stage);
    }

    private LoopbackResult run(byte[] cdb, ByteBuffer dataOut, int dataIn) throws Exception {
        return await(session.execute(LUN0, cdb, dataOut, dataIn));
    }

    private byte[] good(byte[] cdb, ByteBuffer dataOut, int dataIn) throws Exception {
        try (LoopbackResult r = run(cdb, dataOut, dataIn)) {
            assertTrue(r.good(), r.toString());
            return r.dataInBytes();
        }
    }

    private static byte[] cdb6(int opcode, int flags, int length) {
        return new byte[] {(byte) opcode, (byte) flags, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 0};
    }

    private static final byte[] REWIND = {0x01, 0, 0, 0, 0, 0};

    private static byte[] record(int length, long seed) {
        byte[] d = new byte[length];
        new Random(seed).nextBytes(d);
        return d;
    }

    @Test
    void recordsAndFilemarks_readBack_afterARewind_andAfterARestart() throws Exception {
        start();
        byte[] inquiry = good(new byte[] {0x12, 0, 0, 0, 96, 0}, null, 96);
        assertEquals(0x01, inquiry[0], "sequential-access device");
        byte[][] records = {record(10240, 1), record(10240, 2), record(3000, 3)};
        for (byte[] r : records) {
            good(cdb6(0x0A, 0, r.length), ByteBuffer.wrap(r), 0);
        }
        good(cdb6(0x10, 0, 1), null, 0);                       // WRITE FILEMARKS 1
        byte[] second = record(65536, 4);
        good(cdb6(0x0A, 0, second.length), ByteBuffer.wrap(second), 0);
        good(cdb6(0x10, 0, 1), null, 0);
        good(REWIND, null, 0);
        for (byte[] r : records) {
            assertArrayEquals(r, good(cdb6(0x08, 0, r.length), null, r.length));
        }
        try (LoopbackResult fm = run(cdb6(0x08, 0, 10240), null, 10240)) {
            assertEquals(0, fm.senseKey(), fm.toString());
            assertEquals(0x80, fm.sense()[2] & 0x80, "FILEMARK");
        }

        shutdown();
        start();                                               // the cartridge file holds every acknowledged object
        good(REWIND, null, 0);
        good(new byte[] {0x11, 0x01, 0, 0, 1, 0}, null, 0);    // SPACE 1 filemark
        assertArrayEquals(second, good(cdb6(0x08, 0, second.length), null, second.length));
        byte[] position = good(new byte[] {0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 20);
        assertEquals(5, ByteBuffer.wrap(position).getInt(4), "three records, a filemark, a record");

        // the operator swaps the cartridge: a new, blank one; the drive is at its beginning
        await(engine.changeMedium("tape0", "A00002L8", false));
        try (LoopbackResult ua = run(new byte[6], null, 0)) {
            assertEquals(0x28, ua.asc(), ua.toString());
        }
        byte[] atStart = good(new byte[] {0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 20);
        assertEquals((byte) 0x80, (byte) (atStart[0] & 0x80), "BOP");
        assertEquals(0, ByteBuffer.wrap(atStart).getInt(4));
        try (LoopbackResult blank = run(cdb6(0x08, 0, 100), null, 100)) {
            assertEquals(0x08, blank.senseKey(), "BLANK CHECK on a new cartridge: " + blank);
        }
        assertTrue(Files.exists(dir.resolve("library").resolve("A00002L8.vtape")));
    }
}
