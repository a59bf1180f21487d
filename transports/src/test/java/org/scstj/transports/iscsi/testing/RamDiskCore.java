package org.scstj.transports.iscsi.testing;

import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DataOutFailure;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A tiny SCSI core for transport tests: one target with one 512-byte-block RAM disk at LUN 0
 * answering TEST UNIT READY, INQUIRY, READ CAPACITY(10)/(16), READ(10), WRITE(10), REPORT LUNS.
 * Initiator {@link #DENIED} is not authorized; any other target name is not found.
 */
public final class RamDiskCore implements ScsiCore {
    public static final String TARGET = "iqn.2026-11.org.scstj:ram";
    public static final String DENIED = "iqn.2026-11.test:denied";
    public static final int BLOCK = 512;

    public final byte[] disk;
    public final List<Nexus> opened = new CopyOnWriteArrayList<>();
    public final List<Nexus> closed = new CopyOnWriteArrayList<>();
    public final List<TmfRequest> tmfs = new CopyOnWriteArrayList<>();
    public final List<TransportTask> submitted = new CopyOnWriteArrayList<>();
    private final Executor executor;
    /** When false, submitted tasks wait in {@link #submitted} until the test runs them. */
    public volatile boolean autoRun = true;
    /** When true, {@code SessionHandle.close} waits in {@link #pendingCloses} until the test runs it. */
    public volatile boolean deferClose;
    public final List<Runnable> pendingCloses = new CopyOnWriteArrayList<>();
    /** The Data-In buffer of the last READ(10), as the transport allocated it (its retention shows in its refCnt). */
    public volatile DataBuffer lastRead;
    /** The transports' receivers of asynchronous events (SessionHandle.asyncEvents), one per session. */
    public final List<SessionHandle.AsyncEventListener> eventListeners = new CopyOnWriteArrayList<>();

    /** @param executor where commands run (a direct executor runs them on the caller's thread) */
    public RamDiskCore(int blocks, Executor executor) {
        this.disk = new byte[blocks * BLOCK];
        this.executor = executor;
    }

    @Override
    public List<String> targetsVisibleTo(String initiatorName) {
        return initiatorName.equals(DENIED) ? List.of() : List.of(TARGET);
    }

    @Override
    public CompletionStage<SessionHandle> openSession(Nexus nexus) {
        if (!nexus.targetName().equals(TARGET)) {
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusal.TARGET_NOT_FOUND, nexus.targetName()));
        }
        if (nexus.initiatorName().equals(DENIED)) {
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusal.NOT_AUTHORIZED, nexus.initiatorName()));
        }
        opened.add(nexus);
        return CompletableFuture.completedFuture(new SessionHandle() {
            @Override
            public Nexus nexus() {
                return nexus;
            }

            @Override
            public void submit(TransportTask task) {
                submitted.add(task);
                if (autoRun) {
                    executor.execute(() -> execute(task));
                }
            }

            @Override
            public void taskManagement(TmfRequest request, Consumer<TmfRequest.Response> done) {
                tmfs.add(request);
                done.accept(request.function() == TmfRequest.Function.ABORT_TASK
                        ? TmfRequest.Response.TASK_DOES_NOT_EXIST : TmfRequest.Response.FUNCTION_COMPLETE);
            }

            @Override
            public void asyncEvents(AsyncEventListener sense) {
                eventListeners.add(sense);
            }

            @Override
            public void close(Runnable done) {
                synchronized (closed) {
                    closed.add(nexus);
                    closed.notifyAll();
                }
                if (deferClose) {
                    pendingCloses.add(done);
                } else {
                    done.run();
                }
            }
        });
    }

    /** Runs one command (SPC-5 / SBC-4, just enough). */
    public void execute(TransportTask task) {
        byte[] cdb = task.cdb();
        int op = cdb[0] & 0xff;
        long lun = task.lun();
        if (lun != 0 && op != 0xa0 && op != 0x12) {
            task.complete(ScsiResponse.checkCondition(sense(0x05, 0x25, 0x00), 0));
            return;
        }
        switch (op) {
            case 0x00 -> task.complete(ScsiResponse.good(null, 0));
            case 0x12 -> { // INQUIRY, standard data only
                int alloc = u16(cdb, 3);
                byte[] inq = new byte[36];
                inq[0] = (byte) (lun == 0 ? 0x00 : 0x7f);
                inq[2] = 0x06;
                inq[3] = 0x02;
                inq[4] = 31;
                System.arraycopy(pad("SCSTJ", 8), 0, inq, 8, 8);
                System.arraycopy(pad("RAMDISK", 16), 0, inq, 16, 16);
                System.arraycopy(pad("0001", 4), 0, inq, 32, 4);
                reply(task, inq, Math.min(alloc, inq.length));
            }
            case 0x25 -> { // READ CAPACITY(10)
                byte[] cap = ByteBuffer.allocate(8).putInt(blocks() - 1).putInt(BLOCK).array();
                reply(task, cap, 8);
            }
            case 0x9e -> { // READ CAPACITY(16)
                int alloc = (int) Math.min(u32(cdb, 10), 32);
                byte[] cap = ByteBuffer.allocate(32).putLong(blocks() - 1L).putInt(BLOCK).array();
                reply(task, cap, alloc);
            }
            case 0xa0 -> { // REPORT LUNS: LUN 0 only
                int alloc = (int) Math.min(u32(cdb, 6), 16);
                byte[] luns = new byte[16];
                luns[3] = 8;
                reply(task, luns, alloc);
            }
            case 0x28 -> { // READ(10)
                long lba = u32(cdb, 2);
                int count = u16(cdb, 7);
                if (lba + count > blocks()) {
                    task.complete(ScsiResponse.checkCondition(sense(0x05, 0x21, 0x00), 0));
                    return;
                }
                int bytes = count * BLOCK;
                int n = (int) Math.min(bytes, Integer.toUnsignedLong(task.expectedDataTransferLength()));
                DataBuffer buf = task.allocate(n);
                buf.nio().put(disk, (int) lba * BLOCK, n);
                lastRead = buf;
                task.complete(ScsiResponse.good(buf, bytes));
            }
            case 0x2a -> { // WRITE(10)
                long lba = u32(cdb, 2);
                int count = u16(cdb, 7);
                if (lba + count > blocks()) {
                    task.complete(ScsiResponse.checkCondition(sense(0x05, 0x21, 0x00), 0));
                    return;
                }
                int bytes = count * BLOCK;
                int n = (int) Math.min(bytes, Integer.toUnsignedLong(task.expectedDataTransferLength()));
                task.receiveData(n, new TransportTask.DataReceiver() {
                    @Override
                    public void received(DataBuffer data) {
                        data.nio().get(disk, (int) lba * BLOCK, n);
                        data.release();
                        task.complete(ScsiResponse.good(null, bytes));
                    }

                    @Override
                    public void failed(Throwable cause) {
                        task.complete(ScsiResponse.checkCondition(dataOutSense(cause), bytes));
                    }
                });
            }
            default -> task.complete(ScsiResponse.checkCondition(sense(0x05, 0x20, 0x00), 0));
        }
    }

    private int blocks() {
        return disk.length / BLOCK;
    }

    private static void reply(TransportTask task, byte[] bytes, int length) {
        int n = (int) Math.min(length, Integer.toUnsignedLong(task.expectedDataTransferLength()));
        DataBuffer buf = task.allocate(n);
        buf.nio().put(bytes, 0, n);
        task.complete(ScsiResponse.good(buf, length));
    }

    /**
     * What the engine answers a write whose Data-Out failed: the transport's {@link DataOutFailure}
     * reason in the engine's sense vocabulary (fixed format, the default D_SENSE 0), otherwise
     * (a lost connection) ABORTED COMMAND 47/05.
     */
    private static byte[] dataOutSense(Throwable cause) {
        SenseReason reason = cause instanceof DataOutFailure f ? switch (f.reason()) {
            case DATA_DIGEST -> SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST;
            case UNEXPECTED_UNSOLICITED_DATA -> SenseReason.UNEXPECTED_UNSOLICITED_DATA;
            case NOT_ENOUGH_UNSOLICITED_DATA -> SenseReason.NOT_ENOUGH_UNSOLICITED_DATA;
        } : SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST;
        return SenseData.build(reason, false);
    }

    public static byte[] sense(int key, int asc, int ascq) {
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[2] = (byte) key;
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    private static byte[] pad(String s, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) ' ');
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, Math.min(n, b.length));
        return out;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    /** Waits, at most {@code within}, until {@code count} sessions were closed; returns how many were. */
    public int awaitClosed(int count, java.time.Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (closed) {
            while (closed.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                closed.wait(Math.max(1, left / 1_000_000));
            }
            return closed.size();
        }
    }
}
