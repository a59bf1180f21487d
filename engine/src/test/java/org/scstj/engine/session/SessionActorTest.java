package org.scstj.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lun.FakeTransportTask;
import org.scstj.engine.lun.LunActor;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TmfRequest;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The session actor's own answers (parse stage, first check) with the LUN actors as probes. */
class SessionActorTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus NEXUS = new Nexus("iqn.i", "iqn.i,i,0x000000000001", "iqn.t", "iqn.t,t,0x0001", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final TestProbe<LunActor.Command> lun0 = testKit.createTestProbe();
    private final TestProbe<LunActor.Command> lun3 = testKit.createTestProbe();
    private long tags;

    private ActorRef<SessionActor.Command> session() {
        Map<Integer, LunBinding> luns = Map.of(
                0, new LunBinding(0, lun0.getRef(), LuContexts.of(0, null, false, NEXUS, false)),
                3, new LunBinding(3, lun3.getRef(), LuContexts.of(3, null, false, NEXUS, false)));
        return testKit.spawn(SessionActor.create(NEXUS, luns, List.of(lun0.getRef(), lun3.getRef()), Props.empty()));
    }

    private FakeTransportTask submit(ActorRef<SessionActor.Command> s, int lun, byte... cdbStart) {
        byte[] cdb = new byte[16];
        System.arraycopy(cdbStart, 0, cdb, 0, cdbStart.length);
        FakeTransportTask t = new FakeTransportTask(++tags, cdb, LunFormat.encode(lun));
        s.tell(new SessionActor.Submit(t));
        return t;
    }

    private static int[] senseCode(ScsiResponse r) {
        return new int[]{r.sense()[2] & 0x0F, r.sense()[12] & 0xFF, r.sense()[13] & 0xFF};
    }

    @Test
    void commandToAnUnmappedLun_failsWithLogicalUnitNotSupported() throws Exception {
        ScsiResponse r = submit(session(), 5, (byte) 0x00).await(); // TEST UNIT READY
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
        assertEquals(List.of(5, 0x25, 0x00), List.of(senseCode(r)[0], senseCode(r)[1], senseCode(r)[2]));
    }

    @Test
    void vendorOpcodeToAnUnmappedLun_isStillLogicalUnitNotSupported() throws Exception {
        ScsiResponse r = submit(session(), 9, (byte) 0xC0).await();
        assertEquals(0x25, senseCode(r)[1]);
    }

    @Test
    void inquiryToAnUnmappedLun_answersPeripheralQualifier011b() throws Exception {
        ScsiResponse r = submit(session(), 7, (byte) 0x12, (byte) 0, (byte) 0, (byte) 0, (byte) 36).await();
        assertEquals(ScsiResponse.GOOD, r.status());
        assertEquals(0x7F, r.dataIn().nio().get(0) & 0xFF); // SPC-5 6.7.2: qualifier 011b, type 1Fh
    }

    @Test
    void reportLuns_listsOnlyThisNexusesLuns_whateverLunItAddressed() throws Exception {
        byte[] cdb = {(byte) 0xA0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0};
        ScsiResponse r = submit(session(), 12, cdb).await();
        assertEquals(ScsiResponse.GOOD, r.status());
        ByteBuffer d = r.dataIn().nio();
        assertEquals(16, d.getInt(0)); // LUN LIST LENGTH: two LUNs
        assertEquals(LunFormat.encode(0), d.getLong(8));
        assertEquals(LunFormat.encode(3), d.getLong(16));
    }

    @Test
    void commandToAMappedLun_goesToThatLunsActorInOrder() {
        ActorRef<SessionActor.Command> s = session();
        submit(s, 3, (byte) 0x00);
        submit(s, 3, (byte) 0x25); // READ CAPACITY(10)
        LunActor.Execute first = lun3.expectMessageClass(LunActor.Execute.class);
        LunActor.Execute second = lun3.expectMessageClass(LunActor.Execute.class);
        assertTrue(first.task().tag() < second.task().tag());
        assertEquals(3, second.task().lu().lun());
        lun0.expectNoMessage(java.time.Duration.ofMillis(50));
    }

    @Test
    void describe_showsTheNexusAndLuns_aWaitingTmfSaysWhatItWaitsFor_andAClosingSessionItsAborts() throws Exception {
        Map<Integer, LunBinding> luns = Map.of(
                0, new LunBinding(0, lun0.getRef(), LuContexts.of(0, null, false, NEXUS, false)),
                3, new LunBinding(3, lun3.getRef(), LuContexts.of(3, null, false, NEXUS, false)));
        ActorRef<SessionActor.Command> s = testKit.spawn(
                SessionActor.create(NEXUS, luns, List.of(lun0.getRef(), lun3.getRef()), Props.empty()), "described");
        TestProbe<org.scstj.engine.actors.ActorSummary> probe = testKit.createTestProbe();
        s.tell(new SessionActor.Describe(probe.getRef()));
        org.scstj.engine.actors.ActorSummary open = probe.receiveMessage();
        assertEquals("open", open.state());
        assertEquals("iqn.i,i,0x000000000001", open.details().get("initiator-port"));
        assertEquals(List.of(0, 3), List.copyOf(((Map<?, ?>) open.details().get("luns")).keySet()));

        s.tell(new SessionActor.Manage(new TmfRequest(TmfRequest.Function.ABORT_TASK, LunFormat.encode(3), 42), r -> { }));
        lun3.expectMessageClass(LunActor.Abort.class); // never answered: the TMF waits
        var stats = org.scstj.engine.actors.ActorStats.of(testKit.system());
        var tmf = stats.find("described/tmf-1");
        assertNotNull(tmf, "the TMF actor is in the registry: " + stats.snapshot());
        org.scstj.engine.actors.ActorSummary waiting = tmf.describe(java.time.Duration.ofSeconds(5),
                testKit.system().scheduler()).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("waiting", waiting.state());
        assertEquals("ABORT_TASK", waiting.details().get("function"));
        assertEquals(42L, waiting.details().get("referenced-tag"));
        assertEquals(1, waiting.details().get("awaiting-answers"));
        assertEquals("tmf", stats.snapshot().stream().filter(x -> x.id().equals("described/tmf-1")).findFirst()
                .orElseThrow().kind());

        s.tell(new SessionActor.Close(() -> { }));
        lun0.expectMessageClass(LunActor.Abort.class);
        s.tell(new SessionActor.Describe(probe.getRef()));
        org.scstj.engine.actors.ActorSummary closing = probe.receiveMessage();
        assertEquals("closing", closing.state());
        assertEquals(2, closing.details().get("awaiting-lun-aborts"));
    }

    @Test
    void abortTaskOnAnUnmappedLun_answersLunDoesNotExist() throws Exception {
        CompletableFuture<TmfRequest.Response> answer = new CompletableFuture<>();
        session().tell(new SessionActor.Manage(new TmfRequest(TmfRequest.Function.ABORT_TASK, LunFormat.encode(6), 1),
                answer::complete));
        assertEquals(TmfRequest.Response.LUN_DOES_NOT_EXIST, answer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void targetWarmAndColdReset_resetOnlyTheLusThisNexusSees_neverAnotherGroupsLu() throws Exception {
        TestProbe<LunActor.Command> otherGroupsLu = testKit.createTestProbe();
        Map<Integer, LunBinding> luns = Map.of(
                0, new LunBinding(0, lun0.getRef(), LuContexts.of(0, null, false, NEXUS, false)),
                3, new LunBinding(3, lun3.getRef(), LuContexts.of(3, null, false, NEXUS, false)));
        ActorRef<SessionActor.Command> s = testKit.spawn(SessionActor.create(NEXUS, luns,
                List.of(lun0.getRef(), lun3.getRef(), otherGroupsLu.getRef()), Props.empty()));
        for (TmfRequest.Function reset : List.of(TmfRequest.Function.TARGET_WARM_RESET,
                TmfRequest.Function.TARGET_COLD_RESET)) {
            CompletableFuture<TmfRequest.Response> answer = new CompletableFuture<>();
            s.tell(new SessionActor.Manage(new TmfRequest(reset, 0, 0), answer::complete));
            for (TestProbe<LunActor.Command> seen : List.of(lun0, lun3)) {
                LunActor.Abort a = seen.expectMessageClass(LunActor.Abort.class);
                assertEquals(LunActor.Scope.RESET, a.scope(), reset.name());
                a.replyTo().tell(new LunActor.Aborted(0));
            }
            assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, answer.get(5, TimeUnit.SECONDS));
            otherGroupsLu.expectNoMessage(java.time.Duration.ofMillis(100));
        }
    }

    @Test
    void itNexusReset_reachesEveryLuOfTheTarget_forThisNexusesTasksOnly() throws Exception {
        TestProbe<LunActor.Command> unmappedSinceReload = testKit.createTestProbe();
        Map<Integer, LunBinding> luns = Map.of(
                0, new LunBinding(0, lun0.getRef(), LuContexts.of(0, null, false, NEXUS, false)));
        ActorRef<SessionActor.Command> s = testKit.spawn(SessionActor.create(NEXUS, luns,
                List.of(lun0.getRef(), unmappedSinceReload.getRef()), Props.empty()));
        CompletableFuture<TmfRequest.Response> answer = new CompletableFuture<>();
        s.tell(new SessionActor.Manage(new TmfRequest(TmfRequest.Function.I_T_NEXUS_RESET, 0, 0), answer::complete));
        for (TestProbe<LunActor.Command> lu : List.of(lun0, unmappedSinceReload)) {
            LunActor.Abort a = lu.expectMessageClass(LunActor.Abort.class);
            assertEquals(LunActor.Scope.NEXUS_RESET, a.scope());
            assertEquals(NEXUS, a.nexus());
            a.replyTo().tell(new LunActor.Aborted(0));
        }
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE, answer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void close_waitsForEveryLunToQuiesceTheNexus_thenStopsTheSession() throws Exception {
        ActorRef<SessionActor.Command> s = session();
        CountDownLatch done = new CountDownLatch(1);
        s.tell(new SessionActor.Close(done::countDown));
        LunActor.Abort a0 = lun0.expectMessageClass(LunActor.Abort.class);
        LunActor.Abort a3 = lun3.expectMessageClass(LunActor.Abort.class);
        assertEquals(LunActor.Scope.NEXUS_LOSS, a0.scope());
        a0.replyTo().tell(new LunActor.Aborted(0));
        assertFalse(done.await(100, TimeUnit.MILLISECONDS), "answered before every LUN quiesced");
        a3.replyTo().tell(new LunActor.Aborted(2));
        assertTrue(done.await(5, TimeUnit.SECONDS));
        TestProbe<Object> watcher = testKit.createTestProbe();
        watcher.expectTerminated(s);
    }
    @Test
    void updateLuns_reportsReportedLunsDataHasChangedToTheTransportsEventListener() throws Exception {
        ActorRef<SessionActor.Command> s = session();
        CompletableFuture<byte[]> event = new CompletableFuture<>();
        s.tell(new SessionActor.ReportEvents((lun, sense) -> event.complete(sense)));
        TestProbe<SessionActor.LunsUpdated> replies = testKit.createTestProbe();
        Map<Integer, LunBinding> luns = Map.of(
                0, new LunBinding(0, lun0.getRef(), LuContexts.of(0, null, false, NEXUS, false)));
        s.tell(new SessionActor.UpdateLuns(luns, List.of(lun0.getRef()), 7, replies.getRef()));
        replies.expectMessageClass(SessionActor.LunsUpdated.class);
        byte[] sense = event.get(5, TimeUnit.SECONDS);
        assertEquals(0x06, sense[2] & 0x0f); // UNIT ATTENTION
        assertEquals(0x3f, sense[12] & 0xff);
        assertEquals(0x0e, sense[13] & 0xff);
    }
}
