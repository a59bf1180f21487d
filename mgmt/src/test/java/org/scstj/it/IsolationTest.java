package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.transports.iscsi.initiator.Cdbs;
import org.scstj.transports.iscsi.initiator.Chap;
import org.scstj.transports.iscsi.initiator.LoginException;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Isolation between initiators of one daemon (issue 12, items 1-5), against the real daemon with
 * the project's initiator: three security groups of one target (a read-write and a read-only
 * mapping of one LU, and another group's own LU) and a second, CHAP-protected target. A reset
 * reaches only what its requester may reach, a read-only mapping changes nothing the others
 * share, one initiator spelt in two cases is one initiator, and guessing CHAP secrets is slowed down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class IsolationTest {
    static final String TARGET = "iqn.2026-11.org.scstj:isolation";
    static final String GUARDED = "iqn.2026-11.org.scstj:guarded";
    static final String WRITER = "iqn.2026-11.org.example:writer";
    static final String READER = "iqn.2026-11.org.example:reader";
    static final String OTHER = "iqn.2026-11.org.example:other";
    static final String OWNER_SECRET = "owner-secret-1234";

    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio {
                shared { filename = "@DIR@/shared.img", size = 8M }
                private { filename = "@DIR@/private.img", size = 8M }
                guarded { filename = "@DIR@/guarded.img", size = 8M }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:isolation" {
                    luns { }
                    groups {
                      writers { initiators = ["iqn.2026-11.org.example:writer"], luns { 0 = shared } }
                      readers {
                        initiators = ["iqn.2026-11.org.example:reader"]
                        luns { 0 { device = shared, read-only = true } }
                      }
                      others { initiators = ["iqn.2026-11.org.example:other"], luns { 0 = private } }
                    }
                  }
                  "iqn.2026-11.org.scstj:guarded" {
                    luns { 0 = guarded }
                    auth { chap { user = owner, secret = "%s" } }
                  }
                }
              }
            }
            """.formatted(OWNER_SECRET);
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        daemon = Daemon.start(dir, CONFIG);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            assertFalse(daemon.log().contains(OWNER_SECRET), "a secret reached the log");
            daemon.stopCleanly();
        }
    }

    private Session open(String initiator, String target) throws IOException {
        return open(LoginSpec.normal(initiator, target));
    }

    private Session open(LoginSpec spec) throws IOException {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port), spec, T);
        ready(s);
        return s;
    }

    private Session guarded() throws IOException {
        return open(LoginSpec.normal("iqn.2026-11.org.example:owner", GUARDED).chap(Chap.oneWay("owner", OWNER_SECRET)));
    }

    /** TEST UNIT READY until GOOD: takes every pending unit attention (power on, resets) out of the way. */
    private static void ready(Session s) throws IOException {
        for (int i = 0; i < 8; i++) {
            if (tur(s).good()) {
                return;
            }
        }
        throw new AssertionError("LUN 0 never became ready: " + tur(s));
    }

    private static ScsiResult tur(Session s) throws IOException {
        return s.scsi(0, new byte[6], 0, T);
    }

    private static String sense(ScsiResult r) {
        return String.format("%02X/%02X/%02X", r.senseKey(), r.asc(), r.ascq());
    }

    private static ScsiResult write(Session s) throws IOException {
        return s.scsiWrite(0, Cdbs.write10(0, 1), new byte[512], T);
    }

    /** PERSISTENT RESERVE OUT (SPC-5 6.16) with the basic 24-byte parameter list. */
    private static ScsiResult prOut(Session s, int serviceAction, int type, long key, long serviceActionKey)
            throws IOException {
        byte[] list = ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).array();
        return s.scsiWrite(0, new byte[] {0x5F, (byte) serviceAction, (byte) type, 0, 0, 0, 0, 0, 24, 0}, list, T);
    }

    @Test
    void targetColdReset_closesOnlyTheSessionsOfItsOwnTarget_andIsLoggedWithWhoAskedFromWhere() throws Exception {
        try (Session writer = open(WRITER, TARGET); Session other = open(OTHER, TARGET); Session owner = guarded();
             Session reader = open(READER, TARGET)) {
            String before = daemon.log();
            assertEquals(0, reader.taskManagement(reader.connection(0), 7, 0, 0, 0, 0, T), "FUNCTION COMPLETE");
            assertTrue(reader.connection(0).closedByTargetWithin(T), "RFC 7143 11.5.1: the requester's connection closes");
            assertTrue(writer.connection(0).closedByTargetWithin(T), "and every other connection of its target");
            assertTrue(other.connection(0).closedByTargetWithin(T), "another group's too");
            ScsiResult stillThere = tur(owner);
            assertTrue(stillThere.good() || stillThere.senseKey() == 6, "the CHAP target's session carried on: " + stillThere);
            ready(owner);
            String log = daemon.log().substring(before.length());
            assertTrue(log.contains("TARGET_COLD_RESET from " + READER + " at /127.0.0.1:"), log);
        }
    }

    @Test
    void targetWarmReset_resetsOnlyTheLusItsRequesterSees_neverAnotherGroupsLu() throws Exception {
        try (Session writer = open(WRITER, TARGET); Session other = open(OTHER, TARGET);
             Session reader = open(READER, TARGET)) {
            assertEquals(0, reader.taskManagement(reader.connection(0), 6, 0, 0, 0, 0, T), "FUNCTION COMPLETE");
            assertEquals("06/29/03", sense(tur(writer)), "the LU the reader sees (read-only) was reset");
            ScsiResult untouched = tur(other);
            assertTrue(untouched.good(), "the other group's LU is not the reader's to reset: " + untouched);
            ready(reader);
        }
    }

    @Test
    void aReadOnlyMapping_mayRegisterButNotChangeModePagesReservationsOrTheMedium() throws Exception {
        try (Session writer = open(WRITER, TARGET); Session reader = open(READER, TARGET)) {
            byte[] caching = new byte[4 + 20];
            caching[4] = 0x08;
            caching[5] = 0x12; // Caching page, WCE 0
            ScsiResult modeSelect = reader.scsiWrite(0, new byte[] {0x15, 0x10, 0, 0, (byte) caching.length, 0},
                    caching, T);
            assertEquals("07/27/00", sense(modeSelect), "MODE SELECT: DATA PROTECT, WRITE PROTECTED");
            assertEquals("07/27/00", sense(reader.scsi(0, new byte[] {0x16, 0, 0, 0, 0, 0}, 0, T)), "RESERVE(6)");
            assertTrue(prOut(reader, 0x00, 0, 0, 0x5EED).good(), "REGISTER its own key");
            assertEquals("07/27/00", sense(prOut(reader, 0x01, 3, 0x5EED, 0)), "RESERVE EXCLUSIVE ACCESS");
            assertEquals("07/27/00", sense(prOut(reader, 0x03, 0, 0x5EED, 0)), "CLEAR");
            assertTrue(write(writer).good(), "the read-write initiator writes on: nothing changed for it");
            assertTrue(writer.scsi(0, Cdbs.read10(0, 1), 512, T).good());
            assertTrue(prOut(reader, 0x00, 0, 0x5EED, 0).good(), "unregister");
        }
    }

    @Test
    void oneInitiatorSpeltInTwoCases_isOneInitiator_forSessionIdentityAclAndReservations() throws Exception {
        long isid = 0x80_0000_1234L;
        Session lower = open(LoginSpec.normal(WRITER, TARGET).isid(isid));
        try {
            assertTrue(prOut(lower, 0x00, 0, 0, 0xCA5E).good(), "REGISTER");
            try (Session upper = open(LoginSpec.normal(WRITER.toUpperCase(Locale.ROOT), TARGET.toUpperCase(Locale.ROOT))
                    .isid(isid))) {
                assertTrue(lower.connection(0).closedByTargetWithin(T),
                        "RFC 7143 6.3.5: same InitiatorName, ISID and TargetName: the old session is reinstated");
                assertTrue(write(upper).good(), "the writers group's ACL matched the upper-case name");
                assertTrue(prOut(upper, 0x00, 0, 0xCA5E, 0xCA5F).good(),
                        "the registration is the same I_T nexus's: its key changes with the right old key");
                assertTrue(prOut(upper, 0x00, 0, 0xCA5F, 0).good(), "unregister");
            }
        } finally {
            lower.close();
        }
    }

    @Test
    void guessingAChapSecret_isSlowedDown_andLoggedWithTheAddress_butTheOwnerStillLogsIn() throws Exception {
        long[] took = new long[6];
        for (int i = 0; i < took.length; i++) {
            long start = System.nanoTime();
            LoginException refused = assertThrows(LoginException.class, () -> Session.open(
                    new InetSocketAddress("127.0.0.1", daemon.port),
                    LoginSpec.normal("iqn.2026-11.org.example:guesser", GUARDED).chap(Chap.oneWay("owner", "guess-number-xyz")),
                    T).close());
            took[i] = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0x0201, refused.status());
        }
        // free-failures 3, then 250 ms doubling (reference.conf): lower bounds only
        assertTrue(took[4] >= 200 && took[5] >= 450, "failures 5 and 6 took " + took[4] + " and " + took[5] + " ms");
        assertTrue(daemon.log().contains("iSCSI login of iqn.2026-11.org.example:guesser from 127.0.0.1 to " + GUARDED),
                daemon.log());
        try (Session owner = guarded()) {
            assertTrue(tur(owner).good(), "not a lockout: the right secret logs in, after the delay");
        }
        try (Session again = guarded()) {
            assertTrue(tur(again).good(), "and the success cleared the address");
        }
    }
}
