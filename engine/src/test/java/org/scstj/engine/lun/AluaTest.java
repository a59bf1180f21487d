package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.alua.Tpgs;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * SPC-5 5.16 asymmetric logical unit access through the LUN actor, with two nexuses on two target
 * port groups: A through group 1 (relative target port 1), B through group 2 (port 2).
 */
class AluaTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x2", 2, 2);
    private static final int GOOD = ScsiResponse.GOOD;

    private static final byte[] TUR = new byte[6];
    private static final byte[] READ_10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] INQUIRY = {0x12, 0, 0, 0, 96, 0};
    private static final byte[] REQUEST_SENSE = {0x03, 0, 0, 0, 18, 0};
    private static final byte[] RTPG = {(byte) 0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    private static final byte[] RTPG_EXTENDED = {(byte) 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    private static final byte[] PRIN_READ_KEYS = {0x5E, 0x00, 0, 0, 0, 0, 0, 0, 8, 0};

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final UnitState state = new UnitState(new MediumState(false), new ModeParameters(true), LuStates.unlimited(),
            new org.scstj.engine.pr.Reservations());
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private record Answer(ScsiResponse response, byte[] data) {
    }

    private Answer run(Nexus nexus, byte[] cdb, byte[] dataOut) throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), LuContexts.of(0, device, false, nexus, state))));
        return new Answer(t.await(), t.dataIn);
    }

    private ScsiResponse send(Nexus nexus, byte[] cdb) throws Exception {
        return run(nexus, cdb, null).response();
    }

    private static String sense(ScsiResponse r) {
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status(), "CHECK CONDITION");
        return TaskOrderingTest.senseOf(r);
    }

    /** SENSE KEY SPECIFIC of fixed-format sense: SKSV, C/D, BPV and bit pointer, field pointer. */
    private static String fieldPointer(ScsiResponse r) {
        byte[] s = r.sense();
        return String.format("%02X %02X%02X", s[15] & 0xFF, s[16] & 0xFF, s[17] & 0xFF);
    }

    private static AluaState groups(AccessState one, AccessState two, Duration delay) {
        return new AluaState(0, List.of(
                new TargetPortGroup(1, one, true, TargetPortGroup.NO_STATUS, new int[] {1}),
                new TargetPortGroup(2, two, false, TargetPortGroup.NO_STATUS, new int[] {2})), 10, delay, Tpgs.BOTH);
    }

    private AluaState install(AluaState next) {
        TestProbe<AluaState> probe = testKit.createTestProbe();
        lun.tell(new LunActor.InstallAlua(next, null, probe.getRef()));
        return probe.receiveMessage(Duration.ofSeconds(5));
    }

    /** Both nexuses known to the LU, their power-on unit attentions taken. */
    @BeforeEach
    void bothNexusesSeen() throws Exception {
        assertEquals("06/29/00", sense(send(A, TUR)));
        assertEquals("06/29/00", sense(send(B, TUR)));
    }

    /** Group 1 active/optimized, group 2 as given; the implicit change's 2A/06 taken by each nexus. */
    private void groupTwo(AccessState two) throws Exception {
        install(groups(AccessState.ACTIVE_OPTIMIZED, two, Duration.ZERO));
        assertEquals("06/2A/06", sense(send(A, TUR)), "SPC-5 5.16.2.8: an implicit change, every nexus");
        assertEquals("06/2A/06", sense(send(B, TUR)));
    }

    @Test
    void withoutConfiguration_everyGroupIsLearntActiveOptimized_andReported() throws Exception {
        Answer r = run(B, RTPG, null);
        assertEquals(GOOD, r.response().status());
        assertArrayEquals(new byte[] {0, 0, 0, 24,
                0x00, (byte) 0x8F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                0x00, (byte) 0x8F, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}, r.data());
        assertEquals(GOOD, send(B, READ_10).status());
    }

    @Test
    void inquiry_saysImplicitAndExplicitTpgs() throws Exception {
        Answer r = run(A, INQUIRY, null);
        assertEquals(0b11, (r.data()[5] >> 4) & 0b11, "SPC-5 6.7.2 TPGS 11b");
    }

    @Test
    void standbyGroup_refusesRead040B_butAllowsInquiryRtpgRequestSenseAndReservations() throws Exception {
        groupTwo(AccessState.STANDBY);
        assertEquals("02/04/0B", sense(send(B, READ_10)));
        assertEquals(GOOD, send(A, READ_10).status(), "the active/optimized group reads");
        assertEquals(GOOD, send(B, INQUIRY).status());
        assertEquals(GOOD, send(B, RTPG).status());
        assertEquals(GOOD, send(B, REQUEST_SENSE).status());
        assertEquals(GOOD, send(B, PRIN_READ_KEYS).status(), "SPC-5 5.16.2.4.4: PERSISTENT RESERVE IN in standby");
        assertEquals(GOOD, run(B, prOutRegister(), registerList(0x1234)).response().status(),
                "PERSISTENT RESERVE OUT in standby");
    }

    @Test
    void unavailableGroup_refusesPersistentReserveOut040C() throws Exception {
        groupTwo(AccessState.UNAVAILABLE);
        assertEquals("02/04/0C", sense(run(B, prOutRegister(), registerList(0x1234)).response()),
                "SPC-5 5.16.2.4.5: not in unavailable");
        assertEquals("02/04/0C", sense(send(B, PRIN_READ_KEYS)));
        assertEquals("02/04/0C", sense(send(B, READ_10)));
        assertEquals(GOOD, send(B, RTPG).status());
    }

    @Test
    void readAndWriteBuffer_echoBufferModesRunInUnavailable_otherModesOnlyWhenActive() throws Exception {
        groupTwo(AccessState.UNAVAILABLE);
        byte[] data = new byte[8];
        byte[] writeEcho = {0x3B, 0x0A, 0, 0, 0, 0, 0, 0, 8, 0};   // MODE 0Ah echo buffer
        byte[] readEchoDescriptor = {0x3C, 0x0B, 0, 0, 0, 0, 0, 0, 4, 0};
        assertEquals(GOOD, run(B, writeEcho, data).response().status(), "SPC-5 5.16.2.4.5: the echo buffer");
        assertEquals(GOOD, send(B, readEchoDescriptor).status());
        // the modes scstj does not decode yet (download microcode, data) are only for active groups
        org.scstj.engine.exec.CommandRow write = CommandSets.DISK.lookup(0x3B, -1);
        org.scstj.engine.exec.CommandRow read = CommandSets.DISK.lookup(0x3C, -1);
        for (AccessState s : List.of(AccessState.STANDBY, AccessState.UNAVAILABLE, AccessState.TRANSITIONING)) {
            assertEquals(false, write.allowedIn(new org.scstj.engine.cdb.Cdb.WriteBuffer(0x07, 0, 0, 8), s), "download microcode in " + s);
            assertEquals(false, read.allowedIn(new org.scstj.engine.cdb.Cdb.ReadBuffer(0x02, 0, 0, 8), s), "data in " + s);
            assertEquals(true, write.allowedIn(new org.scstj.engine.cdb.Cdb.WriteBuffer(0x0A, 0, 0, 8), s), "echo in " + s);
            assertEquals(true, read.allowedIn(new org.scstj.engine.cdb.Cdb.ReadBuffer(0x0B, 0, 0, 4), s), "echo descriptor in " + s);
        }
        assertEquals(true, write.allowedIn(new org.scstj.engine.cdb.Cdb.WriteBuffer(0x07, 0, 0, 8),
                AccessState.ACTIVE_NON_OPTIMIZED));
    }

    @Test
    void rtpg_lengthOnlyAndExtendedFormats_byteExact() throws Exception {
        groupTwo(AccessState.STANDBY);
        byte[] one = {(byte) 0x80, (byte) 0x8F, 0, 1, 0, 0x00, 0, 1, 0, 0, 0, 1};   // PREF, A/O, no status
        byte[] two = {0x02, (byte) 0x8F, 0, 2, 0, 0x02, 0, 1, 0, 0, 0, 2};          // standby, altered implicitly
        Answer lengthOnly = run(B, RTPG, null);
        assertArrayEquals(concat(new byte[] {0, 0, 0, 24}, one, two), lengthOnly.data());
        Answer extended = run(B, RTPG_EXTENDED, null);
        assertArrayEquals(concat(new byte[] {0, 0, 0, 28, 0x10, 10, 0, 0}, one, two), extended.data());
        byte[] truncated = RTPG.clone();
        truncated[8] = 0;
        truncated[9] = 6;
        assertArrayEquals(new byte[] {0, 0, 0, 24, (byte) 0x80, (byte) 0x8F}, run(B, truncated, null).data(),
                "the allocation length truncates; RETURN DATA LENGTH says all");
        byte[] badFormat = {(byte) 0xA3, 0x4A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        ScsiResponse bad = send(B, badFormat);
        assertEquals("05/24/00", sense(bad));
        assertEquals("CF 0001", fieldPointer(bad), "CDB byte 1 bit 7");
    }

    @Test
    void stpg_changesTheState_theOtherNexusGets2A06_theRequesterDoesNot() throws Exception {
        groupTwo(AccessState.STANDBY);
        byte[] list = {0, 0, 0, 0, 0x01, 0, 0, 2};   // group 2 active/non-optimized
        assertEquals(GOOD, run(A, stpg(list.length), list).response().status());
        assertEquals(GOOD, send(A, TUR).status(), "SPC-5 5.16.3: not the nexus that asked");
        assertEquals("06/2A/06", sense(send(B, TUR)));
        assertEquals(GOOD, send(B, READ_10).status(), "active/non-optimized reads");
        byte[] data = run(B, RTPG, null).data();
        assertEquals(0x01, data[16] & 0x0F, "group 2 active/non-optimized");
        assertEquals(0x01, data[21], "STATUS CODE 01h: altered by SET TARGET PORT GROUPS");
        assertEquals(0x00, data[9], "group 1 untouched");
    }

    @Test
    void stpg_fromAStandbyGroup_isAllowed() throws Exception {
        groupTwo(AccessState.STANDBY);
        byte[] list = {0, 0, 0, 0, 0x00, 0, 0, 2, 0x02, 0, 0, 1};   // swap: 2 A/O, 1 standby
        assertEquals(GOOD, run(B, stpg(list.length), list).response().status());
        assertEquals("06/2A/06", sense(send(A, TUR)));
        assertEquals("02/04/0B", sense(send(A, READ_10)));
        assertEquals(GOOD, send(B, READ_10).status());
    }

    @Test
    void stpg_badParameterLists_preciseSense_andNothingChanges() throws Exception {
        byte[] transitioning = {0, 0, 0, 0, 0x0F, 0, 0, 2};
        ScsiResponse r = run(A, stpg(8), transitioning).response();
        assertEquals("05/26/00", sense(r));
        assertEquals("8B 0004", fieldPointer(r), "parameter list byte 4 bit 3: ASYMMETRIC ACCESS STATE");

        byte[] offline = {0, 0, 0, 0, 0x0E, 0, 0, 2};
        assertEquals("8B 0004", fieldPointer(run(A, stpg(8), offline).response()));

        byte[] unknownGroup = {0, 0, 0, 0, 0x02, 0, 0, 9};
        r = run(A, stpg(8), unknownGroup).response();
        assertEquals("05/26/00", sense(r));
        assertEquals("8F 0006", fieldPointer(r), "parameter list byte 6: TARGET PORT GROUP");

        byte[] twice = {0, 0, 0, 0, 0x02, 0, 0, 2, 0x00, 0, 0, 2};
        assertEquals("8F 000A", fieldPointer(run(A, stpg(12), twice).response()), "a group named twice");

        assertEquals("05/1A/00", sense(run(A, stpg(6), new byte[6]).response()), "not 4 + 4n bytes");
        assertEquals(GOOD, run(A, stpg(0), null).response().status(), "no list, no change");

        assertEquals(GOOD, send(B, READ_10).status(), "nothing changed");
        assertEquals(GOOD, send(B, TUR).status(), "and no unit attention");
    }

    @Test
    void aChange_goesThroughTransitioning_then2A06() throws Exception {
        install(groups(AccessState.ACTIVE_OPTIMIZED, AccessState.ACTIVE_OPTIMIZED, Duration.ofMillis(400)));
        TestProbe<AluaState> probe = testKit.createTestProbe();
        lun.tell(new LunActor.InstallAlua(groups(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY,
                Duration.ofMillis(400)), null, probe.getRef()));
        assertEquals("02/04/0A", sense(send(B, READ_10)), "SPC-5 5.16.2.6: transitioning");
        assertEquals(GOOD, send(B, INQUIRY).status());
        byte[] data = run(B, RTPG, null).data();
        assertEquals(0x0F, data[16] & 0x0F, "RTPG reports the group transitioning");
        byte[] list = {0, 0, 0, 0, 0x00, 0, 0, 2};
        assertEquals("02/04/0A", sense(run(B, stpg(8), list).response()),
                "SET TARGET PORT GROUPS is not allowed while transitioning");
        assertEquals(GOOD, send(A, READ_10).status(), "the other group is not changing");
        assertEquals(AccessState.STANDBY, probe.receiveMessage(Duration.ofSeconds(5)).stateOf(2));
        assertEquals("06/2A/06", sense(send(B, READ_10)));
        assertEquals("02/04/0B", sense(send(B, READ_10)));
        assertEquals("06/2A/06", sense(send(A, TUR)));
    }

    private static byte[] stpg(int length) {
        return new byte[] {(byte) 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, (byte) length, 0, 0};
    }

    private static byte[] prOutRegister() {
        return new byte[] {0x5F, 0x00, 0, 0, 0, 0, 0, 0, 24, 0};
    }

    private static byte[] registerList(long key) {
        byte[] list = new byte[24];
        for (int i = 0; i < 8; i++) {
            list[8 + i] = (byte) (key >>> (56 - 8 * i)); // SERVICE ACTION RESERVATION KEY
        }
        return list;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
