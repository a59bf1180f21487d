package org.scstj.handlers.user;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The messages on a device's control socket (docs/user-handlers.md "Messages on the control
 * socket"), protocol version 1, as records; {@link #decode} checks a received datagram whole (the
 * header, the length against the datagram's own, the type, the body's rules) before anything of
 * it is used, and {@link #encode} writes one. Little-endian throughout.
 */
sealed interface Message {
    int MAGIC = 0x48554353; // "SCUH"
    int VERSION = 1;
    int HEADER = 16;
    /** The largest message either side sends (REFUSE with its text). */
    int MAX = 4096;
    /** The longest medium name a MEDIUM carries (its text NUL-terminated within {@link #MAX}). */
    int MAX_MEDIUM_NAME = MAX - 25;

    int HELLO = 1;
    int WELCOME = 2;
    int READY = 3;
    int ABORT = 4;
    int TMF = 5;
    int EVENT = 6;
    int REFUSE = 7;
    int GOODBYE = 8;
    int MEDIUM = 9;
    int MEDIUM_DONE = 10;

    /** Feature bits (HELLO, WELCOME). */
    int F_OUT_OF_ORDER = 1;
    int F_TMF = 1 << 1;
    int F_WRITE_SAME = 1 << 2;
    int F_UNMAP = 1 << 3;
    int F_FLUSH = 1 << 4;
    int F_CDB = 1 << 5;
    int F_EVENTS = 1 << 6;
    int F_LBA_STATUS = 1 << 7;
    int F_VPD = 1 << 8;
    int F_MEDIUM = 1 << 9;
    int F_ALL = (1 << 10) - 1;

    /** REFUSE reasons. */
    int R_PROTOCOL = 1;
    int R_BUSY = 2;
    int R_MISMATCH = 3;
    int R_HUNG = 4;
    int R_STOPPING = 5;

    /**
     * What the handler is and asks for. {@code opcodes} is the 32-byte bitmap of the opcodes it
     * executes as CDBs; {@code name} its name without the padding.
     */
    record Hello(int features, int deviceType, int blockSize, int maxTransfer, long blocks, byte[] opcodes,
                 String name, byte[] vpdPages) implements Message {
        static final int LENGTH = 104;
        /** With the VPD page bitmap (feature VPD) at 104..135. */
        static final int LENGTH_WITH_VPD = 136;

        Hello(int features, int deviceType, int blockSize, int maxTransfer, long blocks, byte[] opcodes, String name) {
            this(features, deviceType, blockSize, maxTransfer, blocks, opcodes, name, new byte[32]);
        }

        boolean executes(int opcode) {
            return (opcodes[opcode >>> 3] & (1 << (opcode & 7))) != 0;
        }

        /** The VPD pages the handler answers (feature VPD). */
        java.util.Set<Integer> vpd() {
            java.util.Set<Integer> pages = new java.util.TreeSet<>();
            for (int p = 0; p < 256; p++) {
                if ((vpdPages[p >>> 3] & (1 << (p & 7))) != 0) {
                    pages.add(p);
                }
            }
            return java.util.Set.copyOf(pages);
        }
    }

    /** The attachment's terms; sent with the memfd and the two doorbells. */
    record Welcome(long epoch, int features, int sqEntries, int cqEntries, int buffers, int bufferSize,
                   int sqOffset, int cqOffset, long buffersOffset, long size, int deadlineMillis) implements Message {
        static final int LENGTH = 72;
    }

    record Ready() implements Message {
    }

    record Abort(long id) implements Message {
    }

    /** A task management function reached the LU (1 ABORT TASK SET, 2 CLEAR TASK SET, 3 LU RESET, 4 I_T NEXUS RESET). */
    record Tmf(int function) implements Message {
    }

    /** The device changed on its own: 1 CAPACITY CHANGED (with the new block count), 2 MEDIUM CHANGED, 3 NOT READY, 4 READY. */
    record Event(int event, long value) implements Message {
        static final int CAPACITY_CHANGED = 1;
        static final int MEDIUM_CHANGED = 2;
        static final int NOT_READY = 3;
        static final int READY = 4;
    }

    record Refuse(int reason, String text) implements Message {
    }

    /**
     * The operator swaps a CD/DVD handler's disc (feature MEDIUM): {@code name} is the medium in the
     * handler's terms (an image path), empty to take the disc out; answered by {@link MediumDone}
     * with the same {@code request}.
     */
    record Medium(int request, String name) implements Message {
    }

    /**
     * The handler's answer to {@link Medium}: {@code result} 0 with the new disc's block count (0
     * after taking it out), or an errno value and why, the old disc staying in.
     */
    record MediumDone(int request, int result, long blocks, String why) implements Message {
    }

    record Goodbye() implements Message {
    }

    /** A datagram that breaks the protocol; {@code why} goes into the REFUSE that answers it. */
    final class Malformed extends Exception {
        Malformed(String why) {
            super(why);
        }
    }

    /** The message in the first {@code length} bytes of {@code bytes}, checked whole. */
    static Message decode(byte[] bytes, int length) throws Malformed {
        if (length < HEADER) {
            throw new Malformed("message of " + length + " bytes, shorter than the 16-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new Malformed(String.format("magic 0x%08x, expected 0x%08x", b.getInt(0), MAGIC));
        }
        int type = Short.toUnsignedInt(b.getShort(4));
        int version = Short.toUnsignedInt(b.getShort(6));
        if (version != VERSION) {
            throw new Malformed("protocol version " + version + ", this core speaks " + VERSION);
        }
        long declared = Integer.toUnsignedLong(b.getInt(8));
        if (declared != length) {
            throw new Malformed("length field " + declared + " but the datagram has " + length + " bytes");
        }
        if (b.getInt(12) != 0) {
            throw new Malformed("reserved header bytes 12-15 are not zero");
        }
        return switch (type) {
            case HELLO -> hello(b, length);
            case READY -> { exactly(length, HEADER, "READY"); yield new Ready(); }
            case GOODBYE -> { exactly(length, HEADER, "GOODBYE"); yield new Goodbye(); }
            case EVENT -> event(b, length);
            case WELCOME -> welcome(b, length);
            case ABORT -> { exactly(length, 24, "ABORT"); yield new Abort(b.getLong(16)); }
            case TMF -> { exactly(length, 32, "TMF"); yield new Tmf(b.getInt(16)); }
            case REFUSE -> refuse(b, bytes, length);
            case MEDIUM -> medium(b, bytes, length);
            case MEDIUM_DONE -> mediumDone(b, bytes, length);
            default -> throw new Malformed("unknown message type " + type);
        };
    }

    private static void exactly(int length, int expected, String what) throws Malformed {
        if (length != expected) {
            throw new Malformed(what + " of " + length + " bytes, expected " + expected);
        }
    }

    private static Hello hello(ByteBuffer b, int length) throws Malformed {
        if (length != Hello.LENGTH && length != Hello.LENGTH_WITH_VPD) {
            throw new Malformed("HELLO of " + length + " bytes, expected " + Hello.LENGTH + " or "
                    + Hello.LENGTH_WITH_VPD);
        }
        // feature bits this core does not know are not an error: WELCOME agrees to a subset without them
        int features = b.getInt(16) & F_ALL;
        int type = Byte.toUnsignedInt(b.get(20));
        if (type != 0 && type != 1 && type != 5 && type != 8) {
            throw new Malformed("HELLO device type " + type + ": expected 0, 1, 5 or 8");
        }
        if (b.get(21) != 0 || b.get(22) != 0 || b.get(23) != 0) {
            throw new Malformed("HELLO reserved bytes 21-23 are not zero");
        }
        int blockSize = b.getInt(24);
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048 && blockSize != 4096) {
            throw new Malformed("HELLO block size " + Integer.toUnsignedString(blockSize)
                    + ": expected 512, 1024, 2048 or 4096");
        }
        int maxTransfer = b.getInt(28);
        if (maxTransfer != 0 && Integer.compareUnsigned(maxTransfer, blockSize) < 0) {
            throw new Malformed("HELLO largest transfer " + Integer.toUnsignedString(maxTransfer)
                    + ": below one block of " + blockSize);
        }
        if (maxTransfer < 0) {
            maxTransfer = Integer.MAX_VALUE; // above 2 GiB: no limit the core could reach
        }
        long blocks = b.getLong(32);
        if (blocks < 0 || blocks > Long.MAX_VALUE / blockSize) {
            throw new Malformed("HELLO block count " + Long.toUnsignedString(blocks) + " is out of range");
        }
        byte[] opcodes = new byte[32];
        b.get(40, opcodes);
        if ((features & F_CDB) == 0 && !allZero(opcodes)) {
            throw new Malformed("HELLO names opcodes but does not ask for the CDB feature");
        }
        byte[] name = new byte[32];
        b.get(72, name);
        int end = 0;
        while (end < name.length && name[end] != 0) {
            if (name[end] < 0x20 || name[end] > 0x7E) {
                throw new Malformed("HELLO name is not printable ASCII");
            }
            end++;
        }
        for (int i = end; i < name.length; i++) {
            if (name[i] != 0) {
                throw new Malformed("HELLO name is not NUL-padded");
            }
        }
        byte[] vpd = new byte[32];
        if (length == Hello.LENGTH_WITH_VPD) {
            b.get(104, vpd);
        }
        if (((features & F_VPD) != 0) == allZero(vpd)) {
            throw new Malformed((features & F_VPD) != 0 ? "HELLO asks for the VPD feature but names no VPD page"
                    : "HELLO names VPD pages but does not ask for the VPD feature");
        }
        return new Hello(features, type, blockSize, maxTransfer, blocks, opcodes,
                new String(name, 0, end, StandardCharsets.US_ASCII), vpd);
    }

    private static boolean allZero(byte[] a) {
        for (byte x : a) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static Event event(ByteBuffer b, int length) throws Malformed {
        exactly(length, 32, "EVENT");
        int event = b.getInt(16);
        if (event < Event.CAPACITY_CHANGED || event > Event.READY) {
            throw new Malformed("EVENT " + Integer.toUnsignedString(event) + ": expected 1 to 4");
        }
        long value = b.getLong(24);
        // MEDIUM CHANGED may carry a CD/DVD's new block count (0: no disc); the device checks it
        if (event == Event.CAPACITY_CHANGED ? value <= 0 : event == Event.MEDIUM_CHANGED ? value < 0 : value != 0) {
            throw new Malformed("EVENT " + event + " value " + Long.toUnsignedString(value));
        }
        return new Event(event, value);
    }

    private static Welcome welcome(ByteBuffer b, int length) throws Malformed {
        exactly(length, Welcome.LENGTH, "WELCOME");
        return new Welcome(b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36), b.getInt(40),
                b.getInt(44), b.getInt(48), b.getLong(52), b.getLong(60), b.getInt(68));
    }

    private static Refuse refuse(ByteBuffer b, byte[] bytes, int length) throws Malformed {
        if (length < 21) {
            throw new Malformed("REFUSE of " + length + " bytes: no room for its reason and text");
        }
        int end = 20;
        while (end < length && bytes[end] != 0) {
            end++;
        }
        if (end == length) {
            throw new Malformed("REFUSE text is not NUL-terminated");
        }
        return new Refuse(b.getInt(16), new String(bytes, 20, end - 20, StandardCharsets.UTF_8));
    }

    private static Medium medium(ByteBuffer b, byte[] bytes, int length) throws Malformed {
        String name = text(bytes, 24, length, "MEDIUM");
        if (b.getInt(20) != 0) {
            throw new Malformed("MEDIUM reserved bytes 20-23 are not zero");
        }
        return new Medium(b.getInt(16), name);
    }

    private static MediumDone mediumDone(ByteBuffer b, byte[] bytes, int length) throws Malformed {
        String why = text(bytes, 32, length, "MEDIUM_DONE");
        long blocks = b.getLong(24);
        int result = b.getInt(20);
        if (blocks < 0 || (result != 0 && blocks != 0)) {
            throw new Malformed("MEDIUM_DONE block count " + Long.toUnsignedString(blocks) + " with result " + result);
        }
        if (result < 0) {
            throw new Malformed("MEDIUM_DONE result " + result + ": expected 0 or an errno value");
        }
        return new MediumDone(b.getInt(16), result, blocks, why);
    }

    /** The NUL-terminated UTF-8 text at {@code from} that ends the message (its NUL the last byte). */
    private static String text(byte[] bytes, int from, int length, String what) throws Malformed {
        if (length <= from || bytes[length - 1] != 0) {
            throw new Malformed(what + " of " + length + " bytes: its text at " + from + " is not NUL-terminated");
        }
        for (int i = from; i < length - 1; i++) {
            if (bytes[i] == 0) {
                throw new Malformed(what + " text has a NUL before its end");
            }
        }
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, from, length - 1 - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Malformed(what + " text is not UTF-8");
        }
    }

    /** The datagram of {@code m}. */
    static byte[] encode(Message m) {
        return switch (m) {
            case Hello h -> {
                boolean vpd = !allZero(h.vpdPages());
                ByteBuffer b = header(HELLO, vpd ? Hello.LENGTH_WITH_VPD : Hello.LENGTH);
                b.putInt(16, h.features()).put(20, (byte) h.deviceType()).putInt(24, h.blockSize())
                        .putInt(28, h.maxTransfer()).putLong(32, h.blocks()).put(40, h.opcodes());
                if (vpd) {
                    b.put(104, h.vpdPages());
                }
                byte[] name = h.name().getBytes(StandardCharsets.US_ASCII);
                b.put(72, name, 0, Math.min(name.length, 31));
                yield b.array();
            }
            case Welcome w -> header(WELCOME, Welcome.LENGTH).putLong(16, w.epoch()).putInt(24, w.features())
                    .putInt(28, w.sqEntries()).putInt(32, w.cqEntries()).putInt(36, w.buffers())
                    .putInt(40, w.bufferSize()).putInt(44, w.sqOffset()).putInt(48, w.cqOffset())
                    .putLong(52, w.buffersOffset()).putLong(60, w.size()).putInt(68, w.deadlineMillis()).array();
            case Ready r -> header(READY, HEADER).array();
            case Goodbye g -> header(GOODBYE, HEADER).array();
            case Abort a -> header(ABORT, 24).putLong(16, a.id()).array();
            case Tmf t -> header(TMF, 32).putInt(16, t.function()).array();
            case Event e -> header(EVENT, 32).putInt(16, e.event()).putLong(24, e.value()).array();
            case Medium md -> {
                byte[] text = md.name().getBytes(StandardCharsets.UTF_8);
                yield header(MEDIUM, 25 + text.length).putInt(16, md.request()).put(24, text).array();
            }
            case MediumDone d -> {
                byte[] text = d.why().getBytes(StandardCharsets.UTF_8);
                yield header(MEDIUM_DONE, 33 + text.length).putInt(16, d.request()).putInt(20, d.result())
                        .putLong(24, d.blocks()).put(32, text).array();
            }
            case Refuse r -> {
                byte[] text = r.text().getBytes(StandardCharsets.UTF_8);
                int n = Math.min(text.length, MAX - 21);
                ByteBuffer b = header(REFUSE, 21 + n);
                b.putInt(16, r.reason()).put(20, text, 0, n);
                yield b.array();
            }
        };
    }

    private static ByteBuffer header(int type, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putShort(4, (short) type).putShort(6, (short) VERSION).putInt(8, length);
        return b;
    }
}
