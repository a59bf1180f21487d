package org.scstj.handlers.vtape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CartridgeTest {
    private static final long SIXTEEN_MIB = 16L << 20;

    @TempDir
    Path library;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "vtape-io"));
    private final List<Cartridge> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (Cartridge c : opened) {
            c.close();
        }
        io.shutdown();
        assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
    }

    private Cartridge open(String barcode, long capacity) throws IOException {
        Cartridge c = Cartridge.open(library, barcode, capacity, io);
        opened.add(c);
        return c;
    }

    private Cartridge reopen(Cartridge c) throws IOException {
        c.close();
        opened.remove(c);
        return open(c.barcode(), c.capacityBytes());
    }

    /** Runs one operation; returns its failure, or null when it completed (on the executor's thread). */
    private static BlockDevice.IoFailure run(java.util.function.Consumer<BlockDevice.Completion> op) throws Exception {
        CompletableFuture<BlockDevice.IoFailure> f = new CompletableFuture<>();
        op.accept(new BlockDevice.Completion() {
            @Override
            public void completed() {
                f.complete(Thread.currentThread().getName().equals("vtape-io") ? null : BlockDevice.IoFailure.INTERNAL);
            }

            @Override
            public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                f.complete(failure);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private static void write(Cartridge c, long index, int filemarks, byte[]... records) throws Exception {
        ByteBuffer[] bufs = Arrays.stream(records).map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        assertNull(run(d -> c.write(index, bufs, filemarks, d)));
    }

    private static byte[] record(int length, int seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readBack(Cartridge c, long index) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(c.recordLength(index));
        assertNull(run(d -> c.readRecord(index, dst, d)));
        assertFalse(dst.hasRemaining());
        return dst.array();
    }

    @Test
    void recordsOfVariousLengthsAndFilemarks_readBack() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        assertEquals(0, c.objectCount());
        byte[][] recs = {record(1, 1), record(100, 2), record(65536, 3), record(3_000_000, 4)};
        write(c, 0, 1, recs[0], recs[1]);
        write(c, 3, 2, recs[2], recs[3]);
        assertEquals(7, c.objectCount());
        assertEquals(List.of(false, false, true, false, false, true, true),
                java.util.stream.LongStream.range(0, 7).mapToObj(c::isFilemark).toList());
        long[] recordAt = {0, 1, 3, 4};
        for (int i = 0; i < recs.length; i++) {
            assertEquals(recs[i].length, c.recordLength(recordAt[i]));
            assertArrayEquals(recs[i], readBack(c, recordAt[i]), "record " + recordAt[i]);
        }
        long used = 7L * Cartridge.OBJECT_HEADER_BYTES + 1 + 100 + 65536 + 3_000_000;
        assertEquals(used, c.usedBytes());
        assertEquals(Cartridge.HEADER_BYTES + used, Files.size(c.file()));
        assertEquals("A00001", c.barcode());
        assertEquals(SIXTEEN_MIB, c.capacityBytes());
    }

    @Test
    void read_intoASmallerBuffer_copiesTheRecordsFirstBytes_andAFilemarkIsNoRecord() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        byte[] r = record(1000, 7);
        write(c, 0, 1, r);
        ByteBuffer dst = ByteBuffer.allocate(300);
        dst.position(10);
        assertNull(run(d -> c.readRecord(0, dst, d)));
        assertEquals(300, dst.position());
        assertArrayEquals(Arrays.copyOf(r, 290), Arrays.copyOfRange(dst.array(), 10, 300));
        assertEquals(BlockDevice.IoFailure.INTERNAL, run(d -> c.readRecord(1, ByteBuffer.allocate(10), d)));
        assertEquals(BlockDevice.IoFailure.INTERNAL, run(d -> c.readRecord(2, ByteBuffer.allocate(10), d)));
    }

    @Test
    void aWriteOfThousandsOfObjects_goesOutInBoundedBatches() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        ByteBuffer[] recs = new ByteBuffer[1500];
        for (int i = 0; i < recs.length; i++) {
            recs[i] = ByteBuffer.wrap(record(1 + i % 100, i));
        }
        assertNull(run(d -> c.write(0, recs, 5000, d)));
        assertEquals(6500, c.objectCount());
        assertEquals(5000, c.filemarksBefore(6500));
        assertEquals(1500, c.nextFilemark(0));
        Cartridge again = reopen(c);
        assertEquals(6500, again.objectCount());
        assertEquals(6499, again.previousFilemark(6500));
        assertArrayEquals(record(1 + 1234 % 100, 1234), readBack(again, 1234));
        assertEquals(0, recs[0].position(), "the caller's buffers are left as they were");
    }

    @Test
    void aFailedWrite_isAMediumError_leavingEndOfDataAtItsIndex() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        write(c, 0, 1, record(100, 1), record(200, 2));
        c.close(); // the file gone from under the drive: every I/O fails
        ByteBuffer[] one = {ByteBuffer.wrap(record(10, 3))};
        assertEquals(BlockDevice.IoFailure.MEDIUM_ERROR, run(d -> c.write(1, one, 0, d)));
        assertEquals(1, c.objectCount());
        assertEquals(-1, c.nextFilemark(0));
        assertEquals(BlockDevice.IoFailure.MEDIUM_ERROR, run(d -> c.readRecord(0, ByteBuffer.allocate(100), d)));
    }

    @Test
    void filemarkQueries_atTheEdges() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        assertEquals(0, c.filemarksBefore(0));
        assertEquals(-1, c.nextFilemark(0));
        assertEquals(-1, c.previousFilemark(0));
        // objects: 0 F, 1 R, 2 R, 3 F, 4 F, 5 R; end of data at 6
        write(c, 0, 1);
        write(c, 1, 2, record(5, 1), record(6, 2));
        write(c, 5, 0, record(7, 3));
        long[] before = {0, 1, 1, 1, 2, 3, 3};
        for (int i = 0; i <= 6; i++) {
            assertEquals(before[i], c.filemarksBefore(i), "filemarksBefore " + i);
        }
        long[] next = {0, 3, 3, 3, 4, -1, -1};
        long[] previous = {-1, 0, 0, 0, 3, 4, 4};
        for (int i = 0; i <= 6; i++) {
            assertEquals(next[i], c.nextFilemark(i), "nextFilemark " + i);
            assertEquals(previous[i], c.previousFilemark(i), "previousFilemark " + i);
        }
        assertEquals(-1, c.previousFilemark(0));
        assertThrows(IndexOutOfBoundsException.class, () -> c.isFilemark(6));
        assertThrows(IllegalArgumentException.class, () -> c.recordLength(0));
    }

    @Test
    void writeInTheMiddle_dropsEverythingAfter() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        write(c, 0, 1, record(100, 1), record(200, 2), record(300, 3), record(400, 4));
        assertEquals(4, c.nextFilemark(0));
        byte[] r = record(50, 9);
        write(c, 2, 0, r);
        assertEquals(3, c.objectCount());
        assertEquals(-1, c.nextFilemark(0));
        assertEquals(0, c.filemarksBefore(3));
        assertArrayEquals(r, readBack(c, 2));
        long used = 3L * Cartridge.OBJECT_HEADER_BYTES + 100 + 200 + 50;
        assertEquals(used, c.usedBytes());
        assertEquals(Cartridge.HEADER_BYTES + used, Files.size(c.file()));
        Cartridge again = reopen(c);
        assertEquals(3, again.objectCount());
        assertArrayEquals(r, readBack(again, 2));
    }

    @Test
    void erase_putsEndOfDataAtTheIndex() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        write(c, 0, 2, record(100, 1), record(200, 2));
        assertNull(run(d -> c.erase(4, d)));
        assertEquals(4, c.objectCount());
        assertNull(run(d -> c.erase(1, d)));
        assertEquals(1, c.objectCount());
        assertEquals(0, c.filemarksBefore(1));
        assertEquals(-1, c.nextFilemark(0));
        assertEquals(Cartridge.OBJECT_HEADER_BYTES + 100, c.usedBytes());
        assertEquals(Cartridge.HEADER_BYTES + Cartridge.OBJECT_HEADER_BYTES + 100, Files.size(c.file()));
        assertEquals(BlockDevice.IoFailure.INTERNAL, run(d -> c.erase(2, d)));
        assertEquals(1, reopen(c).objectCount());
    }

    @Test
    void aWriteBeyondTheCapacity_failsNoSpace_havingWrittenNothing() throws Exception {
        Cartridge c = open("A00001", Cartridge.MIN_CAPACITY);
        byte[] fits = record((int) Cartridge.MIN_CAPACITY - 2 * Cartridge.OBJECT_HEADER_BYTES - 10, 1);
        write(c, 0, 0, record(10, 2), fits);
        assertEquals(Cartridge.MIN_CAPACITY, c.usedBytes());
        long size = Files.size(c.file());
        assertEquals(BlockDevice.IoFailure.NO_SPACE, run(d -> c.write(2, new ByteBuffer[0], 1, d)));
        // replacing the big record by a bigger one: refused before anything is cut
        ByteBuffer[] bigger = {ByteBuffer.wrap(record(fits.length + 1, 3))};
        assertEquals(BlockDevice.IoFailure.NO_SPACE, run(d -> c.write(1, bigger, 0, d)));
        assertEquals(2, c.objectCount());
        assertEquals(size, Files.size(c.file()));
        assertArrayEquals(fits, readBack(c, 1));
        // room made by overwriting: a filemark fits in place of the big record
        write(c, 1, 1);
        assertEquals(2, c.objectCount());
        assertTrue(c.isFilemark(1));
    }

    @Test
    void reopen_rebuildsTheSameIndex() throws Exception {
        Cartridge c = open("TAPE-7", SIXTEEN_MIB);
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] r = record(1 + i * 37, i);
            recs.add(r);
            write(c, c.objectCount(), i % 4 == 3 ? 1 : 0, r);
        }
        write(c, c.objectCount(), 2, record(2_500_000, 99)); // spans the scan's buffer
        Cartridge again = reopen(c);
        assertEquals(c.objectCount(), again.objectCount());
        assertEquals(c.usedBytes(), again.usedBytes());
        for (long i = 0; i < again.objectCount(); i++) {
            assertEquals(c.isFilemark(i), again.isFilemark(i), "object " + i);
            if (!again.isFilemark(i)) {
                assertEquals(c.recordLength(i), again.recordLength(i), "object " + i);
            }
            assertEquals(c.filemarksBefore(i), again.filemarksBefore(i));
            assertEquals(c.nextFilemark(i), again.nextFilemark(i));
            assertEquals(c.previousFilemark(i), again.previousFilemark(i));
        }
        long at = 0;
        for (byte[] r : recs) {
            while (again.isFilemark(at)) {
                at++;
            }
            assertArrayEquals(r, readBack(again, at++));
        }
        assertArrayEquals(record(2_500_000, 99), readBack(again, again.objectCount() - 3));
    }

    /** Appends raw bytes to the cartridge's file, as a crash in the middle of a write leaves them. */
    private static void appendRaw(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        }
    }

    /** An object as the class comment lays it out, with its CRC32C spoiled when {@code badCrc}. */
    private static ByteBuffer object(byte type, byte[] data, long sequence, boolean badCrc) {
        ByteBuffer b = ByteBuffer.allocate(Cartridge.OBJECT_HEADER_BYTES + data.length);
        b.put(type).put(new byte[3]).putInt(data.length).putLong(sequence);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, Cartridge.OBJECT_HEADER_BYTES - 4);
        crc.update(data);
        b.putInt((int) crc.getValue() ^ (badCrc ? 1 : 0)).put(data);
        return b.flip();
    }

    private Cartridge threeObjects() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        write(c, 0, 1, record(100, 1), record(200, 2));
        c.close();
        opened.remove(c);
        return c;
    }

    private void assertThreeObjectsIntact(Path file, long size) throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        assertEquals(3, c.objectCount());
        assertTrue(c.isFilemark(2));
        assertArrayEquals(record(100, 1), readBack(c, 0));
        assertArrayEquals(record(200, 2), readBack(c, 1));
        assertEquals(size, Files.size(file));
        // the tape goes on after the cut
        write(c, 3, 0, record(10, 3));
        assertArrayEquals(record(10, 3), readBack(reopen(c), 3));
    }

    @Test
    void aPartialObjectHeader_isCutOffAtOpen() throws Exception {
        Path file = threeObjects().file();
        long size = Files.size(file);
        appendRaw(file, object(Cartridge.RECORD, record(50, 5), 9, false).limit(7));
        assertThreeObjectsIntact(file, size);
    }

    @Test
    void aRecordWithABadCrc_isCutOffAtOpen() throws Exception {
        Path file = threeObjects().file();
        long size = Files.size(file);
        appendRaw(file, object(Cartridge.RECORD, record(50, 5), 9, true));
        assertThreeObjectsIntact(file, size);
    }

    @Test
    void aShortRecord_isCutOffAtOpen() throws Exception {
        Path file = threeObjects().file();
        long size = Files.size(file);
        appendRaw(file, object(Cartridge.RECORD, record(5000, 5), 9, false).limit(Cartridge.OBJECT_HEADER_BYTES + 4000));
        assertThreeObjectsIntact(file, size);
    }

    @Test
    void objectsOfAnOlderWrite_behindANewerOne_areCutOffAtOpen() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        write(c, 0, 0, record(100, 1));
        write(c, 1, 0, record(100, 2));
        write(c, 2, 0, record(100, 3));
        byte[] before = Files.readAllBytes(c.file());
        byte[] newer = record(100, 4);
        write(c, 1, 0, newer);
        Path file = c.file();
        c.close();
        opened.remove(c);
        // the truncation never reached the disk: the old third record is still there
        int third = Cartridge.HEADER_BYTES + 2 * (Cartridge.OBJECT_HEADER_BYTES + 100);
        appendRaw(file, ByteBuffer.wrap(before, third, before.length - third));
        Cartridge again = open("A00001", SIXTEEN_MIB);
        assertEquals(2, again.objectCount());
        assertArrayEquals(newer, readBack(again, 1));
        assertEquals(third, Files.size(file));
    }

    @Test
    void aHundredThousandRecords_reopenIntoTheSameIndex() throws Exception {
        Cartridge c = open("BIG001", 64L << 20);
        int n = 100_000;
        for (int batch = 0; batch < n / 1000; batch++) {
            ByteBuffer[] recs = new ByteBuffer[1000];
            for (int i = 0; i < 1000; i++) {
                int k = batch * 1000 + i;
                ByteBuffer r = ByteBuffer.allocate(4 + k % 61);
                r.putInt(0, k);
                recs[i] = r;
            }
            long at = c.objectCount();
            int filemarks = batch % 10 == 9 ? 1 : 0;
            assertNull(run(d -> c.write(at, recs, filemarks, d)));
        }
        long objects = n + 10;
        assertEquals(objects, c.objectCount());
        Cartridge again = reopen(c);
        assertEquals(objects, again.objectCount());
        assertEquals(10, again.filemarksBefore(objects));
        assertEquals(10_000, again.nextFilemark(0));
        assertEquals(20_001, again.nextFilemark(10_001));
        assertEquals(100_009, again.previousFilemark(objects));
        for (long i = 0; i < objects; i += 997) {
            if (!again.isFilemark(i)) {
                int k = (int) (i - again.filemarksBefore(i));
                assertEquals(4 + k % 61, again.recordLength(i), "object " + i);
            }
        }
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertNull(run(d -> again.readRecord(54_321, dst, d)));
        assertEquals(54_321 - 5, dst.getInt(0));
    }

    @Test
    void barcodes_areVolumeTags() {
        assertNull(Cartridge.barcodeProblem("A00001L6"));
        assertNull(Cartridge.barcodeProblem("x".repeat(32)));
        assertNull(Cartridge.barcodeProblem("!~.-_"));
        assertTrue(Cartridge.barcodeProblem("").contains("empty"));
        assertTrue(Cartridge.barcodeProblem("x".repeat(33)).contains("33 characters"));
        assertTrue(Cartridge.barcodeProblem("A 1").contains("a space"));
        assertTrue(Cartridge.barcodeProblem("A/1").contains("'/'"));
        assertTrue(Cartridge.barcodeProblem("A\t1").contains("U+0009"));
        assertTrue(Cartridge.barcodeProblem("Aé").contains("U+00E9"));
    }

    @Test
    void aCartridge_isInOneDriveAtATime_andItsFileNamesItsBarcode() throws Exception {
        Cartridge c = open("A00001", SIXTEEN_MIB);
        IOException twice = assertThrows(IOException.class, () -> open("A00001", SIXTEEN_MIB));
        assertTrue(twice.getMessage().contains("in another drive"), twice.getMessage());
        Files.copy(c.file(), Cartridge.fileOf(library, "B00002"));
        IOException renamed = assertThrows(IOException.class, () -> open("B00002", SIXTEEN_MIB));
        assertTrue(renamed.getMessage().contains("holds cartridge 'A00001', not 'B00002'"), renamed.getMessage());
        Files.write(Cartridge.fileOf(library, "C00003"), new byte[100]);
        IOException garbage = assertThrows(IOException.class, () -> open("C00003", SIXTEEN_MIB));
        assertTrue(garbage.getMessage().contains("not a vtape cartridge"), garbage.getMessage());
    }
}
