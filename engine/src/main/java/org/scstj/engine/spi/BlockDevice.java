package org.scstj.engine.spi;

import java.nio.ByteBuffer;

/**
 * A block backend: one device of a device handler (the device-handler SPI, in the spirit of
 * LIO's backend ops). The core owns SCSI semantics (UAs, reservations, task sets, range checks);
 * the device only moves blocks.
 *
 * <p>Every I/O method returns at once; the device completes {@code done} exactly once, from any
 * thread, after the operation finished (for writes with {@code fua}, after the data is durable).
 * Ranges given by the core are always inside the device.
 */
public interface BlockDevice extends AutoCloseable {
    /** The configured device name (the key under {@code scstj.handlers.<handler>}). */
    String name();

    /** The handler type, e.g. {@code vdisk_fileio}. */
    String handlerType();

    /** SPC-5 6.7.2 PERIPHERAL DEVICE TYPE 00h: a direct access block device (SBC-4). */
    int DISK = 0x00;
    /** SPC-5 6.7.2 PERIPHERAL DEVICE TYPE 01h: a sequential-access device, a tape drive (SSC-3). */
    int TAPE = 0x01;
    /** SPC-5 6.7.2 PERIPHERAL DEVICE TYPE 05h: a CD/DVD device (MMC-6). */
    int CD_DVD = 0x05;
    /** SPC-5 6.7.2 PERIPHERAL DEVICE TYPE 08h: a medium changer (SMC-3). */
    int MEDIUM_CHANGER = 0x08;

    /** A medium changer's elements ({@link #MEDIUM_CHANGER}); the default: not a changer. */
    default MediumChanger changer() {
        return null;
    }

    /**
     * A real SCSI device that executes the commands the core does not emulate ({@link ScsiPassThrough}):
     * the core then serves the device with its pass-through command set, whatever its peripheral
     * device type, and the block methods of this interface are never called. The default: null, a
     * device whose commands the core emulates.
     */
    default ScsiPassThrough passThrough() {
        return null;
    }

    /**
     * Where an emulated device's commands go that its type's command set has no row for: the device
     * executes them as CDBs (an out-of-process handler's CDB operations, docs/user-handlers.md "CDB
     * operations"). The core still decodes, checks and answers every command it has a row for; the
     * others reach this, after the core's checks, as medium-access commands. The default: null, such
     * a command ends INVALID COMMAND OPERATION CODE (SPC-5 4.2.5.1).
     */
    default ScsiPassThrough otherCommands() {
        return null;
    }

    /**
     * VPD pages (SPC-5 7.7) the device answers itself besides the core's, for a device whose INQUIRY
     * is the core's and that takes commands as CDBs ({@link #otherCommands}, or {@link #passThrough}
     * with {@link ScsiPassThrough#answersInquiry} false): an INQUIRY with EVPD for one of them goes to
     * the device as the initiator sent it, after the core's checks, and the Supported VPD Pages page
     * lists them. A page the core serves stays the core's. Read for each such INQUIRY (it may change
     * while the device runs). The default: none.
     */
    default java.util.Set<Integer> deviceVpdPages() {
        return java.util.Set.of();
    }

    /**
     * A tape drive's cartridge ({@link #TAPE}): the objects on it, or null while the drive is
     * empty. A tape drive's block read and write methods are never called; its data moves through
     * the medium. The default: not a tape drive.
     */
    default TapeMedium tape() {
        return null;
    }

    /**
     * The device's PERIPHERAL DEVICE TYPE (SPC-5 6.7.2): which command set the core serves it with.
     * The default is a disk ({@link #DISK}).
     */
    default int peripheralDeviceType() {
        return DISK;
    }

    /**
     * Whether a medium is in the device when it opens: false for an empty removable drive (a CD/DVD
     * device without an image), whose medium-access commands end NOT READY, MEDIUM NOT PRESENT until
     * {@link #changeMedium} loads one. The default: loaded.
     */
    default boolean mediumLoaded() {
        return true;
    }

