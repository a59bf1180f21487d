package org.scstj.handlers.blockio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import org.scstj.handlers.common.NativeDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance, through the raw system calls ({@code io_uring_setup(2)},
 * {@code io_uring_enter(2)}) and {@code mmap(2)} of its rings, with no liburing: the submission
 * queue is written by one thread (the submitter) and the completion queue read by one other (the
 * reaper), so each ring index has one writer and is published with release / read with acquire,
 * as {@code io_uring(7)} describes. Needs {@code IORING_FEAT_SINGLE_MMAP} (Linux 5.4). x86-64 and
 * arm64 share the structures; the system call numbers (425, 426) are the same on both.
 */
final class IoUring extends NativeDescriptor {
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final byte IORING_OP_NOP = 0;
    static final byte IORING_OP_READ = 22;
    static final byte IORING_OP_WRITE = 23;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final long IORING_OFF_SQES = 0x10000000L;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int EINTR = 4;
    // struct io_uring_params (120 bytes) and its io_sqring_offsets at 40, io_cqring_offsets at 80
    static final int PARAMS_BYTES = 120;
    static final int SQE_BYTES = 64;
    static final int CQE_BYTES = 16;

    private static final MethodHandle SYSCALL;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final VarHandle INT = JAVA_INT.varHandle();

