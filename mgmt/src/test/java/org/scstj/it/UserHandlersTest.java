package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Out-of-process device handlers (issue 19, docs/user-handlers.md) served by the real daemon to
 * real initiators: the C {@code ramdisk} behind LUN 0 passes libiscsi's disk suites, the Python
 * {@code sparse_disk.py} behind LUN 1 takes a 64 MiB image from {@code qemu-img} and gives it back
 * unchanged; kill -9 of the C handler while qemu-img reads from it ends that qemu-img with an
 * error, not a hang, the Python LU serves on, and a restarted C handler serves again. The Python
 * {@code iso_disc.py} behind LUN 2, a {@code type = cdrom} LU the daemon starts the handler of
 * itself, gives {@code qemu-img} an image of 2048-byte blocks back as it is on disk, its last
 * partial block padded; the LU says it is a CD/DVD (peripheral device type 5) in the core's INQUIRY.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class UserHandlersTest {
    static final String TARGET = "iqn.2026-12.org.scstj:user";
    private static final String TWO_INITIATORS =
            "-i iqn.2026-12.org.scstj.it:user-1 -I iqn.2026-12.org.scstj.it:user-2";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.user {
                ram0 { socket = "@DIR@/ram0.sock", size = 256M, thin-provisioned = true }
                sparse0 { socket = "@DIR@/sparse0.sock", size = 64M, thin-provisioned = true }
                spare0 { socket = "@DIR@/spare0.sock", size = 1M }
                cd0 {
                  socket = "@DIR@/cd0.sock"
                  type = cdrom
                  command = ["python3", "@REPO@/user-handlers/python/examples/iso_disc.py", "@DIR@/disc.iso",
                             "@DIR@/cd0.sock"]
                }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-12.org.scstj:user" { luns { 0 = ram0, 1 = sparse0, 2 = cd0 } } }
              }
            }
            """;

    @TempDir
    static Path dir;
    private Daemon daemon;
    private Process ramdisk;
    private Process sparse;
    private byte[] disc;

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-test-cu", "libiscsi-bin");
        Tools.require("qemu-img", "qemu-utils");
        Tools.Result make = Tools.run(List.of("make", "-s", "-C", REPO.resolve("user-handlers/c").toString()), 300);
        assertEquals(0, make.exit(), make.output());
        disc = new byte[3 * 1024 * 1024 + 1000]; // not a whole number of 2048-byte blocks
        new Random(23).nextBytes(disc);
        Files.write(dir.resolve("disc.iso"), disc);
        daemon = Daemon.start(dir, CONFIG.replace("@REPO@", REPO.toString()));
        ramdisk = startRamdisk();
        sparse = handler("sparse0", List.of("python3", REPO.resolve("user-handlers/python/examples/sparse_disk.py")
                .toString(), "--size", "64M", "--block-size", "512", dir.resolve("sparse0.sock").toString()));
        awaitServing(0);
        awaitServing(1);
    }

    private Process startRamdisk() throws Exception {
        return handler("ram0", List.of(REPO.resolve("user-handlers/c/build/ramdisk").toString(), "--size", "256M",
                "--block-size", "512", dir.resolve("ram0.sock").toString()));
    }

    private Process handler(String name, List<String> command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    /** Until the daemon logs that {@code lun}'s handler attached (epoch {@code epoch}), within 30 s. */
    private void awaitServing(int lun) throws Exception {
        awaitServing(lun, 1);
    }

    private void awaitServing(int lun, int epoch) throws Exception {
        String device = lun == 0 ? "ram0" : "sparse0";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (java.util.regex.Pattern.compile("user device " + device + ": handler .* attached, epoch " + epoch + ",")
                    .matcher(daemon.log()).find()) {
                return;
            }
            Thread.sleep(100);
        }
        fail(device + "'s handler did not attach:\n" + daemon.log() + "\n--- handler:\n"
                + Files.readString(dir.resolve(device + ".log")));
    }

    @AfterAll
    void stop() throws Exception {
        for (Process p : new Process[] {ramdisk, sparse}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @Order(1)
    @ValueSource(strings = {"Mandatory", "Inquiry", "ReadCapacity10", "ReadCapacity16", "Read6", "Read10", "Read12",
            "Read16", "Write10", "Write12", "Write16", "TestUnitReady", "ModeSense6", "Verify10", "Verify12", "Verify16",
            "iSCSIcmdsn", "iSCSIResiduals", "Unmap", "WriteSame10", "WriteSame16", "Prefetch10", "Prefetch16",
            "ReadDefectData10", "ReadDefectData12", "OrWrite", "CompareAndWrite", "WriteAtomic16", "ExtendedCopy",
            "ReceiveCopyResults", "ReportSupportedOpcodes", "Reserve6 " + TWO_INITIATORS,
            "PrinReadKeys " + TWO_INITIATORS, "ProutRegister " + TWO_INITIATORS, "ProutReserve " + TWO_INITIATORS,
            "ProutClear " + TWO_INITIATORS, "ProutPreempt " + TWO_INITIATORS})
    void libiscsiDiskSuite_passesAgainstTheCRamdisk(String spec) throws Exception {
        List<String> words = List.of(spec.split(" "));
        String suite = words.getFirst();
        List<String> command = new java.util.ArrayList<>(List.of("iscsi-test-cu", "-d"));
        command.addAll(words.subList(1, words.size()));
        command.addAll(List.of("-t", "ALL." + suite, daemon.url(TARGET, 0)));
        Tools.Result r = Tools.run(command, 600);
        System.out.println(r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from " + suite + ":\n" + r.output() + "\n--- daemon log:\n" + daemon.log());
        }
        assertTrue(summary.ran() > 0, suite + " ran no test:\n" + r.output());
        assertEquals(0, summary.failed(), suite + " had failures:\n" + r.output());
        assertTrue(ramdisk.isAlive(), "the ramdisk is still attached");
    }

    @Test
    @Order(2)
    void qemuImg_roundTrips64MiB_throughThePythonSparseDisk() throws Exception {
        Path image = dir.resolve("image.raw");
        byte[] data = new byte[64 << 20];
        Random r = new Random(19);
        for (int i = 0; i < data.length; i += 65536) { // half the 64 KiB stretches data, half zeros (sparse)
            if ((i / 65536) % 2 == 0) {
                byte[] chunk = new byte[65536];
                r.nextBytes(chunk);
                System.arraycopy(chunk, 0, data, i, chunk.length);
            }
        }
        Files.write(image, data);
        Tools.Result in = Tools.run(List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(),
                daemon.url(TARGET, 1)), 600);
        assertEquals(0, in.exit(), in.output());
        Path back = dir.resolve("back.raw");
        Tools.Result out = Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", daemon.url(TARGET, 1),
                back.toString()), 600);
        assertEquals(0, out.exit(), out.output());
        byte[] got = Files.readAllBytes(back);
        int first = java.util.Arrays.mismatch(data, got);
        assertEquals(-1, first, "the image came back unchanged; first difference at byte " + first + " of "
                + got.length + " (64 KiB stretch " + (first / 65536) + ")\n" + in.output() + out.output()
                + "\n--- handler:\n" + Files.readString(dir.resolve("sparse0.log")));
    }

    /** SBC-4 5.8 through the LBA_STATUS operation: the Python disk reports its blocks mapped or deallocated. */
    @Test
    @Order(2)
    void libiscsiGetLbaStatus_passesAgainstThePythonSparseDisk() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-t", "ALL.GetLBAStatus", daemon.url(TARGET, 1)), 600);
        System.out.println(r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from GetLBAStatus:\n" + r.output() + "\n--- daemon log:\n" + daemon.log());
        }
        assertTrue(summary.ran() > 0, "GetLBAStatus ran no test:\n" + r.output());
        assertEquals(0, summary.failed(), "GetLBAStatus had failures:\n" + r.output());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "user device sparse0: handler \"sparse_disk.py\" .* features 0x([0-9a-f]+)").matcher(daemon.log());
        assertTrue(m.find() && (Integer.parseInt(m.group(1), 16) & 0x80) != 0,
                "the handler agreed LBA_STATUS (feature bit 7):\n" + daemon.log());
    }

    /**
     * docs/user-handlers.md "CDB operations": the daemon refuses a HELLO that names an opcode its
     * disk command set decodes itself (READ(10)); the engine tells the device which (Listener.hasRow).
     */
    @Test
    @Order(2)
    void aHelloNamingAnOpcodeTheCoreDecodes_isRefusedByTheDaemon() throws Exception {
        String script = String.join("\n",
                "import sys",
                "sys.path.insert(0, sys.argv[1])",
                "from scstj_user import Device, Handler",
                "class Reads(Device):",
                "    cdb_opcodes = (0x28,)",
                "    def read(self, offset, length):",
                "        return bytes(length)",
                "try:",
                "    Handler(sys.argv[2], Reads(1 << 20))",
                "    print('ATTACHED')",
                "except Exception as e:",
                "    print(e)",
                "");
        Tools.Result r = Tools.run(List.of("python3", "-c", script, REPO.resolve("user-handlers/python").toString(),
                dir.resolve("spare0.sock").toString()), 60);
        assertTrue(r.output().contains("refused") && r.output().contains("opcode 28h"),
                "the daemon refuses the HELLO and says why:\n" + r.output());
        assertTrue(daemon.log().contains("user device spare0: handler refused: HELLO asks to execute opcode 28h"),
                daemon.log());
    }

    /**
     * SPC-5 6.35: REPORT SUPPORTED OPERATION CODES lists the Python disk's vendor-specific command
     * C1h (STORED BLOCKS) beside the core's rows, and libiscsi's suite, which asks about each listed
     * command in turn and checks the answers against the list, passes; C1h itself answers through the
     * handler, and the C ramdisk, which names no opcode, lists none of it.
     */
    @Test
    @Order(2)
    void reportSupportedOpcodes_listsThePythonDisksVendorCommand_andLibiscsiAgrees() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-t", "ALL.ReportSupportedOpcodes",
                daemon.url(TARGET, 1)), 600);
        System.out.println(r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from ReportSupportedOpcodes:\n" + r.output() + "\n--- daemon log:\n" + daemon.log());
        }
        assertTrue(summary.ran() > 0, r.output());
        assertEquals(0, summary.failed(), "ReportSupportedOpcodes had failures:\n" + r.output());
        byte[] all = {(byte) 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0};
        try (org.scstj.transports.iscsi.initiator.Session s = org.scstj.transports.iscsi.initiator.Session.open(
                new java.net.InetSocketAddress("127.0.0.1", daemon.port),
                org.scstj.transports.iscsi.initiator.LoginSpec.normal("iqn.2026-12.org.scstj.it:rsoc", TARGET),
                java.time.Duration.ofSeconds(10))) {
            java.time.Duration t = java.time.Duration.ofSeconds(10);
            s.scsi(1, new byte[] {0, 0, 0, 0, 0, 0}, 0, t); // the POWER ON unit attention
            s.scsi(0, new byte[] {0, 0, 0, 0, 0, 0}, 0, t);
            assertTrue(opcodes(s.scsi(1, all, 0x4000, t)).contains(0xC1), "C1h listed for the Python disk");
            assertFalse(opcodes(s.scsi(0, all, 0x4000, t)).contains(0xC1), "not for the C ramdisk");
            org.scstj.transports.iscsi.initiator.ScsiResult stored = s.scsi(1,
                    new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 16, 0}, 16, t);
            assertTrue(stored.good(), stored.toString());
            assertEquals((64L << 20) / 512, java.nio.ByteBuffer.wrap(stored.data()).getLong(8),
                    "the capacity in blocks, from the handler");
        }
    }

    /** The opcodes of REPORT SUPPORTED OPERATION CODES' all-commands answer (SPC-5 6.35.2). */
    private static List<Integer> opcodes(org.scstj.transports.iscsi.initiator.ScsiResult r) {
        assertTrue(r.good(), r.toString());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
        List<Integer> out = new java.util.ArrayList<>();
        for (int at = 4; at + 8 <= 4 + b.getInt(0) && at + 8 <= r.data().length; at += 8 + ((r.data()[at + 5] & 2) != 0 ? 12 : 0)) {
            out.add(r.data()[at] & 0xFF);
        }
        return out;
    }

    /** Feature VPD: the Python disk adds a vendor-specific page, which the core's Supported VPD Pages lists. */
    @Test
    @Order(2)
    void theCoresSupportedVpdPages_listThePythonDisksOwnPage() throws Exception {
        Tools.Result r = Tools.run(List.of("iscsi-inq", "-e", "1", "-c", "0", daemon.url(TARGET, 1)), 60);
        System.out.println(r.output());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().toLowerCase().contains("0xc0"), "page C0h listed:\n" + r.output());
        Tools.Result ram = Tools.run(List.of("iscsi-inq", "-e", "1", "-c", "0", daemon.url(TARGET, 0)), 60);
        assertEquals(0, ram.exit(), ram.output());
        assertTrue(!ram.output().toLowerCase().contains("0xc0"), "the C ramdisk adds none:\n" + ram.output());
    }

    @Test
    @Order(2)
    void qemuImg_readsTheDiscOfThePythonCdrom_asItIsOnDisk() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!daemon.log().contains("user device cd0: handler \"iso_disc.py\"") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Tools.Result inq = Tools.run(List.of("iscsi-inq", daemon.url(TARGET, 2)), 60);
        assertEquals(0, inq.exit(), inq.output() + "\n" + daemon.log());
        assertTrue(inq.output().toLowerCase().contains("type:0x05") || inq.output().contains("MMC")
                || inq.output().contains("CD"), "peripheral device type 5:\n" + inq.output());
        Path back = dir.resolve("disc-back.raw");
        Tools.Result out = Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", daemon.url(TARGET, 2),
                back.toString()), 300);
        assertEquals(0, out.exit(), out.output() + "\n" + daemon.log());
        byte[] got = Files.readAllBytes(back);
        byte[] expected = java.util.Arrays.copyOf(disc, (disc.length + 2047) / 2048 * 2048);
        assertEquals(expected.length, got.length, "the disc's capacity: whole 2048-byte blocks");
        assertEquals(-1, java.util.Arrays.mismatch(expected, got), "the disc's blocks, the last one padded with zeros");
    }

    @Test
    @Order(3)
    void killMinus9OfTheCHandler_underIo_endsTheInitiatorsCommands_otherLuServes_andARestartServesAgain()
            throws Exception {
        Process reader = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", "raw", daemon.url(TARGET, 0),
                dir.resolve("ram-copy.raw").toString()).redirectErrorStream(true).start();
        Thread.sleep(300);
        ramdisk.destroyForcibly();
        assertTrue(ramdisk.waitFor(10, TimeUnit.SECONDS));
        long killed = System.nanoTime();
        assertTrue(reader.waitFor(120, TimeUnit.SECONDS), "qemu-img ends: no command hangs on a dead handler");
        System.out.printf("UserHandlersTest: qemu-img ended %.1f s after kill -9 of the handler, exit %d%n",
                (System.nanoTime() - killed) / 1e9, reader.exitValue());
        Tools.Result other = Tools.run(List.of("qemu-img", "info", daemon.url(TARGET, 1)), 60);
        assertEquals(0, other.exit(), "the Python LU is not disturbed: " + other.output());
        Tools.Result notReady = Tools.run(List.of("iscsi-test-cu", "-d", "-t", "ALL.TestUnitReady",
                daemon.url(TARGET, 0)), 120);
        assertTrue(notReady.output().contains("NOT_READY") || notReady.output().contains("FAILED")
                || notReady.exit() != 0, "TEST UNIT READY without a handler is not GOOD:\n" + notReady.output());

        ramdisk = startRamdisk();
        awaitServing(0, 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Tools.Result suite = null;
        while (System.nanoTime() < deadline) {
            suite = Tools.run(List.of("iscsi-test-cu", "-d", "-t", "ALL.Read10", daemon.url(TARGET, 0)), 300);
            Tools.CUnitSummary s = Tools.CUnitSummary.parse(suite.output());
            if (s != null && s.ran() > 0 && s.failed() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        fail("the restarted handler does not serve:\n" + (suite == null ? "" : suite.output()) + "\n" + daemon.log());
    }
}
