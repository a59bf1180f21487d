package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;
import org.scstj.engine.stats.EngineStats;
import org.scstj.engine.stats.LuStats;
import org.scstj.engine.stats.PortStats;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/** The LUN actor's counters (docs/metrics.md) match exactly what went through it. */
class LunActorStatsTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final int BLOCK = 512;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final BlockDevice device = new NoDevice();
    private final LinkedBlockingQueue<ExecContext> held = new LinkedBlockingQueue<>();
    private final AtomicInteger writes = new AtomicInteger();
    /** The 4th WRITE fails in the device: MEDIUM ERROR, WRITE ERROR (03/0C). */
    private final CommandSet commands = CommandSets.DISK.executedBy((cdb, ctx) -> {
        switch (cdb) {
            case Cdb.SynchronizeCache s -> held.add(ctx);
            case Cdb.Read r -> ctx.complete(ScsiResponse.good(DataBuffer.wrap(new byte[BLOCK], BLOCK), BLOCK));
            case Cdb.Write w -> ctx.receiveData(BLOCK, new TransportTask.DataReceiver() {
                @Override
                public void received(DataBuffer data) {
                    ctx.complete(writes.incrementAndGet() == 4
                            ? Failure.of(SenseReason.WRITE_ERROR).toResponse(false)
                            : ScsiResponse.good(null, 0));
                }

                @Override
                public void failed(Throwable cause) {
                    ctx.complete(Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(false));
                }
            });
            default -> ctx.complete(ScsiResponse.good(null, 0));
        }
    });
    private final EngineStats engine = new EngineStats();
    private final LuStats stats = engine.addDevice("disk0");
    private final PortStats port = stats.port("iqn.2026-11.org.scstj:t", 3);
    private final UnitState state = withStats(LuContexts.state(device), stats);
    private final ActorRef<LunActor.Command> lun =
            testKit.spawn(LunActors.create(device, commands, 64, state));
    private long tags;

    private static UnitState withStats(UnitState u, LuStats stats) {
        return new UnitState(u.medium(), u.mode(), u.wholeMedium(), u.reservations(), u.tape(), u.control(), stats, u.latency());
    }

    private static Nexus nexus(String initiator) {
        return new Nexus(initiator, initiator + ",i,0x000000000001", "iqn.2026-11.org.scstj:t",
                "iqn.2026-11.org.scstj:t,t,0x0001", 1, 1);
    }

    /** A transport task whose Data-Out (if asked) arrives at once, zeros. */
    private static final class Wire implements TransportTask {
        final long tag;
        final byte[] cdb;
        final CompletableFuture<ScsiResponse> response = new CompletableFuture<>();

        Wire(long tag, byte[] cdb) {
            this.tag = tag;
            this.cdb = cdb;
        }

        @Override public long lun() { return 3; }
        @Override public byte[] cdb() { return cdb; }
        @Override public long tag() { return tag; }
        @Override public TaskAttribute attribute() { return TaskAttribute.SIMPLE; }
        @Override public int expectedDataTransferLength() { return BLOCK; }
        @Override public boolean readExpected() { return cdb[0] == 0x28; }
        @Override public boolean writeExpected() { return cdb[0] == 0x2A; }
        @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }
        @Override public void receiveData(int length, DataReceiver receiver) {
            receiver.received(DataBuffer.wrap(new byte[length], length));
        }
        @Override public void complete(ScsiResponse r) { response.complete(r); }
        @Override public void aborted() { response.completeExceptionally(new IllegalStateException("aborted")); }
    }

    private Wire send(Nexus nexus, int opcode) {
        byte[] cdb = new byte[opcode == 0x28 || opcode == 0x2A || opcode == 0x35 ? 10 : 6];
        cdb[0] = (byte) opcode;
        if (opcode == 0x28 || opcode == 0x2A) {
            cdb[8] = 1; // one block at LBA 0
        }
        if (opcode == 0x12) {
            cdb[4] = (byte) 252;
        }
        Wire w = new Wire(++tags, cdb);
        LuContext c = LuContexts.of(3, device, false, nexus, state);
        LuContext counted = new LuContext(c.lun(), c.device(), c.commands(), c.readOnly(), c.readOnlyMapping(),
                c.nexus(), c.unit(), c.copy(), port);
        lun.tell(new LunActor.Execute(new Task(w, commands.parse(cdb), counted)));
        return w;
    }

    private static ScsiResponse await(Wire w) throws Exception {
        return w.response.get(5, TimeUnit.SECONDS);
    }

    @Test
    void readsWritesAndCheckConditions_countedExactly() throws Exception {
        // the latencies the engine hands its observer, by op: commands, backend I/O
        AtomicLongArray done = new AtomicLongArray(3);
        AtomicLongArray backend = new AtomicLongArray(3);
        engine.observe(new CommandObserver() {
            @Override
            public void commandDone(Op op, long nanos) {
                done.incrementAndGet(op.ordinal());
            }

            @Override
            public void backendIo(Op op, long nanos) {
                backend.incrementAndGet(op.ordinal());
            }
        });
        Nexus a = nexus("iqn.a");
        // the first command of a new nexus: CHECK CONDITION, UNIT ATTENTION 29/00, before the device
        assertEquals(ScsiResponse.CHECK_CONDITION, await(send(a, 0x00)).status());
        for (int i = 0; i < 5; i++) {
            assertEquals(ScsiResponse.GOOD, await(send(a, 0x28)).status());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(ScsiResponse.GOOD, await(send(a, 0x2A)).status());
        }
        ScsiResponse failed = await(send(a, 0x2A));
        assertEquals(ScsiResponse.CHECK_CONDITION, failed.status());

        assertEquals(5, port.commands(CommandObserver.Op.READ));
        assertEquals(4, port.commands(CommandObserver.Op.WRITE));
        assertEquals(1, port.commands(CommandObserver.Op.OTHER));
        assertEquals(5L * BLOCK, port.bytesIn());
        assertEquals(4L * BLOCK, port.bytesOut());
        assertEquals(5L * BLOCK, port.bytesIn(CommandObserver.Op.READ));
        assertEquals(4L * BLOCK, port.bytesOut(CommandObserver.Op.WRITE));
        assertEquals(0, port.bytesIn(CommandObserver.Op.OTHER));
        assertEquals(1, stats.checkConditions(0x6, 0x29), "UNIT ATTENTION, POWER ON");
        assertEquals(1, stats.checkConditions(0x3, 0x0C), "MEDIUM ERROR, WRITE ERROR");
        assertEquals(2, totalCheckConditions());
        assertEquals(1, stats.backendErrors(), "the device's MEDIUM ERROR; a unit attention is not the backend's");
        assertEquals(0, stats.inFlight());
        assertEquals(5, done.get(CommandObserver.Op.READ.ordinal()));
        assertEquals(4, done.get(CommandObserver.Op.WRITE.ordinal()));
        assertEquals(1, done.get(CommandObserver.Op.OTHER.ordinal()));
        assertEquals(5, backend.get(CommandObserver.Op.READ.ordinal()));
        assertEquals(4, backend.get(CommandObserver.Op.WRITE.ordinal()));
        assertEquals(0, backend.get(CommandObserver.Op.OTHER.ordinal()), "only reads and writes time the backend");
    }

    @Test
    void commandInTheDevice_isInFlightUntilItCompletes() throws Exception {
        Nexus a = nexus("iqn.a");
        await(send(a, 0x00)); // the power-on unit attention
        Wire sync = send(a, 0x35);
        ExecContext inDevice = held.poll(5, TimeUnit.SECONDS);
        assertEquals(1, stats.inFlight());
        inDevice.complete(ScsiResponse.good(null, 0));
        assertEquals(ScsiResponse.GOOD, await(sync).status());
        assertEquals(0, stats.inFlight());
        assertEquals(2, port.commands(CommandObserver.Op.OTHER));
    }

    @Test
    void unitAttentionsPending_followTheQueues() throws Exception {
        Nexus a = nexus("iqn.a");
        Nexus b = nexus("iqn.b");
        // INQUIRY neither reports nor clears a unit attention: each new nexus's power-on one stays
        assertEquals(ScsiResponse.GOOD, await(send(a, 0x12)).status());
        assertEquals(1, stats.unitAttentionsPending());
        assertEquals(ScsiResponse.GOOD, await(send(b, 0x12)).status());
        assertEquals(2, stats.unitAttentionsPending());
        assertEquals(ScsiResponse.CHECK_CONDITION, await(send(a, 0x00)).status());
        assertEquals(1, stats.unitAttentionsPending());
        lun.tell(new LunActor.EstablishUnitAttention(a, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED));
        assertEquals(ScsiResponse.GOOD, await(send(a, 0x12)).status()); // after the message above
        assertEquals(2, stats.unitAttentionsPending());
    }

    private long totalCheckConditions() {
        long n = 0;
        for (int key = 0; key < LuStats.SENSE_KEYS; key++) {
            for (int asc = 0; asc < LuStats.ASCS; asc++) {
                n += stats.checkConditions(key, asc);
            }
        }
        return n;
    }
}
