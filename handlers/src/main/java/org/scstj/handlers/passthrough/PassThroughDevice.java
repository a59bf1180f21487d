package org.scstj.handlers.passthrough;

import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SCSI device opened through its SG node: the engine's {@link ScsiPassThrough}. Each command
 * waits in SG_IO on one thread of a pool of {@code threads} (SG_IO blocks; the sg driver queues
 * several commands of one descriptor to the device at once), so at most that many are in the device
 * and the rest wait in the pool's queue, in order. A reset runs on the engine's blocking-I/O
 * executor, beside the commands it aborts.
 *
 * <p>What goes back to the core is the device's: status, sense and residual. A command the host
 * adapter or the mid-layer failed (a DID_* host status, a driver error such as a timeout) has no
 * SCSI answer: the core reports it as INTERNAL, or as NOT READY once the device is gone (DID_NO_CONNECT,
 * DID_BAD_TARGET, ENODEV, ENXIO), after which {@link #ready} is false.
 */
final class PassThroughDevice implements org.scstj.engine.spi.PassThroughDevice {
    private static final Logger log = LoggerFactory.getLogger(PassThroughDevice.class);
    // Linux <scsi/scsi.h> host statuses that mean the device is not there
    static final int DID_NO_CONNECT = 0x01;
    static final int DID_BAD_TARGET = 0x04;
    /** Linux driver_status DRIVER_SENSE: sense data came back; the low three bits are an error. */
    static final int DRIVER_ERROR_MASK = 0x07;
    static final int ENXIO = 6;
    static final int ENODEV = 19;
    private static final int CLOSE_WAIT_MS = 30_000;

    private final String name;
    private final String handlerType;
    private final int peripheralDeviceType;
    private final SgLayer.Device sg;
    private final int timeoutMs;
    private final int maxTransfer;
    private final int blockSize;
    private final long blockCount;
    private final Capabilities capabilities;
    private final ExecutorService pool;
    private final Executor blocking;
    private volatile boolean ready = true;

    PassThroughDevice(String name, String handlerType, int peripheralDeviceType, SgLayer.Device sg,
                      PassThroughSettings settings, int maxTransfer, int blockSize, long blockCount,
                      Capabilities capabilities, Executor blocking) {
        this.name = name;
        this.handlerType = handlerType;
        this.peripheralDeviceType = peripheralDeviceType;
        this.sg = sg;
        this.timeoutMs = settings.timeoutMs();
        this.maxTransfer = maxTransfer;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.capabilities = capabilities;
        this.blocking = blocking;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sg-" + name + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return handlerType; }
    @Override public int peripheralDeviceType() { return peripheralDeviceType; }
    @Override public int blockSize() { return blockSize; }
    @Override public long blockCount() { return blockCount; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public boolean ready() { return ready; }
    @Override public int maxTransferBytes() { return maxTransfer; }

    @Override
    public void execute(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, CommandCompletion done) {
        try {
            pool.execute(() -> send(cdb, direction, dataOut, dataIn, done));
        } catch (RejectedExecutionException e) {
            done.failed(IoFailure.NOT_READY, e); // closed
        }
    }

    private void send(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, CommandCompletion done) {
        try {
            ByteBuffer data;
            int sgDirection;
            switch (direction) {
                case TO_DEVICE -> {
                    data = contiguous(dataOut);
                    sgDirection = SgLayer.DXFER_TO_DEV;
                }
                case FROM_DEVICE -> {
                    data = dataIn.nio();
                    sgDirection = SgLayer.DXFER_FROM_DEV;
                }
                default -> {
                    data = null;
                    sgDirection = SgLayer.DXFER_NONE;
                }
            }
            SgLayer.Answer a = sg.execute(cdb, sgDirection, data, timeoutMs);
            if (a.hostStatus() != 0 || (a.driverStatus() & DRIVER_ERROR_MASK) != 0) {
                boolean gone = a.hostStatus() == DID_NO_CONNECT || a.hostStatus() == DID_BAD_TARGET;
                if (gone) {
                    ready = false;
                }
                done.failed(gone ? IoFailure.NOT_READY : IoFailure.INTERNAL, new IOException(String.format(
                        "%s: opcode %02Xh: host status %02Xh, driver status %02Xh", name, cdb[0] & 0xFF,
                        a.hostStatus(), a.driverStatus())));
                return;
            }
            done.completed(new Result(a.status(), a.sense().length == 0 ? null : a.sense(), a.residual()));
        } catch (IOException e) {
            boolean gone = e instanceof NativeSg.SgException se && (se.errno == ENODEV || se.errno == ENXIO);
            if (gone) {
                ready = false;
            }
            done.failed(gone ? IoFailure.NOT_READY : IoFailure.INTERNAL, e);
        } catch (RuntimeException e) {
            done.failed(IoFailure.INTERNAL, e);
        }
    }

    /** The Data-Out in one piece: as it is when it arrived in one, else gathered (SG_IO here takes no iovec). */
    private static ByteBuffer contiguous(DataBuffer data) {
        ByteBuffer[] pieces = data.nioBuffers();
        if (pieces.length == 1) {
            return pieces[0];
        }
        ByteBuffer all = ByteBuffer.allocate(data.length());
        for (ByteBuffer p : pieces) {
            all.put(p.duplicate());
        }
        return all.flip();
    }

    @Override
    public void reset(ResetCompletion done) {
        CompletableFuture.runAsync(() -> {
            try {
                sg.reset();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, blocking).whenComplete((v, e) -> done.done(e == null ? null : e.getCause() != null ? e.getCause() : e));
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            // the core closes a device once its commands completed; a command stuck in the device
            // is the kernel's to time out, not a reason to hold the daemon's shutdown for hours
            if (!pool.awaitTermination(Math.min(timeoutMs, CLOSE_WAIT_MS), TimeUnit.MILLISECONDS)) {
                log.warn("{}: commands still in SG_IO at close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sg.close();
    }
}
