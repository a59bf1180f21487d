package org.scstj.handlers.common;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A Linux file descriptor a handler owns, reached through the Foreign Function API: what every
 * handler's native file shares (the linker, errno captured with each call, the descriptor checked
 * before each use, closed once). The subclasses add their own system calls
 * ({@code fileio.NativeFile}, {@code blockio.NativeDisk}).
 */
public abstract class NativeDescriptor implements AutoCloseable {
    protected static final Linker LINKER = Linker.nativeLinker();
    /** The call state each downcall writes errno into (allocate one per call). */
    protected static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    /** The option that makes a downcall capture errno into {@link #CAPTURE}. */
    protected static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPTION);

    private final int fd;
    private volatile boolean closed;

    protected NativeDescriptor(int fd) {
        this.fd = fd;
    }

    /** The descriptor, or {@link java.nio.channels.ClosedChannelException} once it is closed. */
    protected final int fd() throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        return fd;
    }

    /** The errno a call captured into {@code state}. */
    protected static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Closes a descriptor that no object owns yet (an open that failed half-way). */
    protected static void closeQuietly(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            // nothing to do: the descriptor is gone either way
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(fd);
    }
}
