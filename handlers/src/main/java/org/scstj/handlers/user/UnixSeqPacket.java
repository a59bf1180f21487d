package org.scstj.handlers.user;

import org.scstj.handlers.common.NativeDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A Unix domain socket of type {@code SOCK_SEQPACKET} (unix(7): message boundaries kept, ordered,
 * reliable): a device's control socket (docs/user-handlers.md "The pieces"). The core listens
 * ({@link #listen}) and takes one handler at a time ({@link #accept}); each message is one
 * datagram, sent with descriptors attached as {@code SCM_RIGHTS} ({@link #send}) or received with
 * the descriptors that came with it ({@link #receive}). Every call is a plain blocking system call
 * on the calling thread; {@link Poll} tells when one would not block.
 */
final class UnixSeqPacket extends NativeDescriptor {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int SO_PEERCRED = 17;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EINTR = 4;
    /** sockaddr_un: sa_family_t, then sun_path[108]. */
    private static final int SOCKADDR_UN = 110;
    /** struct msghdr on LP64: name, namelen (+4), iov, iovlen, control, controllen, flags (+4). */
    private static final int MSGHDR = 56;
    /** The most descriptors one message carries (WELCOME: 3). */
    static final int MAX_FDS = 4;
    /** CMSG_SPACE(MAX_FDS * 4): the 16-byte cmsghdr and the descriptors, 8-aligned. */
    private static final int CONTROL = 16 + MAX_FDS * 4;

    private static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = call("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = call("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = call("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = call("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = call("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = call("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    static MethodHandle call(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, ERRNO_OPTION);
    }

    private UnixSeqPacket(int fd) {
        super(fd);
    }

    /** The descriptor number (for {@link Poll}). */
    int descriptor() throws IOException {
        return fd();
    }

    /** A socket bound to {@code path} and listening (a stale socket file there is removed first). */
    static UnixSeqPacket listen(Path path) throws IOException {
        java.nio.file.Files.deleteIfExists(path);
        return addressed(path, "bind", (state, fd, address) -> {
            int r = (int) BIND.invokeExact(state, fd, address, SOCKADDR_UN);
            if (r < 0) {
                throw new IOException("bind " + path + ": errno " + errno(state));
            }
            r = (int) LISTEN.invokeExact(state, fd, 4);
            if (r < 0) {
                throw new IOException("listen " + path + ": errno " + errno(state));
            }
        });
    }

    /** A socket connected to the listener at {@code path} (a handler's side; used by tests). */
    static UnixSeqPacket connect(Path path) throws IOException {
        return addressed(path, "connect", (state, fd, address) -> {
            int r = (int) CONNECT.invokeExact(state, fd, address, SOCKADDR_UN);
            if (r < 0) {
                throw new IOException("connect " + path + ": errno " + errno(state));
            }
        });
    }

    /** A system call on a new socket and the address of {@code path}. */
    @FunctionalInterface
    private interface AddressCall {
        void run(MemorySegment state, int fd, MemorySegment address) throws Throwable;
    }

    /** A new socket that {@code call} binds or connects to {@code path}; closed again if it fails. */
    private static UnixSeqPacket addressed(Path path, String what, AddressCall call) throws IOException {
        int fd = open();
        try (Arena arena = Arena.ofConfined()) {
            call.run(arena.allocate(CAPTURE), fd, address(arena, path));
            return new UnixSeqPacket(fd);
        } catch (IOException e) {
            closeQuietly(fd);
            throw e;
        } catch (Throwable t) {
            closeQuietly(fd);
            throw new IOException(what + " " + path, t);
        }
    }

    private static int open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_UNIX, SOCK_SEQPACKET): errno " + errno(state));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("socket", t);
        }
    }

    private static MemorySegment address(Arena arena, Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN - 2) {
            throw new IOException("socket path longer than 107 bytes (unix(7)): " + path);
        }
        MemorySegment a = arena.allocate(SOCKADDR_UN);
        a.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, a, JAVA_BYTE, 2, name.length);
        return a;
    }

    /** Blocks until a handler connects; its socket. */
    UnixSeqPacket accept() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                int fd = (int) ACCEPT4.invokeExact(state, fd(), MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (fd >= 0) {
                    return new UnixSeqPacket(fd);
                }
                if (errno(state) != EINTR) {
                    throw new IOException("accept: errno " + errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("accept", t);
        }
    }

    /** The process id of the peer, as the kernel saw it connect (SO_PEERCRED); -1 if unknown. */
    int peerPid() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment cred = arena.allocate(12);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 12);
            int r = (int) GETSOCKOPT.invokeExact(state, fd(), SOL_SOCKET, SO_PEERCRED, cred, len);
            return r < 0 ? -1 : cred.get(JAVA_INT, 0);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Sends {@code message} as one datagram, with {@code fds} attached (SCM_RIGHTS) when there are any. */
    void send(byte[] message, int... fds) throws IOException {
        sendWith(0, message, fds);
    }

    /**
     * Sends {@code message} without waiting (MSG_DONTWAIT): a peer that does not read its socket
     * cannot block the caller (a LUN actor's thread, the ring thread); a full socket is an
     * IOException like any other failure.
     */
    void sendNow(byte[] message) throws IOException {
        sendWith(MSG_DONTWAIT, message);
    }

    private void sendWith(int flags, byte[] message, int... fds) throws IOException {
        if (fds.length > MAX_FDS) {
            throw new IllegalArgumentException("at most " + MAX_FDS + " descriptors");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment data = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, data, JAVA_BYTE, 0, message.length);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, message.length);
            MemorySegment msg = arena.allocate(MSGHDR, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            if (fds.length > 0) {
                int space = 16 + ((fds.length * 4 + 7) & ~7);
                MemorySegment control = arena.allocate(space, 8);
                control.set(JAVA_LONG, 0, 16 + fds.length * 4L); // CMSG_LEN
                control.set(JAVA_INT, 8, SOL_SOCKET);
                control.set(JAVA_INT, 12, SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) {
                    control.set(JAVA_INT, 16 + 4L * i, fds[i]);
                }
                msg.set(ADDRESS, 32, control);
                msg.set(JAVA_LONG, 40, space);
            }
            while (true) {
                long n = (long) SENDMSG.invokeExact(state, fd(), msg, MSG_NOSIGNAL | flags);
                if (n == message.length) {
                    return;
                }
                if (n >= 0) {
                    throw new IOException("sendmsg sent " + n + " of " + message.length + " bytes");
                }
                if (errno(state) != EINTR) {
                    throw new IOException("sendmsg: errno " + errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sendmsg", t);
        }
    }

    /**
     * One received datagram: its bytes (at most the buffer's size), whether it was longer than the
     * buffer ({@code truncated}: MSG_TRUNC) or came with more descriptors than fit (MSG_CTRUNC),
     * and the descriptors that came with it (the caller owns them now). Zero bytes and no
     * descriptors: the peer closed the socket.
     */
    record Received(byte[] bytes, int length, boolean truncated, int[] fds) {
        boolean eof() {
            return length == 0 && fds.length == 0 && !truncated;
        }
    }

    /** Blocks for the next datagram, into a buffer of {@code max} bytes. */
    Received receive(int max) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment data = arena.allocate(max);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, max);
            MemorySegment control = arena.allocate(CONTROL, 8);
            MemorySegment msg = arena.allocate(MSGHDR, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, CONTROL);
            long n;
            while (true) {
                n = (long) RECVMSG.invokeExact(state, fd(), msg, MSG_CMSG_CLOEXEC);
                if (n >= 0) {
                    break;
                }
                if (errno(state) != EINTR) {
                    throw new IOException("recvmsg: errno " + errno(state));
                }
            }
            int flags = msg.get(JAVA_INT, 48);
            int[] fds = descriptors(control, msg.get(JAVA_LONG, 40));
            int length = (int) Math.min(n, max);
            byte[] bytes = data.asSlice(0, length).toArray(JAVA_BYTE);
            return new Received(bytes, length, (flags & (MSG_TRUNC | MSG_CTRUNC)) != 0, fds);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("recvmsg", t);
        }
    }

    /** The SCM_RIGHTS descriptors in the control data the kernel filled ({@code length} bytes). */
    private static int[] descriptors(MemorySegment control, long length) {
        int[] out = new int[0];
        long at = 0;
        while (at + 16 <= length) {
            long len = control.get(JAVA_LONG, at);
            if (len < 16 || at + len > length) {
                break;
            }
            if (control.get(JAVA_INT, at + 8) == SOL_SOCKET && control.get(JAVA_INT, at + 12) == SCM_RIGHTS) {
                int n = (int) ((len - 16) / 4);
                int base = out.length;
                out = Arrays.copyOf(out, base + n);
                for (int i = 0; i < n; i++) {
                    out[base + i] = control.get(JAVA_INT, at + 16 + 4L * i);
                }
            }
            at += (len + 7) & ~7L;
        }
        return out;
    }

    /** Ends both directions: a thread blocked in {@link #receive} or {@link #accept} returns. */
    void shutdown() {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(arena.allocate(CAPTURE), fd(), 2);
        } catch (Throwable t) {
            // already closed: nothing blocks on it
        }
    }

    /**
     * Ends this side's receiving only: a thread polling the socket wakes (POLLIN, then EOF on
     * receive), and messages can still be sent, such as a REFUSE that says why.
     */
    void shutdownInput() {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(arena.allocate(CAPTURE), fd(), 0);
        } catch (Throwable t) {
            // already closed: nothing blocks on it
        }
    }

    /** Closes a descriptor received from the peer that nothing took over. */
    static void closeDescriptor(int fd) {
        closeQuietly(fd);
    }
}
