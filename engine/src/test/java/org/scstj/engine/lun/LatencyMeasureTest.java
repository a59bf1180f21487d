package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.latency.CommandStageEvent;
import org.scstj.engine.latency.LatencyRecorder;
import org.scstj.engine.latency.LatencySnapshot;
import org.scstj.engine.latency.Stage;
import org.scstj.engine.latency.TaskManagementEvent;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.session.LunBinding;
import org.scstj.engine.session.SessionActor;
import org.scstj.engine.spi.LunFormat;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TmfRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-stage latency through a session actor and a real LUN actor whose device takes a known time:
 * the histograms (docs/latency.md) and the JFR events.
 */
class LatencyMeasureTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus NEXUS = new Nexus("iqn.i", "iqn.i,i,0x000000000001", "iqn.t", "iqn.t,t,0x0001", 1, 1);
    /** What the fake device takes to execute a command. */
    private static final long EXEC_MILLIS = 20;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /** The disk's rows, decoding for real; the exec stage completes GOOD after {@link #EXEC_MILLIS} on another thread. */
    private final CommandSet slow = CommandSets.DISK.executedBy((cdb, ctx) -> CompletableFuture.delayedExecutor(
            EXEC_MILLIS, TimeUnit.MILLISECONDS).execute(() -> ctx.complete(ScsiResponse.good(null, 0))));
    private final NoDevice device = new NoDevice();
    private final LatencyRecorder latency = new LatencyRecorder("disk1");
    private final UnitState state = withLatency(LuContexts.state(device), latency);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, slow, 64, state));
    private final ActorRef<SessionActor.Command> session = testKit.spawn(SessionActor.create(NEXUS,
            Map.of(0, new LunBinding(0, lun, slow(LuContexts.of(0, device, false, NEXUS, state)))), List.of(lun),
            Props.empty()));
    private long tags;

    /** The context with the slow command set: the session parses with it, so its rows carry the slow executor. */
    private LuContext slow(LuContext c) {
        return new LuContext(c.lun(), c.device(), slow, c.readOnly(), c.readOnlyMapping(), c.nexus(), c.unit(), c.copy());
    }

    private static UnitState withLatency(UnitState s, LatencyRecorder r) {
        return new UnitState(s.medium(), s.mode(), s.wholeMedium(), s.reservations(), s.tape(), s.control(), s.stats(), r);
    }

    /**
     * A SYNCHRONIZE CACHE (10) through the session (its row goes to the device's executor), stamped as
     * the transport's hand-off would be; waits for its answer.
     */
    private ScsiResponse synchronizeCache() throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = 0x35;
        FakeTransportTask t = new FakeTransportTask(++tags, cdb, LunFormat.encode(0));
        session.tell(new SessionActor.Submit(t, LatencyRecorder.anyEnabled() ? System.nanoTime() : 0));
        return t.await();
    }

    private LatencySnapshot read(boolean reset) {
        return AskPattern.<LunActor.Command, LatencySnapshot>ask(lun, r -> new LunActor.ReadLatency(reset, r),
                Duration.ofSeconds(5), testKit.scheduler()).toCompletableFuture().join();
    }

    private static LatencySnapshot.Entry only(LatencySnapshot s, Stage stage) {
        List<LatencySnapshot.Entry> e = s.stage(stage);
        assertEquals(1, e.size(), stage + ": " + e);
        return e.getFirst();
    }

    @Test
    void measured_execHoldsTheDevicesTimeAndTheChecksLess() throws Exception {
        latency.enable(true);
        try {
            assertEquals(ScsiResponse.CHECK_CONDITION, synchronizeCache().status()); // power on: answered by the checks (UA)
            for (int i = 0; i < 5; i++) {
                assertEquals(ScsiResponse.GOOD, synchronizeCache().status());
            }
            LatencySnapshot s = read(false);
            assertEquals("disk1", s.device());
            assertTrue(s.enabled());
            // every command passed receive, parse, checks and xmit; only the five GOOD ones the device
            assertEquals(6, s.count(Stage.RECEIVE));
            assertEquals(6, s.count(Stage.PARSE));
            assertEquals(6, s.count(Stage.CHECKS));
            assertEquals(6, s.count(Stage.XMIT));
            assertEquals(6, s.count(Stage.TOTAL));
            assertEquals(5, s.count(Stage.TASK_SET));
            assertEquals(5, s.count(Stage.EXEC));
            LatencySnapshot.Entry exec = only(s, Stage.EXEC);
            assertEquals("other", exec.op());
            assertEquals("<=4k", exec.size());
            assertTrue(exec.p50Us() >= EXEC_MILLIS * 1000 * 0.99, exec.toString()); // 2 significant digits: 1%
            assertTrue(only(s, Stage.CHECKS).p50Us() < exec.p50Us(), s.toString());
            assertTrue(only(s, Stage.TOTAL).maxUs() >= exec.p50Us(), s.toString());
            assertTrue(exec.sumSeconds() >= 5 * EXEC_MILLIS / 1000.0 * 0.99, exec.toString());
        } finally {
            latency.enable(false);
        }
    }

    @Test
    void off_recordsNothing() throws Exception {
        synchronizeCache();
        synchronizeCache();
        LatencySnapshot s = read(false);
        assertFalse(s.enabled());
        assertEquals(List.of(), s.stages());
    }

    @Test
    void reset_emptiesTheHistogramsAfterReadingThem() throws Exception {
        latency.enable(true);
        try {
            synchronizeCache();
            synchronizeCache();
            assertEquals(2, read(true).count(Stage.TOTAL));
            assertEquals(0, read(false).count(Stage.TOTAL));
            synchronizeCache();
            assertEquals(1, read(false).count(Stage.TOTAL));
        } finally {
            latency.enable(false);
        }
    }

    @Test
    void switchedOff_theCountsStayAndNoMoreAreAdded() throws Exception {
        latency.enable(true);
        synchronizeCache();
        // the LUN actor records after the transport's complete returned: read once so that it has
        assertEquals(1, read(false).count(Stage.TOTAL));
        latency.enable(false);
        synchronizeCache();
        synchronizeCache();
        LatencySnapshot s = read(false);
        assertFalse(s.enabled());
        assertEquals(1, s.count(Stage.TOTAL));
    }

    @Test
    void aJfrRecording_getsAnEventPerStageAndPerTaskManagementFunction(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stages.jfr");
        try (Recording r = new Recording()) {
            r.enable(CommandStageEvent.NAME);
            r.enable(TaskManagementEvent.NAME);
            r.start();
            synchronizeCache(); // power on: receive, parse, checks, xmit, total
            synchronizeCache();
            synchronizeCache();
            CompletableFuture<TmfRequest.Response> tmf = new CompletableFuture<>();
            session.tell(new SessionActor.Manage(new TmfRequest(TmfRequest.Function.ABORT_TASK, LunFormat.encode(0),
                    999), tmf::complete));
            assertEquals(TmfRequest.Response.TASK_DOES_NOT_EXIST, tmf.get(5, TimeUnit.SECONDS));
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> stages = events.stream().filter(e -> e.getEventType().getName().equals(CommandStageEvent.NAME))
                .toList();
        assertEquals(5 + 7 + 7, stages.size(), stages.toString());
        List<RecordedEvent> exec = stages.stream().filter(e -> e.getString("stage").equals("exec")).toList();
        assertEquals(2, exec.size());
        for (RecordedEvent e : exec) {
            assertEquals("disk1", e.getString("device"));
            assertEquals("SYNCHRONIZE CACHE(10)", e.getString("command"));
            assertEquals(0, e.getInt("lun"));
            assertTrue(e.getDuration("elapsed").toMillis() >= EXEC_MILLIS - 1, e.toString());
        }
        List<RecordedEvent> tmfs = events.stream().filter(e -> e.getEventType().getName().equals(TaskManagementEvent.NAME))
                .toList();
        assertEquals(1, tmfs.size());
        assertEquals("ABORT_TASK", tmfs.getFirst().getString("function"));
        assertEquals("TASK_DOES_NOT_EXIST", tmfs.getFirst().getString("response"));
        assertEquals(999, tmfs.getFirst().getLong("referencedTag"));
        // the histograms stayed off: the events do not need them
        assertEquals(List.of(), read(false).stages());
    }
}
