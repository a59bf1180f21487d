package org.scstj.engine.spi;

import java.nio.ByteBuffer;

/**
 * The cartridge in a sequential-access device (SSC-3 4.2): a list of logical objects, each a
 * record (a logical block of some length) or a filemark, addressed by their index from the
 * beginning of the partition (SSC-3 4.2.6 logical object identifier); index {@link #objectCount}
 * is end of data. The core owns the drive's position and every SSC rule (fixed and variable block
 * mode, incorrect length, filemarks and end of data met while reading or spacing, early warning,
 * READ POSITION, LOCATE); the medium only stores objects, as a disk's device stores blocks.
 *
 * <p>The metadata methods ({@link #objectCount}, {@link #isFilemark}, {@link #recordLength},
 * {@link #filemarksBefore}, {@link #nextFilemark}, {@link #previousFilemark}) answer from memory
 * at once, on any thread. {@link #readRecord}, {@link #write} and {@link #erase} return at once and
 * complete {@code done} exactly once, from any thread; the core issues them one at a time (a
 * drive has one position), never concurrently. A completed {@link #write} or {@link #erase} is
 * durable: it survives a crash of the process.
 */
public interface TapeMedium {
    /** The objects on the medium: the index of end of data. */
    long objectCount();

    /** Whether object {@code index} (below {@link #objectCount}) is a filemark. */
    boolean isFilemark(long index);

    /** The length in bytes of record {@code index} (below {@link #objectCount}, not a filemark). */
    int recordLength(long index);

    /** How many filemarks lie before object {@code index} (at most {@link #objectCount}): its file number. */
    long filemarksBefore(long index);

    /** The index of the first filemark at or after {@code from}, or -1 when none is before end of data. */
    long nextFilemark(long from);

    /** The index of the last filemark before {@code before}, or -1 when none is. */
    long previousFilemark(long before);

    /** Bytes the medium holds in all (its native capacity, SSC-3 READ ATTRIBUTE / log page 31h). */
    long capacityBytes();

    /** Bytes the objects before end of data take on the medium. */
    long usedBytes();

    /** The cartridge's barcode (volume identifier, SMC-3 VOLUME TAG; MAM BARCODE), or empty. */
    String barcode();

    /**
     * Reads record {@code index}: copies its first {@code min(recordLength, dst.remaining())} bytes
     * into {@code dst} (advancing its position).
     */
    void readRecord(long index, ByteBuffer dst, BlockDevice.Completion done);

    /**
     * Writes at {@code index} (at most {@link #objectCount}): everything from there on is gone
     * (SSC-3 4.2.7: a write makes the new data the end of data), then each of {@code records} (from
     * its position to its limit) becomes a record and {@code filemarks} filemarks follow them. A
     * full medium fails with {@link BlockDevice.IoFailure#NO_SPACE} having written nothing.
     */
    void write(long index, ByteBuffer[] records, int filemarks, BlockDevice.Completion done);

    /** Erases from {@code index} to the end (SSC-3 7.1 ERASE): end of data is then at {@code index}. */
    void erase(long index, BlockDevice.Completion done);
}
