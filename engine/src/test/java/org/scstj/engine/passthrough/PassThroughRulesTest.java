package org.scstj.engine.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.lun.Task;
import org.scstj.engine.lun.Tasks;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The core's rules on top of a pass-through device, through the LUN actor, with two initiators:
 * what the core emulates never reaches the device (reservations), what the device reports reaches
 * every nexus (unit attentions, mode parameter changes), task management resets the device, the
 * device's limit and sense data hold, INQUIRY carries scstj's port.
 */
class PassThroughRulesTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final byte[] TUR = new byte[6];
    private static final int GOOD = ScsiResponse.GOOD;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private FakeScsiDevice device;
    private UnitState state;
    private ActorRef<LunActor.Command> lun;
    private long tags;

    /** A LU over {@code device}; each nexus has had its POWER ON unit attention. */
    private void start(FakeScsiDevice d) throws Exception {
        device = d;
        ModeParameters mode = new ModeParameters(false);
        org.scstj.engine.lu.DeviceControl control = ControlPage.of(d);
        CompletableFuture<ModeParameters.Control> first = new CompletableFuture<>();
        control.read(first::complete); // as ScsiEngine does before the LU serves
        mode.followDevice(first.get(5, TimeUnit.SECONDS));
        state = new UnitState(new MediumState(false, false, true), mode, LuStates.unlimited(),
                new Reservations(), null, control);
        lun = testKit.spawn(Tasks.lunActor(d, CommandSets.forDevice(d), state));
        assertEquals(0x29, asc(send(A, TUR)));
        assertEquals(0x29, asc(send(B, TUR)));
        device.seen.clear();
    }

    private void startDisk() throws Exception {
        start(new FakeScsiDevice(BlockDevice.DISK, 64 * 1024));
    }

    private record Answer(ScsiResponse response, byte[] data) {
    }

    private Answer run(Nexus nexus, byte[] cdb, int dataIn, byte[] dataOut) throws Exception {
        return run(nexus, cdb, dataIn, dataOut, false);
    }

    /** One command; {@code readOnly}: through a read-only LUN mapping. */
    private Answer run(Nexus nexus, byte[] cdb, int dataIn, byte[] dataOut, boolean readOnly) throws Exception {
        LuContext lu = new LuContext(0, device, CommandSets.forDevice(device), readOnly, readOnly, nexus, state,
                LuStates.only(0, device, readOnly, state.mode()));
        PtTask t = new PtTask(++tags, cdb, dataIn, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, lu.commands().parse(cdb), lu)));
        ScsiResponse r = t.response.get(5, TimeUnit.SECONDS);
        return new Answer(r, t.dataIn);
    }

    /** Sends {@code cdb} without waiting for its answer. */
    private PtTask submit(Nexus nexus, byte[] cdb, TaskAttribute attribute) {
        LuContext lu = new LuContext(0, device, CommandSets.forDevice(device), false, false, nexus, state,
                LuStates.only(0, device, false, state.mode()));
        PtTask t = new PtTask(++tags, cdb, 0, null, attribute);
        lun.tell(new LunActor.Execute(new Task(t, lu.commands().parse(cdb), lu)));
        return t;
    }

    private ScsiResponse send(Nexus nexus, byte[] cdb) throws Exception {
        return run(nexus, cdb, 0, null).response();
    }

    private static int asc(ScsiResponse r) {
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status(), "CHECK CONDITION");
        byte[] s = r.sense();
        return (s[0] & 0x7F) >= 0x72 ? s[2] & 0xFF : s[12] & 0xFF;
    }

    private static int ascq(ScsiResponse r) {
        byte[] s = r.sense();
        return (s[0] & 0x7F) >= 0x72 ? s[3] & 0xFF : s[13] & 0xFF;
    }

    @Test
    void reserve6_byOneInitiator_conflictsTheOther_andNeverReachesTheDevice() throws Exception {
        startDisk();
        assertEquals(GOOD, send(A, new byte[] {0x16, 0, 0, 0, 0, 0}).status());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(B, TUR).status(), "SPC-2 5.5.1: TEST UNIT READY conflicts");
        ScsiResponse read = run(B, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}, 512, null).response();
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, read.status());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, send(B, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                .status(), "an opcode the core does not know is a medium access under the reservation");
        assertEquals(GOOD, run(A, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}, 512, null).response().status());
        assertEquals(GOOD, send(A, new byte[] {0x17, 0, 0, 0, 0, 0}).status());
        assertEquals(GOOD, run(B, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}, 512, null).response().status());
        assertEquals(0, device.opcodesSeen(0x16) + device.opcodesSeen(0x17), "RESERVE and RELEASE are the core's");
    }

    @Test
    void unitAttentionTheDeviceReports_reachesTheInitiatorThatMetIt_andEveryOther() throws Exception {
        startDisk();
        device.unitAttentions.add(new int[] {0x2A, 0x09});   // CAPACITY DATA HAS CHANGED
        ScsiResponse a = send(A, TUR);
        assertEquals(0x2A, asc(a));
        assertEquals(0x09, ascq(a));
        ScsiResponse b = send(B, TUR);
        assertEquals(0x2A, asc(b), "the core established it for B");
        assertEquals(0x09, ascq(b));
        assertEquals(1, device.opcodesSeen(0x00), "B's UA came from the core, before the device");
        assertEquals(GOOD, send(A, TUR).status(), "A was told once");
        assertEquals(GOOD, send(B, TUR).status());
    }

    @Test
    void aUnitAttentionOutsideTheVocabulary_reachesTheOthersAsTargetOperatingConditionsChanged() throws Exception {
        startDisk();
        device.unitAttentions.add(new int[] {0x5D, 0x00});
        assertEquals(0x5D, asc(send(A, TUR)), "the device's own sense for the initiator that met it");
        ScsiResponse b = send(B, TUR);
        assertEquals(0x3F, asc(b));
        assertEquals(0x00, ascq(b));
    }

    @Test
    void modeSelect_givesTheOtherInitiatorModeParametersChanged_andTheCoreFollowsTheDevicesControlPage()
            throws Exception {
        startDisk();
        assertTrue(!state.mode().descriptorSense());
        byte[] list = {0, 0, 0, 0, 0x0A, 0x0A, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0};   // Control page, D_SENSE
        ScsiResponse select = run(A, new byte[] {0x15, 0x10, 0, 0, (byte) list.length, 0}, 0, list).response();
        assertEquals(GOOD, select.status());
        assertTrue(device.dSense);
        assertTrue(state.mode().descriptorSense(), "the core re-read the Control page: D_SENSE");
        ScsiResponse b = send(B, TUR);
        assertEquals(0x72, b.sense()[0] & 0x7F, "the core's own sense now in descriptor format");
        assertEquals(0x2A, asc(b));
        assertEquals(0x01, ascq(b));
        assertEquals(GOOD, send(A, TUR).status(), "not for the initiator that changed them");
    }

    private static final byte[] SLOW = {(byte) 0xC3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] FAILS = {(byte) 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    /** MODE SELECT(6) of the Control page with byte 2 and byte 3 as given, through A; B's 2A/01 taken. */
    private void selectControl(int byte2, int byte3) throws Exception {
        byte[] list = {0, 0, 0, 0, 0x0A, 0x0A, (byte) byte2, (byte) byte3, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(GOOD, run(A, new byte[] {0x15, 0x10, 0, 0, (byte) list.length, 0}, 0, list).response().status());
        assertEquals(0x2A, asc(send(B, TUR)));
    }

    private static boolean aborted(PtTask t) throws Exception {
        try {
            t.response.get(5, TimeUnit.SECONDS);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    @Test // SPC-5 7.5.8 QERR 01b
    void qErr01_aCheckConditionAbortsEveryOtherTask_andTheOtherInitiatorLearnsCommandsClearedByDeviceServer()
            throws Exception {
        startDisk();
        selectControl(0, 0b01 << 1);
        assertEquals(0b01, state.mode().queueErrorManagement(), "the core follows the device's QERR");
        PtTask bSlow = submit(B, SLOW, TaskAttribute.SIMPLE);
        PtTask aSlow = submit(A, SLOW, TaskAttribute.SIMPLE);
        ScsiResponse failed = send(A, FAILS);
        assertEquals(0x11, asc(failed), "the device's own CHECK CONDITION reaches A");
        PtTask waiting = submit(B, TUR, TaskAttribute.SIMPLE); // arrives while the aborted tasks drain
        assertTrue(!waiting.response.isDone(), "new commands wait until the aborted tasks left the device");
        device.slow.complete(null);
        assertTrue(aborted(bSlow), "B's task in the device was aborted");
        assertTrue(aborted(aSlow), "A's other task too");
        ScsiResponse b = waiting.response.get(5, TimeUnit.SECONDS);
        assertEquals(0x2F, asc(b));
        assertEquals(0x02, ascq(b), "COMMANDS CLEARED BY DEVICE SERVER");
        assertEquals(GOOD, send(A, TUR).status(), "none for the nexus whose command failed");
    }

    @Test // SPC-5 7.5.8 QERR 11b
    void qErr11_aCheckConditionAbortsOnlyTheTasksOfItsOwnNexus() throws Exception {
        startDisk();
        selectControl(0, 0b11 << 1);
        PtTask bSlow = submit(B, SLOW, TaskAttribute.SIMPLE);
        PtTask aSlow = submit(A, SLOW, TaskAttribute.SIMPLE);
        assertEquals(0x11, asc(send(A, FAILS)));
        device.slow.complete(null);
        assertTrue(aborted(aSlow));
        assertEquals(GOOD, bSlow.response.get(5, TimeUnit.SECONDS).status(), "B's task is another nexus's");
        assertEquals(GOOD, send(B, TUR).status(), "and B has no unit attention");
    }

    @Test
    void qErr00_theDefault_leavesTheOtherTasksAlone() throws Exception {
        startDisk();
        PtTask bSlow = submit(B, SLOW, TaskAttribute.SIMPLE);
        assertEquals(0x11, asc(send(A, FAILS)));
        device.slow.complete(null);
        assertEquals(GOOD, bSlow.response.get(5, TimeUnit.SECONDS).status());
        assertEquals(GOOD, send(B, TUR).status());
    }

    @Test // SPC-5 7.5.8 TST 001b, SAM-5 8.6, 7.5
    void tst001_eachNexusHasItsOwnTaskSet_forOrderedTasksAndClearTaskSet() throws Exception {
        startDisk();
        selectControl(0b001 << 5, 0);
        assertTrue(state.mode().perNexusTaskSets());
        PtTask aSlow = submit(A, SLOW, TaskAttribute.SIMPLE);
        ScsiResponse bOrdered = submit(B, TUR, TaskAttribute.ORDERED).response.get(5, TimeUnit.SECONDS);
        assertEquals(GOOD, bOrdered.status(), "B's ORDERED task is not behind A's task: another task set");
        PtTask aOrdered = submit(A, TUR, TaskAttribute.ORDERED);
        assertTrue(!aOrdered.response.isDone(), "A's ORDERED task waits for A's own earlier task");
        PtTask bSlow = submit(B, SLOW, TaskAttribute.SIMPLE);
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.ALL_TASKS, A, 0, probe.getRef()));
        device.slow.complete(null);
        probe.expectMessageClass(LunActor.Aborted.class);
        assertTrue(aborted(aSlow), "CLEAR TASK SET cleared A's task set");
        assertTrue(aborted(aOrdered));
        assertEquals(GOOD, bSlow.response.get(5, TimeUnit.SECONDS).status(), "B's task set is untouched");
        assertEquals(GOOD, send(B, TUR).status(), "and B is not told of commands cleared");
    }

    @Test
    void theDevicesControlPage_isFollowedFromTheStart_andReadAgainAfterALogicalUnitReset() throws Exception {
        FakeScsiDevice d = new FakeScsiDevice(BlockDevice.DISK, 64 * 1024);
        d.dSense = true;
        d.qErr = 0b01;
        start(d);
        assertTrue(state.mode().descriptorSense());
        assertEquals(0b01, state.mode().queueErrorManagement());
        d.dSense = false; // the device's saved values, which its reset makes current
        d.qErr = 0;
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.RESET, A, 0, probe.getRef()));
        probe.expectMessageClass(LunActor.Aborted.class);
        assertTrue(!state.mode().descriptorSense(), "read back after the device's reset");
        assertEquals(0, state.mode().queueErrorManagement());
    }

    @Test
    void logSelect_givesTheOtherInitiatorLogParametersChanged() throws Exception {
        startDisk();
        assertEquals(GOOD, send(A, new byte[] {0x4C, 0x02, 0, 0, 0, 0, 0, 0, 0, 0}).status());
        ScsiResponse b = send(B, TUR);
        assertEquals(0x2A, asc(b));
        assertEquals(0x02, ascq(b));
    }

    @Test
    void logicalUnitReset_resetsTheDevice_andEveryInitiatorLearnsOfIt() throws Exception {
        startDisk();
        TestProbe<LunActor.Aborted> probe = testKit.createTestProbe();
        lun.tell(new LunActor.Abort(LunActor.Scope.RESET, A, 0, probe.getRef()));
        probe.expectMessageClass(LunActor.Aborted.class);
        assertEquals(1, device.resets.get());
        assertEquals(0x29, asc(send(A, TUR)));
        assertEquals(0x29, asc(send(B, TUR)));

        lun.tell(new LunActor.Abort(LunActor.Scope.NEXUS_TASKS, A, 0, probe.getRef()));
        probe.expectMessageClass(LunActor.Aborted.class);
        assertEquals(1, device.resets.get(), "ABORT TASK SET is the core's alone");
    }

    @Test
    void aTransferBeyondTheDevicesLimit_isRefusedBeforeTheDevice() throws Exception {
        start(new FakeScsiDevice(BlockDevice.DISK, 4096));
        ScsiResponse r = run(A, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0}, 8192, null).response();
        assertEquals(0x24, asc(r));
        assertEquals(0, device.opcodesSeen(0x28));
        assertEquals(GOOD, run(A, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0}, 4096, null).response().status());
    }

    @Test
    void inquiryDeviceIdentification_keepsTheDevicesLogicalUnit_andGivesScstjsTargetPort() throws Exception {
        startDisk();
        Answer std = run(A, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null);
        assertEquals(GOOD, std.response().status());
        assertEquals("REALVEND", new String(std.data(), 8, 8), "standard data from the device");
        Answer vpd = run(A, new byte[] {0x12, 1, (byte) 0x83, 0, (byte) 255, 0}, 255, null);
        assertEquals(GOOD, vpd.response().status());
        byte[] p = vpd.data();
        assertEquals((byte) 0x83, p[1]);
        int length = (p[2] & 0xFF) << 8 | p[3] & 0xFF;
        assertEquals(p.length - 4, length);
        boolean naa = false;
        boolean devicePort = false;
        int relativePort = -1;
        for (int at = 4; at < p.length; at += 4 + (p[at + 3] & 0xFF)) {
            int association = p[at + 1] >> 4 & 3;
            int type = p[at + 1] & 0xF;
            if (association == 0 && type == 3) {
                naa = p[at + 4] == 0x60;
            }
            if (association == 1 && type == 4) {
                int value = (p[at + 6] & 0xFF) << 8 | p[at + 7] & 0xFF;
                devicePort |= value == 9;
                relativePort = value;
            }
        }
        assertTrue(naa, "the device's logical unit designator");
        assertTrue(!devicePort, "not the real device's own port");
        assertEquals(A.relativeTargetPortId(), relativePort, "scstj's relative target port");
    }

    @Test
    void anOpcodeTheCoreDoesNotKnow_reachesTheDevice_withTheTransportsDirectionAndLength() throws Exception {
        startDisk();
        Answer r = run(A, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 64, null);
        assertEquals(GOOD, r.response().status());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, r.data());
        assertEquals(4, r.response().transferLength(), "the residual the device reported");
        assertEquals(10, device.seen.getLast().length, "group 6: a 10-byte CDB, not the transport's 16 bytes");
    }

    @Test
    void aDeviceThatLeavesInquiryToTheCore_getsTheCoresInquiry_andItsOtherCommandsStillReachIt() throws Exception {
        FakeScsiDevice tape = new FakeScsiDevice(BlockDevice.TAPE, 64 * 1024);
        tape.answersInquiry = false; // an out-of-process handler's tape drive (docs/user-handlers.md)
        start(tape);
        Answer std = run(A, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null);
        assertEquals(GOOD, std.response().status());
        assertEquals(BlockDevice.TAPE, std.data()[0] & 0x1F, "the device's type, in the core's data");
        assertTrue(!new String(std.data(), 8, 8).equals("REALVEND"), "the core's vendor, not the device's");
        Answer serial = run(A, new byte[] {0x12, 1, (byte) 0x80, 0, (byte) 255, 0}, 255, null);
        assertEquals(GOOD, serial.response().status(), "the core's Unit Serial Number page");
        assertEquals(0, device.opcodesSeen(0x12), "INQUIRY never reached the device");
        assertEquals(0x24, asc(run(A, new byte[] {0x12, 1, (byte) 0xC0, 0, (byte) 255, 0}, 255, null).response()),
                "a page neither has: INVALID FIELD IN CDB");
        tape.vpdPages = java.util.Set.of(0xC0, 0x80); // the device adds C0h; 80h stays the core's
        Answer supported = run(A, new byte[] {0x12, 1, 0, 0, (byte) 255, 0}, 255, null);
        assertEquals(GOOD, supported.response().status());
        byte[] list = java.util.Arrays.copyOfRange(supported.data(), 4, 4 + (supported.data()[3] & 0xFF));
        assertArrayEquals(new byte[] {0x00, (byte) 0x80, (byte) 0x83, (byte) 0xC0}, list, "the core's pages and C0h");
        Answer own = run(A, new byte[] {0x12, 1, (byte) 0xC0, 0, (byte) 255, 0}, 255, null);
        assertEquals(GOOD, own.response().status());
        assertEquals("DEVX", new String(own.data(), 4, 4), "C0h from the device");
        Answer serialNumber = run(A, new byte[] {0x12, 1, (byte) 0x80, 0, (byte) 255, 0}, 255, null);
        assertEquals("FAKE", new String(serialNumber.data(), 4, 4), "80h stays the core's: its serial number");
        assertEquals(1, device.opcodesSeen(0x12), "only the C0h INQUIRY reached the device");
        assertEquals(GOOD, send(A, TUR).status());
        assertEquals(1, device.opcodesSeen(0x00), "TEST UNIT READY is the device's");
    }

    @Test
    void anEmulatedDisksCommandsWithoutARow_reachItsOtherCommands_andItsRowsStayTheCores() throws Exception {
        FakeScsiDevice d = new FakeScsiDevice(BlockDevice.DISK, 64 * 1024);
        d.othersOnly = true; // an out-of-process handler's disk that names vendor-specific opcodes
        device = d;
        state = new UnitState(new MediumState(false, false, true), new ModeParameters(false), LuStates.unlimited(),
                new Reservations(), null, null);
        lun = testKit.spawn(Tasks.lunActor(d, CommandSets.forDevice(d), state));
        assertEquals(0x29, asc(send(A, TUR)));
        Answer capacity = run(A, new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 8, null);
        assertEquals(GOOD, capacity.response().status());
        assertEquals(2047, java.nio.ByteBuffer.wrap(capacity.data()).getInt(0), "READ CAPACITY(10) from the core's row");
        Answer r = run(A, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 64, null);
        assertEquals(GOOD, r.response().status());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, r.data(), "a vendor-specific command answered by the device");
        assertEquals(List.of(0xC1), device.seen.stream().map(c -> c[0] & 0xFF).toList(),
                "only the command without a row reached the device");
        d.vpdPages = java.util.Set.of(0xC0, 0xB0); // C0h its own; B0h (Block Limits) stays the core's
        assertEquals("DEVX", new String(run(A, new byte[] {0x12, 1, (byte) 0xC0, 0, (byte) 255, 0}, 255, null)
                .data(), 4, 4), "the device's page");
        Answer limits = run(A, new byte[] {0x12, 1, (byte) 0xB0, 0, (byte) 255, 0}, 255, null);
        assertEquals(GOOD, limits.response().status());
        assertEquals(0x3C, limits.data()[3] & 0xFF, "the core's Block Limits page (SBC-4 6.6.4, 3Ch bytes)");
        assertEquals(GOOD, run(A, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null).response().status());
        assertEquals(1, device.opcodesSeen(0x12), "only the C0h INQUIRY reached the device");
        d.notTaken = 0xC1; // a handler that did not name C1h
        ScsiResponse notTaken = run(A, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 64, null).response();
        assertEquals(0x20, asc(notTaken), "INVALID COMMAND OPERATION CODE from the core");
        assertEquals(1, device.opcodesSeen(0xC1), "it never reached the device");
        d.notTaken = -1;
        send(B, TUR); // B's POWER ON
        assertEquals(GOOD, send(A, new byte[] {0x16, 0, 0, 0, 0, 0}).status(), "A reserves (SPC-2)");
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, run(B, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 64,
                null).response().status(), "the core's checks come first: B conflicts, the device never sees it");
        assertEquals(1, device.opcodesSeen(0xC1));
    }

    /**
     * SPC-5 6.35: REPORT SUPPORTED OPERATION CODES lists an emulated disk's device opcodes after the
     * core's rows (CDB length by group code, every bit but CONTROL the device's), and answers one of
     * them as supported; an opcode the core has a row for stays the core's row, once.
     */
    @Test
    void reportSupportedOperationCodes_listsTheDevicesOwnOpcodes_besideTheCoresRows() throws Exception {
        FakeScsiDevice d = new FakeScsiDevice(BlockDevice.DISK, 64 * 1024);
        d.othersOnly = true;
        d.otherOpcodes = java.util.Set.of(0xC1, 0x28, 0x9E); // 28h READ(10) has a row; 9Eh has service actions
        device = d;
        state = new UnitState(new MediumState(false, false, true), new ModeParameters(false), LuStates.unlimited(),
                new Reservations(), null, null);
        lun = testKit.spawn(Tasks.lunActor(d, CommandSets.forDevice(d), state));
        send(A, TUR); // the POWER ON unit attention
        Answer all = run(A, new byte[] {(byte) 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0}, 0x4000, null);
        assertEquals(GOOD, all.response().status());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all.data());
        int length = b.getInt(0);
        List<Integer> opcodes = new java.util.ArrayList<>();
        for (int at = 4; at < 4 + length; at += 8) {
            opcodes.add(all.data()[at] & 0xFF);
            if ((all.data()[at] & 0xFF) == 0xC1) {
                assertEquals(0, all.data()[at + 5] & 0x01, "no service action");
                assertEquals(10, b.getShort(at + 6), "C1h: a 10-byte CDB by its group code (SPC-5 4.2.5.1)");
            }
        }
        assertEquals(1, opcodes.stream().filter(op -> op == 0xC1).count(), "the device's opcode, listed once");
        assertEquals(1, opcodes.stream().filter(op -> op == 0x28).count(), "READ(10): the core's row, once");
        assertEquals(0xC1, opcodes.get(opcodes.size() - 1), "after the core's rows");
        Answer one = run(A, new byte[] {(byte) 0xA3, 0x0C, 1, (byte) 0xC1, 0, 0, 0, 0, 0, 64, 0, 0}, 64, null);
        assertEquals(GOOD, one.response().status());
        assertArrayEquals(new byte[] {0, 3, 0, 10, (byte) 0xC1, -1, -1, -1, -1, -1, -1, -1, -1, 0},
                java.util.Arrays.copyOf(one.data(), 14), "supported, CDB usage data: the opcode, FFh, CONTROL 00h");
        Answer absent = run(A, new byte[] {(byte) 0xA3, 0x0C, 1, (byte) 0xC2, 0, 0, 0, 0, 0, 64, 0, 0}, 64, null);
        assertEquals(1, absent.data()[1] & 0x07, "an opcode neither the core nor the device has: not supported");
        assertEquals(List.of(), device.seen.stream().map(c -> c[0] & 0xFF).toList(), "the core answered them all");
    }

    @Test
    void naca_isRefusedByTheCore_evenForAnOpcodeItDoesNotKnow() throws Exception {
        startDisk();
        ScsiResponse r = send(A, new byte[] {(byte) 0xC1, 0, 0, 0, 0, 0, 0, 0, 0, 0x04});
        assertEquals(0x24, asc(r));
        assertTrue(device.seen.isEmpty());
    }

    @Test
    void tapeReadOfAShorterRecord_carriesIliAndTheResidualThrough() throws Exception {
        start(new FakeScsiDevice(BlockDevice.TAPE, 64 * 1024));
        device.recordLength = 100;
        Answer r = run(A, new byte[] {0x08, 0, 0, 0, (byte) 200, 0}, 200, null);
        assertEquals(ScsiResponse.CHECK_CONDITION, r.response().status());
        assertEquals(0x20, r.response().sense()[2] & 0x20, "ILI");
        assertEquals(100, ByteBuffer.wrap(r.response().sense()).getInt(3), "INFORMATION: the missing bytes");
        assertEquals(100, r.response().transferLength());
        assertNotNull(r.data());
        assertEquals(100, r.data().length, "the record came with the CHECK CONDITION");
    }

    /**
     * SBC-4 4.11 and the tape's and changer's counterparts: through a read-only mapping each type's
     * medium-changing commands end DATA PROTECT before the device sees them; reads go through.
     */
    @Test
    void aReadOnlyMapping_keepsEachTypesWritingCommandsFromTheDevice() throws Exception {
        startDisk();
        byte[] writeSame16 = {(byte) 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
        ScsiResponse refused = run(B, writeSame16, 0, new byte[512], true).response();
        assertEquals(0x27, asc(refused), "WRITE SAME(16) through a read-only mapping: WRITE PROTECTED");
        assertEquals(GOOD, run(B, new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}, 512, null, true).response().status());
        assertEquals(0, device.opcodesSeen(0x93));

        start(new FakeScsiDevice(BlockDevice.TAPE, 64 * 1024));
        assertEquals(0x27, asc(run(B, new byte[] {0x19, 0x01, 0, 0, 0, 0}, 0, null, true).response()), "ERASE");
        assertEquals(0x27, asc(run(B, new byte[] {0x10, 0, 0, 0, 1, 0}, 0, null, true).response()), "WRITE FILEMARKS");
        assertEquals(0, device.opcodesSeen(0x19) + device.opcodesSeen(0x10));
    }

    @Test
    void requestSense_isTheCores_andNeverReachesTheDevice() throws Exception {
        startDisk();
        Answer r = run(A, new byte[] {0x03, 0, 0, 0, 18, 0}, 18, null);
        assertEquals(GOOD, r.response().status());
        assertTrue(device.seen.isEmpty(), "REQUEST SENSE never reaches the device");
    }

    /** A transport task with the direction and expected length the initiator announced. */
    private static final class PtTask implements TransportTask {
        final long tag;
        final byte[] cdb;
        final int dataInLength;
        final byte[] dataOut;
        final CompletableFuture<ScsiResponse> response = new CompletableFuture<>();
        volatile byte[] dataIn;

        final TaskAttribute attribute;

        PtTask(long tag, byte[] cdb, int dataInLength, byte[] dataOut) {
            this(tag, cdb, dataInLength, dataOut, TaskAttribute.SIMPLE);
        }

        PtTask(long tag, byte[] cdb, int dataInLength, byte[] dataOut, TaskAttribute attribute) {
            this.attribute = attribute;
            this.tag = tag;
            this.cdb = cdb;
            this.dataInLength = dataInLength;
            this.dataOut = dataOut;
        }

        @Override public long lun() { return 0; }
        @Override public byte[] cdb() { return cdb; }
        @Override public long tag() { return tag; }
        @Override public TaskAttribute attribute() { return attribute; }
        @Override public int expectedDataTransferLength() { return dataOut != null ? dataOut.length : dataInLength; }
        @Override public boolean readExpected() { return dataInLength > 0; }
        @Override public boolean writeExpected() { return dataOut != null; }
        @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }

        @Override
        public void receiveData(int length, DataReceiver receiver) {
            receiver.received(DataBuffer.wrap(java.util.Arrays.copyOf(dataOut, length), length));
        }

        @Override
        public void complete(ScsiResponse r) {
            if (r.dataIn() != null) {
                ByteBuffer b = r.dataIn().nio();
                byte[] d = new byte[b.remaining()];
                b.get(d);
                dataIn = d;
                r.dataIn().release();
            }
            response.complete(r);
        }

        @Override
        public void aborted() {
            response.completeExceptionally(new IllegalStateException("aborted"));
        }
    }
}
