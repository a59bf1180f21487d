package org.scstj.handlers.user;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control socket and the kernel objects through real system calls (docs/user-handlers.md
 * "The pieces", "Messages on the control socket"): a SEQPACKET listener and a peer in this JVM,
 * a WELCOME that carries a memfd and two eventfds, memory written through the peer's mapping of
 * the received descriptor seen through the core's, doorbells, message boundaries kept, and every
 * malformed datagram refused by {@link Message#decode} with its reason.
 */
class ControlSocketTest {
    @TempDir
    Path dir;

    private static Message.Hello hello() {
        byte[] opcodes = new byte[32];
        opcodes[0x85 >>> 3] |= (byte) (1 << (0x85 & 7)); // ATA PASS-THROUGH(16)
        return new Message.Hello(Message.F_OUT_OF_ORDER | Message.F_FLUSH | Message.F_CDB, 0, 512, 1 << 20,
                131072, opcodes, "ramdisk");
    }

    /** The listener's next connection, accepted on another thread (the test connects on this one). */
    private static CompletableFuture<UnixSeqPacket> acceptLater(UnixSeqPacket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void welcome_carriesTheMemfdAndDoorbells_andTheMemoryIsShared() throws Exception {
        Path path = dir.resolve("d0.sock");
        try (UnixSeqPacket listener = UnixSeqPacket.listen(path)) {
            CompletableFuture<UnixSeqPacket> accepted = acceptLater(listener);
            try (UnixSeqPacket handler = UnixSeqPacket.connect(path);
                 UnixSeqPacket core = accepted.get(10, TimeUnit.SECONDS);
                 Kernel.MemFd memfd = Kernel.MemFd.create("scstj-test", 64 << 10);
                 Kernel.EventFd sq = Kernel.EventFd.create();
                 Kernel.EventFd cq = Kernel.EventFd.create()) {
                assertEquals(ProcessHandle.current().pid(), core.peerPid(), "SO_PEERCRED: the handler is this process");

                handler.send(Message.encode(hello()));
                UnixSeqPacket.Received r = core.receive(Message.MAX);
                Message.Hello got = (Message.Hello) Message.decode(r.bytes(), r.length());
                assertEquals("ramdisk", got.name());
                assertTrue(got.executes(0x85));
                assertFalse(got.executes(0x28));

                Message.Welcome w = new Message.Welcome(7, Message.F_FLUSH, 64, 64, 64, 1 << 20, 4096, 12288, 16384,
                        64 << 10, 30_000);
                core.send(Message.encode(w), memfd.descriptor(), sq.descriptor(), cq.descriptor());
                UnixSeqPacket.Received welcome = handler.receive(Message.MAX);
                assertEquals(w, Message.decode(welcome.bytes(), welcome.length()));
                assertEquals(3, welcome.fds().length, "SCM_RIGHTS: memfd, sq doorbell, cq doorbell");

                try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + welcome.fds()[0]),
                        StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
                    MemorySegment theirs = ch.map(FileChannel.MapMode.READ_WRITE, 0, 64 << 10, arena);
                    theirs.set(ValueLayout.JAVA_LONG, 40960, 0x5C57_0000_0000_0001L);
                    assertEquals(0x5C57_0000_0000_0001L, memfd.mapping().get(ValueLayout.JAVA_LONG, 40960),
                            "one memory: what the handler writes the core reads");
                }
                // the handler rings the cq doorbell through its own descriptor of it
                try (Kernel.EventFd bell = Kernel.EventFd.adopt(welcome.fds()[2])) {
                    bell.ring();
                }
                short[] ready = Kernel.poll(new int[] {core.descriptor(), cq.descriptor()}, 5000);
                assertEquals(0, ready[0] & Kernel.POLLIN, "no message waiting");
                assertTrue((ready[1] & Kernel.POLLIN) != 0, "the doorbell rang");
                assertEquals(1, cq.drain());
                assertEquals(0, cq.drain(), "drained");
                UnixSeqPacket.closeDescriptor(welcome.fds()[0]);
                UnixSeqPacket.closeDescriptor(welcome.fds()[1]);

                // boundaries kept: two messages, two receives; then EOF once the handler goes
                handler.send(Message.encode(new Message.Ready()));
                handler.send(Message.encode(new Message.Event(Message.Event.CAPACITY_CHANGED, 262144)));
                UnixSeqPacket.Received a = core.receive(Message.MAX);
                UnixSeqPacket.Received b = core.receive(Message.MAX);
                assertInstanceOf(Message.Ready.class, Message.decode(a.bytes(), a.length()));
                assertEquals(new Message.Event(1, 262144), Message.decode(b.bytes(), b.length()));
                handler.close();
                assertTrue(core.receive(Message.MAX).eof(), "the handler's socket closed: EOF");
            }
        }
    }

    @Test
    void aDatagramLongerThanTheBuffer_isMarkedTruncated() throws Exception {
        Path path = dir.resolve("d1.sock");
        try (UnixSeqPacket listener = UnixSeqPacket.listen(path)) {
            CompletableFuture<UnixSeqPacket> accepted = acceptLater(listener);
            try (UnixSeqPacket handler = UnixSeqPacket.connect(path); UnixSeqPacket core = accepted.get(10, TimeUnit.SECONDS)) {
                handler.send(new byte[Message.MAX + 100]);
                UnixSeqPacket.Received r = core.receive(Message.MAX);
                assertTrue(r.truncated());
            }
        }
    }

    private static String refused(byte[] bytes) {
        return assertThrows(Message.Malformed.class, () -> Message.decode(bytes, bytes.length)).getMessage();
    }

    @Test
    void malformedMessages_areRefusedWithTheirReason() {
        byte[] good = Message.encode(hello());
        assertArrayEquals(good, Message.encode((Message.Hello) assertInstanceOf(Message.Hello.class,
                decodeOrFail(good))), "HELLO round trip");
        assertTrue(refused(new byte[8]).contains("shorter than the 16-byte header"));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(refused(magic).startsWith("magic"));
        byte[] version = good.clone();
        version[6] = 2;
        assertTrue(refused(version).contains("protocol version 2"));
        byte[] length = good.clone();
        length[8] = 100;
        assertTrue(refused(length).contains("length field 100"));
        byte[] type = good.clone();
        type[4] = 99;
        assertTrue(refused(type).contains("unknown message type 99"));
        byte[] block = good.clone();
        block[24] = 0;
        block[25] = 3; // 768
        assertTrue(refused(block).contains("block size 768"));
        byte[] features = good.clone();
        features[19] = 0x10; // a newer handler's feature: not an error, left out of what is agreed
        assertEquals(hello().features(), ((Message.Hello) decodeOrFail(features)).features());
        byte[] opcodes = good.clone();
        opcodes[16] &= ~Message.F_CDB;
        assertTrue(refused(opcodes).contains("does not ask for the CDB feature"));
        byte[] name = good.clone();
        name[72] = 7;
        assertTrue(refused(name).contains("not printable"));
        byte[] event = Message.encode(new Message.Event(9, 0));
        assertTrue(refused(event).contains("EVENT 9"));
        byte[] capacity = Message.encode(new Message.Event(Message.Event.CAPACITY_CHANGED, 0));
        assertTrue(refused(capacity).contains("value 0"));
        Message.Medium medium = new Message.Medium(7, "/srv/isos/ä.iso");
        assertEquals(medium, decodeOrFail(Message.encode(medium)), "MEDIUM round trip, UTF-8");
        Message.MediumDone done = new Message.MediumDone(7, 2, 0, "No such file or directory");
        assertEquals(done, decodeOrFail(Message.encode(done)), "MEDIUM_DONE round trip");
        byte[] unterminated = Message.encode(medium);
        unterminated[unterminated.length - 1] = 'x';
        assertTrue(refused(unterminated).contains("not NUL-terminated"));
        byte[] inner = Message.encode(new Message.Medium(7, "ab"));
        inner[24] = 0;
        assertTrue(refused(inner).contains("NUL before its end"));
        byte[] reserved = Message.encode(new Message.Medium(7, "ab"));
        reserved[21] = 1;
        assertTrue(refused(reserved).contains("MEDIUM reserved bytes 20-23 are not zero"));
        assertTrue(refused(Message.encode(new Message.MediumDone(7, 2, 40, "no"))).contains("block count 40 with result 2"));
        assertTrue(refused(Message.encode(new Message.MediumDone(7, -1, 0, ""))).contains("result -1"));
        byte[] ready = java.util.Arrays.copyOf(Message.encode(new Message.Ready()), 20);
        ready[8] = 20;
        assertTrue(refused(ready).contains("READY of 20 bytes"));
    }

    private static Message decodeOrFail(byte[] b) {
        try {
            return Message.decode(b, b.length);
        } catch (Message.Malformed e) {
            throw new AssertionError(e);
        }
    }
}
