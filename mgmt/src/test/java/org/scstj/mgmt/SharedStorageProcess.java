package org.scstj.mgmt;

import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The other process of {@link SharedStorageCompareAndWriteTest}: a POSIX record lock belongs to a
 * process, and one JVM cannot test the exclusion between its own channels, so a second JVM plays
 * the other node. Lines on stdout tell the test what happened; a line on stdin moves it on.
 *
 * <ul>
 *   <li>{@code hold FILE OFFSET LENGTH}: locks the bytes exclusively (fcntl), prints {@code locked},
 *       waits for a line, releases, prints {@code released}.</li>
 *   <li>{@code race FILE STATE-DIR shared|single ID TARGET}: an engine on the file (as a cluster
 *       node's, or a single node's), prints {@code ready}, waits for a line, then until LBA 0's
 *       counter reaches TARGET: reads LBA 0 and sends COMPARE AND WRITE of it with the counter + 1
 *       and its ID; prints {@code won N} for each counter value it wrote, {@code miscompare} for
 *       each 0E/1D/00, anything else as {@code error ...} (and stops), {@code done} at the end.</li>
 * </ul>
 */
public final class SharedStorageProcess {
    static final String TARGET = "iqn.2026-12.org.scstj:shared-caw";
    static final long LUN0 = LoopbackSession.lun(0);
    static final int BLOCK = 512;

    private SharedStorageProcess() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "hold" -> hold(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), in);
            case "race" -> race(Path.of(args[1]), Path.of(args[2]), "shared".equals(args[3]), Long.parseLong(args[4]),
                    Long.parseLong(args[5]), in);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
        System.exit(0); // the engine's actor system keeps non-daemon threads
    }

    private static void hold(Path file, long offset, long length, BufferedReader in) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock(offset, length, false);
            System.out.println("locked");
            System.out.flush();
            in.readLine();
            lock.release();
            System.out.println("released");
        }
    }

    /** The configuration of an engine with one {@code vdisk_fileio} LU on {@code file}. */
    static String hocon(Path file, Path stateDir) {
        return """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_fileio { d0 { filename = "%s", size = 1M } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]
                    targets { "%s" { luns { 0 = d0 } } }
                  }
                }
                """.formatted(stateDir, file, TARGET);
    }

    private static void race(Path file, Path stateDir, boolean shared, long id, long target, BufferedReader in)
            throws Exception {
        try (LoopbackEngine e = LoopbackEngine.start("racer-" + id, hocon(file, stateDir), TARGET,
                "iqn.2026-12.org.scstj:racer-" + id, shared)) {
            LoopbackSession s = e.session;
            clearAttentions(s);
            System.out.println("ready");
            System.out.flush();
            in.readLine();
            while (true) {
                byte[] now = read0(s);
                long counter = ByteBuffer.wrap(now).getLong(0);
                if (counter >= target) {
                    break;
                }
                byte[] next = new byte[BLOCK];
                ByteBuffer.wrap(next).putLong(0, counter + 1).putLong(8, id);
                ByteBuffer out = ByteBuffer.allocate(2 * BLOCK).put(now).put(next).flip();
                try (LoopbackResult r = LoopbackEngine.await(s.execute(LUN0, compareAndWrite(0, 1), out, 0))) {
                    if (r.good()) {
                        System.out.println("won " + (counter + 1));
                    } else if (r.senseKey() == 0x0E && r.asc() == 0x1D && r.ascq() == 0) {
                        System.out.println("miscompare");
                    } else {
                        System.out.println("error " + r);
                        break;
                    }
                }
            }
            System.out.println("done");
        }
    }

    /** TEST UNIT READY until GOOD: the session's POWER ON unit attention (29/00) is reported once. */
    static void clearAttentions(LoopbackSession s) throws Exception {
        for (int i = 0; i < 5; i++) {
            try (LoopbackResult r = LoopbackEngine.await(s.execute(LUN0, new byte[6], null, 0))) {
                if (r.good()) {
                    return;
                }
            }
        }
        throw new IllegalStateException("TEST UNIT READY never GOOD");
    }

    static byte[] read0(LoopbackSession s) throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x88; // SBC-4 5.17 READ(16)
        cdb[13] = 1;
        try (LoopbackResult r = LoopbackEngine.await(s.execute(LUN0, cdb, null, BLOCK))) {
            if (!r.good()) {
                throw new IllegalStateException("READ(16): " + r);
            }
            return r.dataInBytes();
        }
    }

    /** SBC-4 5.3 COMPARE AND WRITE of {@code blocks} blocks at {@code lba}. */
    static byte[] compareAndWrite(long lba, int blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x89;
        ByteBuffer.wrap(cdb).putLong(2, lba);
        cdb[13] = (byte) blocks;
        return cdb;
    }
}
