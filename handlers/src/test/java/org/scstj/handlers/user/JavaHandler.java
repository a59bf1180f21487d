package org.scstj.handlers.user;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The handler's side of the protocol for tests, in this JVM: a RAM disk that connects, says HELLO,
 * maps the memory WELCOME gives, says READY, and then executes submissions on its own thread
 * (polling the SQ every 100 µs; the doorbells are the real core's business, tested elsewhere).
 * {@link #behaviour} makes it misbehave as a broken handler would. As CDB operations it executes
 * vendor-specific C0h (keeps its parameter data), C1h (returns what C0h kept, up to the allocation,
 * with CHECK CONDITION NO SENSE and ILI when that is shorter) and C2h (ILLEGAL REQUEST, 24/00), and
 * TEST UNIT READY, when the HELLO names them. Its LBA_STATUS calls a block of zeros deallocated.
 */
final class JavaHandler implements AutoCloseable {
    enum Behaviour { GOOD, SILENT, COMPLETE_TWICE, GARBAGE_TAIL, MEDIUM_ERROR, BAD_EXTENTS }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final UnixSeqPacket socket;
    final Message.Welcome welcome;
    final List<Long> ids = new CopyOnWriteArrayList<>();
    /** The medium length of each WRITE submission taken. */
    final List<Long> lengths = new CopyOnWriteArrayList<>();
    /** The range of each WRITE_SAME submission, in bytes. */
    final List<Long> ranges = new CopyOnWriteArrayList<>();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    /** Each CDB operation's CDB, as the handler found it in the SQ. */
    final List<byte[]> cdbs = new CopyOnWriteArrayList<>();
    /** How the handler answers a MEDIUM (feature MEDIUM); null: it does not answer. */
    volatile java.util.function.Function<Message.Medium, Message.MediumDone> onMedium;
    private volatile byte[] mailbox = new byte[0];
    volatile Behaviour behaviour = Behaviour.GOOD;
    private final byte[] disk;
    private final int blockSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final Thread worker;
    private volatile boolean stop;

    /** Connects and completes the handshake; or throws with the REFUSE the core answered. */
    static JavaHandler attach(Path socket, int blockSize, long blocks, int features) throws IOException {
        return new JavaHandler(socket, 0, blockSize, blocks, features);
    }

    /** A handler of {@code deviceType} that names {@code opcodes} in its HELLO (give the CDB feature with them). */
    static JavaHandler attach(Path socket, int deviceType, int blockSize, long blocks, int features, int... opcodes)
            throws IOException {
        return new JavaHandler(socket, deviceType, blockSize, blocks, features, new int[0], opcodes);
    }

    /** A handler that also answers INQUIRY for VPD pages {@code vpd} (give the VPD feature with them). */
    static JavaHandler attachWithVpd(Path socket, int deviceType, int features, int[] vpd, int... opcodes)
            throws IOException {
        return new JavaHandler(socket, deviceType, 512, 0, features, vpd, opcodes);
    }

    /** A CD/DVD handler (type 5) that answers each MEDIUM with {@code onMedium} from the start. */
    static JavaHandler attachDisc(Path socket, long blocks, int features,
                                  java.util.function.Function<Message.Medium, Message.MediumDone> onMedium)
            throws IOException {
        return new JavaHandler(socket, 5, 2048, blocks, features, new int[0], onMedium);
    }

    private JavaHandler(Path path, int deviceType, int blockSize, long blocks, int features, int... opcodes)
            throws IOException {
        this(path, deviceType, blockSize, blocks, features, new int[0], null, opcodes);
    }

    private JavaHandler(Path path, int deviceType, int blockSize, long blocks, int features, int[] vpd,
                        int... opcodes) throws IOException {
        this(path, deviceType, blockSize, blocks, features, vpd, null, opcodes);
    }

    private JavaHandler(Path path, int deviceType, int blockSize, long blocks, int features, int[] vpd,
                        java.util.function.Function<Message.Medium, Message.MediumDone> onMedium,
                        int... opcodes) throws IOException {
        this.onMedium = onMedium;
        this.disk = new byte[(int) (blockSize * blocks)];
        this.blockSize = blockSize;
        this.socket = UnixSeqPacket.connect(path);
        byte[] bitmap = new byte[32];
        for (int op : opcodes) {
            bitmap[op >>> 3] |= (byte) (1 << (op & 7));
        }
        byte[] pages = new byte[32];
        for (int p : vpd) {
            pages[p >>> 3] |= (byte) (1 << (p & 7));
        }
        socket.send(Message.encode(new Message.Hello(features, deviceType, blockSize, 0, blocks, bitmap, "java-ram",
                pages)));
        UnixSeqPacket.Received r = socket.receive(Message.MAX);
        Message m;
        try {
            m = Message.decode(r.bytes(), r.length());
        } catch (Message.Malformed e) {
            throw new IOException(e);
        }
        if (!(m instanceof Message.Welcome w)) {
            socket.close();
            throw new IOException("refused: " + m);
        }
        this.welcome = w;
        try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + r.fds()[0]), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, w.size(), arena);
        }
        for (int fd : r.fds()) {
            UnixSeqPacket.closeDescriptor(fd);
        }
        socket.send(Message.encode(new Message.Ready()));
        worker = Thread.ofPlatform().daemon().name("java-handler").start(this::serve);
        Thread.ofPlatform().daemon().name("java-handler-control").start(this::listen);
    }

    private void listen() {
        try {
            while (true) { // until the socket closes: a REFUSE may follow the worker's last act
                UnixSeqPacket.Received r = socket.receive(Message.MAX);
                if (r.eof()) {
                    return;
                }
                Message m = Message.decode(r.bytes(), r.length());
                messages.add(m);
                java.util.function.Function<Message.Medium, Message.MediumDone> answer = onMedium;
                if (m instanceof Message.Medium medium && answer != null) {
                    socket.send(Message.encode(answer.apply(medium)));
                }
            }
        } catch (IOException | Message.Malformed e) {
            // closed
        }
    }

    private void serve() {
        int head = 0;
        int tail = 0;
        while (!stop) {
            int sqTail = (int) INT.getAcquire(memory, (long) Rings.SQ_TAIL);
            if (sqTail == head) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                continue;
            }
            long at = welcome.sqOffset() + (long) (head & (welcome.sqEntries() - 1)) * Rings.SQ_ENTRY;
            long id = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
            int op = memory.get(ValueLayout.JAVA_BYTE, at + 8);
            int buffer = memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12);
            long offset = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16);
            long length = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 24);
            head++;
            INT.setRelease(memory, (long) Rings.SQ_HEAD, head);
            ids.add(id);
            if (op == Rings.OP_WRITE) {
                lengths.add(length);
            }
            if (op == Rings.OP_WRITE_SAME) {
                ranges.add(length);
            }
            Behaviour b = behaviour;
            if (b == Behaviour.SILENT) {
                continue;
            }
            MemorySegment buf = buffer < 0 ? null
                    : memory.asSlice(welcome.buffersOffset() + (long) buffer * welcome.bufferSize(), welcome.bufferSize());
            int status = 0;
            int data = 0;
            byte[] sense = new byte[0];
            if (b == Behaviour.MEDIUM_ERROR) {
                status = 2;
                sense = new byte[18];
                sense[0] = 0x70;
                sense[2] = 0x03;
                sense[7] = 10;
                sense[12] = 0x11;
            } else if (op == Rings.OP_READ) {
                MemorySegment.copy(disk, (int) offset, buf, ValueLayout.JAVA_BYTE, 0, (int) length);
                data = (int) length;
            } else if (op == Rings.OP_WRITE) {
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, disk, (int) offset, (int) length);
            } else if (op == Rings.OP_WRITE_SAME) {
                int blockLength = memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 32);
                for (long o = offset; o < offset + length; o += blockLength) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, disk, (int) o, blockLength);
                }
            } else if (op == Rings.OP_UNMAP) {
                java.util.Arrays.fill(disk, (int) offset, (int) (offset + length), (byte) 0);
            } else if (op == Rings.OP_LBA_STATUS) {
                int room = memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 32) / Rings.EXTENT;
                int bs = welcome.bufferSize() > 0 ? blockSize : 512;
                java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(room * Rings.EXTENT)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                long start = offset;
                int state = -1;
                int n = 0;
                for (long o = offset; o <= offset + length && n < room; o += bs) {
                    int s = o == offset + length ? -2 : zeros(o, bs) ? 1 : 0;
                    if (state >= 0 && s != state) {
                        out.putLong(start + (b == Behaviour.BAD_EXTENTS ? bs : 0)).putLong(o - start).putInt(state)
                                .putInt(0);
                        n++;
                        start = o;
                    }
                    state = s;
                }
                data = n * Rings.EXTENT;
                MemorySegment.copy(out.array(), 0, buf, ValueLayout.JAVA_BYTE, 0, data);
            } else if (op == Rings.OP_CDB) {
                int cdbLength = memory.get(ValueLayout.JAVA_BYTE, at + 10);
                int dataLength = memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 32);
                byte[] cdb = memory.asSlice(at + 40, cdbLength).toArray(ValueLayout.JAVA_BYTE);
                cdbs.add(cdb);
                switch (cdb[0] & 0xFF) {
                    case 0xC0 -> mailbox = buf.asSlice(0, dataLength).toArray(ValueLayout.JAVA_BYTE);
                    case 0xC1 -> {
                        byte[] m = mailbox;
                        data = Math.min(m.length, dataLength);
                        MemorySegment.copy(m, 0, buf, ValueLayout.JAVA_BYTE, 0, data);
                        if (m.length < dataLength) { // SPC-5 4.4.2: ILI, INFORMATION the difference
                            status = 2;
                            sense = new byte[18];
                            sense[0] = (byte) 0xF0;
                            sense[2] = 0x20;
                            java.nio.ByteBuffer.wrap(sense).putInt(3, dataLength - m.length);
                            sense[7] = 10;
                        }
                    }
                    case 0x12 -> { // INQUIRY, a VPD page of its own: "JAVA"
                        byte[] page = {0x01, cdb[2], 0, 4, 'J', 'A', 'V', 'A'};
                        data = Math.min(page.length, dataLength);
                        MemorySegment.copy(page, 0, buf, ValueLayout.JAVA_BYTE, 0, data);
                    }
                    case 0xC2 -> {
                        status = 2;
                        sense = new byte[18];
                        sense[0] = 0x70;
                        sense[2] = 0x05;
                        sense[7] = 10;
                        sense[12] = 0x24;
                    }
                    default -> { }
                }
            }
            int copies = b == Behaviour.COMPLETE_TWICE ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                long c = welcome.cqOffset() + (long) (tail & (welcome.cqEntries() - 1)) * Rings.CQ_ENTRY;
                memory.asSlice(c, Rings.CQ_ENTRY).fill((byte) 0);
                memory.set(ValueLayout.JAVA_LONG_UNALIGNED, c, id);
                memory.set(ValueLayout.JAVA_BYTE, c + 8, (byte) status);
                memory.set(ValueLayout.JAVA_BYTE, c + 9, (byte) sense.length);
                memory.set(ValueLayout.JAVA_INT_UNALIGNED, c + 12, data);
                MemorySegment.copy(sense, 0, memory, ValueLayout.JAVA_BYTE, c + 16, sense.length);
                tail++;
                INT.setRelease(memory, (long) Rings.CQ_TAIL, b == Behaviour.GARBAGE_TAIL ? tail + 1000 : tail);
            }
            if (b != Behaviour.GOOD && b != Behaviour.MEDIUM_ERROR && (b != Behaviour.BAD_EXTENTS
                    || op == Rings.OP_LBA_STATUS)) {
                stop = true; // one broken completion is enough
            }
        }
    }

    private boolean zeros(long offset, int length) {
        for (int i = 0; i < length; i++) {
            if (disk[(int) offset + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Sends EVENT {@code event} with {@code value} (docs/user-handlers.md "EVENT"). */
    void event(int event, long value) throws IOException {
        socket.send(Message.encode(new Message.Event(event, value)));
    }

    /** kill -9 as the core sees it: the socket closes, nothing more is completed. */
    void die() {
        stop = true;
        socket.shutdown(); // the kernel ends the connection as at the process's exit
        socket.close();
    }

    @Override
    public void close() {
        stop = true;
        socket.shutdown();
        socket.close();
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
