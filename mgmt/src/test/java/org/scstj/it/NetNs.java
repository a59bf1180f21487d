package org.scstj.it;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces a test creates and deletes itself ({@code ip netns}, iproute2), and a thread
 * that has entered one: sockets are created in the network namespace of the thread that creates
 * them (setns(2) with CLONE_NEWNET moves only the calling thread), so a connection opened on that
 * thread reaches addresses the root namespace cannot, and the root namespace's interfaces stay
 * untouched.
 */
final class NetNs implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    final String name;
    private final ExecutorService thread;

    private NetNs(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("netns-" + name).unstarted(r));
    }

    /** Whether this process may create network namespaces (root, and not forbidden by the container). */
    static String unavailable() {
        if (!Tools.onPath("ip")) {
            return "no ip (iproute2) on PATH";
        }
        String probe = "scstjprobe" + ProcessHandle.current().pid();
        Tools.Result r = Tools.run(List.of("ip", "netns", "add", probe), 30);
        Tools.run(List.of("ip", "netns", "del", probe), 30);
        return r.exit() == 0 ? null : "ip netns add is not permitted here: " + r.output().trim();
    }

    /** Runs {@code ip ARGS} (bounded); fails with its output unless it exits 0. */
    static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(command, 30);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
    }

    /** The namespaces named {@code prefix*} now, e.g. a crashed earlier run's. */
    static List<String> named(String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : Tools.run(List.of("ip", "netns", "list"), 30).output().split("\n")) {
            String n = line.trim().split("\\s+")[0];
            if (n.startsWith(prefix)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Creates namespace {@code name} with its loopback up. */
    static NetNs create(String name) {
        ip("netns", "add", name);
        ip("-n", name, "link", "set", "lo", "up");
        return new NetNs(name);
    }

    /** {@code ip netns exec NAME}: the wrapper that runs a command inside this namespace. */
    List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Runs {@code work} on this namespace's own thread (entered on first use); its result. */
    <T> T call(Callable<T> work) throws Exception {
        try {
            return thread.submit(() -> {
                enterOnce();
                return work.call();
            }).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private boolean entered;

    /** setns(2) on the calling thread (this namespace's only thread), once. */
    private void enterOnce() throws Exception {
        if (entered) {
            return;
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle setns = linker.downcallHandle(linker.defaultLookup().find("setns").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            enter(open, setns, close, arena);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        entered = true;
    }

    /** open(2) the namespace's file, setns(2) into it, close(2) it. */
    private void enter(MethodHandle open, MethodHandle setns, MethodHandle close, Arena arena) throws Throwable {
        int fd = (int) open.invokeExact(arena.allocateFrom("/run/netns/" + name), O_RDONLY);
        if (fd < 0) {
            throw new IllegalStateException("open /run/netns/" + name + " failed");
        }
        int rc = (int) setns.invokeExact(fd, CLONE_NEWNET);
        int ignored = (int) close.invokeExact(fd);
        if (rc != 0) {
            throw new IllegalStateException("setns into " + name + " failed");
        }
    }

    /** Ends the thread and deletes the namespace (its interfaces with it). */
    @Override
    public void close() {
        thread.shutdownNow();
        Tools.run(List.of("ip", "netns", "del", name), 30);
    }
}
