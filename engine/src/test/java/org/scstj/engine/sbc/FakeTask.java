package org.scstj.engine.sbc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

/** A transport task for tests: tracks every buffer it lends and whether it came back. */
public final class FakeTask implements TransportTask {
    private final byte[] cdb;
    private final int edtl;
    private final byte[] dataOut;
    public final List<Tracked> buffers = new ArrayList<>();
    public int requestedData = -1;
    public int zeroCopyMinLength = Integer.MAX_VALUE;

    public FakeTask(byte[] cdb, int edtl, byte[] dataOut) {
        this.cdb = cdb;
        this.edtl = edtl;
        this.dataOut = dataOut;
    }

    /** A buffer that counts its releases. */
    public static final class Tracked implements DataBuffer {
        private final ByteBuffer bytes;
        public int releases;

        Tracked(int length) {
            this.bytes = ByteBuffer.allocate(length);
        }

        @Override public ByteBuffer nio() { return bytes.duplicate().clear(); }
        @Override public int length() { return bytes.capacity(); }
        @Override public void release() { releases++; }
    }

    /** True when every lent buffer except {@code keep} was released exactly once. */
    public boolean allReleasedExcept(DataBuffer keep) {
        for (Tracked t : buffers) {
            if (t != keep && t.releases != 1) {
                return false;
            }
            if (t == keep && t.releases != 0) {
                return false;
            }
        }
        return true;
    }

    @Override public long lun() { return 0; }
    @Override public byte[] cdb() { return cdb; }
    @Override public long tag() { return 1; }
    @Override public TaskAttribute attribute() { return TaskAttribute.values()[0]; }
    @Override public int expectedDataTransferLength() { return edtl; }
    @Override public boolean readExpected() { return dataOut == null; }
    @Override public boolean writeExpected() { return dataOut != null; }

    @Override
    public int zeroCopyMinLength() {
        return zeroCopyMinLength;
    }

    @Override
    public DataBuffer allocate(int length) {
        Tracked t = new Tracked(length);
        buffers.add(t);
        return t;
    }

    @Override
    public void receiveData(int length, DataReceiver receiver) {
        if (length > Integer.toUnsignedLong(edtl)) {
            throw new AssertionError("asked for " + length + " bytes, EDTL " + edtl);
        }
        requestedData = length;
        if (dataOut == null) {
            receiver.failed(new IllegalStateException("no data"));
            return;
        }
        Tracked t = new Tracked(length);
        t.bytes.put(0, dataOut, 0, Math.min(length, dataOut.length));
        buffers.add(t);
        receiver.received(t);
    }

    @Override public void complete(ScsiResponse response) { throw new AssertionError("core must use ExecContext"); }
    @Override public void aborted() { }
}
