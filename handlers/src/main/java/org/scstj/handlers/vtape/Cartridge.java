package org.scstj.handlers.vtape;

import org.scstj.engine.spi.BlockDevice.Completion;
import org.scstj.engine.spi.BlockDevice.IoFailure;
import org.scstj.engine.spi.TapeMedium;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32C;

/**
 * One virtual cartridge: the file {@code <library>/<BARCODE>.vtape}, holding the logical objects
 * (records and filemarks, SSC-3 4.2.6) of a single-partition tape in order.
 *
 * <h2>File format (version 1, every number big-endian)</h2>
 * <pre>
 * file header, 64 bytes
 *    0  8  magic "SCSTJTAP"
 *    8  4  format version: 1
 *   12  8  capacity in bytes (the medium's native capacity; object headers count against it)
 *   20  1  barcode length n, 1..32
 *   21 32  barcode: n printable ASCII characters (SMC-3 volume tag), zero-padded
 *   53  7  reserved, zero
 *   60  4  CRC32C of bytes 0..59
 * then the objects, one after the other, each
 *    0  1  type: 'R' (52h) a record, 'F' (46h) a filemark
 *    1  3  reserved, zero
 *    4  4  data length: a record's byte count; 0 for a filemark
 *    8  8  write sequence: the number of the write that stored the object
 *   16  4  CRC32C of bytes 0..15 followed by the data
 *   20  -  the data (a record's bytes)
 * </pre>
 * Object {@code i} (its logical object identifier, SSC-3 4.2.6) is the {@code i}-th object in the
 * file; end of data is the end of the file. Every write replaces the objects from its index on
 * (truncate, append, fdatasync), so the file is exactly the tape after each completed operation.
 *
 * <h2>Crash safety</h2>
 * Opening a cartridge reads it once from start to end and checks every object. A crash during a
 * write (which was not acknowledged) can leave a partial header, a short record or a record whose
 * CRC does not match; it can also leave objects of an older write behind the new ones when the
 * truncation before the append never reached the disk. The write sequence catches the latter: it
 * never decreases along a sound file, and each write uses a number above all on the medium. The
 * scan stops at the first such object, logs why and cuts the file there (ftruncate + fdatasync).
 * Every acknowledged write ended with an fdatasync, so it lies before the cut.
 *
 * <h2>In memory</h2>
 * The index keeps each object's file offset and length in primitive arrays (a filemark's length is
 * -1), and the indexes of the filemarks, ascending, in another: a tape of millions of records costs
 * 12 bytes per object and no object per record; the filemark queries are binary searches. The index
 * changes only after the file did (a write's objects appear once they are durable), under this
 * object's monitor, which no I/O holds.
 *
 * <h2>Threads</h2>
 * {@link #read}, {@link #write} and {@link #erase} run on the blocking-I/O executor and complete
 * there; the core issues them one at a time (the SPI), so the file has one writer. A file lock
 * keeps a cartridge in at most one drive.
 */