    static {
        SymbolLookup libc = LINKER.defaultLookup();
        // long syscall(long number, ...): every argument passed as a long
        SYSCALL = LINKER.downcallHandle(libc.findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
        MMAP = LINKER.downcallHandle(libc.findOrThrow("mmap"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO_OPTION);
        MUNMAP = LINKER.downcallHandle(libc.findOrThrow("munmap"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private final MemorySegment rings;
    private final MemorySegment sqes;
    private final int sqEntries;
    private final int sqMask;
    private final long sqHead;
    private final long sqTail;
    private final int cqMask;
    private final long cqHead;
    private final long cqTail;
    private final long cqes;
    /** The submitter's own: the SQ tail it has written (it alone writes it). */
    private int tail;
    /** The reaper's own: the CQ head it has consumed up to. */
    private int head;
    private boolean unmapped;

    private IoUring(int fd, MemorySegment rings, MemorySegment sqes, MemorySegment p) {
        super(fd);
        this.rings = rings;
        this.sqes = sqes;
        this.sqEntries = p.get(JAVA_INT, 0);
        this.sqHead = Integer.toUnsignedLong(p.get(JAVA_INT, 40));
        this.sqTail = Integer.toUnsignedLong(p.get(JAVA_INT, 44));
        this.sqMask = rings.get(JAVA_INT, Integer.toUnsignedLong(p.get(JAVA_INT, 48)));
        long sqArray = Integer.toUnsignedLong(p.get(JAVA_INT, 64));
        this.cqHead = Integer.toUnsignedLong(p.get(JAVA_INT, 80));
        this.cqTail = Integer.toUnsignedLong(p.get(JAVA_INT, 84));
        this.cqMask = rings.get(JAVA_INT, Integer.toUnsignedLong(p.get(JAVA_INT, 88)));
        this.cqes = Integer.toUnsignedLong(p.get(JAVA_INT, 100));
        // SQE i is always array slot i: the array maps ring positions to SQEs one to one
        for (int i = 0; i < sqEntries; i++) {
            rings.setAtIndex(JAVA_INT, sqArray / 4 + i, i);
        }
        this.tail = (int) INT.getAcquire(rings, sqTail);
        this.head = (int) INT.getAcquire(rings, cqHead);
    }

    /** A ring of at least {@code entries} submission entries (twice that many completion entries). */
    static IoUring open(int entries) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment p = arena.allocate(PARAMS_BYTES, 8);
            long fd = (long) SYSCALL.invokeExact(state, SYS_IO_URING_SETUP, (long) entries, p.address(), 0L, 0L, 0L, 0L);
            if (fd < 0) {
                throw new NativeDisk.NativeIoException("io_uring_setup", errno(state));
            }
            int features = p.get(JAVA_INT, 20);
            if ((features & IORING_FEAT_SINGLE_MMAP) == 0) {
                closeQuietly((int) fd);
                throw new IOException("io_uring without IORING_FEAT_SINGLE_MMAP (Linux before 5.4)");
            }
            int sqEntries = p.get(JAVA_INT, 0);
            int cqEntries = p.get(JAVA_INT, 4);
            long ringBytes = Math.max(Integer.toUnsignedLong(p.get(JAVA_INT, 64)) + 4L * sqEntries,
                    Integer.toUnsignedLong(p.get(JAVA_INT, 100)) + (long) CQE_BYTES * cqEntries);
            MemorySegment rings;
            try {
                rings = map(state, (int) fd, ringBytes, 0);
            } catch (IOException e) {
                closeQuietly((int) fd);
                throw e;
            }
            MemorySegment sqes;
            try {
                sqes = map(state, (int) fd, (long) SQE_BYTES * sqEntries, IORING_OFF_SQES);
            } catch (IOException e) {
                unmap(rings);
                closeQuietly((int) fd);
                throw e;
            }
            return new IoUring((int) fd, rings, sqes, p);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment map(MemorySegment state, int fd, long bytes, long offset) throws Throwable {
        // PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE
        MemorySegment m = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, bytes, 3, 0x01 | 0x8000, fd, offset);
        if (m.address() == -1L) {
            throw new NativeDisk.NativeIoException("mmap of the io_uring", errno(state));
        }
        return m.reinterpret(bytes);
    }

    private static void unmap(MemorySegment m) {
        try {
            int ignored = (int) MUNMAP.invokeExact(m, m.byteSize());
        } catch (Throwable t) {
            // nothing to do
        }
    }

    /** Whether io_uring can be set up here at all: null if so, else why not. */
    static String unavailable() {
        try (IoUring r = open(2)) {
            return null;
        } catch (NativeDisk.NativeIoException e) {
            return "io_uring_setup failed with errno " + e.errno + (e.errno == 1 ? " (EPERM: disabled by seccomp or "
                    + "kernel.io_uring_disabled)" : e.errno == 38 ? " (ENOSYS: no io_uring in this kernel)" : "");
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Memory for one thread's calls to capture errno into. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    int entries() {
        return sqEntries;
    }

    /** Submitter: free submission entries. */
    int sqSpace() {
        return sqEntries - (tail - (int) INT.getAcquire(rings, sqHead));
    }

    /** Submitter: queues one SQE (published with the next {@link #submit}). Needs {@link #sqSpace} &gt; 0. */
    void prepare(byte opcode, int fd, long offset, long address, int length, long userData) {
        long at = (long) (tail & sqMask) * SQE_BYTES;
        MemorySegment e = sqes.asSlice(at, SQE_BYTES);
        e.fill((byte) 0);
        e.set(JAVA_BYTE, 0, opcode);
        e.set(JAVA_INT, 4, fd);
        e.set(JAVA_LONG, 8, offset);
        e.set(JAVA_LONG, 16, address);
        e.set(JAVA_INT, 24, length);
        e.set(JAVA_LONG, 32, userData);
        tail++;
    }

    /**
     * Submitter: publishes the prepared SQEs and has the kernel take them, one
     * {@code io_uring_enter}, again while it takes fewer (EINTR, EAGAIN, EBUSY: briefly later).
     */
    void submit(MemorySegment state) throws IOException {
        INT.setRelease(rings, sqTail, tail);
        int pending;
        while ((pending = tail - (int) INT.getAcquire(rings, sqHead)) > 0) {
            long rc = enter(state, pending, 0, 0);
            if (rc < 0) {
                int e = errno(state);
                if (e == EINTR) {
                    continue;
                }
                if (e == EAGAIN || e == EBUSY) {
                    Thread.onSpinWait();
                    Thread.yield();
                    continue;
                }
                throw new NativeDisk.NativeIoException("io_uring_enter (submit)", e);
            }
        }
    }

    /** Reaper: waits for at least one completion (returns at once when there is one, or on EINTR). */
    void await(MemorySegment state) throws IOException {
        if (head != (int) INT.getAcquire(rings, cqTail)) {
            return;
        }
        long rc = enter(state, 0, 1, IORING_ENTER_GETEVENTS);
        if (rc < 0 && errno(state) != EINTR) {
            throw new NativeDisk.NativeIoException("io_uring_enter (wait)", errno(state));
        }
    }

    /** What one completion says. */
    interface CompletionSink {
        void completed(long userData, int result);
    }

    /** Reaper: hands every completion there is to {@code sink} and frees their entries; returns how many. */
    int reap(CompletionSink sink) {
        int t = (int) INT.getAcquire(rings, cqTail);
        int n = 0;
        while (head != t) {
            long at = cqes + (long) (head & cqMask) * CQE_BYTES;
            long userData = rings.get(JAVA_LONG, at);
            int res = rings.get(JAVA_INT, at + 8);
            head++;
            n++;
            INT.setRelease(rings, cqHead, head);
            sink.completed(userData, res);
        }
        return n;
    }

    private long enter(MemorySegment state, int toSubmit, int minComplete, int flags) throws IOException {
        try {
            return (long) SYSCALL.invokeExact(state, SYS_IO_URING_ENTER, (long) fd(), (long) toSubmit, (long) minComplete,
                    (long) flags, 0L, 0L);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Unmaps the rings and closes the descriptor; only once no thread uses the ring any more. */
    @Override
    public synchronized void close() {
        if (unmapped) {
            return;
        }
        unmapped = true;
        unmap(sqes);
        unmap(rings);
        super.close();
    }
}
