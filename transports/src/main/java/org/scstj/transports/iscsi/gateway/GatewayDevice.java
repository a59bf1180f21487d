package org.scstj.transports.iscsi.gateway;

import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.PassThroughDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A logical unit of a remote iSCSI target as the engine's {@link ScsiPassThrough}. One worker thread
 * owns the backend session ({@link Backend}, the initiator is blocking): it takes the commands in
 * arrival order from a queue and sends each with its data, one at a time (the engine keeps task
 * ordering and the front-end's queue depth; the remote LU sees one command of one initiator), and
 * pings the session while idle (NOP-Out, RFC 7143 11.18).
 *
 * <p><b>Backend loss.</b> A connection that closes, a command or ping without an answer within
 * {@code timeout}, or a protocol error ends the backend session: the command in hand and every
 * queued one fail at once with {@link IoFailure#BECOMING_READY} (NOT READY 04/01), so do the
 * commands that arrive while there is no session, without waiting in a queue (a standard INQUIRY
 * is answered from the data read at the last login: SPC-5 6.7 asks INQUIRY to work on a LU that is
 * not ready). The worker logs in again, first after {@code reconnect-min}, then after twice as long
 * each time up to {@code reconnect-max}, with the same ISID (session reinstatement, RFC 7143 6.3.5).
 * Once logged in it takes the remote LU's own unit attentions with TEST UNIT READY and keeps the
 * first: the next command other than INQUIRY ends CHECK CONDITION with it (or, when the remote LU
 * had none, POWER ON, RESET, OR BUS DEVICE RESET OCCURRED 29/00: what the LU went through while
 * unreachable is unknown, SPC-5 5.14 / SAM-5 6.3). The engine hands that unit attention to the nexus
 * whose command met it and establishes it for every other one (SAM-5 5.14), so each front-end
 * initiator sees it once; none saw anything but NOT READY meanwhile.
 */
final class GatewayDevice implements PassThroughDevice {
    private static final Logger log = LoggerFactory.getLogger(GatewayDevice.class);
    private static final int INQUIRY = 0x12;
    private static final long CLOSE_WAIT_MS = 30_000;

    private final String name;
    private final GatewaySettings settings;
    private final LoginSpec spec;
    private final int peripheralDeviceType;
    private final int blockSize;
    private final long blockCount;
    private final Capabilities capabilities;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    /** A session is logged in: commands go to the queue (else they fail at once). */
    private volatile boolean connected;
    private volatile boolean closed;
    /** The standard INQUIRY data of the last login. */
    private volatile byte[] inquiry;
    // the worker's alone
    private Backend backend;
    private byte[] pendingUnitAttention;

    /** What the worker does next. */
    private sealed interface Request permits Command, Reset {
    }

    private record Command(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn,
                           CommandCompletion done) implements Request {
        int length() {
            return switch (direction) {
                case TO_DEVICE -> dataOut.length();
                case FROM_DEVICE -> dataIn.length();
                case NONE -> 0;
            };
        }
    }

    private record Reset(ResetCompletion done) implements Request {
    }

    /**
     * A device over {@code backend} (logged in, its unit attentions taken) or, when it is null, one
     * that starts without a session and logs in in the background.
     */
    GatewayDevice(String name, GatewaySettings settings, LoginSpec spec, Backend backend, byte[] inquiry,
                  int peripheralDeviceType, int blockSize, long blockCount, Capabilities capabilities) {
        this.name = name;
        this.settings = settings;
        this.spec = spec;
        this.backend = backend;
        this.inquiry = inquiry;
        this.peripheralDeviceType = peripheralDeviceType;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.capabilities = capabilities;
        this.connected = backend != null;
        this.worker = new Thread(this::work, "dev_iscsi-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return GatewaySettings.HANDLER; }
    @Override public int peripheralDeviceType() { return peripheralDeviceType; }
    @Override public int blockSize() { return blockSize; }
    @Override public long blockCount() { return blockCount; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public int maxTransferBytes() { return settings.maxTransfer(); }

    /** Whether a backend session is logged in now (for the admin plane and tests). */
    boolean connected() {
        return connected;
    }

    @Override
    public void execute(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, CommandCompletion done) {
        Command c = new Command(cdb, direction, dataOut, dataIn, done);
        if (!connected || closed) {
            withoutSession(c);
            return;
        }
        queue.add(c);
        // the worker may have lost the session after the check above and emptied the queue already
        if ((!connected || closed) && queue.remove(c)) {
            withoutSession(c);
        }
    }

    @Override
    public void reset(ResetCompletion done) {
        Reset r = new Reset(done);
        if (!connected || closed) {
            done.done(null); // no session: the remote LU holds nothing of ours to abort
            return;
        }
        queue.add(r);
        if ((!connected || closed) && queue.remove(r)) {
            done.done(null);
        }
    }

    /** A command while there is no backend session: a standard INQUIRY from the last login's data, else 04/01. */
    private void withoutSession(Command c) {
        byte[] data = inquiry;
        if (data != null && !closed && isStandardInquiry(c.cdb()) && c.direction() == Direction.FROM_DEVICE) {
            int allocation = ((c.cdb()[3] & 0xFF) << 8) | (c.cdb()[4] & 0xFF);
            int n = Math.min(Math.min(allocation, data.length), c.dataIn().length());
            c.dataIn().nio().put(data, 0, n);
            c.done().completed(new Result(ScsiResponse.GOOD, null, c.dataIn().length() - n));
            return;
        }
        c.done().failed(IoFailure.BECOMING_READY, new IOException(name + ": no session with " + settings.target()
                + " at " + settings.portal() + (closed ? "; closed" : "; logging in again")));
    }

    /** SPC-5 6.7.1: EVPD 0, the standard data. */
    private static boolean isStandardInquiry(byte[] cdb) {
        return (cdb[0] & 0xFF) == INQUIRY && cdb.length >= 6 && (cdb[1] & 0x01) == 0;
    }

    // ---- the worker ----

    private void work() {
        long backoff = settings.reconnectMin().toMillis();
        while (!closed) {
            if (backend == null) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    break;
                }
                try {
                    logIn();
                    backoff = settings.reconnectMin().toMillis();
                } catch (IOException | RuntimeException e) {
                    log.debug("{}: login to {} at {} failed: {}", name, settings.target(), settings.portal(), e.toString());
                    backoff = Math.min(backoff * 2, settings.reconnectMax().toMillis());
                }
                continue;
            }
            Request r;
            try {
                r = queue.poll(settings.nopInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            try {
                switch (r) {
                    case null -> backend.ping(settings.timeout());
                    case Command c -> send(c);
                    case Reset x -> reset(x);
                }
            } catch (IOException | RuntimeException e) {
                lose(e, r);
            }
        }
        connected = false;
        for (Request r; (r = queue.poll()) != null; ) {
            end(r);
        }
        if (backend != null) {
            backend.logout();
            backend = null;
        }
    }

    /**
     * Logs in again: the remote LU must still be a logical unit of this device's type (a different
     * one behind the same name is not ours to serve); its unit attentions are taken and the first
     * kept for the front end.
     */
    private void logIn() throws IOException {
        Backend b = Backend.login(settings, spec);
        try {
            byte[] data = b.inquiry();
            int qualifier = (data[0] & 0xFF) >>> 5;
            int type = data[0] & 0x1F;
            if (qualifier != 0 || type != peripheralDeviceType) {
                throw new IOException(String.format("%s: LUN %d of %s is now peripheral qualifier %d, type %02Xh;"
                        + " this device is type %02Xh", name, settings.lun(), settings.target(), qualifier, type,
                        peripheralDeviceType));
            }
            byte[] ua = b.drainUnitAttentions();
            pendingUnitAttention = ua != null ? ua
                    : SenseData.build(SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET, false);
            inquiry = data;
            backend = b;
            connected = true;
            log.info("{}: logged in to {} at {} again", name, settings.target(), settings.portal());
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** The session is gone: everything in hand and queued fails now, and the worker logs in again. */
    private void lose(Exception cause, Request inHand) {
        connected = false;
        log.warn("{}: lost the session with {} at {} ({}); NOT READY until logged in again", name,
                settings.target(), settings.portal(), cause.toString());
        backend.close();
        backend = null;
        if (inHand != null) {
            end(inHand);
        }
        for (Request r; (r = queue.poll()) != null; ) {
            end(r);
        }
    }

    private void end(Request r) {
        switch (r) {
            case Command c -> withoutSession(c);
            case Reset x -> x.done().done(null);
        }
    }

    /** One command to the remote LU: its status, sense and residual back as they came (SAM-5 5.4.3). */
    private void send(Command c) throws IOException {
        int length = c.length();
        if (pendingUnitAttention != null && !isInquiryCdb(c.cdb())) {
            byte[] ua = pendingUnitAttention;
            pendingUnitAttention = null;
            c.done().completed(new Result(ScsiResponse.CHECK_CONDITION, ua, length));
            return;
        }
        byte[] out = c.direction() == Direction.TO_DEVICE ? bytes(c.dataOut()) : null;
        int in = c.direction() == Direction.FROM_DEVICE ? length : 0;
        ScsiResult r = backend.execute(c.cdb(), out, in);
        if (r.response() != 0) {
            // RFC 7143 11.4.3: the target ended the command without a SCSI status (or rejected it)
            c.done().failed(IoFailure.INTERNAL, new IOException(String.format("%s: opcode %02Xh: %s", name,
                    c.cdb()[0] & 0xFF, r)));
            return;
        }
        int residual = 0;
        if (c.direction() == Direction.FROM_DEVICE) {
            int n = Math.min(r.received(), in);
            c.dataIn().nio().put(r.data(), 0, n);
            residual = Math.max(in - n, r.underflow() ? r.residual() : 0);
        } else if (c.direction() == Direction.TO_DEVICE && r.underflow()) {
            residual = Math.min(r.residual(), length);
        }
        c.done().completed(new Result(r.status(), r.sense().length == 0 ? null : r.sense(), residual));
    }

    private static boolean isInquiryCdb(byte[] cdb) {
        return (cdb[0] & 0xFF) == INQUIRY;
    }

    /**
     * SAM-5 7.7: LOGICAL UNIT RESET on to the remote LU. The engine established the front end's unit
     * attentions for it; the remote LU's own (29/03) is taken here, or it would reach the front end a
     * second time.
     */
    private void reset(Reset x) throws IOException {
        int response = backend.lunReset();
        backend.drainUnitAttentions();
        x.done().done(response == 0 ? null
                : new IOException(name + ": LOGICAL UNIT RESET answered " + response + " (RFC 7143 11.6.1)"));
    }

    /** The Data-Out as one array: the initiator sends from a byte array. */
    private static byte[] bytes(DataBuffer data) {
        byte[] all = new byte[data.length()];
        ByteBuffer into = ByteBuffer.wrap(all);
        for (ByteBuffer piece : data.nioBuffers()) {
            into.put(piece.duplicate());
        }
        return all;
    }

    /** Stops the worker (it logs out, bounded); commands still queued end NOT READY. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            // a command in the remote LU is its own to finish; the daemon's shutdown waits no longer than this
            worker.join(Math.min(CLOSE_WAIT_MS, settings.timeout().toMillis() + 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            log.warn("{}: a command to {} is still waiting for its answer at close", name, settings.target());
        }
    }
}
