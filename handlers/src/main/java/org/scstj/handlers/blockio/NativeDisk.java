package org.scstj.handlers.blockio;

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
 * A raw file descriptor on a block device or a regular file, and the Linux system calls
 * {@code vdisk_blockio} needs on it, through the foreign function API with errno captured on each
 * call: {@code open(2)} with {@code O_DIRECT}, {@code pread(2)} / {@code pwrite(2)} on aligned
 * native memory, {@code fdatasync(2)}, {@code fallocate(2)}, {@code ioctl(2)} for the geometry
 * ({@code BLKGETSIZE64}, {@code BLKSSZGET}, {@code BLKPBSZGET}) and {@code statx(2)}. Linux only
 * (x86-64 and arm64). Thread-safe: every call is positional.
 */
final class NativeDisk extends NativeDescriptor {
    // <fcntl.h>: the values shared by x86-64 and arm64 ...
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int O_DSYNC = 0x1000;
    /** ... and O_DIRECT, which differs: 040000 on x86-64, 0200000 on arm64. */
    static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0x10000 : 0x4000;
    static final int AT_FDCWD = -100;
    // <linux/falloc.h>
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    // <linux/fs.h>: _IOR(0x12, 114, size_t), _IO(0x12, 104), _IO(0x12, 123), _IO(0x12, 127)
    static final long BLKGETSIZE64 = 0x80081272L;
    static final long BLKSSZGET = 0x1268;
    static final long BLKPBSZGET = 0x127B;
    static final long BLKZEROOUT = 0x127F;
    // <errno.h>
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;
    static final int EDQUOT = 122;
    // <linux/stat.h>: struct statx is 256 bytes, the same layout on every architecture
    static final int STATX_TYPE = 0x1;
    static final int STATX_MODE = 0x2;
    static final int STATX_SIZE = 0x200;
    static final int STATX_BUFFER = 256;
    static final long STX_MODE = 28;
    static final long STX_SIZE = 40;
    static final long STX_RDEV_MAJOR = 128;
    static final long STX_RDEV_MINOR = 132;
    static final int S_IFMT = 0xF000;
    static final int S_IFBLK = 0x6000;
    static final int S_IFREG = 0x8000;

    private static final MethodHandle OPEN;
    private static final MethodHandle PREAD;
    private static final MethodHandle PWRITE;
    private static final MethodHandle FDATASYNC;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle IOCTL;
    private static final MethodHandle STATX;

