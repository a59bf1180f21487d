package org.scstj.transports.loopback;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TmfRequest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loopback driver against a real {@link ScsiEngine}: LUN 0 a RAM disk completing inline (as
 * {@code vdisk_nullio} does), LUN 1 one completing on the engine's blocking executor (as
 * {@code vdisk_fileio} does), LUN 2 one whose I/O waits for the test (commands outstanding).
 */
class LoopbackTargetDriverTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:loopback-test";
    /** A target whose only LUN is for the group {@code iqn.2026-11.org.scstj:backup-*}. */
    private static final String GUARDED = "iqn.2026-11.org.scstj:guarded";
    private static final String INITIATOR = "iqn.2026-11.org.scstj:loopback-initiator";
    private static final int BLOCK = 512;
    private static final long LUN_INLINE = LoopbackSession.lun(0);
    private static final long LUN_ASYNC = LoopbackSession.lun(1);
    private static final long LUN_GATED = LoopbackSession.lun(2);

    private RamDeviceFactory devices;
    private ScsiEngine engine;
    private LoopbackTargetDriver driver;

    @BeforeEach
    void start(@TempDir Path stateDir) throws Exception {
        devices = new RamDeviceFactory();
        List<DeviceSpec> specs = List.of(
                new DeviceSpec("ram0", RamDeviceFactory.TYPE, ConfigFactory.parseString("size = 4M")),
                new DeviceSpec("ram1", RamDeviceFactory.TYPE, ConfigFactory.parseString("size = 4M, async = true")),
                new DeviceSpec("gate0", RamDeviceFactory.TYPE, ConfigFactory.parseString("size = 1M, gated = true")));
        TargetSpec target = new TargetSpec(TARGET, List.of(new LunMapping(0, "ram0", false),
                new LunMapping(1, "ram1", false), new LunMapping(2, "gate0", false)), List.of(), 3);
        TargetSpec guarded = new TargetSpec(GUARDED, List.of(), List.of(new GroupSpec("backup",
                List.of("iqn.2026-11.org.scstj:backup-*"), List.of(new LunMapping(0, "ram0", true)))), 4);
        engine = ScsiEngine.start(new EngineSpec(stateDir, specs, List.of(target, guarded)), ConfigFactory.load(),
                List.of(devices));
        driver = new LoopbackTargetDriver(new LoopbackSettings(3, 7), LoopbackTargetDriver.POOLED_DIRECT);
        await(driver.start(engine.core()));
    }

    @AfterEach
    void stop() throws Exception {
        devices.device("gate0").openGate();
        await(driver.stop());
        assertTrue(driver.openSessions().isEmpty());
        assertEquals(0, driver.outstandingBuffers(), "every Data-In buffer is released exactly once");
        await(engine.shutdown());
    }

    // ---- login ---------------------------------------------------------------------------------

    @Test
    void login_opensANexusNamedLikeIscsiPorts() throws Exception {
        LoopbackSession a = await(driver.login(INITIATOR, TARGET));
        LoopbackSession b = await(driver.login(INITIATOR, 0xABCL, TARGET));
        Nexus n = a.nexus();
        assertEquals(INITIATOR, n.initiatorName());
        assertTrue(n.initiatorPortName().matches(INITIATOR.replace(".", "\\.") + ",i,0x[0-9a-f]{12}"), n.initiatorPortName());
        assertEquals(INITIATOR + ",i,0x000000000abc", b.nexus().initiatorPortName());
        assertFalse(n.initiatorPortName().equals(b.nexus().initiatorPortName()), "one ISID per login");
        assertEquals(TARGET + ",t,0x0007", n.targetPortName());
        assertEquals(3, n.relativeTargetPortId());
        assertEquals(7, n.targetPortGroup());
        assertEquals(2, driver.openSessions().size());
    }

    @Test
    void login_toAnUnknownTarget_isRefused() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(driver.login(INITIATOR, "iqn.2026-11.org.scstj:nowhere")));
        ScsiCore.LoginRefusedException refused = assertInstanceOf(ScsiCore.LoginRefusedException.class, e.getCause());
        assertEquals(ScsiCore.LoginRefusal.TARGET_NOT_FOUND, refused.reason());
    }

    @Test
    void login_outsideEverySecurityGroup_isNotAuthorized() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(driver.login(INITIATOR, GUARDED)));
        ScsiCore.LoginRefusedException refused = assertInstanceOf(ScsiCore.LoginRefusedException.class, e.getCause());
        assertEquals(ScsiCore.LoginRefusal.NOT_AUTHORIZED, refused.reason());
        LoopbackSession backup = await(driver.login("iqn.2026-11.org.scstj:backup-1", GUARDED));
        assertEquals(4, backup.nexus().relativeTargetPortId(), "the core reports the target's relative port");
    }

    @Test
    void stop_closesEverySession_andRefusesLaterLogins() throws Exception {
        LoopbackSession a = await(driver.login(INITIATOR, TARGET));
        LoopbackSession b = await(driver.login(INITIATOR, TARGET));
        await(driver.stop());
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertTrue(driver.openSessions().isEmpty());
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(driver.login(INITIATOR, TARGET)));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    // ---- commands ------------------------------------------------------------------------------

    @Test
    void firstCommandOnANewNexus_reportsPowerOnUnitAttention() throws Exception {
        LoopbackSession s = await(driver.login(INITIATOR, TARGET));
        try (LoopbackResult r = run(s, LUN_INLINE, Cdbs.testUnitReady(), null, 0)) {
            // SAM-5 5.14, SPC-5 table of ASCs: 06/29/00 on first contact
            assertSense(r, 0x06, 0x29, 0x00);
        }
        try (LoopbackResult r = run(s, LUN_INLINE, Cdbs.testUnitReady(), null, 0)) {
            assertEquals(ScsiResponse.GOOD, r.status());
        }
    }

    @Test
    void inquiry_returnsStandardData_andUnderflowsALargerEdtl() throws Exception {
        LoopbackSession s = session();
        try (LoopbackResult r = run(s, LUN_INLINE, Cdbs.inquiry(255), null, 255)) {
            assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            // SPC-5 6.7.2: 96 bytes of standard data, PERIPHERAL QUALIFIER 000b, DEVICE TYPE 00h
            assertEquals(96, r.dataInLength());
            byte[] d = r.dataInBytes();
            assertEquals(0x00, d[0]);
            assertEquals("SCSTJ   ", new String(d, 8, 8, StandardCharsets.US_ASCII));
            assertEquals("TEST_RAM", new String(d, 16, 8, StandardCharsets.US_ASCII));
            // RFC 7143 11.4.5: EDTL 255, 96 transferred
            assertEquals(Residual.UNDERFLOW, r.residual());
            assertEquals(255 - 96, r.residualCount());
        }
    }

    @ParameterizedTest(name = "LUN {0}")
    @ValueSource(ints = {0, 1})
    void writeThenRead_returnsTheWrittenData(int lunNumber) throws Exception {
        LoopbackSession s = session();
        long lun = LoopbackSession.lun(lunNumber);
        for (int blocks : new int[] {8, 512}) {
            byte[] pattern = new byte[blocks * BLOCK];
            new Random(blocks).nextBytes(pattern);
            ByteBuffer out = ByteBuffer.allocateDirect(pattern.length).put(pattern).flip();
            try (LoopbackResult w = run(s, lun, Cdbs.write16(100, blocks), out, 0)) {
                assertEquals(ScsiResponse.GOOD, w.status(), w::toString);
                assertEquals(Residual.NONE, w.residual());
                assertEquals(0, w.dataInLength());
            }
            assertEquals(0, out.position(), "the initiator's buffer is lent, not consumed");
            try (LoopbackResult r = run(s, lun, Cdbs.read10(100, blocks), null, pattern.length)) {
                assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
                assertEquals(Residual.NONE, r.residual());
                assertTrue(r.dataIn().isDirect(), "Data-In comes in a pooled direct buffer");
                assertArrayEquals(pattern, r.dataInBytes());
            }
        }
    }

    @Test
    void read_withEdtlAboveTheCdbLength_underflows() throws Exception {
        LoopbackSession s = session();
        try (LoopbackResult r = run(s, LUN_INLINE, Cdbs.read10(0, 8), null, 8192)) {
            assertEquals(ScsiResponse.GOOD, r.status());
            assertEquals(4096, r.dataInLength());
            assertEquals(4096, r.transferLength());
            assertEquals(Residual.UNDERFLOW, r.residual());
            assertEquals(4096, r.residualCount());
        }
    }

    @Test
    void read_withEdtlBelowTheCdbLength_overflows_andReturnsEdtlBytes() throws Exception {
        LoopbackSession s = session();
        try (LoopbackResult r = run(s, LUN_ASYNC, Cdbs.read10(0, 8), null, 2048)) {
            assertEquals(ScsiResponse.GOOD, r.status());
            assertEquals(2048, r.dataInLength());
            assertEquals(Residual.OVERFLOW, r.residual());
            assertEquals(2048, r.residualCount());
        }
    }

    @Test
    void write_withMoreDataOutThanTheCdbLength_writesTheCdbLength_andUnderflows() throws Exception {
        LoopbackSession s = session();
        byte[] data = new byte[1024];
        java.util.Arrays.fill(data, 0, 512, (byte) 0x5A);
        java.util.Arrays.fill(data, 512, 1024, (byte) 0xA5);
        try (LoopbackResult w = run(s, LUN_INLINE, Cdbs.write10(10, 1), ByteBuffer.wrap(data), 0)) {
            assertEquals(ScsiResponse.GOOD, w.status(), w::toString);
            assertEquals(Residual.UNDERFLOW, w.residual());
            assertEquals(512, w.residualCount());
        }
        assertArrayEquals(java.util.Arrays.copyOf(data, 512), devices.device("ram0").bytes(10 * BLOCK, 512));
        assertArrayEquals(new byte[512], devices.device("ram0").bytes(11 * BLOCK, 512), "nothing past the CDB's length");
    }

    @Test
    void modeSelect_thatTookItsParameterList_reportsNoResidual_andUnderflowsALongerEdtl() throws Exception {
        LoopbackSession s = session();
        byte[] cdb = Cdbs.modeSelect6(4); // a mode parameter header and no page: nothing changes
        try (LoopbackResult r = run(s, LUN_INLINE, cdb, ByteBuffer.wrap(new byte[4]), 0)) {
            assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            assertEquals(4, r.transferLength());
            assertEquals(Residual.NONE, r.residual(), "RFC 7143 11.4.5: the whole list was transferred");
            assertEquals(0, r.residualCount());
        }
        try (LoopbackResult r = run(s, LUN_INLINE, cdb, ByteBuffer.wrap(new byte[12]), 0)) {
            assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            assertEquals(Residual.UNDERFLOW, r.residual());
            assertEquals(8, r.residualCount(), "EDTL 12, 4 transferred");
        }
    }

    @Test
    void unmappedLun_failsWithLogicalUnitNotSupported() throws Exception {
        LoopbackSession s = session();
        try (LoopbackResult r = run(s, LoopbackSession.lun(9), Cdbs.testUnitReady(), null, 0)) {
            // SAM-5 5.9.6 / SPC-5: ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED
            assertSense(r, 0x05, 0x25, 0x00);
        }
        try (LoopbackResult r = run(s, LoopbackSession.lun(9), Cdbs.inquiry(96), null, 96)) {
            assertEquals(ScsiResponse.GOOD, r.status());
            assertEquals(0x7F, r.dataInBytes()[0] & 0xFF, "SPC-5 6.7.2: qualifier 011b, type 1Fh");
        }
    }

    @Test
    void bidirectionalCommands_areRefused() throws Exception {
        LoopbackSession s = session();
        assertThrows(IllegalArgumentException.class,
                () -> s.execute(LUN_INLINE, Cdbs.write10(0, 1), ByteBuffer.allocate(512), 512));
    }

    // ---- callbacks, aborts, close ---------------------------------------------------------------

    @Test
    void close_withOutstandingCommands_abortsThem_andCompletesWhenTheDeviceIsDone() throws Exception {
        LoopbackSession s = session();
        Recorder recorder = new Recorder();
        long[] reads = new long[3];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = s.execute(LUN_GATED, Cdbs.read10(i * 8L, 8), null, 4096, recorder);
        }
        ByteBuffer out = ByteBuffer.allocateDirect(4096);
        long write = s.execute(LUN_GATED, Cdbs.write10(64, 8), out, 0, recorder);
        devices.device("gate0").awaitStarted(4);

        CompletionStage<Void> closed = s.close();
        // SAM-5 7 / nexus loss: the reads are aborted at once; the write's Data-Out is still in the device
        recorder.awaitEvents(3);
        assertTrue(recorder.aborted.containsAll(List.of(reads[0], reads[1], reads[2])), recorder.aborted::toString);
        assertFalse(recorder.aborted.contains(write), "aborted only once the core released the initiator's Data-Out");
        assertNotDoneWithin(closed, "close waits until the tasks left the device");

        devices.device("gate0").openGate();
        await(closed);
        recorder.awaitEvents(4);
        assertTrue(recorder.aborted.contains(write));
        assertTrue(recorder.completed.isEmpty());
        assertTrue(driver.openSessions().isEmpty());
        assertEquals(0, driver.outstandingBuffers(), "the core released the aborted reads' buffers");
    }

    @Test
    void execute_afterClose_isAborted() throws Exception {
        LoopbackSession s = session();
        await(s.close());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(s.execute(LUN_INLINE, Cdbs.testUnitReady(), null, 0)));
        assertInstanceOf(TaskAbortedException.class, e.getCause());
        assertEquals(TmfRequest.Response.FUNCTION_REJECTED,
                await(s.taskManagement(TmfRequest.Function.LOGICAL_UNIT_RESET, LUN_INLINE, 0)));
    }

    @Test
    void abortTask_abortsTheNamedCommand_onceItLeftTheDevice() throws Exception {
        LoopbackSession s = session();
        Recorder recorder = new Recorder();
        long tag = s.execute(LUN_GATED, Cdbs.read10(0, 8), null, 4096, recorder);
        devices.device("gate0").awaitStarted(1);
        CompletionStage<TmfRequest.Response> answer = s.taskManagement(TmfRequest.Function.ABORT_TASK, LUN_GATED, tag);
        recorder.awaitEvents(1);
        assertEquals(List.of(tag), recorder.aborted);
        assertNotDoneWithin(answer, "SAM-5 7.2: answered once the task is quiesced");
        devices.device("gate0").openGate();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(answer));
        // the session carries on
        try (LoopbackResult r = run(s, LUN_GATED, Cdbs.read10(0, 1), null, 512)) {
            assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
        }
    }

    /**
     * SAM-5 7.3, 7.5, 7.11/7.12 through the engine: ABORT TASK SET aborts the requester's tasks
     * only, CLEAR TASK SET and the target resets every nexus's; each is answered only once every
     * task it aborted has left the device, and leaves the unit attentions SAM-5 names for the other
     * nexus (none, COMMANDS CLEARED BY ANOTHER INITIATOR 2F/00, BUS DEVICE RESET FUNCTION OCCURRED 29/03).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ABORT_TASK_SET", "CLEAR_TASK_SET", "TARGET_WARM_RESET", "TARGET_COLD_RESET"})
    void taskSetFunctions_abortWhatTheyCover_answerOnceQuiesced_andTellTheOtherNexus(String name) throws Exception {
        TmfRequest.Function function = TmfRequest.Function.valueOf(name);
        LoopbackSession s = session();
        LoopbackSession other = session();
        Recorder mine = new Recorder();
        Recorder theirs = new Recorder();
        long myTag = s.execute(LUN_GATED, Cdbs.read10(0, 8), null, 4096, mine);
        long theirTag = other.execute(LUN_GATED, Cdbs.read10(8, 8), null, 4096, theirs);
        devices.device("gate0").awaitStarted(2);
        CompletionStage<TmfRequest.Response> answer = s.taskManagement(function, LUN_GATED, 0);
        boolean everyNexus = function != TmfRequest.Function.ABORT_TASK_SET;
        mine.awaitEvents(1);
        assertEquals(List.of(myTag), mine.aborted);
        if (everyNexus) {
            theirs.awaitEvents(1);
            assertEquals(List.of(theirTag), theirs.aborted);
        }
        assertNotDoneWithin(answer, "answered only once the aborted tasks left the device");
        devices.device("gate0").openGate();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(answer));
        if (!everyNexus) {
            theirs.awaitEvents(1);
            assertEquals(1, theirs.completed.size(), "the other nexus's task was not touched");
        }
        try (LoopbackResult r = run(other, LUN_GATED, Cdbs.testUnitReady(), null, 0)) {
            switch (function) {
                case ABORT_TASK_SET -> assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
                case CLEAR_TASK_SET -> assertSense(r, 0x06, 0x2F, 0x00);
                default -> assertSense(r, 0x06, 0x29, 0x03);
            }
        }
    }

    @Test
    void logicalUnitReset_isPassedThrough() throws Exception {
        LoopbackSession s = session();
        LoopbackSession other = session();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE,
                await(s.taskManagement(TmfRequest.Function.LOGICAL_UNIT_RESET, LUN_INLINE, 0)));
        // SAM-5 7.7: every nexus gets 29/03, the one that asked for the reset too
        for (LoopbackSession each : new LoopbackSession[] {other, s}) {
            try (LoopbackResult r = run(each, LUN_INLINE, Cdbs.testUnitReady(), null, 0)) {
                assertSense(r, 0x06, 0x29, 0x03);
            }
            try (LoopbackResult r = run(each, LUN_INLINE, Cdbs.testUnitReady(), null, 0)) {
                assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            }
        }
    }

    // ---- task attributes and the other task-management functions --------------------------------

    @Test
    void orderedCommand_waitsForTheCommandBeforeIt_andHeadOfQueueDoesNot() throws Exception {
        LoopbackSession s = session();
        Recorder recorder = new Recorder();
        s.execute(LUN_GATED, Cdbs.read10(0, 1), null, 512, recorder);
        devices.device("gate0").awaitStarted(1);
        FutureTask ordered = new FutureTask();
        s.execute(LUN_GATED, Cdbs.testUnitReady(), null, 0, TaskAttribute.ORDERED, ordered);
        FutureTask head = new FutureTask();
        s.execute(LUN_GATED, Cdbs.testUnitReady(), null, 0, TaskAttribute.HEAD_OF_QUEUE, head);
        try (LoopbackResult r = await(head)) {
            assertEquals(ScsiResponse.GOOD, r.status(), "SAM-5 8.6.4: HEAD OF QUEUE skips the waiting ORDERED task");
        }
        assertFalse(ordered.isDone(), "SAM-5 8.6.3: ORDERED waits for the READ in the device");
        devices.device("gate0").openGate();
        try (LoopbackResult r = await(ordered)) {
            assertEquals(ScsiResponse.GOOD, r.status());
        }
        recorder.awaitEvents(1);
        try (LoopbackResult r = await(executeWith(s, TaskAttribute.ACA))) {
            assertSense(r, 0x05, 0x49, 0x00); // SAM-5 8.6.5: no ACA condition exists
        }
    }

    @Test
    void queryTaskAndQueryTaskSet_succeedWhileTheTaskIsInTheTaskSet() throws Exception {
        LoopbackSession s = session();
        LoopbackSession other = session();
        Recorder recorder = new Recorder();
        long tag = s.execute(LUN_GATED, Cdbs.read10(0, 8), null, 4096, recorder);
        devices.device("gate0").awaitStarted(1);
        // SAM-5 7.8, 7.9
        assertEquals(TmfRequest.Response.FUNCTION_SUCCEEDED, await(s.taskManagement(TmfRequest.Function.QUERY_TASK, LUN_GATED, tag)));
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(s.taskManagement(TmfRequest.Function.QUERY_TASK, LUN_GATED, tag + 100)));
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(s.taskManagement(TmfRequest.Function.QUERY_TASK, LUN_INLINE, tag)),
                "the task is on another LU");
        assertEquals(TmfRequest.Response.FUNCTION_SUCCEEDED, await(s.taskManagement(TmfRequest.Function.QUERY_TASK_SET, LUN_GATED, 0)));
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(other.taskManagement(TmfRequest.Function.QUERY_TASK_SET, LUN_GATED, 0)),
                "another nexus has no task there");
        assertEquals(TmfRequest.Response.LUN_DOES_NOT_EXIST, await(s.taskManagement(TmfRequest.Function.QUERY_TASK_SET, LoopbackSession.lun(9), 0)));
        devices.device("gate0").openGate();
        recorder.awaitEvents(1);
        assertEquals(1, recorder.completed.size());
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(s.taskManagement(TmfRequest.Function.QUERY_TASK, LUN_GATED, tag)));
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(s.taskManagement(TmfRequest.Function.QUERY_TASK_SET, LUN_GATED, 0)));
    }

    @Test
    void queryAsynchronousEvent_succeedsWhileAUnitAttentionIsPending_andLeavesItPending() throws Exception {
        LoopbackSession s = session();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE,
                await(s.taskManagement(TmfRequest.Function.QUERY_ASYNCHRONOUS_EVENT, LUN_INLINE, 0)));
        await(s.taskManagement(TmfRequest.Function.LOGICAL_UNIT_RESET, LUN_INLINE, 0));
        // SAM-5 7.10
        assertEquals(TmfRequest.Response.FUNCTION_SUCCEEDED,
                await(s.taskManagement(TmfRequest.Function.QUERY_ASYNCHRONOUS_EVENT, LUN_INLINE, 0)));
        try (LoopbackResult r = run(s, LUN_INLINE, Cdbs.testUnitReady(), null, 0)) {
            assertSense(r, 0x06, 0x29, 0x03);
        }
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE,
                await(s.taskManagement(TmfRequest.Function.QUERY_ASYNCHRONOUS_EVENT, LUN_INLINE, 0)));
    }

    @Test
    void itNexusReset_abortsOnlyItsNexusTasks_onEveryLu_andLeaves2907ForItAlone() throws Exception {
        LoopbackSession s = session();
        LoopbackSession other = session();
        Recorder mine = new Recorder();
        Recorder theirs = new Recorder();
        long tag = s.execute(LUN_GATED, Cdbs.read10(0, 8), null, 4096, mine);
        other.execute(LUN_GATED, Cdbs.read10(8, 8), null, 4096, theirs);
        devices.device("gate0").awaitStarted(2);
        CompletionStage<TmfRequest.Response> answer = s.taskManagement(TmfRequest.Function.I_T_NEXUS_RESET, 0, 0);
        mine.awaitEvents(1);
        assertEquals(List.of(tag), mine.aborted);
        assertNotDoneWithin(answer, "SAM-5 7.6: answered once the task is quiesced");
        devices.device("gate0").openGate();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(answer));
        theirs.awaitEvents(1);
        assertEquals(1, theirs.completed.size(), "the other nexus's task is untouched");
        for (long lun : new long[] {LUN_INLINE, LUN_GATED}) {
            try (LoopbackResult r = run(s, lun, Cdbs.testUnitReady(), null, 0)) {
                assertSense(r, 0x06, 0x29, 0x07);
            }
            try (LoopbackResult r = run(other, lun, Cdbs.testUnitReady(), null, 0)) {
                assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            }
        }
    }

    @Test
    void clearAca_completes_forThereIsNeverAnAca() throws Exception {
        LoopbackSession s = session();
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, await(s.taskManagement(TmfRequest.Function.CLEAR_ACA, LUN_INLINE, 0)));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A logged-in session whose power-on unit attentions (29/00) are already reported. */
    private LoopbackSession session() throws Exception {
        LoopbackSession s = await(driver.login(INITIATOR, TARGET));
        for (long lun : new long[] {LUN_INLINE, LUN_ASYNC, LUN_GATED}) {
            run(s, lun, Cdbs.testUnitReady(), null, 0).close(); // no device I/O: passes a closed gate
        }
        return s;
    }

    private static CompletionStage<LoopbackResult> executeWith(LoopbackSession s, TaskAttribute attribute) {
        FutureTask f = new FutureTask();
        s.execute(LUN_INLINE, Cdbs.testUnitReady(), null, 0, attribute, f);
        return f;
    }

    /** The outcome of one command as a future (aborted: completed exceptionally). */
    private static final class FutureTask extends java.util.concurrent.CompletableFuture<LoopbackResult>
            implements CommandCallback {
        @Override
        public void completed(LoopbackResult result) {
            complete(result);
        }

        @Override
        public void aborted(long tag) {
            completeExceptionally(new TaskAbortedException(tag));
        }
    }

    /** Like TestProbe.expectNoMessage: {@code stage} does not complete within 100 ms (it would at once if nothing held it). */
    private static void assertNotDoneWithin(CompletionStage<?> stage, String why) {
        assertThrows(java.util.concurrent.TimeoutException.class,
                () -> stage.toCompletableFuture().get(100, TimeUnit.MILLISECONDS), why);
    }

    private static LoopbackResult run(LoopbackSession s, long lun, byte[] cdb, ByteBuffer out, int in) throws Exception {
        return await(s.execute(lun, cdb, out, in));
    }

    private static void assertSense(LoopbackResult r, int key, int asc, int ascq) {
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status(), r::toString);
        assertEquals(key, r.senseKey(), r::toString);
        assertEquals(asc, r.asc(), r::toString);
        assertEquals(ascq, r.ascq(), r::toString);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Records callback outcomes, closing every result. */
    private static final class Recorder implements CommandCallback {
        final List<Long> aborted = new CopyOnWriteArrayList<>();
        final List<LoopbackResult> completed = new CopyOnWriteArrayList<>();
        private int events;

        @Override
        public void completed(LoopbackResult result) {
            completed.add(result);
            result.close();
            event();
        }

        @Override
        public void aborted(long tag) {
            aborted.add(tag);
            event();
        }

        private synchronized void event() {
            events++;
            notifyAll();
        }

        synchronized void awaitEvents(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + events + " of " + n + " outcomes");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
