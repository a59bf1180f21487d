package org.scstj.handlers.fileio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import org.scstj.engine.spi.BlockDevice.IoFailure;
import org.scstj.handlers.common.NativeDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A second descriptor for a device's backing file, for what {@link java.nio.channels.FileChannel}
 * does not offer: deallocating a range ({@code fallocate(2)} with {@code FALLOC_FL_PUNCH_HOLE})
 * and finding allocated ranges ({@code lseek(2)} with {@code SEEK_DATA} / {@code SEEK_HOLE}).
 * Called through the foreign function API (java.lang.foreign); errno is captured with each call.
 * Linux only. Thread-safe: the calls are positional.
 */
final class NativeFile extends NativeDescriptor {
    // <fcntl.h>, <linux/falloc.h>, <unistd.h>, <errno.h> (the same values on x86-64 and arm64)
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;
    static final int EDQUOT = 122;
    // <fcntl.h>, <linux/stat.h>: statx on the descriptor itself, asking for st_blocks
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_BLOCKS = 0x400;
    /** struct statx is 256 bytes with the same layout on every architecture; stx_blocks is at 48. */
    static final int STATX_SIZE = 256;
    static final long STX_BLOCKS_OFFSET = 48;

    private static final MethodHandle OPEN;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle LSEEK;
    private static final MethodHandle STATX;

    static {
        SymbolLookup libc = LINKER.defaultLookup();
        Linker.Option errno = ERRNO_OPTION;
        // int open(const char *path, int flags, ...): mode is the variadic argument
        OPEN = LINKER.downcallHandle(libc.findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
        FALLOCATE = LINKER.downcallHandle(libc.findOrThrow("fallocate"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), errno);
        LSEEK = LINKER.downcallHandle(libc.findOrThrow("lseek"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), errno);
        // int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
        STATX = LINKER.downcallHandle(libc.findOrThrow("statx"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), errno);
    }

    /** A failed system call: its errno, and what SCSI makes of it. */
    static final class NativeIoException extends IOException {
        final int errno;

        NativeIoException(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }

        /** ENOSPC/EDQUOT: SPACE ALLOCATION FAILED; EIO: MEDIUM ERROR; anything else INTERNAL. */
        IoFailure failure() {
            return switch (errno) {
                case ENOSPC, EDQUOT -> IoFailure.NO_SPACE;
                case EIO -> IoFailure.MEDIUM_ERROR;
                default -> IoFailure.INTERNAL;
            };
        }
    }

    private NativeFile(int fd) {
        super(fd);
    }

    /** Opens {@code path} read-write (or read-only), close-on-exec. */
    static NativeFile open(Path path, boolean readOnly) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()),
                    (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeIoException("open " + path, errno(state));
            }
            return new NativeFile(fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code fallocate(fd, PUNCH_HOLE | KEEP_SIZE, offset, length)}: the range reads as zeros afterwards. */
    void punchHole(long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) FALLOCATE.invokeExact(state, fd(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
            if (rc != 0) {
                throw new NativeIoException("fallocate(PUNCH_HOLE)", errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * {@code lseek(fd, offset, whence)} with SEEK_DATA or SEEK_HOLE; -1 when there is no data at or
     * after {@code offset} (ENXIO).
     */
    long seek(long offset, int whence) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long at = (long) LSEEK.invokeExact(state, fd(), offset, whence);
            if (at < 0) {
                int errno = errno(state);
                if (errno == ENXIO) {
                    return -1;
                }
                throw new NativeIoException("lseek", errno);
            }
            return at;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Bytes the file occupies on its file system: {@code stx_blocks * 512} from
     * {@code statx(fd, "", AT_EMPTY_PATH, STATX_BLOCKS)}, what {@code du} reports. Metadata only.
     */
    long allocatedBytes() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int rc = (int) STATX.invokeExact(state, fd(), arena.allocateFrom(""), AT_EMPTY_PATH, STATX_BLOCKS, buf);
            if (rc != 0) {
                throw new NativeIoException("statx", errno(state));
            }
            return buf.get(JAVA_LONG, STX_BLOCKS_OFFSET) * 512;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }



}
