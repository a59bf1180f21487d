package org.scstj.engine.spc;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.scstj.engine.spi.BlockDevice;

/**
 * Moves the blocks of an EXTENDED COPY: for each segment, read a chunk of at most
 * {@link #CHUNK} bytes from the source device, write it to the destination device, until the
 * segment is done, then the next segment. One buffer per copy, allocated once, so a copy never
 * holds more than {@link #CHUNK} bytes whatever its length.
 *
 * <p>Asynchronous: every I/O goes through the {@link BlockDevice} with a completion; no thread
 * waits. A device that completes inline (as {@code vdisk_nullio} does) does not deepen the stack:
 * {@link #pump} runs the next step in a loop instead of recursing. When source and destination
 * ranges overlap on one device with the destination after the source, chunks are copied from the
 * end backwards, so every block is read before it is overwritten (the result is that of reading
 * the whole source first).
 *
 * <p>Writes carry FUA when the segment says so (the destination's WCE is 0, SBC-4 6.5.5).
 */
final class BlockCopy {
    /** Bytes read and written per device I/O. */
    static final int CHUNK = 1024 * 1024;

    /**
     * One segment in bytes: {@code bytes} from {@code sourceOffset} of {@code source} to
     * {@code destinationOffset} of {@code destination}; both ranges inside their devices.
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
    private ByteBuffer buffer;
    private int segment;
    /** Bytes of the current segment already copied. */
    private long done;
    /** The chunk in flight: its length and its offset within the segment. */
    private int chunkLength;
    private long chunkStart;
    /** What {@link #pump} does next; WAIT while an I/O is in flight or after the end. */
    private Step next = Step.READ;
    private BlockDevice.IoFailure failure;
    private boolean failedWriting;

    private enum Step { READ, WRITE, WRITTEN, FAILED, WAIT }

    private final BlockDevice.Completion readDone = new BlockDevice.Completion() {
        @Override
        public void completed() {
            next = Step.WRITE;
            pump();
        }

        @Override
        public void failed(BlockDevice.IoFailure f, Throwable cause) {
            failure = f;
            failedWriting = false;
            next = Step.FAILED;
            pump();
        }
    };

    private final BlockDevice.Completion writeDone = new BlockDevice.Completion() {
        @Override
        public void completed() {
            next = Step.WRITTEN;
            pump();
        }

        @Override
        public void failed(BlockDevice.IoFailure f, Throwable cause) {
            failure = f;
            failedWriting = true;
            next = Step.FAILED;
            pump();
        }
    };

    BlockCopy(List<Segment> segments, Listener listener) {
        this.segments = segments;
        this.listener = listener;
    }

    /** Starts the copy; the listener hears {@link Listener#finished} exactly once, possibly before this returns. */
    void start() {
        long largest = 0;
        for (Segment s : segments) {
            largest = Math.max(largest, s.bytes());
        }
        if (largest > 0) {
            buffer = ByteBuffer.allocate((int) Math.min(CHUNK, largest));
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
                case READ -> read();
                case WRITE -> write();
                case WRITTEN -> written();
                case FAILED -> listener.finished(failure == null ? BlockDevice.IoFailure.INTERNAL : failure,
                        failedWriting);
                case WAIT -> { }
            }
        } while (wip.decrementAndGet() != 0);
    }

    /** Starts reading the next chunk, moving on to the next segment when one is complete, or finishes. */
    private void read() {
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
        chunkLength = (int) Math.min(buffer.capacity(), s.bytes() - done);
        chunkStart = s.backwards() ? s.bytes() - done - chunkLength : done;
        try {
            s.source().read(s.sourceOffset() + chunkStart, buffer.clear().limit(chunkLength), readDone);
        } catch (RuntimeException e) {
            listener.finished(BlockDevice.IoFailure.INTERNAL, false);
        }
    }

    private void write() {
        Segment s = segments.get(segment);
        try {
            s.destination().write(s.destinationOffset() + chunkStart, buffer.clear().limit(chunkLength), s.fua(),
                    writeDone);
        } catch (RuntimeException e) {
            listener.finished(BlockDevice.IoFailure.INTERNAL, true);
        }
    }

    private void written() {
        done += chunkLength;
        listener.transferred(chunkLength);
        read();
    }
}
