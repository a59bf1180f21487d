package org.scstj.handlers.user;

import org.scstj.handlers.common.NativeDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The other kernel objects of an attachment (docs/user-handlers.md "The pieces"): the
 * {@link MemFd} that holds the rings and buffers, the {@link EventFd} doorbells, and
 * {@link #poll} over several descriptors. Through the Foreign Function API, like every native
 * call of the handlers.
 */
final class Kernel {
    private static final int MFD_CLOEXEC = 1;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;

    private static final MethodHandle MEMFD_CREATE = UnixSeqPacket.call("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FTRUNCATE = UnixSeqPacket.call("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle EVENTFD = UnixSeqPacket.call("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = UnixSeqPacket.call("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = UnixSeqPacket.call("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = UnixSeqPacket.call("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** glibc 2.36's wrapper of pidfd_open(2) (Linux 5.3); null where the C library has none. */
    private static final MethodHandle PIDFD_OPEN = java.lang.foreign.Linker.nativeLinker().defaultLookup()
            .find("pidfd_open").map(a -> UnixSeqPacket.call("pidfd_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)))
            .orElse(null);
    static final int ESRCH = 3;

    private Kernel() {
    }

    /**
     * A descriptor of a process (pidfd_open(2)): readable (POLLIN) once the process exited, even
     * while a child it forked still holds its sockets open (docs/user-handlers.md "Deadlines,
     * aborts, and when the handler goes").
     */
    static final class PidFd extends NativeDescriptor {
        private PidFd(int fd) {
            super(fd);
        }

        /**
         * Process {@code pid}'s descriptor; null where the C library has no pidfd_open. An {@link
         * IOException} whose message starts with {@code "ESRCH"} when the process is gone already.
         */
        static PidFd open(long pid) throws IOException {
            if (PIDFD_OPEN == null) {
                return null;
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = a.allocate(CAPTURE);
                int fd = (int) PIDFD_OPEN.invokeExact(state, (int) pid, 0);
                if (fd < 0) {
                    int e = errno(state);
                    throw new IOException((e == ESRCH ? "ESRCH: " : "") + "pidfd_open(" + pid + "): errno " + e);
                }
                return new PidFd(fd);
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("pidfd_open", t);
            }
        }

        int descriptor() throws IOException {
            return fd();
        }
    }

    /**
     * An anonymous shared memory file (memfd_create(2)) of a fixed size, mapped into this process
     * for as long as its arena lives; its descriptor goes to the handler in WELCOME.
     */
    static final class MemFd extends NativeDescriptor {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment mapping;

        private MemFd(int fd, long size) throws IOException {
            super(fd);
            // the descriptor's file through procfs: FileChannel maps it into a segment of this arena
            try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                this.mapping = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
        }

        static MemFd create(String name, long size) throws IOException {
            int fd;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = a.allocate(CAPTURE);
                fd = (int) MEMFD_CREATE.invokeExact(state, a.allocateFrom(name), MFD_CLOEXEC);
                if (fd < 0) {
                    throw new IOException("memfd_create: errno " + errno(state));
                }
                int r = (int) FTRUNCATE.invokeExact(state, fd, size);
                if (r < 0) {
                    int e = errno(state);
                    closeQuietly(fd);
                    throw new IOException("ftruncate memfd to " + size + ": errno " + e);
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("memfd_create", t);
            }
            try {
                return new MemFd(fd, size);
            } catch (IOException e) {
                closeQuietly(fd);
                throw e;
            }
        }

        MemorySegment mapping() {
            return mapping;
        }

        int descriptor() throws IOException {
            return fd();
        }

        @Override
        public synchronized void close() {
            super.close();
            if (arena.scope().isAlive()) {
                arena.close(); // unmapped: nothing of this epoch's memory is read again
            }
        }
    }

    /** A doorbell (eventfd(2), non-blocking): {@link #ring} adds one, {@link #drain} takes the count. */
    static final class EventFd extends NativeDescriptor {
        private EventFd(int fd) {
            super(fd);
        }

        /** The doorbell of a descriptor received from a peer (this object closes it). */
        static EventFd adopt(int fd) {
            return new EventFd(fd);
        }

        static EventFd create() throws IOException {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = a.allocate(CAPTURE);
                int fd = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (fd < 0) {
                    throw new IOException("eventfd: errno " + errno(state));
                }
                return new EventFd(fd);
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("eventfd", t);
            }
        }

        int descriptor() throws IOException {
            return fd();
        }

        /** The errno state and the 8-byte counter of one call at a time (guarded by this): no arena per call. */
        private final MemorySegment state = Arena.ofAuto().allocate(CAPTURE);
        private final MemorySegment counter = Arena.ofAuto().allocate(JAVA_LONG);

        synchronized void ring() throws IOException {
            try {
                counter.set(JAVA_LONG, 0, 1L);
                long n = (long) WRITE.invokeExact(state, fd(), counter, 8L);
                if (n != 8 && errno(state) != EAGAIN) { // EAGAIN: the counter is full, the peer will wake anyway
                    throw new IOException("eventfd write: errno " + errno(state));
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("eventfd write", t);
            }
        }

        /** Resets the counter; its value before (0 when nobody rang). */
        synchronized long drain() throws IOException {
            try {
                long n = (long) READ.invokeExact(state, fd(), counter, 8L);
                if (n == 8) {
                    return counter.get(JAVA_LONG, 0);
                }
                if (errno(state) == EAGAIN) {
                    return 0;
                }
                throw new IOException("eventfd read: errno " + errno(state));
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("eventfd read", t);
            }
        }
    }

    /**
     * poll(2) over {@code fds} for input, at most {@code timeoutMillis} (-1: no limit); the
     * returned events of each, in order (0: none). Interrupted by a signal: all 0.
     */
    static short[] poll(int[] fds, int timeoutMillis) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            MemorySegment set = a.allocate(8L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) {
                set.set(JAVA_INT, 8L * i, fds[i]);
                set.set(JAVA_SHORT, 8L * i + 4, POLLIN);
            }
            int r = (int) POLL.invokeExact(state, set, (long) fds.length, timeoutMillis);
            short[] out = new short[fds.length];
            if (r < 0) {
                if (errnoOf(state) == EINTR) {
                    return out;
                }
                throw new IOException("poll: errno " + errnoOf(state));
            }
            for (int i = 0; i < fds.length; i++) {
                out[i] = set.get(JAVA_SHORT, 8L * i + 6);
            }
            return out;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("poll", t);
        }
    }

    /** errno captured by a downcall of this class's static calls (the descriptors' own go through NativeDescriptor). */
    private static final java.lang.foreign.StructLayout STATE = java.lang.foreign.Linker.Option.captureStateLayout();
    private static final java.lang.invoke.VarHandle ERRNO = STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static int errnoOf(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