    /**
     * Replaces the removable medium (a management request: an operator swapping a disc): {@code
     * medium} names the new one in the handler's terms (an image path for a CD/DVD device), null
     * empties the drive. Called between commands like {@link #resize}, on the blocking-I/O executor;
     * afterwards {@link #blockCount} is the new medium's (0 when empty) and reads come from it. On
     * failure (an {@link java.io.IOException} saying why) the old medium stays. The core reports the
     * change to every I_T nexus itself (MMC-6 and SPC-5: 28/00 and the media event). The default: a
     * device without a removable medium to swap.
     */
    default void changeMedium(String medium) throws java.io.IOException {
        throw new UnsupportedOperationException("handler " + handlerType() + " has no medium to change");
    }

    /** Logical block size in bytes: 512 or 4096 for a disk, 2048 for a CD/DVD device. */
    int blockSize();

    /**
     * Physical block size in bytes (SBC-4 4.6.2): a power-of-two multiple of {@link #blockSize};
     * initiators align their I/O to it. The default is one logical block per physical block.
     */
    default int physicalBlockSize() {
        return blockSize();
    }

    /**
     * Number of logical blocks. It changes only through {@link #resize}; a device keeps it in a
     * volatile field, for the core reads it on any thread.
     */
    long blockCount();

    /**
     * Capabilities the core advertises for this device. A live attribute change
     * ({@link #setAttributes}) replaces the record: the device keeps it in a volatile field and
     * returns the new one afterwards, never a record changed in place.
     */
    Capabilities capabilities();

    /**
     * Gives the device {@code newBlockCount} logical blocks (a management request; SBC-4 4.6
     * capacity). The core calls it between commands: no I/O is in the device meanwhile, and none
     * starts until it returned. It may block (it runs on the blocking-I/O executor). Growing adds
     * blocks that read as zeros. Shrinking drops the blocks past the new end; when any of them
     * holds data and {@code force} is false the device refuses with an {@link java.io.IOException}
     * whose message says so and changes nothing. Afterwards {@link #blockCount} is the new count.
     * The core reports CAPACITY DATA HAS CHANGED (SBC-4 4.6, SPC-5 5.14) itself. The default: a
     * handler that cannot resize.
     */
    default void resize(long newBlockCount, boolean force) throws java.io.IOException {
        throw new UnsupportedOperationException("handler " + handlerType() + " cannot resize");
    }

    /**
     * Changes attributes of the running device: {@code changed} holds only the changed keys, each
     * one its factory lists in {@link DeviceHandlerFactory#liveAttributes} (the core checked that).
     * Called between commands like {@link #resize}, on the blocking-I/O executor. Afterwards
     * {@link #capabilities} reports the change; the core compares the records before and after and
     * reports MODE PARAMETERS CHANGED (SPC-5 5.14) when the write cache or write protection
     * changed. The default: a handler without live attributes.
     */
    default void setAttributes(com.typesafe.config.Config changed) throws java.io.IOException {
        throw new UnsupportedOperationException("handler " + handlerType() + " has no live attributes");
    }

    /** Reads {@code dst.remaining()} bytes at byte offset {@code offset} into {@code dst}. Never-written areas read as zeros. */
    void read(long offset, ByteBuffer dst, Completion done);

    /** Writes {@code src.remaining()} bytes at byte offset {@code offset}; with {@code fua} the data is durable on completion. */
    void write(long offset, ByteBuffer src, boolean fua, Completion done);

    /**
     * The file range holding {@code length} bytes at byte offset {@code offset}, for a transport
     * that sends reads without copying them ({@link FileSegment}); null when the device's data is
     * not a plain file range (the default). Only a device whose every read is exactly the file's
     * content may return one.
     */
    default FileSegment fileSegment(long offset, int length) {
        return null;
    }

