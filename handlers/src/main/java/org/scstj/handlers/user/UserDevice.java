package org.scstj.handlers.user;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.ScsiPassThrough;
import org.scstj.handlers.common.DeviceIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;

/**
 * A device a handler in another process serves (docs/user-handlers.md): a disk or a CD/DVD whose
 * blocks it moves while the core decodes the commands, the commands the core has no row for sent to
 * it as CDBs ({@link #otherCommands}) when it names their opcodes; or a tape drive or medium changer
 * whose every command but the core's (INQUIRY, REPORT LUNS, REQUEST SENSE, reservations, task
 * management) it executes as CDBs ({@link #passThrough}). The device owns
 * the control socket and an acceptor thread; each handler that connects and passes the handshake
 * (HELLO checked against the configuration, WELCOME with a fresh memfd and doorbells, READY) is an
 * {@link Attachment} with an epoch above every earlier one. The LU is {@link #ready} while one is
 * attached; between attachments every medium-access command ends NOT READY (04/03) in the core's
 * checks, and a handler that goes fails its commands at once ({@link Attachment#end}).
 *
 * <p>Threads: the engine calls {@link #read}, {@link #write}, {@link #flush} and {@link #unmap} on
 * any thread; they return at once. Completions run on the attachment's ring thread.
 */
final class UserDevice implements BlockDevice, ScsiPassThrough {
    private static final Logger log = LoggerFactory.getLogger(UserDevice.class);
    /** How long a connecting handler has for its HELLO and, after WELCOME, its READY. */
    static final int HANDSHAKE_MILLIS = 10_000;
    /** How long a second handler, refused because one is attached, has to say HELLO first. */
    static final int BUSY_MILLIS = 1_000;

    private final String name;
    private final UserHandler.Settings settings;
    private final Capabilities capabilities;
    private final UnixSeqPacket listener;
    private final Thread acceptor;
    private volatile Attachment attachment;
    private volatile boolean closed;
    /** The core's listener (null before the LU started, and in tests without an engine). */
    private volatile Listener coreListener;
    /** The capacity in blocks: the configured one, until a handler says CAPACITY CHANGED. */
    private volatile long blocks;
    /** The attached handler said NOT READY (EVENT 3) and not READY since. */
    private volatile boolean handlerNotReady;
    /** A cdrom's disc as the core last learnt it (HELLO, MEDIUM_DONE, EVENT): the LU's medium state follows it. */
    private volatile boolean discIn = true;
    /** A cdrom's disc as the operator named it (configured, or the last load or eject); null: none named. */
    private volatile String medium;
    /** The operator named a disc (configured, loaded or ejected): a handler that attaches is sent it. */
    private volatile boolean mediumNamed;
    /** The MEDIUM being answered (guarded by {@code this}): its number, attachment and answer. */
    private int mediumRequest;
    private Attachment mediumAttachment;
    private java.util.concurrent.CompletableFuture<Message.MediumDone> mediumPending;
    /** The last epoch given (acceptor thread only). */
    private long epoch;

