package org.scstj.engine.spi;

import java.nio.ByteBuffer;

/**
 * A device whose every command goes to a real SCSI device ({@link ScsiPassThrough}): the core never
 * asks it for block I/O (the pass-through command sets send READ and WRITE on as they are), so
 * {@link #read} and {@link #write} refuse, and {@link #flush} has nothing to add (the initiators
 * send SYNCHRONIZE CACHE themselves). The SG handlers and the iSCSI gateway are such devices.
 */
public interface PassThroughDevice extends BlockDevice, ScsiPassThrough {
    @Override
    default ScsiPassThrough passThrough() {
        return this;
    }

    @Override
    default void read(long offset, ByteBuffer dst, Completion done) {
        done.failed(IoFailure.INTERNAL, new UnsupportedOperationException(name() + ": a pass-through device's"
                + " commands go to the device"));
    }

    @Override
    default void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        done.failed(IoFailure.INTERNAL, new UnsupportedOperationException(name() + ": a pass-through device's"
                + " commands go to the device"));
    }

    /** The initiators send SYNCHRONIZE CACHE themselves; the core's flush (at shutdown) has nothing to add. */
    @Override
    default void flush(Completion done) {
        done.completed();
    }
}
