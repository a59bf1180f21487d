package org.scstj.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's own tape stack against scstj's tape drive ({@code vtape}): the guest of
 * {@link LinuxInitiatorTest} (a Debian kernel under QEMU, {@link LinuxGuest}) logs in with
 * iscsi_tcp, Linux's {@code st} driver attaches the sequential-access LU as {@code /dev/nst0}, and
 * mt-st's {@code mt} and GNU {@code tar} use it as a real drive ({@code linux-guest/tape.sh} says
 * what each boot does):
 * <ol>
 * <li>boot 1, on a blank cartridge: {@code mt status}; in variable-block mode a tar archive
 * ({@code -b 20}: 10240-byte records) of the files this test serves, a second file written with
 * dd, {@code weof}; then {@code rewind}, {@code fsf}, {@code bsf}, {@code eod}, {@code tell},
 * {@code seek}, {@code fsr} and {@code bsr} land where the objects written put them, also when a
 * filemark, end of data or the beginning stops them (every position is checked here against the
 * archive's record count, computed from the file sizes); the archive extracts with the files'
 * checksums; in fixed-block mode ({@code setblk 512}, MODE SELECT's block descriptor) a file is
 * written and read back; {@code erase} from its start moves end of data there; {@code offline}
 * leaves st without a tape ({@code DR_OPEN}) until {@code mt load}; a read shorter than the record
 * fails in st with the record's length learnt from the residual; mtx's {@code tapeinfo} reads the
 * drive through SG_IO; a second drive (LUN 1) with a 4 MiB cartridge is filled to early warning:
 * ENOSPC where the first record entered the zone, filemarks still written after it, the records
 * dd was told were written read back;</li>
 * <li>the daemon stops (SIGTERM, exit status 0) and starts again on the same library;</li>
 * <li>boot 2: {@code mt load}, the archive still extracts with the files' checksums, the second
 * file reads as boot 1 wrote it, end of data is where the erase left it.</li>
 * </ol>
 * The guest fetches the files over an HTTP server of this test on 127.0.0.1 (the guest's
 * 10.0.2.2). No command may time out (the guest fails on an abort or reset by Linux's error
 * handler), and the daemon logs no ERROR, exception or task management function in either run.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxTapeTest {
    static final String TARGET = "iqn.2026-12.org.scstj:tape";
    static final String INITIATOR = "iqn.2026-11.org.scstj:linux-guest";
    static final int TPGT = 1;
    static final String CARTRIDGE = "A00001L8";

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vtape {
                  tape0 { library = "@DIR@/library", cartridge = "A00001L8", capacity = 256M }
                  tape1 { library = "@DIR@/library", cartridge = "B00001L8", capacity = 4M }
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-12.org.scstj:tape" { luns { 0 = tape0, 1 = tape1 } }
                }
              }
            }
            """;

    /** One guest run, from QEMU's start to its exit, at most (the issue asks for well under two minutes). */
    static final long GUEST_TIMEOUT_SECONDS = 240;
    /** The guest's own watchdog, shorter than ours so that it reports rather than being killed. */
    static final long GUEST_WATCHDOG_SECONDS = 200;
    /** GNU tar's records with {@code -b 20}. */
    static final int TAR_RECORD = 20 * 512;

    @TempDir
    Path dir;

    @Test
    void linuxSt_writesTarSpacesTellsSeeksErases_andTheArchiveSurvivesARestart() throws Exception {
        LinuxGuest.requireTools();
        Path guest = LinuxGuest.buildGuest(LinuxGuest.cacheRoot());
        Map<String, byte[]> files = sampleFiles(new Random());
        long records = tarRecords(files);

        Daemon daemon = Daemon.start(dir, TEMPLATE);
        LinuxGuest.GuestRun write;
        LinuxGuest.GuestRun verify;
        boolean aliveAfterWrite;
        boolean aliveAfterVerify;
        int firstExit;
        int secondExit;
        try (FileHost host = FileHost.start(files)) {
            try {
                write = boot(guest, daemon, host, "write");
                aliveAfterWrite = daemon.alive();
            } finally {
                firstExit = daemon.terminate();
            }
            report("write", write);
            assertTrue(write.marker().startsWith("SCSTJ-LINUX-OK"),
                    "boot 1: " + write.marker() + "\n--- console ---\n" + write.console() + "\n--- daemon ---\n" + daemon.log());
            daemon = Daemon.restart(daemon);
            try {
                verify = boot(guest, daemon, host, "verify");
                aliveAfterVerify = daemon.alive();
            } finally {
                secondExit = daemon.terminate();
            }
            report("verify", verify);
        }
        String log = daemon.log();
        String context = write.marker() + "\n--- console (boot 1) ---\n" + write.console();
        String verifyContext = write.marker() + "\n" + verify.marker() + "\n--- console (boot 2) ---\n" + verify.console();
        assertTrue(verify.marker().startsWith("SCSTJ-LINUX-OK"), "boot 2: " + verifyContext + "\n--- daemon ---\n" + log);

        Map<String, String> w = LinuxGuest.fields(write.marker());
        String tr = Long.toString(records);
        // st's view of the LU: INQUIRY's peripheral device type 1
        assertEquals("tape", w.get("mode"), context);
        assertEquals("1", w.get("type"), context);
        assertEquals(tr, w.get("tr"), "records of the tar archive (-b 20); " + context);
        assertEquals("0", w.get("bs0"), "mt status on a fresh drive: variable-block mode; " + context);
        // Logical object identifiers (SSC-3 4.2.6): the archive's records 0..TR-1, its filemark at
        // TR, the second file's five records, its filemark at TR+6, weof's at TR+7, end of data TR+8.
        assertEquals(Long.toString(records + 1), w.get("wrote"), "after tar closed (its filemark written); " + context);
        assertEquals(Long.toString(records + 8), w.get("weof"), "after the second file and weof; " + context);
        assertEquals(Long.toString(records + 1), w.get("fsf"), "after rewind, fsf 1; " + context);
        assertEquals(Long.toString(records + 7), w.get("read2"), "after reading the second file to its filemark; " + context);
        assertEquals(Long.toString(records + 6), w.get("bsf"), "after bsf 1 (before the filemark); " + context);
        assertEquals(Long.toString(records + 8), w.get("eod"), "at end of data; " + context);
        assertEquals(Long.toString(records + 1), w.get("seek"), "tell after seek; " + context);
        // SSC-3 SPACE(6): blocks stopped by a filemark end on its BOP side going backward; filemarks
        // forward stop at end of data (BLANK CHECK), backward at the beginning (EOM)
        assertEquals(Long.toString(records + 3), w.get("fsr"), "after fsr 2 from the second file's start; " + context);
        assertEquals(Long.toString(records + 2), w.get("bsr"), "after bsr 1; " + context);
        assertEquals(tr, w.get("bsr_mark"), "bsr 5 stopped before the archive's filemark; " + context);
        assertEquals(Long.toString(records + 8), w.get("fsf_eod"), "fsf 10 stopped at end of data; " + context);
        assertEquals("0", w.get("bsf_bop"), "bsf 10 stopped at the beginning; " + context);
        assertEquals(Integer.toString(files.size()), w.get("files"), context);
        // READ(6) of 512 bytes at a 10240-byte record: ILI, INFORMATION -9728, positioned past it
        assertEquals(Integer.toString(TAR_RECORD), w.get("overlong"), "the record length st learnt from the residual; " + context);
        assertEquals("1", w.get("short"), "past the record after the short read; " + context);
        // MODE SENSE's block descriptor after setblk 512; 11776 bytes are 23 blocks and a filemark
        assertEquals("512", w.get("fixed_bs"), context);
        assertEquals(Long.toString(records + 8), w.get("fixed_at"), context);
        assertEquals(Long.toString(records + 8 + 23 + 1), w.get("fixed_end"), "after the fixed-block file; " + context);
        assertEquals(Long.toString(records + 8), w.get("erased"), "end of data after the erase; " + context);
        // tapeinfo (SG_IO through st): after the archive was read again, the drive is at its end
        assertEquals("Tape_Drive", w.get("ti_type"), context);
        assertEquals("1048576", w.get("ti_maxblock"), "READ BLOCK LIMITS; " + context);
        assertEquals(tr, w.get("ti_block"), "READ POSITION after tar read the archive; " + context);
        assertEquals("dr_open", w.get("offline"), "mt status after offline; " + context);
        assertEquals("yes", w.get("online"), "mt status after load; " + context);
        assertEquals("0", w.get("loaded"), "tell after load; " + context);
        // The 4 MiB cartridge's early-warning zone is its last MiB (SSC-3 4.2.5: 1/64, at least 1 MiB):
        // the 48th 64 KiB record enters it (3 MiB of records and their framing) and is told EOM with
        // nothing unwritten, so st fails the 49th with ENOSPC before sending it.
        assertEquals("48", w.get("filled"), "64 KiB records dd was told were written; " + context);
        assertEquals("48", w.get("readback"), "records read back from the filled cartridge; " + context);
        assertEquals("50", w.get("eom_tell"), "after st's filemark on close and weof's, past early warning; " + context);

        Map<String, String> v = LinuxGuest.fields(verify.marker());
        assertEquals("0", v.get("bs"), "a restarted drive is in variable-block mode; " + verifyContext);
        assertEquals("0", v.get("rewound"), verifyContext);
        assertEquals(Integer.toString(files.size()), v.get("files"), "the archive after the restart; " + verifyContext);
        assertEquals(Long.toString(records + 1), v.get("fsf"), verifyContext);
        assertEquals(w.get("sum2"), v.get("sum2"), "the second file after the restart; " + verifyContext);
        assertEquals(Long.toString(records + 8), v.get("eod"), "end of data after the restart; " + verifyContext);

        assertTrue(aliveAfterWrite && aliveAfterVerify, "the daemon died during a guest's run:\n" + log);
        assertEquals(List.of(), LinuxGuest.problems(log), "the daemon logged errors:\n" + log);
        assertEquals(List.of(), log.lines().filter(l -> l.contains("TaskManagement")).toList(),
                "the guest's error handler reset or aborted (a command was not answered in time):\n" + log);
        assertEquals(0, firstExit, "daemon exit status after SIGTERM (first run); log:\n" + log);
        assertEquals(0, secondExit, "daemon exit status after SIGTERM (second run); log:\n" + log);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    private LinuxGuest.GuestRun boot(Path guest, Daemon daemon, FileHost host, String step) throws Exception {
        Path work = Files.createDirectories(dir.resolve("guest-" + step));
        return LinuxGuest.boot(guest, work, List.of("scstj.mode=tape", "scstj.step=" + step, "scstj.port=" + daemon.port,
                "scstj.target=" + TARGET, "scstj.tpgt=" + TPGT, "scstj.initiator=" + INITIATOR,
                "scstj.hport=" + host.port(), "scstj.watchdog=" + GUEST_WATCHDOG_SECONDS), GUEST_TIMEOUT_SECONDS);
    }

    private static void report(String step, LinuxGuest.GuestRun run) {
        System.out.println("LinuxTapeTest: " + step + ": " + run.accel() + ", " + run.seconds() + " s: " + run.marker());
        run.console().lines().filter(l -> l.startsWith("scstj-guest:") || l.startsWith("    "))
                .forEach(l -> System.out.println("LinuxTapeTest: guest: " + l));
    }

    /**
     * Files to archive with tar, random names and contents, one of each kind: several tar records,
     * less than one 512-byte block, a few blocks.
     */
    static Map<String, byte[]> sampleFiles(Random random) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        int[] sizes = {(1 << 20) + 1234, 7, 300_000};
        String[] names = {"alpha", "beta", "gamma"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[sizes[i]];
            random.nextBytes(data);
            files.put(names[i] + "-" + Long.toHexString(random.nextLong()) + ".bin", data);
        }
        return files;
    }

    /**
     * The records of GNU tar's archive of {@code files} with {@code -b 20} (ustar/GNU format: a
     * 512-byte header per file, its data in 512-byte blocks, two zero blocks at the end, padded to
     * whole records); the names are short enough to need no extra header.
     */
    static long tarRecords(Map<String, byte[]> files) {
        long blocks = 2;
        for (byte[] data : files.values()) {
            blocks += 1 + (data.length + 511) / 512;
        }
        return (blocks * 512 + TAR_RECORD - 1) / TAR_RECORD;
    }

    /**
     * The host end of the guest's requests, on 127.0.0.1 (the guest's 10.0.2.2): {@code GET
     * /tape/manifest} answers a {@code NAME SHA256 SIZE} line per file, {@code GET /tape/file/NAME}
     * the file.
     */
    static final class FileHost implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, byte[]> files;

        private FileHost(HttpServer server, Map<String, byte[]> files) {
            this.server = server;
            this.files = files;
        }

        static FileHost start(Map<String, byte[]> files) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            FileHost host = new FileHost(server, files);
            server.createContext("/tape/manifest", host::manifest);
            server.createContext("/tape/file/", host::file);
            server.start();
            return host;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void manifest(HttpExchange exchange) throws IOException {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                text.append(f.getKey()).append(' ').append(sha256(f.getValue())).append(' ')
                        .append(f.getValue().length).append('\n');
            }
            send(exchange, 200, text.toString().getBytes(StandardCharsets.US_ASCII));
        }

        private void file(HttpExchange exchange) throws IOException {
            String name = exchange.getRequestURI().getPath().substring("/tape/file/".length());
            byte[] data = files.get(name);
            if (data == null) {
                send(exchange, 404, "no such file\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                send(exchange, 200, data);
            }
        }

        private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
            try (exchange) {
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        private static String sha256(byte[] data) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