    static {
        SymbolLookup libc = LINKER.defaultLookup();
        Linker.Option errno = ERRNO_OPTION;
        // int open(const char *path, int flags, ...): mode is the variadic argument
        OPEN = LINKER.downcallHandle(libc.findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
        // ssize_t pread(int fd, void *buf, size_t count, off_t offset), and pwrite alike
        PREAD = LINKER.downcallHandle(libc.findOrThrow("pread"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), errno);
        PWRITE = LINKER.downcallHandle(libc.findOrThrow("pwrite"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), errno);
        FDATASYNC = LINKER.downcallHandle(libc.findOrThrow("fdatasync"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        FALLOCATE = LINKER.downcallHandle(libc.findOrThrow("fallocate"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), errno);
        // int ioctl(int fd, unsigned long request, ...): every request used here takes a pointer
        IOCTL = LINKER.downcallHandle(libc.findOrThrow("ioctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), errno, Linker.Option.firstVariadicArg(2));
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

        /**
         * EIO: MEDIUM ERROR (SBC-4 4.14, unrecovered read / write error). ENXIO and ENODEV, the
         * device gone: NOT READY (the LU stays not ready: {@code BlockIoDevice#ready}). ENOSPC / EDQUOT
         * (a regular file on a full file system): SPACE ALLOCATION FAILED (SBC-4 4.7.3.6).
         * Anything else: INTERNAL.
         */
        IoFailure failure() {
            return switch (errno) {
                case EIO -> IoFailure.MEDIUM_ERROR;
                case ENXIO, ENODEV -> IoFailure.NOT_READY;
                case ENOSPC, EDQUOT -> IoFailure.NO_SPACE;
                default -> IoFailure.INTERNAL;
            };
        }
    }

    /** What {@code statx(2)} says about a path (following symbolic links). */
    record Stat(int mode, long size, int rdevMajor, int rdevMinor) {
        boolean blockDevice() {
            return (mode & S_IFMT) == S_IFBLK;
        }

        boolean regularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }
    }

    private final String path;

    private NativeDisk(int fd, String path) {
        super(fd);
        this.path = path;
    }

    /** {@code statx(AT_FDCWD, path, 0, TYPE | MODE | SIZE)}. */
    static Stat stat(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(STATX_BUFFER, 8);
            int rc = (int) STATX.invokeExact(state, AT_FDCWD, arena.allocateFrom(path.toString()), 0,
                    STATX_TYPE | STATX_MODE | STATX_SIZE, buf);
            if (rc != 0) {
                throw new NativeIoException("statx " + path, errno(state));
            }
            return new Stat(Short.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, STX_MODE)),
                    buf.get(JAVA_LONG, STX_SIZE), buf.get(JAVA_INT, STX_RDEV_MAJOR), buf.get(JAVA_INT, STX_RDEV_MINOR));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Opens {@code path} close-on-exec, read-write or read-only, with {@code extraFlags}
     * ({@link #O_DIRECT}, {@link #O_DSYNC}).
     */
    static NativeDisk open(Path path, boolean readOnly, int extraFlags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()),
                    (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC | extraFlags, 0);
            if (fd < 0) {
                throw new NativeIoException("open " + path, errno(state));
            }
            return new NativeDisk(fd, path.toString());
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The raw descriptor, for io_uring submissions ({@link java.nio.channels.ClosedChannelException} once closed). */
    int descriptor() throws IOException {
        return fd();
    }

    /** {@code ioctl(BLKGETSIZE64)}: the block device's size in bytes. */
    long deviceBytes() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            ioctl(arena, BLKGETSIZE64, out, "BLKGETSIZE64");
            return out.get(JAVA_LONG, 0);
        }
    }

    /** {@code ioctl(BLKSSZGET)}: the logical block (sector) size. */
    int logicalBlockSize() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            ioctl(arena, BLKSSZGET, out, "BLKSSZGET");
            return out.get(JAVA_INT, 0);
        }
    }

    /** {@code ioctl(BLKPBSZGET)}: the physical block size. */
    int physicalBlockSize() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            ioctl(arena, BLKPBSZGET, out, "BLKPBSZGET");
            return out.get(JAVA_INT, 0);
        }
    }

    /** {@code ioctl(BLKZEROOUT, {offset, length})}: the range reads as zeros, written if need be. */
    void zeroOut(long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(JAVA_LONG, 2);
            range.setAtIndex(JAVA_LONG, 0, offset);
            range.setAtIndex(JAVA_LONG, 1, length);
            ioctl(arena, BLKZEROOUT, range, "BLKZEROOUT");
        }
    }

    private void ioctl(Arena arena, long request, MemorySegment arg, String name) throws IOException {
        try {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) IOCTL.invokeExact(state, fd(), request, arg);
            if (rc != 0) {
                throw new NativeIoException("ioctl(" + name + ") on " + path, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code buf} (native, aligned for O_DIRECT),
     * again after EINTR and after a short read; returns the bytes read, fewer only at the end of the
     * file or device.
     */
    long read(MemorySegment buf, long length, long offset) throws IOException {
        long done = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (done < length) {
                long n = (long) PREAD.invokeExact(state, fd(), buf.asSlice(done), length - done, offset + done);
                if (n < 0) {
                    int e = errno(state);
                    if (e == EINTR) {
                        continue;
                    }
                    throw new NativeIoException("pread " + path, e);
                }
                if (n == 0) {
                    break;
                }
                done += n;
            }
            return done;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes {@code length} bytes of {@code buf} at {@code offset}, again after EINTR and after a short write. */
    void write(MemorySegment buf, long length, long offset) throws IOException {
        long done = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (done < length) {
                long n = (long) PWRITE.invokeExact(state, fd(), buf.asSlice(done), length - done, offset + done);
                if (n < 0) {
                    int e = errno(state);
                    if (e == EINTR) {
                        continue;
                    }
                    throw new NativeIoException("pwrite " + path, e);
                }
                if (n == 0) {
                    throw new NativeIoException("pwrite " + path + " wrote nothing", ENOSPC);
                }
                done += n;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code fdatasync(2)}: on a block device, a cache flush to the device. */
    void dataSync() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc;
            do {
                rc = (int) FDATASYNC.invokeExact(state, fd());
            } while (rc != 0 && errno(state) == EINTR);
            if (rc != 0) {
                throw new NativeIoException("fdatasync " + path, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * {@code fallocate(fd, PUNCH_HOLE | KEEP_SIZE, offset, length)}. On a regular file it frees the
     * blocks; on a block device the kernel turns it into a zeroing deallocation (WRITE ZEROES that
     * may unmap, never falling back to writing zeros): either way the range reads as zeros.
     */
    void punchHole(long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) FALLOCATE.invokeExact(state, fd(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
            if (rc != 0) {
                throw new NativeIoException("fallocate(PUNCH_HOLE) " + path, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }



}