final class Cartridge implements TapeMedium, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cartridge.class);

    /** The file name's suffix after the barcode. */
    static final String SUFFIX = ".vtape";
    static final byte[] MAGIC = "SCSTJTAP".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int OBJECT_HEADER_BYTES = 20;
    static final byte RECORD = 'R';
    static final byte FILEMARK = 'F';
    /** SMC-3 READ ELEMENT STATUS, volume tag information: a 32-byte volume identifier field. */
    static final int MAX_BARCODE = 32;
    /** The smallest cartridge: room for a useful number of records. */
    static final long MIN_CAPACITY = 1L << 20;
    /** The index lives in arrays: at most this many objects on one cartridge. */
    private static final int MAX_OBJECTS = Integer.MAX_VALUE - 8;
    private static final int SCAN_BUFFER = 1 << 20;
    /** Objects per gathering write: up to 1024 buffers, Linux's IOV_MAX. */
    private static final int BATCH = 512;

    private final Path file;
    private final String barcode;
    private final long capacity;
    private final FileChannel channel;
    private final FileLock lock;
    private final Executor executor;

    // the index, guarded by this
    private long[] offsets = new long[1024];
    private int[] lengths = new int[1024];
    private int count;
    private long[] marks = new long[64];
    private int markCount;
    private long end = HEADER_BYTES;
    /** The write sequence of the next write: above every object's on the medium (and past ones). */
    private long nextSequence = 1;

    private Cartridge(Path file, String barcode, long capacity, FileChannel channel, FileLock lock, Executor executor) {
        this.file = file;
        this.barcode = barcode;
        this.capacity = capacity;
        this.channel = channel;
        this.lock = lock;
        this.executor = executor;
    }

    /** The file of cartridge {@code barcode} in {@code library}. */
    static Path fileOf(Path library, String barcode) {
        return library.resolve(barcode + SUFFIX);
    }

    /**
     * Why {@code barcode} cannot name a cartridge, or null: a volume tag (SMC-3 READ ELEMENT STATUS) is 1 to 32
     * printable ASCII characters; spaces pad it in SMC-3's field and '/' cannot be in a file name.
     */
    static String barcodeProblem(String barcode) {
        if (barcode.isEmpty()) {
            return "an empty barcode";
        }
        if (barcode.length() > MAX_BARCODE) {
            return "'" + barcode + "' is " + barcode.length() + " characters, more than a volume tag's " + MAX_BARCODE;
        }
        for (int i = 0; i < barcode.length(); i++) {
            char c = barcode.charAt(i);
            if (c <= ' ' || c > '~' || c == '/') {
                return "'" + barcode + "' holds " + (c == ' ' ? "a space" : c == '/' ? "a '/'"
                        : String.format("the character U+%04X", (int) c))
                        + " (a volume tag is printable ASCII without spaces; '/' cannot be in a file name)";
            }
        }
        return null;
    }

    /**
     * Why the file of cartridge {@code barcode} in {@code library} cannot be loaded, or null: when it
     * exists it must be a regular file with this barcode's sound header. Reads 64 bytes, changes nothing.
     */
    static String fileProblem(Path library, String barcode) {
        Path f = fileOf(library, barcode);
        if (!Files.exists(f)) {
            return null;
        }
        if (!Files.isRegularFile(f)) {
            return f + " is not a regular file";
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            readFully(ch, h, 0, f);
            checkHeader(h.array(), barcode, f);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * Opens cartridge {@code barcode} in {@code library}, first creating it empty with
     * {@code capacityIfNew} bytes when it does not exist. Blocks (it scans the whole file): call it on
     * the blocking-I/O executor.
     */
    static Cartridge open(Path library, String barcode, long capacityIfNew, Executor executor) throws IOException {
        Path f = fileOf(library, barcode);
        if (!Files.exists(f)) {
            create(library, barcode, capacityIfNew);
        }
        return load(f, barcode, executor);
    }

    /**
     * Creates an empty cartridge: the header goes to a temporary file, made durable, then renamed into
     * place (and the directory synced), so a crash leaves either no cartridge or a whole one.
     */
    static void create(Path library, String barcode, long capacity) throws IOException {
        String problem = barcodeProblem(barcode);
        if (problem != null) {
            throw new IOException("cannot create a cartridge: " + problem);
        }
        if (capacity < MIN_CAPACITY) {
            throw new IOException("cannot create cartridge " + barcode + " of " + capacity + " bytes (at least "
                    + MIN_CAPACITY + ")");
        }
        Path f = fileOf(library, barcode);
        Path tmp = library.resolve(barcode + SUFFIX + ".new");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer h = header(barcode, capacity);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(library, StandardOpenOption.READ)) {
            dir.force(true);
        }
        LOG.info("created cartridge {} ({} bytes) in {}", barcode, capacity, library);
    }

    private static ByteBuffer header(String barcode, long capacity) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        byte[] tag = barcode.getBytes(StandardCharsets.US_ASCII);
        h.put(MAGIC).putInt(FORMAT_VERSION).putLong(capacity).put((byte) tag.length).put(tag);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, HEADER_BYTES - 4);
        h.putInt(HEADER_BYTES - 4, (int) crc.getValue());
        return h.clear();
    }

    private static Cartridge load(Path f, String barcode, Executor executor) throws IOException {
        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("cartridge " + barcode + " is in another drive (" + f + " is locked)");
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            readFully(ch, h, 0, f);
            long capacity = checkHeader(h.array(), barcode, f);
            Cartridge c = new Cartridge(f, barcode, capacity, ch, lock, executor);
            c.scan();
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Checks the file header; returns the capacity. */
    private static long checkHeader(byte[] h, String barcode, Path f) throws IOException {
        if (!Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(f + " is not a vtape cartridge (no SCSTJTAP magic)");
        }
        CRC32C crc = new CRC32C();
        crc.update(h, 0, HEADER_BYTES - 4);
        ByteBuffer b = ByteBuffer.wrap(h);
        if (b.getInt(HEADER_BYTES - 4) != (int) crc.getValue()) {
            throw new IOException(f + ": the cartridge header is corrupt (CRC32C mismatch)");
        }
        int version = b.getInt(8);
        if (version != FORMAT_VERSION) {
            throw new IOException(f + ": cartridge format version " + version + ", this handler reads "
                    + FORMAT_VERSION);
        }
        long capacity = b.getLong(12);
        int n = h[20] & 0xFF;
        String tag = n <= MAX_BARCODE ? new String(h, 21, n, StandardCharsets.US_ASCII) : "";
        if (!tag.equals(barcode)) {
            throw new IOException(f + " holds cartridge '" + tag + "', not '" + barcode + "'");
        }
        return capacity;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long at, Path f) throws IOException {
        long pos = at;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new EOFException(f + " ends at byte " + pos + ", before byte " + (pos + dst.remaining()));
            }
            pos += n;
        }
    }

    /**
     * Rebuilds the index from the file, reading it sequentially once; cuts off a torn or stale tail
     * (see the class comment).
     */
    private void scan() throws IOException {
        long size = channel.size();
        Window w = new Window(channel, SCAN_BUFFER);
        CRC32C crc = new CRC32C();
        long pos = HEADER_BYTES;
        long lastSequence = 0;
        String torn = null;
        while (pos < size) {
            if (size - pos < OBJECT_HEADER_BYTES) {
                torn = "a partial object header (" + (size - pos) + " bytes)";
                break;
            }
            ByteBuffer h = w.at(pos, OBJECT_HEADER_BYTES);
            int p = h.position();
            byte type = h.get(p);
            int reserved = ((h.get(p + 1) & 0xFF) << 16) | ((h.get(p + 2) & 0xFF) << 8) | (h.get(p + 3) & 0xFF);
            int length = h.getInt(p + 4);
            long sequence = h.getLong(p + 8);
            int stored = h.getInt(p + 16);
            if ((type != RECORD && type != FILEMARK) || reserved != 0 || length < 0
                    || (type == FILEMARK && length != 0)) {
                torn = "an object header that is not one (type " + (type & 0xFF) + ", length " + length + ")";
                break;
            }
            if (size - pos - OBJECT_HEADER_BYTES < length) {
                torn = "a short record (" + (size - pos - OBJECT_HEADER_BYTES) + " of " + length + " bytes)";
                break;
            }
            if (sequence < lastSequence) {
                torn = "a stale object (write " + sequence + " after write " + lastSequence + ")";
                break;
            }
            crc.reset();
            crc.update(h.slice(p, OBJECT_HEADER_BYTES - 4));
            long at = pos + OBJECT_HEADER_BYTES;
            for (int left = length; left > 0; ) {
                int n = Math.min(left, SCAN_BUFFER);
                crc.update(w.at(at, n));
                at += n;
                left -= n;
            }
            if ((int) crc.getValue() != stored) {
                torn = "an object whose CRC32C does not match";
                break;
            }
            if (count == MAX_OBJECTS) {
                torn = "more objects than a cartridge indexes (" + MAX_OBJECTS + ")";
                break;
            }
            addToIndex(pos, type == FILEMARK ? -1 : length);
            lastSequence = sequence;
            pos = at;
        }
        if (torn != null) {
            LOG.warn("cartridge {}: {} at byte {} (object {}): cutting off the last {} bytes,"
                    + " left by an interrupted write",
                    barcode, torn, pos, count, size - pos);
            channel.truncate(pos);
            channel.force(false);
        }
        nextSequence = lastSequence + 1;
    }

    /** A sliding read buffer over the file, for the sequential scan. */
    private static final class Window {
        private final FileChannel channel;
        private final ByteBuffer buf;
        private long start;

        Window(FileChannel channel, int size) {
            this.channel = channel;
            this.buf = ByteBuffer.allocateDirect(size);
            this.buf.limit(0);
        }

        /** A buffer whose {@code n} (at most the window) bytes from its position are those at {@code pos}. */
        ByteBuffer at(long pos, int n) throws IOException {
            if (pos < start || pos + n > start + buf.limit()) {
                buf.clear();
                start = pos;
                while (buf.position() < n) {
                    if (channel.read(buf, pos + buf.position()) < 0) {
                        throw new EOFException("the cartridge ends before byte " + (pos + n));
                    }
                }
                buf.flip();
            }
            int off = (int) (pos - start);
            return buf.slice(off, n);
        }
    }

    // ---- the index (under this) ----

    private synchronized void addToIndex(long offset, int length) {
        if (count == offsets.length) {
            int grown = (int) Math.min(MAX_OBJECTS, offsets.length + (long) (offsets.length >> 1));
            offsets = Arrays.copyOf(offsets, grown);
            lengths = Arrays.copyOf(lengths, grown);
        }
        if (length < 0) {
            if (markCount == marks.length) {
                marks = Arrays.copyOf(marks, (int) Math.min(MAX_OBJECTS, marks.length * 2L));
            }
            marks[markCount++] = count;
        }
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        end = offset + OBJECT_HEADER_BYTES + Math.max(length, 0);
    }

    /** Drops the objects from {@code index} on. */
    private synchronized void cut(int index) {
        if (index < count) {
            end = offsets[index];
            count = index;
            markCount = marksBelow(index);
        }
    }

    private synchronized long offsetOf(int index) {
        return index == count ? end : offsets[index];
    }

    /** How many filemarks have an index below {@code index}: a binary search (lower bound). */
    private int marksBelow(long index) {
        int lo = 0;
        int hi = markCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (marks[mid] < index) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void checkIndex(long index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("object " + index + " of " + count + " on cartridge " + barcode);
        }
    }

    @Override
    public synchronized long objectCount() {
        return count;
    }

    @Override
    public synchronized boolean isFilemark(long index) {
        checkIndex(index);
        return lengths[(int) index] < 0;
    }

    @Override
    public synchronized int recordLength(long index) {
        checkIndex(index);
        int length = lengths[(int) index];
        if (length < 0) {
            throw new IllegalArgumentException("object " + index + " on cartridge " + barcode + " is a filemark");
        }
        return length;
    }

    @Override
    public synchronized long filemarksBefore(long index) {
        return marksBelow(index);
    }

    @Override
    public synchronized long nextFilemark(long from) {
        int i = marksBelow(from);
        return i < markCount ? marks[i] : -1;
    }

    @Override
    public synchronized long previousFilemark(long before) {
        int i = marksBelow(before);
        return i > 0 ? marks[i - 1] : -1;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    /** The objects with their headers: the file past its header. */
    @Override
    public synchronized long usedBytes() {
        return end - HEADER_BYTES;
    }

    @Override
    public String barcode() {
        return barcode;
    }

    /** The cartridge's file. */
    Path file() {
        return file;
    }

    // ---- I/O, on the executor ----

    private void submit(Runnable io, Completion done) {
        try {
            executor.execute(io);
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    /**
     * A positional read of the record's first {@code min(length, dst.remaining())} bytes. A whole
     * record is checked against its CRC32C (a mismatch is {@link IoFailure#MEDIUM_ERROR}: the medium
     * cannot give back what was written).
     */
    @Override
    public void readRecord(long index, ByteBuffer dst, Completion done) {
        submit(() -> {
            long offset;
            int length;
            synchronized (this) {
                if (index < 0 || index >= count || lengths[(int) index] < 0) {
                    done.failed(IoFailure.INTERNAL, new IllegalArgumentException(
                            "object " + index + " of " + count + " on cartridge " + barcode + " is not a record"));
                    return;
                }
                offset = offsets[(int) index];
                length = lengths[(int) index];
            }
            int n = Math.min(length, dst.remaining());
            ByteBuffer into = dst.slice(dst.position(), n);
            try {
                readFully(channel, into, offset + OBJECT_HEADER_BYTES, file);
                if (n == length) {
                    ByteBuffer h = ByteBuffer.allocate(OBJECT_HEADER_BYTES);
                    readFully(channel, h, offset, file);
                    CRC32C crc = new CRC32C();
                    crc.update(h.array(), 0, OBJECT_HEADER_BYTES - 4);
                    crc.update(into.flip());
                    if ((int) crc.getValue() != h.getInt(OBJECT_HEADER_BYTES - 4)) {
                        throw new IOException("record " + index + " on cartridge " + barcode + " (byte " + offset
                                + " of " + file + ") does not match its CRC32C");
                    }
                }
            } catch (IOException e) {
                done.failed(IoFailure.MEDIUM_ERROR, e);
                return;
            } catch (RuntimeException e) {
                done.failed(IoFailure.INTERNAL, e);
                return;
            }
            dst.position(dst.position() + n);
            done.completed();
        }, done);
    }

    /**
     * SSC-3 4.2.7: the objects from {@code index} on are replaced. Checks the room first (NO_SPACE,
     * nothing changed), then truncates the file at the object, appends every new object in one
     * gathering write and fdatasyncs; only then does the index show them. A failed write leaves end of
     * data at {@code index}.
     */
    @Override
    public void write(long index, ByteBuffer[] records, int filemarks, Completion done) {
        submit(() -> {
            long at;
            long sequence;
            synchronized (this) {
                if (index < 0 || index > count || filemarks < 0) {
                    done.failed(IoFailure.INTERNAL, new IllegalArgumentException("cannot write at object " + index
                            + " of " + count + " on cartridge " + barcode));
                    return;
                }
                at = offsetOf((int) index);
                sequence = nextSequence;
            }
            long bytes = ((long) records.length + filemarks) * OBJECT_HEADER_BYTES;
            for (ByteBuffer r : records) {
                bytes += r.remaining();
            }
            if (at - HEADER_BYTES + bytes > capacity || index + records.length + filemarks > MAX_OBJECTS) {
                done.failed(IoFailure.NO_SPACE, new IOException("cartridge " + barcode + " is full: "
                        + (at - HEADER_BYTES) + " bytes used before object " + index + ", " + bytes + " to write, "
                        + capacity + " in all"));
                return;
            }
            synchronized (this) {
                nextSequence = sequence + 1;
            }
            try {
                channel.truncate(at);
                channel.position(at);
                writeObjects(records, filemarks, sequence);
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                failedWrite((int) index, at, e, done);
                return;
            }
            synchronized (this) {
                cut((int) index);
                long pos = at;
                for (ByteBuffer r : records) {
                    addToIndex(pos, r.remaining());
                    pos += OBJECT_HEADER_BYTES + r.remaining();
                }
                for (int i = 0; i < filemarks; i++) {
                    addToIndex(pos, -1);
                    pos += OBJECT_HEADER_BYTES;
                }
            }
            done.completed();
        }, done);
    }

    /**
     * Appends the objects at the channel's position: gathering writes of at most {@link #BATCH}
     * objects each, so that memory stays bounded whatever the count (WRITE FILEMARKS may ask for
     * millions).
     */
    private void writeObjects(ByteBuffer[] records, int filemarks, long sequence) throws IOException {
        int objects = records.length + filemarks; // at most MAX_OBJECTS: checked with the room
        int batch = Math.min(objects, BATCH);
        ByteBuffer headers = ByteBuffer.allocate(batch * OBJECT_HEADER_BYTES);
        ByteBuffer[] out = new ByteBuffer[batch * 2];
        CRC32C crc = new CRC32C();
        for (int first = 0; first < objects; first += batch) {
            int last = first + Math.min(batch, objects - first);
            headers.clear();
            int k = 0;
            long left = 0;
            for (int i = first; i < last; i++) {
                if (i < records.length) {
                    ByteBuffer r = records[i].duplicate();
                    out[k++] = objectHeader(headers, crc, RECORD, r.duplicate(), sequence);
                    out[k++] = r;
                    left += OBJECT_HEADER_BYTES + r.remaining();
                } else {
                    out[k++] = objectHeader(headers, crc, FILEMARK, null, sequence);
                    left += OBJECT_HEADER_BYTES;
                }
            }
            while (left > 0) {
                left -= channel.write(out, 0, k);
            }
        }
    }

    /** Fills the next object header in {@code headers}; returns it as its own buffer. */
    private static ByteBuffer objectHeader(ByteBuffer headers, CRC32C crc, byte type, ByteBuffer data, long sequence) {
        int p = headers.position();
        headers.put(type).put((byte) 0).put((byte) 0).put((byte) 0)
                .putInt(data == null ? 0 : data.remaining()).putLong(sequence);
        crc.reset();
        crc.update(headers.array(), p, OBJECT_HEADER_BYTES - 4);
        if (data != null) {
            crc.update(data);
        }
        headers.putInt((int) crc.getValue());
        return headers.slice(p, OBJECT_HEADER_BYTES);
    }

    /** After a failed write: end of data at {@code index}, the file cut there as far as it can be. */
    private void failedWrite(int index, long at, Exception e, Completion done) {
        cut(index);
        try {
            channel.truncate(at);
            channel.force(false);
        } catch (IOException | RuntimeException again) {
            e.addSuppressed(again);
        }
        String message = e.getMessage();
        boolean full = e instanceof IOException && message != null && message.contains("No space left on device");
        done.failed(full ? IoFailure.NO_SPACE
                : e instanceof IOException ? IoFailure.MEDIUM_ERROR : IoFailure.INTERNAL, e);
    }

    /** SSC-3 7.1 ERASE: end of data at {@code index}; the file cut there and made durable. */
    @Override
    public void erase(long index, Completion done) {
        submit(() -> {
            long at;
            synchronized (this) {
                if (index < 0 || index > count) {
                    done.failed(IoFailure.INTERNAL, new IllegalArgumentException("cannot erase from object " + index
                            + " of " + count + " on cartridge " + barcode));
                    return;
                }
                at = offsetOf((int) index);
            }
            try {
                channel.truncate(at);
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                failedWrite((int) index, at, e, done);
                return;
            }
            cut((int) index);
            done.completed();
        }, done);
    }

    /** Releases the file (and its lock); every completed write is already durable. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
