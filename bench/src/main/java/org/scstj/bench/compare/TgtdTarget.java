package org.scstj.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private tgtd (STGT, Debian's {@code tgt}): {@code tgtd -f -C N --iscsi portal=127.0.0.1:PORT}
 * with a control port {@code N} of its own (its socket is {@code /var/run/tgtd/socket.N}), so it
 * never meets a system tgtd; configured with {@code tgtadm -C N}: target 1 = {@link Target#IQN},
 * LUN 1 the backing file ({@code --bstype rdwr --blocksize 512}), LUN 2 {@code --bstype null}
 * (tgtd fixes its size at 1 TiB), open to every initiator ({@code -I ALL}).
 *
 * <p>tgtd ignores SIGTERM: it is stopped by deleting its target and then the "system"
 * ({@code tgtadm --mode system --op delete}), with SIGTERM and SIGKILL as fallbacks.
 */
final class TgtdTarget implements Target {
    private static final Path SOCKETS = Path.of("/var/run/tgtd");
    private static final Duration TGTADM_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final int controlPort;
    private final Path log;

    private TgtdTarget(Process process, int port, int controlPort, Path log) {
        this.process = process;
        this.port = port;
        this.controlPort = controlPort;
        this.log = log;
    }

    /** Starts tgtd, creates the target and its LUNs, and checks what tgtd reports about them. */
    static TgtdTarget start(Path dir, Path backingFile, Path blockDevice, boolean userLun, int instance,
                            ChildProcesses children) throws BenchFailure {
        int controlPort = freeControlPort();
        int port = Portal.freePort();
        Path log = dir.resolve("tgtd-" + instance + ".log");
        Process process = children.start(
                List.of("tgtd", "-f", "-C", Integer.toString(controlPort), "--iscsi", "portal=" + Portal.HOST + ":" + port), log);
        TgtdTarget target = new TgtdTarget(process, port, controlPort, log);
        try {
            Portal.await("tgtd", process, port, log, Duration.ofSeconds(30));
            target.configure(backingFile, blockDevice, userLun);
        } catch (BenchFailure e) {
            target.kill();
            throw e;
        }
        return target;
    }

    /** A control port (tgtd accepts at most 32767) whose socket files do not exist (a stale file of a dead tgtd is left alone). */
    private static int freeControlPort() throws BenchFailure {
        for (int attempt = 0; attempt < 100; attempt++) {
            int n = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            if (!Files.exists(SOCKETS.resolve("socket." + n)) && !Files.exists(SOCKETS.resolve("socket." + n + ".lock"))) {
                return n;
            }
        }
        throw new BenchFailure("no free tgtd control port (socket files in " + SOCKETS + ")");
    }

    private void configure(Path backingFile, Path blockDevice, boolean userLun) throws BenchFailure {
        tgtadm(true, "--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "--targetname", IQN);
        List<String> fileLun = List.of("--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun",
                Integer.toString(Workload.Lun.FILE.number), "--backing-store", backingFile.toString(), "--bstype", "rdwr");
        Exec.Result withBlockSize = tgtadmResult(concat(fileLun, "--blocksize", "512"));
        if (!withBlockSize.ok()) {
            // an older tgtadm without --blocksize: rdwr defaults to 512-byte blocks, checked below
            tgtadm(false, fileLun.toArray(String[]::new));
        }
        tgtadm(false, "--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun",
                Integer.toString(Workload.Lun.NULL.number), "--backing-store", "/dev/null", "--bstype", "null");
        if (blockDevice != null) {
            // tgtd's asynchronous store: libaio with O_DIRECT on the loop device, the counterpart of vdisk_blockio
            tgtadm(false, "--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun",
                    Integer.toString(Workload.Lun.BLOCK.number), "--backing-store", blockDevice.toString(), "--bstype", "aio");
        }
        if (userLun) {
            // tgtd has no out-of-process handler of this kind: scstj's user LUN runs against its null store
            tgtadm(false, "--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun",
                    Integer.toString(Workload.Lun.USER.number), "--backing-store", "/dev/null", "--bstype", "null");
        }
        tgtadm(false, "--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "-I", "ALL");
        String show = Exec.output(command("--lld", "iscsi", "--mode", "target", "--op", "show"), TGTADM_TIMEOUT);
        Map<Integer, TgtdShow.Lu> lus = TgtdShow.parse(show);
        TgtdShow.Lu file = lus.get(Workload.Lun.FILE.number);
        TgtdShow.Lu nul = lus.get(Workload.Lun.NULL.number);
        if (file == null || file.blockSize() != 512 || !file.bstype().equals("rdwr")
                || nul == null || nul.blockSize() != 512 || !nul.bstype().equals("null")) {
            throw new BenchFailure("tgtd's LUNs are not the 512-byte rdwr and null LUNs asked for:\n" + show);
        }
        TgtdShow.Lu block = lus.get(Workload.Lun.BLOCK.number);
        if (blockDevice != null && (block == null || block.blockSize() != 512 || !block.bstype().equals("aio"))) {
            throw new BenchFailure("tgtd's LUN 3 is not the 512-byte aio LUN on " + blockDevice + " asked for:\n" + show);
        }
    }

    /** Runs tgtadm on this tgtd's control port; {@code retry}: while tgtd is not yet answering. */
    private void tgtadm(boolean retry, String... args) throws BenchFailure {
        Exec.Result result = tgtadmResult(List.of(args));
        for (int attempt = 0; retry && !result.ok() && attempt < 50 && process.isAlive(); attempt++) {
            sleep(100);
            result = tgtadmResult(List.of(args));
        }
        if (!result.ok()) {
            throw new BenchFailure(result.describe());
        }
    }

    private Exec.Result tgtadmResult(List<String> args) throws BenchFailure {
        return Exec.run(command(args.toArray(String[]::new)), TGTADM_TIMEOUT);
    }

    private List<String> command(String... args) {
        return concat(List.of("tgtadm", "-C", Integer.toString(controlPort)), args);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    @Override
    public String name() {
        return "tgtd";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    /** The control port ({@code tgtd -C}, {@code tgtadm -C}). */
    int controlPort() {
        return controlPort;
    }

    @Override
    public void close() throws BenchFailure {
        try {
            if (process.isAlive()) {
                Exec.run(command("--lld", "iscsi", "--mode", "target", "--op", "delete", "--force", "--tid", "1"), TGTADM_TIMEOUT);
                Exec.run(command("--mode", "system", "--op", "delete"), TGTADM_TIMEOUT);
                if (!waitFor(Duration.ofSeconds(10))) {
                    process.destroy(); // SIGTERM, which tgtd 1.0.x ignores
                    if (!waitFor(Duration.ofSeconds(5))) {
                        kill();
                        throw new BenchFailure("tgtd did not stop on 'tgtadm --mode system --op delete' nor SIGTERM; killed");
                    }
                }
            }
        } finally {
            removeSocketFiles();
        }
    }

    private void kill() {
        ChildProcesses.kill(process.toHandle());
        removeSocketFiles();
    }

    private void removeSocketFiles() {
        if (process.isAlive()) {
            return;
        }
        for (String name : List.of("socket." + controlPort, "socket." + controlPort + ".lock")) {
            try {
                Files.deleteIfExists(SOCKETS.resolve(name));
            } catch (IOException ignored) {
                // a stale socket file of ours is harmless
            }
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) throws BenchFailure {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted", e);
        }
    }
}
