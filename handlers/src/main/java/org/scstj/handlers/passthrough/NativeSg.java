package org.scstj.handlers.passthrough;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import org.scstj.handlers.common.NativeDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The Linux SCSI generic driver through the foreign function API: {@code open(2)} and
 * {@code ioctl(2)} with SG_IO, SG_GET_VERSION_NUM, BLKSECTGET and SG_SCSI_RESET, errno captured
 * with each call. SG_IO blocks the calling thread until the device answered or the timeout passed;
 * the sg driver takes several at once on one descriptor.
 */
public final class NativeSg implements SgLayer {
    // <fcntl.h>, the values shared by x86-64 and arm64
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    // <scsi/sg.h>
    static final long SG_GET_VERSION_NUM = 0x2282;
    static final long SG_SCSI_RESET = 0x2284;
    static final long SG_IO = 0x2285;
    static final int SG_SCSI_RESET_DEVICE = 1;
    /** errno: try again (asm-generic/errno-base.h). */
    static final int EAGAIN = 11;
    static final long RESET_RETRY_MILLIS = 50;
    static final long RESET_RETRY_SECONDS = 30;
    // <linux/fs.h>: _IO(0x12, 103); on an sg descriptor it answers in bytes
    static final long BLKSECTGET = 0x1267;
    /** SPC-5 4.4.1: sense data is at most 252 bytes. */
    static final int MAX_SENSE = 252;

    @Override
    public Device open(Path node) throws IOException {
        return Descriptor.open(node);
    }

    /** One open SG node. */
    static final class Descriptor extends NativeDescriptor implements Device {
        private static final MethodHandle OPEN;
        private static final MethodHandle IOCTL;

        static {
            var libc = LINKER.defaultLookup();
            OPEN = LINKER.downcallHandle(libc.findOrThrow("open"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO_OPTION,
                    java.lang.foreign.Linker.Option.firstVariadicArg(2));
            // int ioctl(int fd, unsigned long request, ...): every request used here takes a pointer
            IOCTL = LINKER.downcallHandle(libc.findOrThrow("ioctl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO_OPTION,
                    java.lang.foreign.Linker.Option.firstVariadicArg(2));
        }

        private final String node;

        private Descriptor(int fd, String node) {
            super(fd);
            this.node = node;
        }

        static Descriptor open(Path node) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CAPTURE);
                int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(node.toString()),
                        O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
                if (fd < 0) {
                    throw new SgException("open " + node, errno(state));
                }
                return new Descriptor(fd, node.toString());
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        private void ioctl(Arena arena, long request, MemorySegment argument, String name) throws IOException {
            MemorySegment state = arena.allocate(CAPTURE);
            int r;
            try {
                r = (int) IOCTL.invokeExact(state, fd(), request, argument);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (r < 0) {
                throw new SgException(name + " on " + node, errno(state));
            }
        }

        @Override
        public int versionNumber() throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(JAVA_INT);
                ioctl(arena, SG_GET_VERSION_NUM, out, "SG_GET_VERSION_NUM");
                return out.get(JAVA_INT, 0);
            }
        }

        @Override
        public int maxTransferBytes() throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(JAVA_INT);
                ioctl(arena, BLKSECTGET, out, "BLKSECTGET");
                return out.get(JAVA_INT, 0);
            }
        }

        @Override
        public Answer execute(byte[] cdb, int direction, ByteBuffer data, int timeoutMs) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                int length = data == null ? 0 : data.remaining();
                // a direct buffer is handed to the kernel as it is; a heap one goes through native memory
                boolean direct = data != null && data.isDirect();
                MemorySegment buffer = data == null || length == 0 ? MemorySegment.NULL
                        : direct ? MemorySegment.ofBuffer(data) : arena.allocate(length, 8);
                if (!direct && direction == DXFER_TO_DEV && length > 0) {
                    buffer.copyFrom(MemorySegment.ofBuffer(data));
                }
                MemorySegment command = arena.allocateFrom(JAVA_BYTE, cdb);
                MemorySegment sense = arena.allocate(MAX_SENSE);
                MemorySegment header = arena.allocate(SgIoHeader.LAYOUT);
                SgIoHeader.fill(header, length == 0 ? DXFER_NONE : direction, command, sense, buffer, length, timeoutMs);
                ioctl(arena, SG_IO, header, "SG_IO");
                int residual = Math.clamp(header.get(JAVA_INT, SgIoHeader.RESID), 0, length);
                if (!direct && direction == DXFER_FROM_DEV && length > 0) {
                    MemorySegment.ofBuffer(data).copyFrom(buffer.asSlice(0, length));
                }
                int senseLength = Math.min(header.get(JAVA_BYTE, SgIoHeader.SB_LEN_WR) & 0xFF, MAX_SENSE);
                return new Answer(header.get(JAVA_BYTE, SgIoHeader.STATUS) & 0xFF,
                        header.get(JAVA_SHORT, SgIoHeader.HOST_STATUS) & 0xFFFF,
                        header.get(JAVA_SHORT, SgIoHeader.DRIVER_STATUS) & 0xFFFF,
                        sense.asSlice(0, senseLength).toArray(JAVA_BYTE), residual);
            }
        }

        /**
         * A device reset. While the SCSI host is in error recovery (another of its devices being
         * reset, as for a target reset of LUs on one host) Linux answers a non-blocking
         * SG_SCSI_RESET with EAGAIN ({@code scsi_ioctl_block_when_processing_errors}): it is tried
         * again every {@value #RESET_RETRY_MILLIS} ms, for at most {@value #RESET_RETRY_SECONDS} s.
         */
        @Override
        public void reset() throws IOException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(RESET_RETRY_SECONDS);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment how = arena.allocateFrom(JAVA_INT, SG_SCSI_RESET_DEVICE);
                while (true) {
                    try {
                        ioctl(arena, SG_SCSI_RESET, how, "SG_SCSI_RESET");
                        return;
                    } catch (SgException e) {
                        if (e.errno != EAGAIN || System.nanoTime() > deadline) {
                            throw e;
                        }
                    }
                    try {
                        Thread.sleep(RESET_RETRY_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("SG_SCSI_RESET on " + node + " interrupted");
                    }
                }
            }
        }
    }

    /** A failed system call on an SG node, with its errno. */
    static final class SgException extends IOException {
        final int errno;

        SgException(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }
    }
}
