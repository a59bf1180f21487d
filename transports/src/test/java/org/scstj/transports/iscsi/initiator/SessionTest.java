package org.scstj.transports.iscsi.initiator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.RamDiskCore;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The initiator against the real target driver in-process (RamDiskCore, 127.0.0.1, port 0). */
class SessionTest {
    static final String INITIATOR = "iqn.2026-11.test:initiator";
    static final Duration T = Duration.ofSeconds(10);
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        RamDiskCore core = new RamDiskCore(64, coreThread);
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:0\"], negotiation.max-recv-data-segment-length = 4096")));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        coreThread.shutdownNow();
    }

    private void writeThenRead(LoginSpec spec, int blocks) throws Exception {
        try (Session s = Session.open(address, spec, T)) {
            byte[] data = new byte[blocks * RamDiskCore.BLOCK];
            new Random(blocks).nextBytes(data);
            ScsiResult w = s.scsiWrite(0, Cdbs.write10(3, blocks), data, T);
            assertTrue(w.good(), w.toString());
            ScsiResult r = s.scsi(0, Cdbs.read10(3, blocks), data.length, T);
            assertTrue(r.good(), r.toString());
            assertArrayEquals(data, r.data());
            assertEquals(0, s.logout(T).response());
        }
    }

    @Test
    void writeAndRead_withImmediateAndUnsolicitedData_splitAtTheTargetsSegmentLimit() throws Exception {
        LoginSpec spec = LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("InitialR2T", "No")
                .key("ImmediateData", "Yes").key("FirstBurstLength", "16384");
        writeThenRead(spec, 40);
    }

    @Test
    void writeAndRead_withR2tOnly_andBothDigests() throws Exception {
        LoginSpec spec = LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("InitialR2T", "Yes")
                .key("ImmediateData", "No").key("HeaderDigest", "CRC32C").key("DataDigest", "CRC32C")
                .key("MaxBurstLength", "8192");
        writeThenRead(spec, 33);
    }

    @Test
    void login_exposesTheNegotiatedValues_andTheTargetsSegmentLimit() throws Exception {
        LoginSpec spec = LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("HeaderDigest", "CRC32C,None")
                .key("ErrorRecoveryLevel", "0").key("MaxConnections", "1").securityStage(true);
        try (Session s = Session.open(address, spec, T)) {
            Negotiated n = s.negotiated();
            assertTrue(n.headerDigest());
            assertFalse(n.dataDigest());
            assertEquals(4096, n.maxRecvDataSegmentLength());
            assertEquals(4096, s.connection(0).sendLimit());
            assertTrue(s.tsih() != 0);
            assertEquals(0, n.errorRecoveryLevel());
        }
    }

    @Test
    void login_refused_isALoginExceptionWithTheStatus() {
        LoginException e = assertThrows(LoginException.class,
                () -> Session.open(address, LoginSpec.normal(INITIATOR, "iqn.2026-11.org.scstj:nothing"), T));
        assertEquals(0x0203, e.status());
    }

    @Test
    void discovery_sendTargets_listsTheTarget() throws Exception {
        try (Session s = Session.open(address, LoginSpec.discovery(INITIATOR), T)) {
            List<String> pairs = s.sendTargets(s.connection(0), "All", T);
            assertEquals("TargetName=" + RamDiskCore.TARGET, pairs.getFirst());
        }
    }

    @Test
    void ping_echoesTheData_andTmfOfAnUnknownTask_isTaskDoesNotExist() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            assertArrayEquals(new byte[]{1, 2, 3, 4, 5}, s.ping(s.connection(0), new byte[]{1, 2, 3, 4, 5}, T));
            assertEquals(1, s.taskManagement(s.connection(0), 1, 0, 0x1234, s.cmdSn(), 0, T));
        }
    }

    @Test
    void extendedCdb_goesInAnAhs_andIsAnsweredNotRejected() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            byte[] cdb = new byte[32];
            cdb[0] = 0x7f; // variable-length CDB: the RAM disk does not implement it
            cdb[7] = 24;
            ScsiResult r = s.scsi(0, cdb, 0, T);
            assertTrue(r.rejects().isEmpty(), r.toString());
            assertEquals(ScsiResult.CHECK_CONDITION, r.status());
        }
    }

    @Test
    void corruptedHeaderDigest_makesTheTargetClose() throws Exception {
        LoginSpec spec = LoginSpec.normal(INITIATOR, RamDiskCore.TARGET).key("HeaderDigest", "CRC32C");
        try (Session s = Session.open(address, spec, T)) {
            Connection c = s.connection(0);
            c.corruptNextHeaderDigest();
            c.send(Pdus.nopOut(s.newItt(), Pdu.NO_TAG, 0, s.takeCmdSn(true), c.expStatSn(), true, new byte[0]));
            assertTrue(c.closedByTargetWithin(T));
        }
    }

    @Test
    void logoutOfTheConnection_closesIt() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            Connection c = s.connection(0);
            Pdu r = s.logout(c, 1, c.cid(), T);
            assertEquals(0, r.response());
            assertTrue(c.isClosed());
        }
    }

    @Test
    void chapResponse_isTheDigestOfIdentifierSecretAndChallenge() throws Exception {
        byte[] secret = "twelve-bytes-secret".getBytes();
        byte[] challenge = {9, 8, 7};
        for (int a : new int[]{Chap.MD5, Chap.SHA1, Chap.SHA256, Chap.SHA3_256}) {
            var md = java.security.MessageDigest.getInstance(Chap.digestName(a));
            md.update((byte) 0x42);
            md.update(secret);
            md.update(challenge);
            assertArrayEquals(md.digest(), Chap.response(a, 0x42, secret, challenge));
            assertEquals(Chap.digestLength(a), Chap.response(a, 1, secret, challenge).length);
        }
        assertArrayEquals(new byte[]{0x0a, (byte) 0xbc}, Chap.decodeBinary("0xabc"));
        assertArrayEquals(new byte[]{1, 2, 3}, Chap.decodeBinary("0bAQID"));
    }

    @Test
    void snack_isEncodedAndAnsweredWithCommandNotSupportedReject_atErl0() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            Connection c = s.connection(0);
            s.snack(c, 1, Pdu.NO_TAG, 0, 0, 0, 0); // Status SNACK: needs ErrorRecoveryLevel > 0
            Pdu r = c.read(T);
            assertEquals(Opcode.REJECT, r.opcode(), r.toString());
            assertEquals(0x05, r.response());
            assertEquals(Opcode.SNACK_REQUEST, r.data()[0] & 0x3f);
        }
    }

    @Test
    void twoThreads_shareTheSessionsCmdSnAndTags_withoutClashing() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            Connection c = s.connection(0);
            s.scsi(0, new byte[6], 0, T); // the unit attention of a new nexus, if any
            java.util.Set<Integer> tags = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Runnable take = () -> {
                for (int i = 0; i < 1000; i++) {
                    tags.add(s.newItt());
                }
            };
            Thread other = new Thread(take);
            other.start();
            take.run();
            other.join(10_000);
            assertEquals(2000, tags.size());
            assertTrue(s.scsi(c, 0, new byte[6], null, 0, T).good());
        }
    }

    @Test
    void logicalUnitReset_isFunctionComplete() throws Exception {
        try (Session s = Session.open(address, LoginSpec.normal(INITIATOR, RamDiskCore.TARGET), T)) {
            assertEquals(0, s.taskManagement(s.connection(0), 5, 0, Pdu.NO_TAG, s.cmdSn(), 0, T));
        }
    }
}
