package org.scstj.engine.lun;

import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A transport task that records how the core ended it. */
public final class FakeTransportTask implements TransportTask {
    final long tag;
    final byte[] cdb;
    final long lunField;
    final CompletableFuture<ScsiResponse> response = new CompletableFuture<>();
    final AtomicInteger completions = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    /** SAM-5 8.5: set by a test before the task is sent. */
    TaskAttribute attribute = TaskAttribute.SIMPLE;

    FakeTransportTask(long tag, byte[] cdb) {
        this(tag, cdb, 0);
    }

    public FakeTransportTask(long tag, byte[] cdb, long lunField) {
        this.tag = tag;
        this.cdb = cdb;
        this.lunField = lunField;
    }

    public ScsiResponse await() throws Exception {
        return response.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override public long lun() { return lunField; }
    @Override public byte[] cdb() { return cdb; }
    @Override public long tag() { return tag; }
    @Override public TaskAttribute attribute() { return attribute; }
    @Override public int expectedDataTransferLength() { return 4096; }
    @Override public boolean readExpected() { return false; }
    @Override public boolean writeExpected() { return false; }
    @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }

    @Override
    public void receiveData(int length, DataReceiver receiver) {
        receiver.failed(new IllegalStateException("no data in this test"));
    }

    @Override
    public void complete(ScsiResponse r) {
        completions.incrementAndGet();
        response.complete(r);
    }

    @Override
    public void aborted() {
        aborts.incrementAndGet();
    }

    int endings() {
        return completions.get() + aborts.get();
    }
}
