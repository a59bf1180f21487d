package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The residual an initiator sees for commands whose Data-Out is a parameter list (RFC 7143
 * 11.4.5, SAM-5 5.4.3), against the real daemon with the project's initiator: a command that took
 * its whole list reports no residual when EDTL is the list's length, and an underflow of exactly
 * the surplus when EDTL is longer; with the data sent as immediate data and with every byte asked
 * for by R2T. MODE SELECT(6)/(10), PERSISTENT RESERVE OUT, UNMAP, FORMAT UNIT with a parameter
 * list, SANITIZE OVERWRITE, EXTENDED COPY; and COMPARE AND WRITE ending in MISCOMPARE after
 * taking its data.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ParameterListResidualsTest {
    static final String TARGET = "iqn.2026-11.org.scstj:residuals";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { d { filename = "@DIR@/d.img", size = 4M, thin-provisioned = true } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-11.org.scstj:residuals" { luns { 0 = d } } }
              }
            }
            """;
    private static final Duration T = Duration.ofSeconds(30);
    private static final int BLOCK = 512;
    /** What EDTL exceeds the parameter list by in the underflow case. */
    private static final int SURPLUS = 100;

    @TempDir
    Path dir;

    /** One command and its parameter list (exactly what its CDB asks for), and the status it ends with. */
    private record Command(String name, byte[] cdb, byte[] list, int status) {
    }

    @Test
    void parameterListCommands_reportTheResidualAgainstTheListLength_withImmediateDataAndWithR2t() throws Exception {
        Daemon daemon = Daemon.start(dir, TEMPLATE);
        try {
            long naa;
            try (Session s = open(daemon, "immediate", true)) {
                clearUnitAttention(s);
                naa = naaDesignator(s);
                run(s, commands(naa), "immediate data");
            }
            try (Session s = open(daemon, "r2t", false)) {
                assertFalse(s.negotiated().immediateData());
                assertTrue(s.negotiated().initialR2T());
                clearUnitAttention(s);
                run(s, commands(naa), "R2T");
            }
            daemon.stopCleanly();
        } finally {
            daemon.close();
        }
    }

    private static Session open(Daemon daemon, String name, boolean immediate) throws Exception {
        LoginSpec spec = LoginSpec.normal("iqn.2026-11.org.example:" + name, TARGET)
                .key("ImmediateData", immediate ? "Yes" : "No")
                .key("InitialR2T", immediate ? "No" : "Yes");
        return Session.open(new InetSocketAddress("127.0.0.1", daemon.port), spec, T);
    }

    private static void run(Session s, List<Command> commands, String how) throws Exception {
        for (Command c : commands) {
            for (int surplus : new int[] {0, SURPLUS}) {
                byte[] dataOut = Arrays.copyOf(c.list(), c.list().length + surplus);
                ScsiResult r = scsi(s, c.cdb(), dataOut);
                String what = c.name() + ", " + how + ", EDTL " + dataOut.length + ": " + r;
                assertEquals(0, r.response(), what);
                assertEquals(c.status(), r.status(), what);
                assertFalse(r.overflow(), what);
                assertEquals(surplus > 0, r.underflow(), what);
                assertEquals(surplus, r.residual(), what + ": the residual is what was not transferred");
            }
        }
    }

    /** Runs the command, again once if a unit attention another command raised came first. */
    private static ScsiResult scsi(Session s, byte[] cdb, byte[] dataOut) throws Exception {
        ScsiResult r = s.scsiWrite(0, cdb, dataOut, T);
        if (r.status() == ScsiResult.CHECK_CONDITION && r.senseKey() == 0x06) {
            r = s.scsiWrite(0, cdb, dataOut, T);
        }
        return r;
    }

    private static void clearUnitAttention(Session s) throws Exception {
        for (int i = 0; i < 4; i++) {
            if (s.scsi(0, new byte[6], 0, T).good()) {
                return;
            }
        }
        fail("TEST UNIT READY never GOOD");
    }

    private static List<Command> commands(long naa) {
        List<Command> c = new ArrayList<>();
        c.add(new Command("MODE SELECT(6)", new byte[] {0x15, 0x10, 0, 0, 4, 0}, new byte[4], ScsiResult.GOOD));
        c.add(new Command("MODE SELECT(10)", new byte[] {0x55, 0x10, 0, 0, 0, 0, 0, 0, 8, 0}, new byte[8],
                ScsiResult.GOOD));
        byte[] register = new byte[24];
        ByteBuffer.wrap(register).putLong(8, 0x5CAFE);
        c.add(new Command("PERSISTENT RESERVE OUT (REGISTER AND IGNORE EXISTING KEY)",
                new byte[] {0x5F, 0x06, 0, 0, 0, 0, 0, 0, 24, 0}, register, ScsiResult.GOOD));
        byte[] unmap = new byte[24];
        ByteBuffer.wrap(unmap).putShort(0, (short) 22).putShort(2, (short) 16).putLong(8, 64).putInt(16, 8);
        c.add(new Command("UNMAP", new byte[] {0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0}, unmap, ScsiResult.GOOD));
        c.add(new Command("FORMAT UNIT with a parameter list", new byte[] {0x04, 0x10, 0, 0, 0, 0}, new byte[4],
                ScsiResult.GOOD));
        byte[] overwrite = new byte[4 + 16];
        overwrite[0] = 1;                           // OVERWRITE COUNT 1
        overwrite[3] = 16;                          // INITIALIZATION PATTERN LENGTH
        Arrays.fill(overwrite, 4, overwrite.length, (byte) 0x3C);
        c.add(new Command("SANITIZE OVERWRITE", new byte[] {0x48, 0x01, 0, 0, 0, 0, 0, 0, (byte) overwrite.length, 0},
                overwrite, ScsiResult.GOOD));
        byte[] copy = extendedCopy(naa);
        c.add(new Command("EXTENDED COPY", new byte[] {(byte) 0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) copy.length, 0, 0}, copy, ScsiResult.GOOD));
        byte[] caw = new byte[16];
        caw[0] = (byte) 0x89;
        caw[9] = 20;                                // LBA 20, which SANITIZE filled with 3Ch
        caw[13] = 1;
        byte[] verifyAndWrite = new byte[2 * BLOCK]; // compares zeros with 3Ch: MISCOMPARE after the data
        c.add(new Command("COMPARE AND WRITE, miscompare", caw, verifyAndWrite, ScsiResult.CHECK_CONDITION));
        return c;
    }

    /**
     * An EXTENDED COPY(LID1) parameter list (SPC-4 6.4.3) copying 8 blocks of the LU within itself:
     * one Identification CSCD descriptor naming it by its NAA designator, one block to block segment.
     */
    private static byte[] extendedCopy(long naa) {
        byte[] cscd = new byte[32];
        cscd[0] = (byte) 0xE4;
        cscd[4] = 0x01;                             // code set binary
        cscd[5] = 0x03;                             // association LU, designator type NAA
        cscd[7] = 8;
        ByteBuffer.wrap(cscd).putLong(8, naa);
        cscd[30] = (byte) (BLOCK >>> 8);            // DISK BLOCK LENGTH
        byte[] segment = new byte[28];
        segment[0] = 0x02;
        segment[3] = 0x18;
        segment[11] = 8;                            // 8 blocks, LBA 0 to LBA 200
        segment[27] = (byte) 200;
        byte[] header = new byte[16];
        header[1] = 0b11 << 3;                      // LIST ID USAGE 11b: no list identifier
        header[3] = 32;
        header[11] = 28;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(cscd);
        out.writeBytes(segment);
        return out.toByteArray();
    }

    /** The LU's NAA designator from the Device Identification VPD page (SPC-5 7.7.6). */
    private static long naaDesignator(Session s) throws Exception {
        ScsiResult r = s.scsi(0, new byte[] {0x12, 0x01, (byte) 0x83, 0, (byte) 255, 0}, 255, T);
        assertTrue(r.good(), r.toString());
        byte[] p = r.data();
        for (int at = 4; at + 4 <= p.length; at += 4 + (p[at + 3] & 0xFF)) {
            boolean binary = (p[at] & 0x0F) == 1;
            boolean luNaa = (p[at + 1] & 0x3F) == 0x03;
            if (binary && luNaa && (p[at + 3] & 0xFF) == 8) {
                return ByteBuffer.wrap(p, at + 4, 8).getLong();
            }
        }
        throw new AssertionError("no NAA designator in VPD 83h");
    }
}
