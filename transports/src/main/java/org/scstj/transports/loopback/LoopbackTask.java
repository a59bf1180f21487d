package org.scstj.transports.loopback;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One command of a loopback session: the transport's half of its life (TransportTask), with the
 * initiator's Data-Out at hand so {@link #receiveData} answers at once.
 *
 * <p>The initiator's callback runs when two things happened: the core gave the command its
 * outcome ({@link #complete} or {@link #aborted}), and the core released the Data-Out it was lent
 * (if any). A count of those pending events, decremented atomically, makes the last one run the
 * callback on whichever thread it happens, so an aborted WRITE never reports before the device
 * stopped reading the initiator's buffer (TransportTask.aborted: the core's buffers stay the core's
 * until the device is done).
 *
 * <p>Threading: the core may call any method from any thread; the outcome and the release happen
 * once each; the {@link VarHandle} decrement orders the writes before the callback reads them.
 */
final class LoopbackTask implements TransportTask {
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(LoopbackTask.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Zero bytes of Data-Out, with nothing to release. */
    private static final DataBuffer NO_DATA = DataBuffer.wrap(new byte[0], 0);

    private final LoopbackTargetDriver driver;
    private final long lun;
    private final byte[] cdb;
    private final long tag;
    private final TaskAttribute attribute;
    private final int edtl;
    private final ByteBuffer dataOut;
    private final boolean read;
    private final CommandCallback callback;

    /** Outcome + Data-Out lent and not yet released (see the class comment). */
    @SuppressWarnings("unused") // through PENDING
    private volatile int pending = 1;
    private volatile boolean ended;
    private boolean dataOutLent;
    private LoopbackResult result;

    /**
     * @param dataOut      the initiator's Data-Out (EDTL = its remaining bytes), or null
     * @param dataInLength the Data-In the initiator expects (EDTL when there is no Data-Out)
     */
    LoopbackTask(LoopbackTargetDriver driver, long lun, byte[] cdb, long tag, TaskAttribute attribute,
                 ByteBuffer dataOut, int dataInLength, CommandCallback callback) {
        this.driver = driver;
        this.lun = lun;
        this.cdb = cdb;
        this.tag = tag;
        this.attribute = attribute;
        this.dataOut = dataOut;
        this.edtl = dataOut != null ? dataOut.remaining() : dataInLength;
        this.read = dataOut == null && dataInLength > 0;
        this.callback = callback;
    }

    @Override
    public long lun() {
        return lun;
    }

    @Override
    public byte[] cdb() {
        return cdb;
    }

    @Override
    public long tag() {
        return tag;
    }

    @Override
    public TaskAttribute attribute() {
        return attribute;
    }

    @Override
    public int expectedDataTransferLength() {
        return edtl;
    }

    /** The R bit (RFC 7143 11.3.1 analogue): the initiator asked for Data-In. */
    @Override
    public boolean readExpected() {
        return read;
    }

    /** The W bit (RFC 7143 11.3.1 analogue): the initiator brought Data-Out. */
    @Override
    public boolean writeExpected() {
        return dataOut != null;
    }

    /** A pooled direct buffer (the driver's allocator); the core owns it until it completes the task. */
    @Override
    public DataBuffer allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative Data-In length " + length);
        }
        return driver.allocate(length);
    }

    /**
     * Hands the first {@code length} bytes of the initiator's Data-Out to the core, without a copy,
     * on the calling thread. The data is all here already (like iSCSI immediate data covering EDTL),
     * so there is nothing to solicit.
     */
    @Override
    public void receiveData(int length, DataReceiver receiver) {
        IOException refused = null;
        synchronized (this) {
            if (ended) {
                refused = new IOException("task 0x" + Long.toHexString(tag) + " has ended");
            } else if (dataOutLent) {
                refused = new IOException("the Data-Out of task 0x" + Long.toHexString(tag) + " was already delivered");
            } else if (length < 0 || Integer.toUnsignedLong(length) > Integer.toUnsignedLong(edtl)) {
                refused = new IOException("Data-Out length " + length + " outside EDTL " + Integer.toUnsignedLong(edtl));
            } else if (dataOut == null && length > 0) {
                // RFC 7143 11.3.1: without W the initiator sends no Data-Out; the core fails the command
                refused = new IOException("write data for task 0x" + Long.toHexString(tag)
                        + " but the initiator announced none");
            } else if (dataOut != null) {
                dataOutLent = true;
                PENDING.getAndAdd(this, 1);
            }
        }
        if (refused != null) {
            receiver.failed(refused);
        } else if (dataOut == null) {
            receiver.received(NO_DATA); // length 0 without W: nothing of the initiator's is lent
        } else {
            receiver.received(new DataOutBuffer(this, dataOut, dataOut.position(), length));
        }
    }

    /** The core released the Data-Out it was lent. */
    void dataOutReleased() {
        countDown();
    }

    @Override
    public void complete(ScsiResponse response) {
        if (!end()) {
            DataBuffer stray = response.dataIn();
            if (stray != null) {
                stray.release(); // completed after an abort or twice: a core bug; the first outcome stands
            }
            return;
        }
        result = toResult(response);
        countDown();
    }

    @Override
    public void aborted() {
        if (end()) {
            countDown();
        }
    }

    private synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    private void countDown() {
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            LoopbackResult r = result;
            if (r != null) {
                callback.completed(r);
            } else {
                callback.aborted(tag);
            }
        }
    }

    /**
     * RFC 7143 11.4.5 residuals, as iSCSI reports them: the command's transfer length against EDTL;
     * Data-In the initiator did not ask for (no R) is dropped and overflows by its whole length.
     */
    private LoopbackResult toResult(ScsiResponse r) {
        long expectedLength = Integer.toUnsignedLong(edtl);
        long transfer = Integer.toUnsignedLong(r.transferLength());
        DataBuffer data = r.dataIn();
        long expected = data != null && !read ? 0 : expectedLength;
        Residual residual = Residual.of(expected, transfer);
        long residualCount = Math.abs(transfer - expected);
        ByteBuf view = Unpooled.EMPTY_BUFFER;
        if (data != null) {
            int length = read ? (int) Math.min(data.length(), expectedLength) : 0;
            if (length == 0) {
                data.release();
                data = null;
            } else if (data instanceof DataInBuffer pooled) {
                view = pooled.byteBuf().writerIndex(length);
            } else {
                view = LoopbackResult.foreignView(data, length);
            }
        }
        return new LoopbackResult(tag, r.status(), r.sense(), view, data, r.transferLength(), residual, residualCount);
    }

    /** Ends a task the session refused before the core saw it (the session is closed). */
    void refuse() {
        aborted();
    }

    @Override
    public String toString() {
        return "LoopbackTask[tag=0x" + Long.toHexString(tag) + ", lun=0x" + Long.toHexString(lun) + "]";
    }
}