    /**
     * Reads {@code length} bytes at byte offset {@code offset} into a buffer the device lends
     * instead of the transport's: a device whose data already sits in memory the transport can send
     * from (a user-space handler's shared buffer, docs/user-handlers.md) completes {@code done} with
     * that buffer, and the transport sends the Data-In from it without a copy and {@linkplain
     * DataBuffer#release releases} it once the bytes left (or the command was discarded); until then
     * the device must neither reuse nor unmap it. Returns false, without calling {@code done}, when
     * the device lends no buffer for this read (the default, and any read it would have to split):
     * the core then reads into a transport buffer through {@link #read}.
     */
    default boolean readLent(long offset, int length, LentCompletion done) {
        return false;
    }

    /** Completion of {@link #readLent}. */
    interface LentCompletion {
        /** The data, {@code length} bytes from position 0; the receiver releases it exactly once. */
        void completed(DataBuffer data);

        void failed(IoFailure failure, Throwable cause);
    }

    /**
     * Writes {@code block} (one logical block) to every block of the {@code length} bytes at byte
     * offset {@code offset} itself (SBC-4 5.48 WRITE SAME offloaded, as LIO's backends and SCST's
     * handlers may): true when the device took the operation and will complete {@code done}; false,
     * without calling {@code done}, when it does not (the default): the core then writes the blocks
     * through {@link #write}. The range is inside the device; {@code block} is the device's own
     * copy.
     */
    default boolean writeSame(long offset, long length, byte[] block, Completion done) {
        return false;
    }

    /**
     * Writes the pieces one after the other from byte offset {@code offset} (write data as it
     * arrived in several transport PDUs). The default writes them in turn through
     * {@link #write(long, ByteBuffer, boolean, Completion)}, each with {@code fua}; a device that
     * can gather (pwritev, a loop in one I/O) overrides it.
     */
    default void write(long offset, ByteBuffer[] srcs, boolean fua, Completion done) {
        if (srcs.length == 1) {
            write(offset, srcs[0], fua, done);
            return;
        }
        new Completion() {
            private int next;
            private long at = offset;

            void start() {
                ByteBuffer b = srcs[next++];
                int n = b.remaining();
                long here = at;
                at += n;
                write(here, b, fua, this);
            }

            @Override
            public void completed() {
                if (next == srcs.length) {
                    done.completed();
                } else {
                    start();
                }
            }

            @Override
            public void failed(IoFailure failure, Throwable cause) {
                done.failed(failure, cause);
            }
        }.start();
    }

    /**
     * Deallocates {@code length} bytes at byte offset {@code offset} (SBC-4 4.7.3 logical block
     * provisioning: UNMAP, WRITE SAME with UNMAP). Afterwards the range reads as zeros (LBPRZ).
     * The core calls it only for a device whose {@link Capabilities#thinProvisioned()} is true;
     * the default, for a device that cannot deallocate, fails with {@link IoFailure#INTERNAL}.
     */
    default void unmap(long offset, long length, Completion done) {
        done.failed(IoFailure.INTERNAL, new UnsupportedOperationException(handlerType() + " cannot deallocate"));
    }

    /**
     * The provisioning state of the bytes from {@code offset} on (SBC-4 5.8 GET LBA STATUS): at
     * most {@code maxExtents} consecutive extents, the first starting at {@code offset}, none past
     * {@code offset + length}; each extent's length is a whole number of blocks. The default, for a
     * fully provisioned device, reports the whole range mapped.
     */
    default void lbaStatus(long offset, long length, int maxExtents, StatusCompletion done) {
        done.completed(java.util.List.of(new Extent(offset, length, true)));
    }

    /** One run of blocks with the same provisioning state, in bytes. */
    record Extent(long offset, long length, boolean mapped) {
    }

    /** Completion of {@link #lbaStatus}. */
    interface StatusCompletion {
        void completed(java.util.List<Extent> extents);

        void failed(IoFailure failure, Throwable cause);
    }

