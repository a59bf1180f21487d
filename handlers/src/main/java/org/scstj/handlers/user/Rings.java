package org.scstj.handlers.user;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The core's side of an attachment's shared memory (docs/user-handlers.md "The shared memory"):
 * it produces the submission ring and consumes the completion ring. Single producer, single
 * consumer each: an entry is written before its tail is stored with release order, and a tail is
 * loaded with acquire order before its entries are read.
 *
 * <p>The handler can write every byte of this memory at any time, so nothing here trusts it
 * ("The core never trusts this memory"): the core keeps its own copies of the indices it owns
 * (the SQ tail, the CQ head) and never reads them back; an index the handler owns (the SQ head,
 * the CQ tail) is checked against them before use; a completion is copied out once, then checked
 * ({@link #nextCompletion}); a buffer is addressed only by an index the core chose. A check that
 * fails is a {@link Garbage}: the attachment ends.
 *
 * <p>Threads: {@link #submit} on one thread at a time (the device's submitter), {@link
 * #nextCompletion} on one thread (the device's ring thread).
 */
final class Rings {
    static final int HEADER = 4096;
    static final int SQ_ENTRY = 128;
    static final int CQ_ENTRY = 64;
    static final int RING_MAGIC = 0x52554353; // "SCUR"
    static final int SQ_TAIL = 64;
    static final int SQ_HEAD = 128;
    static final int CQ_TAIL = 192;
    static final int CQ_HEAD = 256;
    static final int HANDLER_WAITING = 320;
    static final int CORE_WAITING = 384;
    static final int CONTROL_SENT = 448;
    static final int SENSE_MAX = 48;
    static final int NO_BUFFER = -1;

    /** Operations of a submission. */
    static final int OP_READ = 1;
    static final int OP_WRITE = 2;
    static final int OP_FLUSH = 3;
    static final int OP_UNMAP = 4;
    static final int OP_WRITE_SAME = 5;
    static final int OP_CDB = 6;
    static final int OP_LBA_STATUS = 7;
    /** One extent of an LBA_STATUS answer: u64 offset, u64 length, u32 state, u32 reserved. */
    static final int EXTENT = 24;
    static final int FLAG_FUA = 1;
    static final int FLAG_DATA_OUT = 2;
    static final int FLAG_DATA_IN = 4;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** The memfd's layout for these sizes; every region starts on a 4096-byte boundary. */
    record Layout(int sqEntries, int cqEntries, int buffers, int bufferSize) {
        Layout {
            if (Integer.bitCount(sqEntries) != 1 || Integer.bitCount(cqEntries) != 1 || cqEntries < sqEntries) {
                throw new IllegalArgumentException("ring entries must be powers of two, CQ at least SQ");
            }
            if (bufferSize <= 0 || bufferSize % 4096 != 0 || buffers <= 0) {
                throw new IllegalArgumentException("buffers of a positive multiple of 4096 bytes");
            }
        }

        int sqOffset() {
            return HEADER;
        }

        int cqOffset() {
            return align(sqOffset() + (long) sqEntries * SQ_ENTRY);
        }

        long buffersOffset() {
            return align(cqOffset() + (long) cqEntries * CQ_ENTRY);
        }

        long size() {
            return buffersOffset() + (long) buffers * bufferSize;
        }

        private static int align(long at) {
            return (int) ((at + 4095) & ~4095L);
        }
    }

    /** One submission, as the core builds it (docs/user-handlers.md "Submission entry"). */
    record Submission(long id, int op, int flags, int buffer, long offset, long length, int dataLength, byte[] cdb) {
    }

    /**
     * One completion, copied out of the ring: the command's id, SCSI status, the sense bytes (a
     * copy, {@code sense.length} the sense length) and the bytes of data the handler returned.
     */
    record Completion(long id, int status, byte[] sense, int dataLength) {
    }

    /** The handler broke the rules of the shared memory; the attachment ends. */
    static final class Garbage extends Exception {
        Garbage(String why) {
            super(why);
        }
    }

    private static final byte[] NO_SENSE = new byte[0];

    private final MemorySegment memory;
    private final Layout layout;
    /** The core's own indices: never read back from the shared memory. */
    private int sqTail;
    private int cqHead;

    /** The core's view of {@code memory} (the memfd's mapping, or any segment in tests), laid out now. */
    Rings(MemorySegment memory, Layout layout) {
        if (memory.byteSize() < layout.size()) {
            throw new IllegalArgumentException("memory of " + memory.byteSize() + " bytes for a layout of " + layout.size());
        }
        this.memory = memory;
        this.layout = layout;
        memory.asSlice(0, HEADER).fill((byte) 0);
        memory.set(ValueLayout.JAVA_INT, 0, RING_MAGIC);
        memory.set(ValueLayout.JAVA_INT, 4, Message.VERSION);
    }

    Layout layout() {
        return layout;
    }

    /** Buffer {@code index} of the pool (the core chose the index: it is in range). */
    MemorySegment buffer(int index) {
        return memory.asSlice(layout.buffersOffset() + (long) index * layout.bufferSize(), layout.bufferSize());
    }

    /**
     * Submissions the handler has not taken yet, from the SQ head it published, checked: a head
     * ahead of the tail or more than the ring behind it is garbage.
     */
    int submitted() throws Garbage {
        int head = (int) INT.getAcquire(memory, (long) SQ_HEAD);
        int pending = sqTail - head;
        if (pending < 0 || pending > layout.sqEntries()) {
            throw new Garbage("SQ head " + Integer.toUnsignedString(head) + " with the tail at "
                    + Integer.toUnsignedString(sqTail));
        }
        return pending;
    }

    /** Adds {@code s}; false when the ring is full (the handler has not taken enough yet). */
    boolean submit(Submission s) throws Garbage {
        if (submitted() == layout.sqEntries()) {
            return false;
        }
        long at = layout.sqOffset() + (long) (sqTail & (layout.sqEntries() - 1)) * SQ_ENTRY;
        MemorySegment e = memory.asSlice(at, SQ_ENTRY);
        e.fill((byte) 0);
        e.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, s.id());
        e.set(ValueLayout.JAVA_BYTE, 8, (byte) s.op());
        e.set(ValueLayout.JAVA_BYTE, 9, (byte) s.flags());
        e.set(ValueLayout.JAVA_INT_UNALIGNED, 12, s.buffer());
        e.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, s.offset());
        e.set(ValueLayout.JAVA_LONG_UNALIGNED, 24, s.length());
        e.set(ValueLayout.JAVA_INT_UNALIGNED, 32, s.dataLength());
        if (s.cdb() != null) {
            e.set(ValueLayout.JAVA_BYTE, 10, (byte) s.cdb().length);
            MemorySegment.copy(s.cdb(), 0, e, ValueLayout.JAVA_BYTE, 40, s.cdb().length);
        }
        sqTail++;
        INT.setRelease(memory, (long) SQ_TAIL, sqTail);
        return true;
    }

    /**
     * The next completion, or null when there is none; copied out of the ring and checked as
     * far as the ring alone can tell (the CQ tail, the status, the sense). The caller checks the
     * id and the data length against the command.
     */
    Completion nextCompletion() throws Garbage {
        int tail = (int) INT.getAcquire(memory, (long) CQ_TAIL);
        int available = tail - cqHead;
        if (available == 0) {
            return null;
        }
        if (available < 0 || available > layout.cqEntries()) {
            throw new Garbage("CQ tail " + Integer.toUnsignedString(tail) + " with the head at "
                    + Integer.toUnsignedString(cqHead));
        }
        long at = layout.cqOffset() + (long) (cqHead & (layout.cqEntries() - 1)) * CQ_ENTRY;
        // each field loaded once into a local, then only the locals are read: the handler may change
        // the entry meanwhile (the same as one copy of the entry, without an array per completion)
        long id = memory.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
        int status = Byte.toUnsignedInt(memory.get(ValueLayout.JAVA_BYTE, at + 8));
        int senseLength = Byte.toUnsignedInt(memory.get(ValueLayout.JAVA_BYTE, at + 9));
        short reserved = memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 10);
        int dataLength = memory.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12);
        if (reserved != 0) {
            throw new Garbage("completion " + id + ": reserved bytes 10-11 are not zero");
        }
        if (senseLength > SENSE_MAX) {
            throw new Garbage("completion " + id + ": sense length " + senseLength + ", at most " + SENSE_MAX);
        }
        byte[] sense = senseLength == 0 ? NO_SENSE
                : memory.asSlice(at + 16, senseLength).toArray(ValueLayout.JAVA_BYTE);
        cqHead++;
        INT.setRelease(memory, (long) CQ_HEAD, cqHead);
        checkStatus(id, status, sense);
        if (dataLength < 0) {
            throw new Garbage("completion " + id + ": data length " + Integer.toUnsignedString(dataLength));
        }
        return new Completion(id, status, sense, dataLength);
    }

    /**
     * SAM-5 5.3: the statuses a device server returns that a handler may (RESERVATION CONFLICT and
     * ACA ACTIVE are the core's: it keeps reservations and task attributes); CHECK CONDITION comes
     * with sense data of a response code SPC-5 4.4 defines, every other status with none.
     */
    private static void checkStatus(long id, int status, byte[] sense) throws Garbage {
        switch (status) {
            case 0x00, 0x04, 0x08, 0x28, 0x40 -> {
                if (sense.length != 0) {
                    throw new Garbage(String.format("completion %d: status 0x%02x with sense data", id, status));
                }
            }
            case 0x02 -> {
                int code = sense.length == 0 ? -1 : sense[0] & 0x7F;
                boolean fixed = code == 0x70 || code == 0x71;
                boolean descriptor = code == 0x72 || code == 0x73;
                if (!(fixed && sense.length >= 14) && !(descriptor && sense.length >= 8)) {
                    throw new Garbage("completion " + id + ": CHECK CONDITION without well-formed sense data");
                }
            }
            default -> throw new Garbage(String.format("completion %d: status 0x%02x is not the handler's to return",
                    id, status));
        }
    }

    /**
     * Whether the handler must be woken: it said it sleeps, and this call took that word back
     * (1 to 0, atomically), so of all the submissions until it sleeps again only the first rings
     * ("Doorbells and spinning"). The compare-and-set is a full fence: it orders the tail store
     * before the load.
     */
    boolean claimHandlerWakeup() {
        return INT.compareAndSet(memory, (long) HANDLER_WAITING, 1, 0);
    }

    /**
     * One more control message (ABORT, TMF, GOODBYE) is on the socket: the header's count moves
     * after the send, so a handler that reads its socket only when the count moved still sees an
     * ABORT before its next batch (docs/user-handlers.md "Doorbells and spinning"). Any thread.
     */
    void controlSent() {
        INT.getAndAddRelease(memory, (long) CONTROL_SENT, 1);
    }

    /** The core is about to sleep on its doorbell (1), or is awake (0). */
    void coreWaiting(boolean waiting) {
        INT.setRelease(memory, (long) CORE_WAITING, waiting ? 1 : 0);
        VarHandle.fullFence();
    }
}