    private UserDevice(String name, UserHandler.Settings settings, UnixSeqPacket listener) {
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        boolean disc = settings.deviceType() == CD_DVD;
        this.capabilities = new Capabilities(settings.deviceType() == DISK, settings.thin(), settings.readOnly(),
                disc, settings.deviceType() == DISK ? 1 : 0, DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
        this.blocks = Math.max(0, settings.size()) / settings.blockSize();
        this.medium = settings.medium();
        this.mediumNamed = settings.medium() != null;
        this.acceptor = Thread.ofPlatform().daemon().name("user-" + name + "-accept").unstarted(this::acceptLoop);
    }

    /**
     * Listens on the device's socket and waits for handlers, from now on; with a {@code command}
     * the device starts the handler itself and starts it again whenever it exits.
     */
    static UserDevice open(String name, UserHandler.Settings settings) throws IOException {
        Files.createDirectories(settings.socket().toAbsolutePath().getParent());
        UserDevice d = new UserDevice(name, settings, UnixSeqPacket.listen(settings.socket()));
        d.acceptor.start();
        if (!settings.command().isEmpty()) {
            Thread.ofVirtual().name("user-" + name + "-supervisor").start(d::supervise);
        }
        return d;
    }

    /** The first pause before a handler that exited is started again, and the longest. */
    static final long RESTART_MIN_MILLIS = 200;
    static final long RESTART_MAX_MILLIS = 30_000;
    /** A handler that ran this long before it exited is started again at once (the pause resets). */
    static final long STABLE_MILLIS = 60_000;

    /** The supervised handler process (null: none now, or no {@code command}). */
    private volatile Process supervised;

    /** The supervised handler's process id, or -1 (for management and tests). */
    long supervisedPid() {
        Process p = supervised;
        return p == null || !p.isAlive() ? -1 : p.pid();
    }

    /**
     * The supervisor (docs/user-handlers.md "Configuration"): starts {@code command}, waits for it
     * to exit, ends its attachment at once if the socket has not told yet (the process's exit is
     * the fact, as a pidfd would tell), and starts it again after a pause that doubles while the
     * handler keeps failing fast. Its output goes to the daemon's.
     */
    private void supervise() {
        long pause = RESTART_MIN_MILLIS;
        while (!closed) {
            long started = System.nanoTime();
            Process p;
            try {
                p = new ProcessBuilder(settings.command()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                log.error("user device {}: cannot start its handler {}: {}", name, settings.command(), e.getMessage());
                p = null;
            }
            if (p != null) {
                supervised = p;
                log.info("user device {}: started its handler, pid {}", name, p.pid());
                int status;
                try {
                    status = p.waitFor();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    return;
                }
                supervised = null;
                if (closed) {
                    return;
                }
                Attachment a = attachment;
                if (a != null && a.peerPid() == p.pid()) {
                    a.end("the handler process " + p.pid() + " exited with status " + status, false);
                }
                log.warn("user device {}: its handler (pid {}) exited with status {}; starting it again", name,
                        p.pid(), status);
                if ((System.nanoTime() - started) / 1_000_000 >= STABLE_MILLIS) {
                    pause = RESTART_MIN_MILLIS;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(RESTART_MAX_MILLIS, pause * 2);
        }
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return UserHandler.TYPE; }
    @Override public int blockSize() { return settings.blockSize(); }
    @Override public long blockCount() { return blocks; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public int peripheralDeviceType() { return settings.deviceType(); }

    /** A tape drive or medium changer: the handler executes its commands as CDBs. */
    @Override
    public ScsiPassThrough passThrough() {
        return settings.cdbDevice() ? this : null;
    }

    /** A disk or CD/DVD: the commands the core has no row for go to the handler, if it named their opcodes. */
    @Override
    public ScsiPassThrough otherCommands() {
        return settings.cdbDevice() ? null : this;
    }

    /** The VPD pages the attached handler answers (feature VPD), besides the core's. */
    @Override
    public java.util.Set<Integer> deviceVpdPages() {
        Attachment a = attachment;
        return a == null ? java.util.Set.of() : a.vpdPages();
    }

    /** The core keeps INQUIRY (docs/user-handlers.md "TMF"): its standard data and VPD pages for the type. */
    @Override
    public boolean answersInquiry() {
        return false;
    }

    /**
     * The attached handler named the CDB's opcode (or, for INQUIRY, its VPD page); with no handler
     * attached, every command is taken and ends NOT READY ({@link #execute}).
     */
    @Override
    public boolean takes(byte[] cdb) {
        Attachment a = attachment;
        return a == null || a.takes(cdb);
    }

    /** A disk's or cdrom's: the opcodes the attached handler named, for REPORT SUPPORTED OPERATION CODES. */
    @Override
    public java.util.Set<Integer> otherOpcodes() {
        Attachment a = attachment;
        return a == null || settings.cdbDevice() ? java.util.Set.of() : a.opcodes();
    }

    /** One submission's data at most: a buffer, or the handler's largest transfer if smaller. */
    @Override
    public int maxTransferBytes() {
        Attachment a = attachment;
        return a == null ? settings.maxTransfer() : a.pieceSize();
    }

    /**
     * A CDB operation (docs/user-handlers.md "CDB operations"), after the core's checks: to the
     * attached handler if it named the opcode, else INVALID COMMAND OPERATION CODE; NOT READY with
     * no handler attached.
     */
    @Override
    public void execute(byte[] cdb, Direction direction, DataBuffer dataOut, DataBuffer dataIn, CommandCompletion done) {
        Attachment a = attachment;
        if (a == null) {
            done.failed(IoFailure.NOT_READY, new IOException(name + ": no handler attached"));
            return;
        }
        a.submitCdb(cdb, direction, dataOut, dataIn, done);
    }

    /**
     * A LOGICAL UNIT RESET of a tape or changer: the handler hears of it as a TMF message
     * ({@link #taskManagement}) and has been sent ABORT for each command the core aborted; there is
     * nothing more to wait for.
     */
    @Override
    public void reset(ResetCompletion done) {
        done.done(null);
    }

    @Override
    public void listen(Listener l) {
        this.coreListener = l;
    }

    /** A handler is attached and has not said NOT READY: medium-access commands go to it. */
    @Override
    public boolean ready() {
        return attachment != null && !handlerNotReady;
    }

    /**
     * An EVENT of the attached handler (docs/user-handlers.md "EVENT"); the reason it breaks the
     * protocol, or null. The core raises the unit attention itself.
     */
    String event(Message.Event e) {
        Listener l = coreListener;
        switch (e.event()) {
            case Message.Event.CAPACITY_CHANGED -> {
                if (e.value() > Long.MAX_VALUE / settings.blockSize()) {
                    return "protocol error: CAPACITY CHANGED to " + e.value() + " blocks";
                }
                blocks = e.value();
                log.info("user device {}: the handler says the capacity is now {} blocks", name, e.value());
                if (l != null) {
                    l.capacityChanged(); // SBC-4 4.6: 2A/09
                }
            }
            case Message.Event.MEDIUM_CHANGED -> {
                if (settings.deviceType() == CD_DVD) {
                    // docs/user-handlers.md "EVENT": the new disc's block count, 0 when the drive is empty
                    if (e.value() > Long.MAX_VALUE / settings.blockSize()) {
                        return "protocol error: MEDIUM CHANGED to " + e.value() + " blocks";
                    }
                    blocks = e.value();
                    discIn = e.value() > 0;
                    log.info("user device {}: the handler says its disc went {} ({} blocks)", name,
                            discIn ? "in" : "out", e.value());
                    if (l != null) {
                        l.mediumLoaded(discIn);
                    }
                } else if (e.value() != 0) {
                    return "protocol error: MEDIUM CHANGED with a block count on a device that is not a CD/DVD";
                } else if (l != null) {
                    l.mediumChanged();
                }
            }
            case Message.Event.NOT_READY -> handlerNotReady = true;
            case Message.Event.READY -> {
                if (handlerNotReady) {
                    handlerNotReady = false;
                    if (l != null) {
                        l.mediumChanged(); // NOT READY TO READY CHANGE (28/00)
                    }
                }
            }
            default -> {
                return "protocol error: EVENT " + e.event();
            }
        }
        return null;
    }

    /**
     * The operator swaps a cdrom's disc (docs/user-handlers.md "MEDIUM"; the admin API's load and
     * eject): the attached handler, which must have asked for the MEDIUM feature, is sent MEDIUM and
     * its MEDIUM_DONE awaited for at most a command's deadline. Runs on a thread that may block; the
     * core records the swap (tray, unit attentions, media events) when this returns.
     */
    @Override
    public void changeMedium(String newMedium) throws IOException {
        if (settings.deviceType() != CD_DVD) {
            throw new UnsupportedOperationException(name + " is not a cdrom: it has no disc to change");
        }
        Attachment a = attachment;
        if (a == null) {
            throw new IOException(name + ": no handler attached to " + (newMedium == null ? "eject its disc"
                    : "load " + newMedium));
        }
        if ((a.features() & Message.F_MEDIUM) == 0) {
            throw new IOException(name + ": its handler does not change discs (it did not ask for the MEDIUM feature)");
        }
        blocks = swap(a, newMedium);
        discIn = newMedium != null;
        medium = newMedium;
        mediumNamed = true;
    }

    /** Sends MEDIUM to {@code a} and waits for its answer: the new disc's block count, or why not. */
    private long swap(Attachment a, String newMedium) throws IOException {
        String text = newMedium == null ? "" : newMedium;
        if (text.indexOf('\0') >= 0 || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Message.MAX_MEDIUM_NAME) {
            throw new IOException("a medium name is at most " + Message.MAX_MEDIUM_NAME + " bytes of UTF-8, without NUL");
        }
        java.util.concurrent.CompletableFuture<Message.MediumDone> answer = new java.util.concurrent.CompletableFuture<>();
        int request;
        synchronized (this) {
            if (mediumPending != null) {
                throw new IOException(name + ": its handler is changing discs already");
            }
            request = ++mediumRequest;
            mediumAttachment = a;
            mediumPending = answer;
        }
        try {
            a.changeMedium(request, text);
            Message.MediumDone d = answer.get(settings.deadline().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (d.result() != 0) {
                throw new IOException(String.format("%s: the handler could not %s: %s (errno %d)", name,
                        newMedium == null ? "take its disc out" : "load " + newMedium, d.why(), d.result()));
            }
            if ((d.blocks() == 0) != (newMedium == null) || d.blocks() > Long.MAX_VALUE / settings.blockSize()) {
                String why = "protocol error: MEDIUM_DONE with " + d.blocks() + " blocks after "
                        + (newMedium == null ? "taking the disc out" : "loading a disc");
                a.end(why, false);
                throw new IOException(name + ": " + why);
            }
            log.info("user device {}: the handler {} ({} blocks)", name,
                    newMedium == null ? "took its disc out" : "loaded " + newMedium, d.blocks());
            return d.blocks();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(name + ": no MEDIUM_DONE from the handler within " + settings.deadline().toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while the handler changes discs");
        } finally {
            synchronized (this) {
                mediumPending = null;
                mediumAttachment = null;
            }
        }
    }

    /** The handler's MEDIUM_DONE (ring thread of {@code a}); the reason it breaks the protocol, or null. */
    String mediumDone(Attachment a, Message.MediumDone d) {
        java.util.concurrent.CompletableFuture<Message.MediumDone> answer;
        synchronized (this) {
            if (mediumPending == null || mediumAttachment != a || d.request() != mediumRequest) {
                return "protocol error: MEDIUM_DONE for request " + Integer.toUnsignedString(d.request())
                        + ", which the core is not waiting for";
            }
            answer = mediumPending;
        }
        answer.complete(d);
        return null;
    }

    /**
     * A cdrom handler that attaches with the MEDIUM feature is sent the disc the operator named, on
     * a thread of its own (the attachment serves meanwhile); the core learns the outcome as it
     * learns a disc the handler changes itself.
     */
    private void sendNamedMedium(Attachment a) {
        String named = medium;
        Thread.ofVirtual().name("user-" + name + "-medium").start(() -> {
            try {
                long b = swap(a, named);
                blocks = b;
                discIn = named != null;
                Listener l = coreListener;
                if (l != null) {
                    l.mediumLoaded(discIn);
                }
            } catch (IOException e) {
                log.warn("user device {}: the disc named in the configuration ({}) did not load: {}", name,
                        named == null ? "none" : named, e.getMessage());
            }
        });
    }

    /** The attached handler's epoch, or 0 (for management and tests). */
    long epoch() {
        Attachment a = attachment;
        return a == null ? 0 : a.epoch();
    }

    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        submit(new Attachment.Request(Rings.OP_READ, offset, dst.remaining(), new ByteBuffer[] {dst}, false, done));
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        submit(new Attachment.Request(Rings.OP_WRITE, offset, src.remaining(), new ByteBuffer[] {src}, fua, done));
    }

    /**
     * The data as the transport received it, in several buffers whose lengths need not be whole
     * blocks: one request, cut into block-aligned pieces across them (docs/user-handlers.md: a
     * WRITE's length is a multiple of the block size), each gathered into its shared buffer.
     */
    @Override
    public void write(long offset, ByteBuffer[] srcs, boolean fua, Completion done) {
        long length = 0;
        for (ByteBuffer b : srcs) {
            length += b.remaining();
        }
        submit(new Attachment.Request(Rings.OP_WRITE, offset, length, srcs.clone(), fua, done));
    }

    @Override
    public void flush(Completion done) {
        submit(new Attachment.Request(Rings.OP_FLUSH, 0, 0, null, false, done));
    }

    @Override
    public void unmap(long offset, long length, Completion done) {
        if (!settings.thin()) {
            done.failed(IoFailure.INTERNAL, new UnsupportedOperationException(name + " is not thin-provisioned"));
            return;
        }
        submit(new Attachment.Request(Rings.OP_UNMAP, offset, length, null, false, done));
    }

    /** docs/user-handlers.md "TMF": the attached handler is told, when it asked for the TMF feature. */
    @Override
    public void taskManagement(TaskManagement function) {
        Attachment a = attachment;
        if (a != null) {
            a.taskManagement(switch (function) {
                case ABORT_TASK_SET -> 1;
                case CLEAR_TASK_SET -> 2;
                case LOGICAL_UNIT_RESET -> 3;
                case I_T_NEXUS_RESET -> 4;
            });
        }
    }

    private void submit(Attachment.Request r) {
        Attachment a = attachment;
        if (a == null) {
            r.failed(IoFailure.NOT_READY, new IOException(name + ": no handler attached"));
            return;
        }
        a.submit(r);
    }

    /**
     * WRITE SAME goes to a handler that asked for the WRITE_SAME feature as one submission: the
     * block in a shared buffer, the whole range on the medium (docs/user-handlers.md "Submission
     * entry"); to one that did not, the core writes the blocks.
     */
    @Override
    public boolean writeSame(long offset, long length, byte[] block, Completion done) {
        Attachment a = attachment;
        if (a == null || !a.writesSame() || block.length != settings.blockSize()) {
            return false;
        }
        a.submit(new Attachment.Request(Rings.OP_WRITE_SAME, offset, length, new ByteBuffer[] {ByteBuffer.wrap(block)},
                false, done));
        return true;
    }

    /**
     * SBC-4 5.8 GET LBA STATUS: asked of a handler that agreed LBA_STATUS (docs/user-handlers.md
     * "LBA_STATUS"); one that did not has every block mapped, which SBC-4 4.7.3 allows.
     */
    @Override
    public void lbaStatus(long offset, long length, int maxExtents, StatusCompletion done) {
        Attachment a = attachment;
        if (a == null) {
            done.failed(IoFailure.NOT_READY, new IOException(name + ": no handler attached"));
        } else if (!a.reportsLbaStatus()) {
            BlockDevice.super.lbaStatus(offset, length, maxExtents, done);
        } else {
            a.submitLbaStatus(offset, length, maxExtents, done);
        }
    }

    /**
     * A READ of whole blocks that fits one shared buffer is lent: the transport sends the handler's
     * data from the shared memory, with no copy (docs/user-handlers.md "Buffers and credits").
     */
    @Override
    public boolean readLent(long offset, int length, LentCompletion done) {
        Attachment a = attachment;
        if (a == null || length % settings.blockSize() != 0 || !a.lendable(length)) {
            return false;
        }
        a.submit(Attachment.Request.lentRead(offset, length, done));
        return true;
    }

    // --- attaching handlers ------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            UnixSeqPacket peer;
            try {
                peer = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.error("user device {}: accepting on {} failed; no handler can attach", name, settings.socket(), e);
                }
                return;
            }
            if (closed) {
                peer.close();
                return;
            }
            Attachment current = attachment;
            if (current != null) {
                // the REFUSE answers the HELLO (a handler that has not sent it yet would meet EPIPE);
                // a second of patience at most, so that a silent peer cannot hold up the next handler
                try {
                    receive(peer, BUSY_MILLIS);
                } catch (IOException | Message.Malformed e) {
                    // refused all the same
                }
                refuse(peer, Message.R_BUSY, "device " + name + " has a handler attached (epoch " + current.epoch() + ")");
                continue;
            }
            try {
                attach(peer);
            } catch (IOException | Message.Malformed e) {
                log.warn("user device {}: handler refused: {}", name, e.getMessage());
                refuse(peer, e instanceof Message.Malformed ? Message.R_PROTOCOL : Message.R_MISMATCH, e.getMessage());
            }
        }
    }

    private static void refuse(UnixSeqPacket peer, int reason, String why) {
        try {
            peer.send(Message.encode(new Message.Refuse(reason, why)));
        } catch (IOException e) {
            // the handler is gone already
        }
        peer.close();
    }

    /** The handshake (docs/user-handlers.md "HELLO", "WELCOME"); on success the new attachment serves. */
    private void attach(UnixSeqPacket peer) throws IOException, Message.Malformed {
        Message hello = receive(peer);
        if (!(hello instanceof Message.Hello h)) {
            throw new Message.Malformed("expected HELLO, got " + hello.getClass().getSimpleName().toUpperCase());
        }
        check(h);
        int features = h.features() & (Message.F_OUT_OF_ORDER | Message.F_FLUSH | Message.F_EVENTS | Message.F_TMF
                | Message.F_WRITE_SAME | Message.F_CDB | Message.F_VPD
                | (settings.thin() ? Message.F_UNMAP | Message.F_LBA_STATUS : 0)
                | (settings.deviceType() == CD_DVD ? Message.F_MEDIUM : 0));
        int depth = settings.queueDepth();
        Rings.Layout layout = new Rings.Layout(depth, depth, depth, settings.maxTransfer());
        Kernel.MemFd memfd = Kernel.MemFd.create("scstj-" + name, layout.size());
        Kernel.EventFd sq = null;
        Kernel.EventFd cq = null;
        try {
            sq = Kernel.EventFd.create();
            cq = Kernel.EventFd.create();
            Rings rings = new Rings(memfd.mapping(), layout);
            long next = ++epoch;
            Message.Welcome w = new Message.Welcome(next, features, depth, depth, depth, settings.maxTransfer(),
                    layout.sqOffset(), layout.cqOffset(), layout.buffersOffset(), layout.size(),
                    (int) settings.deadline().toMillis());
            peer.send(Message.encode(w), memfd.descriptor(), sq.descriptor(), cq.descriptor());
            Message ready = receive(peer);
            if (!(ready instanceof Message.Ready)) {
                throw new Message.Malformed("expected READY, got " + ready.getClass().getSimpleName().toUpperCase());
            }
            int piece = h.maxTransfer() == 0 ? settings.maxTransfer() : Math.min(h.maxTransfer(), settings.maxTransfer());
            Attachment a = new Attachment(this, next, peer, memfd, sq, cq, rings, features, settings.deadline(), piece,
                    settings.spin(), (features & Message.F_CDB) != 0 ? h.opcodes().clone() : new byte[32],
                    (features & Message.F_VPD) != 0 ? h.vpd() : java.util.Set.of());
            boolean disc = h.blocks() > 0;
            if (settings.deviceType() == CD_DVD) {
                blocks = h.blocks(); // the disc's capacity is the handler's; the 29/00 below covers its change
            }
            Listener l = coreListener;
            if (l != null) {
                l.reset(); // the device may have lost its state with the last handler: 29/00 for every nexus first
                if (settings.deviceType() == CD_DVD && disc != discIn) {
                    l.mediumLoaded(disc); // a drive that comes back empty is MEDIUM NOT PRESENT, not NOT READY
                }
            }
            if (settings.deviceType() == CD_DVD) {
                discIn = disc;
            }
            handlerNotReady = false;
            attachment = a;
            log.info("user device {}: handler \"{}\" (pid {}) attached, epoch {}, features 0x{}", name, h.name(),
                    peer.peerPid(), next, Integer.toHexString(features));
            a.start();
            if (settings.deviceType() == CD_DVD && mediumNamed && (features & Message.F_MEDIUM) != 0) {
                sendNamedMedium(a);
            }
        } catch (IOException | Message.Malformed | RuntimeException e) {
            memfd.close();
            if (sq != null) {
                sq.close();
            }
            if (cq != null) {
                cq.close();
            }
            throw e;
        }
    }

    /** The HELLO against the configuration: a handler for another device is refused (reason 3). */
    private void check(Message.Hello h) throws IOException {
        int type = settings.deviceType();
        if (h.deviceType() != type) {
            throw new IOException("HELLO device type " + h.deviceType() + ", but " + name + " is of type " + type);
        }
        checkOpcodes(h);
        if (settings.cdbDevice()) {
            if ((h.features() & Message.F_CDB) == 0) {
                throw new IOException(name + " is a " + (type == TAPE ? "tape drive" : "medium changer")
                        + ": its handler executes the commands as CDBs, but the HELLO does not ask for the CDB feature");
            }
            return; // the core addresses no blocks of a tape or changer
        }
        if (h.blockSize() != settings.blockSize()) {
            throw new IOException("HELLO block size " + h.blockSize() + ", but " + name + " has " + settings.blockSize());
        }
        if (type == DISK && h.blocks() != blockCount()) {
            throw new IOException("HELLO gives " + h.blocks() + " blocks, but " + name + " has " + blockCount());
        }
        if (h.maxTransfer() != 0 && h.maxTransfer() % settings.blockSize() != 0) {
            throw new IOException("HELLO largest transfer " + h.maxTransfer() + " is not a multiple of the block size "
                    + settings.blockSize());
        }
        if (settings.thin() && (h.features() & Message.F_UNMAP) == 0) {
            throw new IOException(name + " is thin-provisioned, but the handler does not ask for the UNMAP feature");
        }
    }

    /**
     * Opcodes the core answers for every LU, whatever the handler (docs/user-handlers.md "TMF"):
     * REQUEST SENSE, INQUIRY, RESERVE / RELEASE (6) and (10), PERSISTENT RESERVE IN / OUT, REPORT LUNS.
     */
    static final int[] CORE_OPCODES = {0x03, 0x12, 0x16, 0x17, 0x56, 0x57, 0x5E, 0x5F, 0xA0};

    /**
     * A HELLO's CDB bitmap names no opcode the core keeps; for a disk or CD/DVD, none the core
     * executes itself (a row without service actions in the type's command set: the handler gets
     * only the commands the core has no row for, {@link #otherCommands}), as the engine tells
     * ({@link Listener#hasRow}).
     */
    private void checkOpcodes(Message.Hello h) throws IOException {
        if ((h.features() & Message.F_CDB) == 0) {
            return;
        }
        for (int op : CORE_OPCODES) {
            if (h.executes(op)) {
                throw new IOException(String.format("HELLO asks to execute opcode %02Xh, which the core keeps", op));
            }
        }
        Listener l = coreListener;
        if (settings.cdbDevice() || l == null) {
            return;
        }
        for (int op = 0; op < 256; op++) {
            if (h.executes(op) && l.hasRow(op)) {
                throw new IOException(String.format("HELLO asks to execute opcode %02Xh, which the core decodes and"
                        + " executes itself on this LU", op));
            }
        }
    }

    /** One message within the handshake's time; EOF and silence are refusals too. */
    private static Message receive(UnixSeqPacket peer) throws IOException, Message.Malformed {
        return receive(peer, HANDSHAKE_MILLIS);
    }

    private static Message receive(UnixSeqPacket peer, int millis) throws IOException, Message.Malformed {
        short[] ev = Kernel.poll(new int[] {peer.descriptor()}, millis);
        if (ev[0] == 0) {
            throw new IOException("no message within " + millis + " ms of the handshake");
        }
        UnixSeqPacket.Received r = peer.receive(Message.MAX);
        for (int fd : r.fds()) {
            UnixSeqPacket.closeDescriptor(fd); // a handler sends no descriptors
        }
        if (r.eof()) {
            throw new IOException("the handler closed its socket during the handshake");
        }
        if (r.truncated()) {
            throw new Message.Malformed("a message longer than " + Message.MAX + " bytes");
        }
        if (r.fds().length > 0) {
            throw new Message.Malformed("a handler's message carries no descriptors");
        }
        return Message.decode(r.bytes(), r.length());
    }

    /** The attachment {@code a} ended (its ring thread's last act): a new handler may attach. */
    void detached(Attachment a, String why) {
        if (attachment == a) {
            attachment = null;
        }
        java.util.concurrent.CompletableFuture<Message.MediumDone> answer = null;
        synchronized (this) {
            if (mediumAttachment == a) {
                answer = mediumPending;
            }
        }
        if (answer != null) {
            answer.completeExceptionally(new IOException("the handler detached before its MEDIUM_DONE: " + why));
        }
        log.warn("user device {}: handler of epoch {} detached: {}; the LU is NOT READY until one attaches", name,
                a.epoch(), why);
    }

    @Override
    public void close() {
        closed = true;
        listener.shutdown();
        listener.close();
        Attachment a = attachment;
        if (a != null) {
            a.end("the device is removed", true);
        }
        Process p = supervised;
        if (p != null) {
            // GOODBYE went out: a handler stops by itself; one that does not, within 5 s, is killed
            p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                    .whenComplete((done, timeout) -> p.destroyForcibly());
        }
        try {
            Files.deleteIfExists(settings.socket());
        } catch (IOException e) {
            // a stale socket file is removed by the next listen anyway
        }
    }
}