    /**
     * A hint that {@code length} bytes at byte offset {@code offset} will be read soon (SBC-4 5.9
     * PRE-FETCH): the device may start reading them into a cache, and returns at once without
     * reporting anything. The default does nothing.
     */
    default void prefetch(long offset, long length) {
    }

    /**
     * How much backing store the device's blocks occupy and how much more they may take, for the
     * Logical Block Provisioning log page (SBC-4 6.4, LOG SENSE 0Ch). Answered from metadata (a
     * stat of the backing file, never a wait for data I/O); may throw
     * {@link java.io.UncheckedIOException}. The default, for a fully provisioned device: every
     * block is backed and nothing more can be allocated.
     */
    default Provisioning provisioning() {
        return new Provisioning(blockCount() * blockSize(), 0, false);
    }

    /**
     * @param usedBytes      bytes of backing store holding the device's blocks
     * @param availableBytes bytes the device may still allocate for blocks not backed yet
     * @param shared         the available space is shared with others (a file system), not set aside for the device
     */
    record Provisioning(long usedBytes, long availableBytes, boolean shared) {
    }

    /**
     * Locks {@code length} bytes at byte offset {@code offset} of the backing store against the
     * other processes serving it, for a command that must look like one uninterrupted action to
     * commands on the other nodes of a cluster (SBC-4 5.3.1 COMPARE AND WRITE, 5.12 ORWRITE, 4.29
     * WRITE ATOMIC; docs/design/cluster.md 4.7). No plain READ or WRITE ever asks.
     *
     * <p>The core asks only while its own serialization keeps every other task touching the range
     * out of this device (the LUN actor's exclusive extents), so one process never asks twice for
     * overlapping bytes of one device. {@code done} gets the lock, which the core releases once the
     * command's last I/O completed and before it reports the status; or null when no other process
     * shares the store (the default: a single node, whose LUN actor alone serializes). The device
     * may wait for the lock (another node's command holds it) on its blocking-I/O executor, never on
     * the calling thread.
     */
    default void lockShared(long offset, long length, LockCompletion done) {
        done.locked(null);
    }

    /** A lock {@link #lockShared} took; {@link #release} once, from any thread. */
    interface SharedLock {
        void release();
    }

    /** Completion of {@link #lockShared}. */
    interface LockCompletion {
        /** The range is locked ({@code lock} to release), or needs no lock ({@code lock} null). */
        void locked(SharedLock lock);

        /** The lock could not be taken; the command ends as an I/O failure would end it. */
        void failed(IoFailure failure, Throwable cause);
    }

    /** Makes every completed write durable (SBC-4 5.25 SYNCHRONIZE CACHE). */
    void flush(Completion done);

    /** Releases the backing store; called once, after the last I/O completed. */
    @Override
    void close();

    /**
     * @param writeBackCache   writes complete before they are durable (the Caching page's WCE)
     * @param thinProvisioned  the device can deallocate blocks ({@link #unmap}, {@link #lbaStatus})
     * @param readOnly         the medium is write-protected
     * @param removable        the medium is removable
     * @param rotationRate     SBC-4 Block Device Characteristics (1 = non-rotating)
     * @param serial           the unit serial number (VPD 0x80)
     * @param naaId            the 64-bit NAA IEEE Registered designator (VPD 0x83), stable across restarts
     */
    record Capabilities(boolean writeBackCache, boolean thinProvisioned, boolean readOnly,
                        boolean removable, int rotationRate, String serial, long naaId) {
    }

    /** Completion of one I/O. */
    interface Completion {
        /** The operation succeeded. */
        void completed();

        /**
         * The operation failed. {@link IoFailure} tells the core which sense to send
         * (MEDIUM ERROR 11/00, SPACE ALLOCATION FAILED 27/07, ...).
         */
        void failed(IoFailure failure, Throwable cause);
    }

