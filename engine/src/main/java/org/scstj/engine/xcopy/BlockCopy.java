package org.scstj.engine.xcopy;

import org.scstj.engine.spi.BlockDevice;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves the bytes of an EXTENDED COPY, segment after segment, in chunks that end on destination
 * block boundaries and span at most {@link #CHUNK} bytes of destination blocks. Every device I/O
 * is of whole blocks (SPC-4 5.17.7.2): a chunk whose bytes start or end inside a destination
 * block reads that block first and writes it back with only the copied bytes changed, so the rest
 * of the block is preserved (SPC-4 6.4.6.12); a chunk whose source bytes start or end inside a
 * source block reads the whole source blocks into a staging buffer and takes the bytes from there.
 * A chunk whose bytes are whole blocks of both devices (every block device to block device
 * segment, 02h) is read straight into the buffer it is written from: one read and one write.
 * A copy holds one buffer of at most {@link #CHUNK} bytes, allocated when it starts, and, once a
 * segment not made of whole blocks needs it, a staging buffer of at most {@link #CHUNK} bytes and
 * one source block, whatever its length.
 *
 * <p>Asynchronous: every I/O goes through the {@link BlockDevice} with a completion; no thread
 * waits. A device that completes inline (as {@code vdisk_nullio} does) does not deepen the stack:
 * {@link #pump} runs the next step in a loop instead of recursing. When source and destination
 * ranges overlap on one device with the destination after the source, chunks are copied from the
 * end backwards, so every byte is read before it is overwritten (the result is that of reading
 * the whole source first). The bytes of a partial destination block outside the copied range are
 * written back as they were read just before, so they never change, even where they are source
 * bytes of the same copy.
 *
 * <p>Writes carry FUA when the segment says so (the destination's WCE is 0, SBC-4 6.5.5).
 */
final class BlockCopy {
    /** Bytes of destination blocks written per device I/O at most; a multiple of every block size. */
    static final int CHUNK = 1024 * 1024;

    /**
     * One segment in bytes: {@code bytes} from byte {@code sourceOffset} of {@code source} to byte
     * {@code destinationOffset} of {@code destination}; both ranges inside their devices, neither
     * necessarily on block boundaries.
     */
    record Segment(BlockDevice source, long sourceOffset, BlockDevice destination, long destinationOffset,
                   long bytes, boolean fua) {
        /** Same device, overlapping ranges, destination after source: copied back to front. */
        boolean backwards() {
            return source == destination && destinationOffset > sourceOffset
                    && destinationOffset < sourceOffset + bytes;
        }
    }

    /** What the copy tells its command. Called from device threads, in order. */
    interface Listener {
        /** {@code bytes} more are written to the destination. */
        void transferred(long bytes);

        /** Segment {@code index} is complete. */
        void segmentDone(int index);

        /**
         * The copy ended: {@code failure} null when every segment is complete, else the failing
         * I/O's failure, {@code writing} telling whether it was the write.
         */
        void finished(BlockDevice.IoFailure failure, boolean writing);
    }

    private final List<Segment> segments;
    private final Listener listener;
    private final AtomicInteger wip = new AtomicInteger();
    /** Whole destination blocks, as they are written. */
    private ByteBuffer buffer;
    /** Whole source blocks, when the source bytes do not line up with the destination blocks. */
    private ByteBuffer staging;
    private int segment;
    /** Bytes of the current segment already copied. */
    private long done;

    // the chunk in flight: its bytes [chunkStart, chunkStart + chunkLength) of the segment
    private long chunkStart;
    private int chunkLength;
    /** Destination byte where {@link #buffer} starts (a block boundary), and how many bytes it writes. */
    private long writeAt;
    private int writeLength;
    /** Where the chunk's bytes sit in {@link #buffer}. */
    private int destinationLead;
    /** Source byte where the read starts (a block boundary), how many bytes it reads. */
    private long readAt;
    private int readLength;
    /** Where the chunk's bytes sit in what the source read gave. */
    private int sourceLead;
    /** The source is read straight into {@link #buffer}. */
    private boolean direct;
    private boolean headPending;
    private boolean tailPending;
    private boolean sourcePending;

    /** What {@link #pump} does next; WAIT while an I/O is in flight or after the end. */
    private Step next = Step.CHUNK;
    private BlockDevice.IoFailure failure;
    private boolean failedWriting;

    private enum Step { CHUNK, READ, WRITTEN, FAILED, WAIT }

    private final BlockDevice.Completion readDone = completion(Step.READ, false);
    private final BlockDevice.Completion writeDone = completion(Step.WRITTEN, true);

    /** An I/O's completion: {@code done} next, or FAILED with which side failed. */
    private BlockDevice.Completion completion(Step done, boolean writing) {
        return new BlockDevice.Completion() {
            @Override
            public void completed() {
                next = done;
                pump();
            }

            @Override
            public void failed(BlockDevice.IoFailure f, Throwable cause) {
                failure = f;
                failedWriting = writing;
                next = Step.FAILED;
                pump();
            }
        };
    }

    BlockCopy(List<Segment> segments, Listener listener) {
        this.segments = segments;
        this.listener = listener;
    }

    /** Starts the copy; the listener hears {@link Listener#finished} exactly once, possibly before this returns. */
    void start() {
        long write = 0;
        for (Segment s : segments) {
            int d = s.destination().blockSize();
            write = Math.max(write, Math.min(CHUNK, alignUp(s.destinationOffset() % d + s.bytes(), d)));
        }
        if (write > 0) {
            buffer = ByteBuffer.allocate((int) write);
        }
        pump();
    }

    /**
     * Runs steps until one is left waiting for a device. A completion arriving while this loop
     * runs (inline, or from another thread) only adds one more round (the usual drain loop), so
     * steps never run concurrently and never nest; the atomic counter also orders the fields a
     * completion set before the round that reads them.
     */
    private void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Step step = next;
            next = Step.WAIT;
            switch (step) {
                case CHUNK -> chunk();
                case READ -> nextIo();
                case WRITTEN -> written();
                case FAILED -> listener.finished(failure == null ? BlockDevice.IoFailure.INTERNAL : failure,
                        failedWriting);
                case WAIT -> { }
            }
        } while (wip.decrementAndGet() != 0);
    }

    /** Lays out the next chunk, moving on to the next segment when one is complete, or finishes. */
    private void chunk() {
        while (segment < segments.size() && done == segments.get(segment).bytes()) {
            listener.segmentDone(segment);
            segment++;
            done = 0;
        }
        if (segment == segments.size()) {
            listener.finished(null, false);
            return;
        }
        Segment s = segments.get(segment);
        int d = s.destination().blockSize();
        int b = s.source().blockSize();
        if (s.backwards()) {
            long end = s.destinationOffset() + s.bytes() - done;   // the chunk ends here
            long from = Math.max(s.destinationOffset(), alignUp(end, d) - CHUNK);
            chunkLength = (int) (end - from);
            chunkStart = from - s.destinationOffset();
        } else {
            long from = s.destinationOffset() + done;
            chunkLength = (int) Math.min(alignDown(from, d) + CHUNK - from, s.bytes() - done);
            chunkStart = done;
        }
        long destination = s.destinationOffset() + chunkStart;
        writeAt = alignDown(destination, d);
        writeLength = (int) (alignUp(destination + chunkLength, d) - writeAt);
        destinationLead = (int) (destination - writeAt);
        long source = s.sourceOffset() + chunkStart;
        readAt = alignDown(source, b);
        readLength = (int) (alignUp(source + chunkLength, b) - readAt);
        sourceLead = (int) (source - readAt);
        direct = destinationLead == 0 && sourceLead == 0 && writeLength == chunkLength && readLength == chunkLength;
        headPending = destinationLead != 0;
        // the last destination block, unless the first one read already is that block
        tailPending = destinationLead + chunkLength != writeLength && !(headPending && writeLength == d);
        sourcePending = true;
        if (!direct && (staging == null || staging.capacity() < readLength)) {
            // at most CHUNK and one source block: allocated by the first chunk that needs it, for its segment
            staging = ByteBuffer.allocate(s.bytes() > CHUNK ? CHUNK + b : readLength);
        }
        nextIo();
    }

    /**
     * Starts the chunk's next read (the partial first destination block, the partial last one,
     * the source), or, once all are in, puts the source bytes in place and writes the blocks.
     */
    private void nextIo() {
        Segment s = segments.get(segment);
        boolean writing = false;
        try {
            if (headPending) {
                headPending = false;
                s.destination().read(writeAt, buffer.slice(0, s.destination().blockSize()), readDone);
            } else if (tailPending) {
                tailPending = false;
                int d = s.destination().blockSize();
                s.destination().read(writeAt + writeLength - d, buffer.slice(writeLength - d, d), readDone);
            } else if (sourcePending) {
                sourcePending = false;
                s.source().read(readAt, (direct ? buffer : staging).slice(0, readLength), readDone);
            } else {
                writing = true;
                if (!direct) {
                    buffer.put(destinationLead, staging, sourceLead, chunkLength);
                }
                s.destination().write(writeAt, buffer.slice(0, writeLength), s.fua(), writeDone);
            }
        } catch (RuntimeException e) {
            listener.finished(BlockDevice.IoFailure.INTERNAL, writing);
        }
    }

    private void written() {
        done += chunkLength;
        listener.transferred(chunkLength);
        chunk();
    }

    private static long alignDown(long at, int blockSize) {
        return at - at % blockSize;
    }

    private static long alignUp(long at, int blockSize) {
        return alignDown(at + blockSize - 1, blockSize);
    }
}
