package org.scstj.it;

import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Connection;
import org.scstj.transports.iscsi.initiator.LoginException;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Pdu;
import org.scstj.transports.iscsi.initiator.Pdus;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;
import org.scstj.transports.iscsi.initiator.Task;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad-inputs rows 1-6 and 10-18 (docs/bad-inputs.md) against the real daemon over loopback: each
 * malformed input goes in on a connection of its own and must get the exact answer of the table,
 * while a well-behaved session ({@link Steady}) keeps writing and reading back verified data
 * throughout; after each test that session must have made progress without an error, and at the
 * end the daemon log holds no stack trace and no buffer leak. Rows 7-9 (CHAP) are tested with CHAP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class BadPduTest {
    static final String TARGET = "iqn.2026-11.org.scstj:bad";
    static final String CLOSED = "iqn.2026-11.org.scstj:badclosed";
    static final String GOOD_INITIATOR = "iqn.2026-11.test:steady";
    static final String HOSTILE = "iqn.2026-11.test:hostile";
    static final Duration T = Duration.ofSeconds(10);
    /** The absolute login deadline configured below (row 18). */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(2);
    static final int BLOCK = 512;
    /** Hostile writes stay at or above this LBA; the steady session stays below. */
    static final int HOSTILE_LBA = 8192;

    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio {
                bad0 { filename = "@DIR@/bad0.img", size = 16M, thin-provisioned = true }
                bad1 { filename = "@DIR@/bad1.img", size = 8M, thin-provisioned = true }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                login-timeout = 2s
                targets {
                  "iqn.2026-11.org.scstj:bad" { luns { 0 = bad0 } }
                  "iqn.2026-11.org.scstj:badclosed" {
                    luns { }
                    groups { nobody { initiators = ["iqn.1999-01.example:nobody"], luns { 0 = bad1 } } }
                  }
                }
              }
            }
            """;

    @TempDir
    static Path dir;
    private Daemon daemon;
    private InetSocketAddress address;
    private Steady steady;
    private Thread steadyThread;
    private final AtomicInteger isids = new AtomicInteger(1);
    private long cyclesBefore;

    @BeforeAll
    void start() throws Exception {
        daemon = Daemon.start(dir, CONFIG);
        address = new InetSocketAddress("127.0.0.1", daemon.port);
        steady = new Steady(clearUnitAttention(Session.open(address, LoginSpec.normal(GOOD_INITIATOR, TARGET)
                .key("InitialR2T", "Yes").key("ImmediateData", "Yes").key("FirstBurstLength", "8192"), T)));
        steadyThread = new Thread(steady, "steady-session");
        steadyThread.start();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (steady != null) {
                steady.stop = true;
                steadyThread.join(30_000);
                assertNull(steady.failure, () -> "the well-behaved session failed: " + steady.failure);
                assertEquals(0, steady.session.logout(T).response());
            }
            String log = daemon.log();
            assertFalse(log.contains("\tat "), "a stack trace in the daemon log:\n" + log);
        } finally {
            if (daemon != null) {
                daemon.stopCleanly();
            }
        }
    }

    @BeforeEach
    void noteProgress() {
        cyclesBefore = steady.cycles();
    }

    /** The well-behaved session went on: at least two more verified write+read cycles, no error. */
    @AfterEach
    void steadySessionUndisturbed() throws Exception {
        steady.awaitCycles(cyclesBefore + 2, Duration.ofSeconds(30));
        assertTrue(daemon.alive(), "the daemon died");
    }

    // ---- rows 1-6: login ----

    @Test
    void row1_loginDataSegmentOver8KiB_is0200AndCloses_withoutBeingBuffered() throws Exception {
        try (Connection c = Connection.open(address, 0, T)) {
            Pdu login = loginPdu(0x87, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET);
            login.data(new byte[16 * 1024 + 4]);
            c.send(login);
            assertLoginStatus(0x0200, c.read(T));
            assertTrue(c.closedByTargetWithin(T));
        }
        try (Connection c = Connection.open(address, 0, T)) {
            // a 16 MiB - 1 segment announced, never sent: refused at the header, nothing awaited
            c.send(loginPdu(0x87, "InitiatorName=" + HOSTILE).u24(5, 0xff_ffff).keepLengths().data(new byte[0]));
            assertLoginStatus(0x0200, c.read(T));
            assertTrue(c.closedByTargetWithin(T));
        }
    }

    @Test
    void row2_badAhs_isProtocolErrorReject_andTheConnectionCarriesOn() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            // an AHS whose length runs past TotalAHSLength
            c.send(tur(s).ahs(new byte[]{0x01, 0x00, 0x01, 0x00}));
            assertReject(0x04, c.read(T));
            // an unknown AHS type
            c.send(tur(s).ahs(new byte[]{0x00, 0x01, 0x09, 0x00}));
            assertReject(0x04, c.read(T));
            // TotalAHSLength 1020 bytes of zeros (AHSLength 0)
            c.send(tur(s).ahs(new byte[1020]));
            assertReject(0x04, c.read(T));
            // an AHS on a NOP-Out
            c.send(Pdus.nopOut(s.newItt(), Pdu.NO_TAG, 0, s.takeCmdSn(true), c.expStatSn(), true, new byte[0])
                    .ahs(new byte[]{0x00, 0x05, 0x01, 0x00, 1, 2, 3, 4}));
            assertReject(0x04, c.read(T));
            assertCarriesOn(s);
        }
        try (Connection c = Connection.open(address, 0, T)) {
            c.send(loginPdu(0x87, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET).ahs(new byte[]{0, 1, 9, 0}));
            assertLoginStatus(0x0200, c.read(T)); // before login: refused and closed
            assertTrue(c.closedByTargetWithin(T));
        }
    }

    @Test
    void row3_badNames_are020B_0207_0203_0202() {
        assertLoginRefused(0x020B, LoginSpec.normal("iqn.2026-11.test:" + "n".repeat(210), TARGET));
        assertLoginRefused(0x020B, LoginSpec.normal(HOSTILE, TARGET + "x".repeat(200)));
        assertLoginRefused(0x0207, normal().leadingKey("InitiatorName", null));
        assertLoginRefused(0x0207, normal().leadingKey("TargetName", null));
        assertLoginRefused(0x0203, LoginSpec.normal(HOSTILE, "iqn.2026-11.org.scstj:nothing-here"));
        assertLoginRefused(0x0202, LoginSpec.normal(HOSTILE, CLOSED));
    }

    @Test
    void row4_versionMinAbove0_is0205_transitWithContinue_andBadTransitions_are0200() throws Exception {
        assertRawLogin(0x0205, loginPdu(0x87, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET).u8(3, 1));
        assertRawLogin(0x0200, loginPdu(0xc7, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET)); // T=1, C=1
        assertRawLogin(0x0200, loginPdu(0x85, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET)); // 1 -> 1
        assertRawLogin(0x0200, loginPdu(0x86, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET)); // 1 -> 2 reserved
        assertRawLogin(0x0200, loginPdu(0x84, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET)); // 1 -> 0 backwards
    }

    @Test
    void row5_malformedKeys_are0200_endlessContinuation_is0302_unknownKey_isNotUnderstood() throws Exception {
        String name = "InitiatorName=" + HOSTILE;
        String target = "TargetName=" + TARGET;
        assertRawLogin(0x0200, loginPdu(0x87, name, target, "K".repeat(64) + "=1"));
        assertRawLogin(0x0200, loginPdu(0x87, name, target, "X-v=" + "v".repeat(256)));
        assertRawLogin(0x0200, loginPdu(0x87, name, target).data((name + "\0" + target).getBytes()));
        assertRawLogin(0x0200, loginPdu(0x87, name, target, "MaxBurstLength=4096", "MaxBurstLength=8192"));
        // endless C bit: every part is answered with an empty response until the total text cap
        try (Connection c = Connection.open(address, 0, T)) {
            byte[] chunk = ("X-junk=" + "j".repeat(250) + "\0").repeat(31).getBytes();
            int status = 0;
            for (int i = 0; i < 64 && status == 0; i++) {
                c.send(loginPdu(0x40).data(chunk));
                Pdu r = c.read(T);
                assertEquals(Opcode.LOGIN_RESPONSE, r.opcode(), r.toString());
                status = r.loginStatus();
            }
            assertEquals(0x0302, status);
            assertTrue(c.closedByTargetWithin(T));
        }
        try (Session s = hostile(normal().key("FooBar", "1").key("X-org.scstj.private", "2"))) {
            assertEquals("NotUnderstood", s.negotiated().get("FooBar"));
            assertCarriesOn(s);
        }
    }

    @Test
    void row6_sendTargetsPlease_isNotUnderstood_andCommandsOnADiscoverySession_close() throws Exception {
        try (Session s = hostile(LoginSpec.discovery(HOSTILE))) {
            Connection c = s.connection(0);
            c.send(Pdus.text(s.newItt(), Pdu.NO_TAG, s.takeCmdSn(true), c.expStatSn(), true, false,
                    Pdu.text("SendTargetsPlease=All")));
            Pdu r = c.read(T);
            assertEquals(Opcode.TEXT_RESPONSE, r.opcode(), r.toString());
            assertEquals(List.of("SendTargetsPlease=NotUnderstood"), r.pairs());
            assertEquals("TargetName=" + TARGET, s.sendTargets(c, "All", T).getFirst());
        }
        List<Pdu> forbidden = List.of(
                Pdus.scsiCommand(5, 0, new byte[6], false, false, 0, 1, 0, true),
                Pdus.nopOut(5, Pdu.NO_TAG, 0, 1, 0, false, new byte[0]),
                Pdus.dataOut(5, 0, Pdu.NO_TAG, 0, 0, new byte[512], true, 0));
        for (Pdu p : forbidden) {
            try (Session s = hostile(LoginSpec.discovery(HOSTILE))) {
                Connection c = s.connection(0);
                p.i32(24, s.cmdSn()).i32(28, c.expStatSn());
                c.send(p);
                assertTrue(c.closedByTargetWithin(T), "no close after " + p);
            }
        }
    }

    /** RFC 7143 6.2: a SendTargets value that is neither All, empty nor an iSCSI name (4.2.7) is Reject. */
    @Test
    void row6_sendTargetsWithAValueThatIsNoIscsiName_isReject_aWellFormedUnknownName_isAnEmptyAnswer() throws Exception {
        try (Session s = hostile(LoginSpec.discovery(HOSTILE))) {
            Connection c = s.connection(0);
            assertEquals(List.of("SendTargets=Reject"), s.sendTargets(c, "Alle", T));
            assertEquals(List.of("SendTargets=Reject"), s.sendTargets(c, "bad", T));
            assertEquals(List.of(), s.sendTargets(c, "iqn.2026-11.org.scstj:nothing-here", T));
            assertEquals(List.of(), s.sendTargets(c, CLOSED, T)); // exists, but this initiator may not see it
            assertEquals("TargetName=" + TARGET, s.sendTargets(c, TARGET, T).getFirst());
        }
    }

    // ---- rows 10-17: full feature phase ----

    @Test
    void row10_dataSegmentAboveMaxRecv_aboveEdtl_orImmediateWhenOff_isReject04() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            int limit = s.negotiated().maxRecvDataSegmentLength();
            c.send(write(s, HOSTILE_LBA, 1024, 1024).data(new byte[limit + 4096]));
            assertReject(0x04, c.read(T));
            c.send(write(s, HOSTILE_LBA, 1, 512).data(new byte[1024]));
            assertReject(0x04, c.read(T));
            // the largest segment the header can announce, all of it sent: skipped as it arrives,
            // never buffered (row 18's memory bound), then the connection goes on
            c.send(write(s, HOSTILE_LBA, 1, 512).u24(5, 0xff_ffff).keepLengths());
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 16; i++) {
                c.sendRaw(chunk); // 16 MiB: the 16 MiB - 1 segment and its padding
            }
            assertReject(0x04, c.read(T));
            assertCarriesOn(s);
        }
        try (Session s = hostile(normal().key("ImmediateData", "No"))) {
            Connection c = s.connection(0);
            c.send(write(s, HOSTILE_LBA, 1, 512).data(new byte[512]));
            assertReject(0x04, c.read(T));
            assertCarriesOn(s);
        }
    }

    @Test
    void row11_overFirstBurst_edtlWithoutRw_unknownItt_pastEdtl_areReject09() throws Exception {
        try (Session s = hostile(normal().key("InitialR2T", "No").key("FirstBurstLength", "4096"))) {
            Connection c = s.connection(0);
            c.send(write(s, HOSTILE_LBA, 16, 8192).data(new byte[8192]));
            assertReject(0x09, c.read(T));
            Pdu noDirection = Pdus.scsiCommand(s.newItt(), 0, new byte[6], false, false, 512, s.takeCmdSn(false),
                    c.expStatSn(), true);
            c.send(noDirection);
            assertReject(0x09, c.read(T));
            c.send(Pdus.dataOut(0x7777, 0, Pdu.NO_TAG, 0, 0, new byte[16], true, c.expStatSn()));
            assertReject(0x09, c.read(T));
            int itt = s.newItt();
            c.send(Pdus.scsiCommand(itt, 0, Cdbs.write10(HOSTILE_LBA, 1), false, true, 512, s.takeCmdSn(false),
                    c.expStatSn(), false));
            c.send(Pdus.dataOut(itt, 0, Pdu.NO_TAG, 0, 512, new byte[16], true, c.expStatSn()));
            assertReject(0x09, c.read(T));
        }
    }

    @Test
    void row12_dataOutLongerThanItsR2t_orOutOfOrder_closesTheConnection() throws Exception {
        for (boolean outOfOrder : new boolean[]{false, true}) {
            try (Session s = hostile(normal().key("InitialR2T", "Yes").key("ImmediateData", "No")
                    .key("MaxBurstLength", "1024"))) {
                Connection c = s.connection(0);
                Pdu cmd = write(s, HOSTILE_LBA, 4, 2048);
                c.send(cmd);
                Pdu r2t = c.read(T);
                assertEquals(Opcode.R2T, r2t.opcode(), r2t.toString());
                assertEquals(1024, r2t.i32(44));
                c.send(outOfOrder
                        ? Pdus.dataOut(cmd.itt(), 0, r2t.ttt(), 0, 512, new byte[512], true, c.expStatSn())
                        : Pdus.dataOut(cmd.itt(), 0, r2t.ttt(), 0, 0, new byte[2048], true, c.expStatSn()));
                assertTrue(c.closedByTargetWithin(T), outOfOrder ? "out of order" : "longer than the R2T");
            }
        }
    }

    @Test
    void row13_repeatedSkippedOrReversedDataSn_isReject04_andAbortedCommand4705_atErl0() throws Exception {
        int[][] dataSns = {{0, 0}, {0, 2}, {1, 0}};
        for (int[] sns : dataSns) {
            try (Session s = hostile(normal().key("InitialR2T", "Yes").key("ImmediateData", "No"))) {
                Connection c = s.connection(0);
                Pdu cmd = write(s, HOSTILE_LBA, 2, 1024);
                c.send(cmd);
                Pdu r2t = c.read(T);
                assertEquals(Opcode.R2T, r2t.opcode(), r2t.toString());
                c.send(Pdus.dataOut(cmd.itt(), 0, r2t.ttt(), sns[0], 0, new byte[512], false, c.expStatSn()));
                c.send(Pdus.dataOut(cmd.itt(), 0, r2t.ttt(), sns[1], 512, new byte[512], true, c.expStatSn()));
                Pdu first = c.read(T);
                if (sns[0] != 0) { // the first Data-Out is already out of sequence
                    assertReject(0x04, first);
                    first = c.read(T);
                }
                if (first.opcode() == Opcode.REJECT) {
                    assertReject(0x04, first);
                    first = c.read(T);
                }
                assertSense(first, 0x0b, 0x47, 0x05);
                assertCarriesOn(s);
            }
        }
    }

    @Test
    void row14_unsolicitedDataWhileInitialR2TYes_is0C0C_tooLittleUnsolicited_is0C0D() throws Exception {
        try (Session s = hostile(normal().key("InitialR2T", "Yes").key("ImmediateData", "No"))) {
            Connection c = s.connection(0);
            Pdu cmd = write(s, HOSTILE_LBA, 2, 1024);
            c.send(cmd);
            assertEquals(Opcode.R2T, c.read(T).opcode());
            c.send(Pdus.dataOut(cmd.itt(), 0, Pdu.NO_TAG, 0, 0, new byte[512], true, c.expStatSn()));
            assertSense(c.read(T), 0x0b, 0x0c, 0x0c);
            assertCarriesOn(s);
        }
        try (Session s = hostile(normal().key("InitialR2T", "No").key("ImmediateData", "No")
                .key("FirstBurstLength", "1024"))) {
            Connection c = s.connection(0);
            int itt = s.newItt();
            c.send(Pdus.scsiCommand(itt, 0, Cdbs.write10(HOSTILE_LBA, 4), false, true, 2048, s.takeCmdSn(false),
                    c.expStatSn(), false));
            c.send(Pdus.dataOut(itt, 0, Pdu.NO_TAG, 0, 0, new byte[512], true, c.expStatSn()));
            assertSense(c.read(T), 0x0b, 0x0c, 0x0d);
            assertCarriesOn(s);
        }
    }

    @Test
    void row15_cmdSnOutsideTheWindow_isDroppedSilently_andTheConnectionStays() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            int beyond = s.maxCmdSn() + 1000;
            c.send(Pdus.scsiCommand(s.newItt(), 0, new byte[6], false, false, 0, beyond, c.expStatSn(), true));
            c.send(Pdus.scsiCommand(s.newItt(), 0, new byte[6], false, false, 0, s.cmdSn() - 5, c.expStatSn(), true));
            assertThrows(SocketTimeoutException.class, () -> c.read(Duration.ofMillis(500)), "an answer to a dropped CmdSN");
            assertCarriesOn(s);
        }
    }

    /**
     * Issue 12: a command rejected for good (0x09, 0x04 "cannot be resent", RFC 7143 11.17.1) has
     * used its CmdSN, and its Reject's ExpCmdSN (11.17.3) says so, as the next NOP-In does.
     */
    @Test
    void row15_aCommandRejectedForGood_usesItsCmdSn_andTheRejectsExpCmdSnAgreesWithTheWindow() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            int first = s.cmdSn();
            c.send(Pdus.scsiCommand(s.newItt(), 0, new byte[6], false, false, 1024, s.takeCmdSn(false),
                    c.expStatSn(), true)); // EDTL without R or W
            Pdu r = c.read(T);
            assertReject(0x09, r);
            assertEquals(first + 1, r.expCmdSn(), "the Reject says the CmdSN was not used");
            c.send(write(s, HOSTILE_LBA, 1, 512).data(new byte[1024])); // immediate data above EDTL
            r = c.read(T);
            assertReject(0x04, r);
            assertEquals(first + 2, r.expCmdSn(), "the Reject says the CmdSN was not used");
            c.send(Pdus.nopOut(s.newItt(), Pdu.NO_TAG, 0, s.takeCmdSn(true), c.expStatSn(), true, new byte[0]));
            Pdu nopIn = c.read(T);
            assertEquals(Opcode.NOP_IN, nopIn.opcode(), nopIn.toString());
            assertEquals(first + 2, nopIn.expCmdSn());
            assertCarriesOn(s);
        }
    }

    /**
     * Issue 12: a CmdSN gap, left by an unknown opcode (0x05: its CmdSN is not counted) or by a
     * command that never came, is closed by an ABORT TASK naming it (RFC 7143 11.5.1 b): the
     * commands after it run.
     */
    @Test
    void row17_aCmdSnGapLeftByAnUnknownOpcode_orAMissingCommand_isClosedByAbortTask() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            int gap = s.takeCmdSn(false);
            int itt = s.newItt();
            c.send(Pdu.of(0x1e, false).flags(0x80).itt(itt).i32(24, gap).i32(28, c.expStatSn()));
            Pdu r = c.read(T);
            assertReject(0x05, r);
            assertEquals(gap, r.expCmdSn(), "an unknown opcode's CmdSN is not counted, and the Reject says so");
            assertEquals(0, s.taskManagement(c, 1, 0, itt, gap, 0, T)); // ABORT TASK at CmdSN gap + 1
            assertCarriesOn(s);
        }
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            int missing = s.takeCmdSn(false); // never sent
            Task waiting = s.start(c, 0, new byte[6], null, 0); // TEST UNIT READY at missing + 1
            assertEquals(0, s.taskManagement(c, 1, 0, s.newItt(), missing, 0, T));
            ScsiResult r = s.finish(waiting, T);
            assertTrue(r.good(), r.toString());
            assertCarriesOn(s);
        }
    }

    @Test
    void row16_badHeaderDigest_closes_badDataDigest_isReject02_andAbortedCommand4705() throws Exception {
        try (Session s = hostile(normal().key("HeaderDigest", "CRC32C"))) {
            Connection c = s.connection(0);
            c.corruptNextHeaderDigest();
            c.send(tur(s));
            assertTrue(c.closedByTargetWithin(T));
        }
        try (Session s = hostile(normal().key("DataDigest", "CRC32C").key("InitialR2T", "Yes"))) {
            Connection c = s.connection(0);
            // immediate data with a bad digest: the command fails
            Pdu cmd = write(s, HOSTILE_LBA, 1, 512).data(new byte[512]);
            c.corruptNextDataDigest();
            c.send(cmd);
            assertReject(0x02, c.read(T));
            assertSense(c.read(T), 0x0b, 0x47, 0x05);
            // a Data-Out with a bad digest: at ERL 0 the command fails too
            Pdu cmd2 = write(s, HOSTILE_LBA, 2, 1024);
            c.send(cmd2);
            Pdu r2t = c.read(T);
            assertEquals(Opcode.R2T, r2t.opcode(), r2t.toString());
            c.corruptNextDataDigest();
            c.send(Pdus.dataOut(cmd2.itt(), 0, r2t.ttt(), 0, 0, new byte[512], false, c.expStatSn()));
            c.send(Pdus.dataOut(cmd2.itt(), 0, r2t.ttt(), 1, 512, new byte[512], true, c.expStatSn()));
            assertReject(0x02, c.read(T));
            assertSense(c.read(T), 0x0b, 0x47, 0x05);
            assertCarriesOn(s);
        }
    }

    @Test
    void row17_unknownOpcode_is05_textIttChange_is04_pduAfterLogout_closes() throws Exception {
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            c.send(Pdu.of(0x1e, true).itt(s.newItt()).i32(24, s.cmdSn()).i32(28, c.expStatSn()));
            assertReject(0x05, c.read(T));
            int itt = s.newItt();
            c.send(Pdus.text(itt, Pdu.NO_TAG, s.takeCmdSn(true), c.expStatSn(), false, true, Pdu.text("X-a=1")));
            Pdu part = c.read(T);
            assertEquals(Opcode.TEXT_RESPONSE, part.opcode(), part.toString());
            c.send(Pdus.text(itt + 1000, part.ttt(), s.takeCmdSn(true), c.expStatSn(), true, false, Pdu.text("X-b=2")));
            assertReject(0x04, c.read(T));
            assertCarriesOn(s);
        }
        try (Session s = hostile(normal())) {
            Connection c = s.connection(0);
            c.send(Pdus.logout(s.newItt(), 0, c.cid(), s.takeCmdSn(true), c.expStatSn()));
            Pdu r = c.read(T);
            assertEquals(Opcode.LOGOUT_RESPONSE, r.opcode(), r.toString());
            assertEquals(0, r.response());
            try {
                c.send(Pdus.nopOut(s.newItt(), Pdu.NO_TAG, 0, s.takeCmdSn(true), c.expStatSn(), true, new byte[0]));
            } catch (IOException alreadyClosed) {
                // the target may close before the NOP-Out arrives: that is the answer too
            }
            assertTrue(c.closedByTargetWithin(T));
        }
    }

    // ---- row 18: slowloris ----

    @Test
    void row18_loginTrickledOneByteAtATime_isClosedAtTheAbsoluteDeadline() throws Exception {
        try (Connection c = Connection.open(address, 0, T)) {
            byte[] login = c.frame(loginPdu(0x87, "InitiatorName=" + HOSTILE, "TargetName=" + TARGET,
                    "X-padding=" + "p".repeat(200)));
            long start = System.nanoTime();
            int sent = c.sendTrickling(login, Duration.ofMillis(50));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(sent < login.length, "the whole login was accepted byte by byte");
            assertTrue(took.compareTo(LOGIN_TIMEOUT.minusMillis(100)) >= 0, "closed before the deadline: " + took);
            assertTrue(took.compareTo(LOGIN_TIMEOUT.plusSeconds(3)) < 0, "closed too late: " + took);
        }
    }

    @Test
    void row18_connectionsStillLoggingInFromOneAddress_areCappedAt16_theExcessClosedAtAccept() throws Exception {
        List<Connection> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                // each stops after the security stage's answer, which also shows the target counted it
                Connection c = Connection.open(address, 0, T);
                idle.add(c);
                c.send(Pdus.login(false, false, 0, 1, 0x80_0000_0000L | isids.getAndIncrement(), 0, 1, 0, 1, 0,
                        Pdu.text("InitiatorName=" + HOSTILE, "TargetName=" + TARGET, "AuthMethod=None")));
                assertLoginStatus(0, c.read(T));
            }
            try (Connection excess = Connection.open(address, 0, T)) {
                assertTrue(excess.closedByTargetWithin(T), "the 17th connection logging in was kept");
            }
            assertFalse(idle.getFirst().closedByTargetWithin(Duration.ofMillis(100)));
        } finally {
            for (Connection c : idle) {
                c.close();
            }
        }
    }

    // ---- helpers ----

    private LoginSpec normal() {
        return LoginSpec.normal(HOSTILE, TARGET);
    }

    private Session hostile(LoginSpec spec) throws IOException {
        Session s = Session.open(address, spec.isid(0x80_0000_0000L | isids.getAndIncrement()), T);
        return spec.isDiscovery() ? s : clearUnitAttention(s);
    }

    /** A new nexus starts with UNIT ATTENTION 29/00 (SAM-5 5.14): TEST UNIT READY takes it. */
    static Session clearUnitAttention(Session s) throws IOException {
        for (int i = 0; i < 4; i++) {
            ScsiResult r = s.scsi(0, new byte[6], 0, T);
            if (r.good()) {
                return s;
            }
            assertEquals(0x06, r.senseKey(), r.toString());
        }
        fail("TEST UNIT READY never became GOOD");
        return s;
    }

    private void assertLoginRefused(int status, LoginSpec spec) {
        LoginException e = assertThrows(LoginException.class, () -> hostile(spec).close());
        assertEquals(status, e.status(), e.getMessage());
    }

    private void assertRawLogin(int status, Pdu login) throws IOException {
        try (Connection c = Connection.open(address, 0, T)) {
            c.send(login);
            assertLoginStatus(status, c.read(T));
            assertTrue(c.closedByTargetWithin(T), "a refused login leaves the connection open");
        }
    }

    private Pdu loginPdu(int flags, String... keys) {
        return Pdus.login(false, false, 0, 0, 0x80_0000_0000L | isids.getAndIncrement(), 0, 1, 0, 1, 0,
                Pdu.text(keys)).flags(flags);
    }

    private static void assertLoginStatus(int status, Pdu r) {
        assertEquals(Opcode.LOGIN_RESPONSE, r.opcode(), r.toString());
        assertEquals(status, r.loginStatus(), String.format("login status 0x%04x", r.loginStatus()));
    }

    private static void assertReject(int reason, Pdu r) {
        assertEquals(Opcode.REJECT, r.opcode(), r.toString());
        assertEquals(reason, r.response(), r.toString());
        assertEquals(Pdu.BHS, r.data().length, "a Reject carries the rejected BHS");
    }

    private static void assertSense(Pdu r, int key, int asc, int ascq) {
        assertEquals(Opcode.SCSI_RESPONSE, r.opcode(), r.toString());
        assertEquals(ScsiResult.CHECK_CONDITION, r.status(), r.toString());
        byte[] d = r.data(); // SenseLength (2 bytes), then fixed-format sense
        assertEquals(key, d[2 + 2] & 0x0f, "sense key");
        assertEquals(asc, d[2 + 12] & 0xff, "ASC");
        assertEquals(ascq, d[2 + 13] & 0xff, "ASCQ");
    }

    /** The hostile session's own connection still answers a ping and a READ. */
    private static void assertCarriesOn(Session s) throws IOException {
        assertArrayEquals(new byte[]{1, 2, 3}, s.ping(s.connection(0), new byte[]{1, 2, 3}, T));
        ScsiResult r = s.scsi(0, Cdbs.read10(HOSTILE_LBA, 1), BLOCK, T);
        assertTrue(r.good(), r.toString());
    }

    private static Pdu tur(Session s) {
        Connection c = s.connection(0);
        return Pdus.scsiCommand(s.newItt(), 0, new byte[6], false, false, 0, s.takeCmdSn(false), c.expStatSn(), true);
    }

    private static Pdu write(Session s, int lba, int blocks, int edtl) {
        Connection c = s.connection(0);
        return Pdus.scsiCommand(s.newItt(), 0, Cdbs.write10(lba, blocks), false, true, edtl, s.takeCmdSn(false),
                c.expStatSn(), true);
    }

    /**
     * The well-behaved session: writes 8 random blocks, reads them back, compares; over and over
     * (bounded) until stopped. Any error, sense, unit attention or mismatch is kept as the failure.
     */
    static final class Steady implements Runnable {
        private static final int MAX_CYCLES = 1_000_000;
        final Session session;
        volatile boolean stop;
        volatile Throwable failure;
        private long cycles;

        Steady(Session session) {
            this.session = session;
        }

        @Override
        public void run() {
            Random random = new Random(42);
            try {
                for (int i = 0; i < MAX_CYCLES && !stop; i++) {
                    int lba = (i % 256) * 8;
                    byte[] data = new byte[8 * BLOCK];
                    random.nextBytes(data);
                    ScsiResult w = session.scsiWrite(0, Cdbs.write10(lba, 8), data, T);
                    if (!w.good()) {
                        throw new AssertionError("write failed: " + w);
                    }
                    ScsiResult r = session.scsi(0, Cdbs.read10(lba, 8), data.length, T);
                    if (!r.good() || !Arrays.equals(data, r.data())) {
                        throw new AssertionError("read back failed or differs: " + r);
                    }
                    if (!session.asyncMessages().isEmpty()) {
                        throw new AssertionError("async message: " + session.asyncMessages());
                    }
                    synchronized (this) {
                        cycles++;
                        notifyAll();
                    }
                }
            } catch (Throwable t) {
                synchronized (this) {
                    failure = t;
                    notifyAll();
                }
            }
        }

        synchronized long cycles() {
            return cycles;
        }

        synchronized void awaitCycles(long atLeast, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (cycles < atLeast && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("the well-behaved session made no progress (" + cycles + " cycles)");
                }
                wait(Math.max(1, left / 1_000_000));
            }
            assertNull(failure, () -> "the well-behaved session failed: " + failure);
        }
    }
}