    /**
     * Whether the backing store is there: false once the device learned it is gone (a block device
     * removed under it: ENXIO, ENODEV). The core then ends every command that accesses the medium
     * NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED (04/03) without sending it to
     * the device; the other LUs carry on. Read for each such command on any thread: a volatile
     * field. The default: always ready.
     */
    default boolean ready() {
        return true;
    }

    /** What a device tells the core that happened to it on its own ({@link #listen}). */
    interface Listener {
        /**
         * The device is back after it was not ready and lost its state on the way (a user-space
         * handler process attached again, docs/user-handlers.md): every I_T nexus of the LU gets
         * POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29/00, SAM-5 5.14). Any thread.
         */
        void reset();

        /**
         * The device's capacity changed on its own ({@link #blockCount} says the new one already):
         * every I_T nexus gets CAPACITY DATA HAS CHANGED (2A/09, SBC-4 4.6). Any thread.
         */
        default void capacityChanged() {
        }

        /**
         * The device's medium may have changed, or it became ready again after it said it was not
         * ({@link #ready}): every I_T nexus gets NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED
         * (28/00). Any thread.
         */
        default void mediumChanged() {
        }

        /**
         * The device's removable medium went in ({@code loaded}: a new one, whose capacity
         * {@link #blockCount} says already) or out on the device's own, not through
         * {@link #changeMedium} (a user-space handler's disc, docs/user-handlers.md): the core
         * records it as it does an operator's swap: with a medium in, every I_T nexus gets NOT READY
         * TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28/00) and the NewMedia event (MMC-6 6.7.2.5);
         * without, the MediaRemoval event, and medium-access commands end MEDIUM NOT PRESENT (3A/xx).
         * Any thread.
         */
        default void mediumLoaded(boolean loaded) {
        }

        /**
         * Whether the LU's command set has a row for {@code opcode} without service actions: the core
         * decodes and checks such a command by its row, and an emulated device's
         * {@link BlockDevice#otherCommands} never gets it. Any thread. The default: no row.
         */
        default boolean hasRow(int opcode) {
            return false;
        }
    }

    /** A task management function that reached the LU ({@link #taskManagement}). */
    enum TaskManagement {
        /** SAM-5 7.3 */ ABORT_TASK_SET,
        /** SAM-5 7.5 */ CLEAR_TASK_SET,
        /** SAM-5 7.7, and the target resets */ LOGICAL_UNIT_RESET,
        /** SAM-5 7.6 */ I_T_NEXUS_RESET
    }

    /**
     * A task management function reached the LU: the core has aborted the tasks it names already
     * (and waits for those in the device); a device with state of its own may act on it (a user
     * handler is told, docs/user-handlers.md "TMF"). On the LUN actor's thread: it must not
     * block. The default: nothing.
     */
    default void taskManagement(TaskManagement function) {
    }

    /** The core's listener, given once as the LU starts. The default: a device that never tells. */
    default void listen(Listener listener) {
    }

    /** Why an I/O failed, as far as SCSI cares. */
    enum IoFailure {
        /** EIO and the like: MEDIUM ERROR, UNRECOVERED READ ERROR / WRITE ERROR. */
        MEDIUM_ERROR,
        /** The backing store is gone (ENXIO, ENODEV): NOT READY, MANUAL INTERVENTION REQUIRED 04/03; {@link #ready} says false from now on. */
        NOT_READY,
        /**
         * The backing store is out of reach for a while and the device is getting it back (a remote
         * target it is logging in to again): NOT READY, LOGICAL UNIT IS IN PROCESS OF BECOMING READY
         * 04/01 (SPC-5 table of ASCs), which initiators retry; {@link #ready} stays true.
         */
        BECOMING_READY,
        /** ENOSPC on a thin device: SPACE ALLOCATION FAILED WRITE PROTECT (SBC-4 4.7.3.6). */
        NO_SPACE,
        /** Anything else: HARDWARE ERROR, INTERNAL TARGET FAILURE. */
        INTERNAL
    }
}
