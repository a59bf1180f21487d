package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.latency.LatencyRecorder;
import org.scstj.engine.latency.Op;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DataOutFailure;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;

/**
 * One command inside a LUN's task set (SAM-5 8). Owned by the {@link LunActor}: its state is
 * touched only from the actor, except {@link #complete}, which any thread may call once and which
 * only sends a message. The task is its own {@link ExecContext}, so the exec stage allocates
 * nothing more than the completion message; and its own Data-Out receiver in front of the
 * command's, to know whether the Data-Out arrived ({@link ExecContext#afterDataOut}).
 */
public final class Task implements ExecContext, TransportTask.DataReceiver {
    /** Where the task is in its life. */
    enum State { RUNNING, ABORTED, DONE }

    private final TransportTask transport;
    private final CommandSet.Parsed command;
    private final LuContext lu;
    private final Nexus nexus;
    /** SAM-5 8.5: how the task set orders this task. */
    final TaskAttribute attribute;
    /**
     * True when the task constrains the tasks after it: an exclusive or whole-medium row, or an
     * attribute other than SIMPLE. The task set's fast path tests only this (and a counter).
     */
    final boolean gates;
    private ActorRef<LunActor.Command> lunActor;
    /** The LUN actor's state, for the exec stage's entry, which runs on the actor's thread. */
    private LuState luState;
    /** Written by the LUN actor; volatile for {@link #aborted}, read by the exec stage's threads. */
    volatile State state = State.RUNNING;
    /** The blocks the task touches: computed only when the task set must order it. */
    private Extent extent;
    /** The command's receiver of its Data-Out, while the transport fetches it. */
    private TransportTask.DataReceiver dataOut;
    /** The Data-Out arrived: set on the transport's thread, read by {@link #complete} on any. */
    private volatile boolean dataOutTaken;
    /** Data-Out bytes that arrived: written before {@link #dataOutTaken}, read after it (metrics). */
    private int dataOutBytes;
    /** {@code System.nanoTime()} at the LUN actor's arrival and at the exec stage's start (metrics). */
    long arrived;
    long execStarted;
    /** Why the transport could not deliver the Data-Out, when it said ({@link DataOutFailure}); else null. */
    private volatile DataOutFailure.Reason dataOutFailure;
    /*
     * Latency (docs/latency.md): System.nanoTime() where each stage ended, all 0 when the command is
     * not measured. Written by the session actor before the task reaches the LUN actor, then by the
     * LUN actor; tExecuted by complete on the device's thread, read by the actor after the ExecDone
     * message it sends (the mailbox orders the two).
     */
    private long tReceived;
    private long tParse;
    private long tParsed;
    private long tChecked;
    private long tStarted;
    private long tExecuted;

    public Task(TransportTask transport, CommandSet.Parsed command, LuContext lu) {
        this.transport = transport;
        this.command = command;
        this.lu = lu;
        this.nexus = lu.nexus();
        TaskAttribute a = transport.attribute();
        this.attribute = a == null ? TaskAttribute.SIMPLE : a;
        this.gates = attribute != TaskAttribute.SIMPLE
                || command.serialization() != CommandRow.Serialization.CONCURRENT;
    }

    /** The blocks this task touches (computed once, when first needed). */
    Extent extent(long capacity) {
        Extent e = extent;
        if (e == null) {
            e = Extent.of(command, capacity);
            extent = e;
        }
        return e;
    }

    void attach(ActorRef<LunActor.Command> lunActor, LuState state) {
        this.lunActor = lunActor;
        this.luState = state;
    }

    public CommandSet.Parsed command() {
        return command;
    }

    /** The I_T nexus (initiator port and target port, SAM-5 4.6.2) the task came on. */
    public Nexus nexus() {
        return nexus;
    }

    public long tag() {
        return transport.tag();
    }

    @Override
    public TransportTask task() {
        return transport;
    }

    @Override
    public LuContext lu() {
        return lu;
    }

    /**
     * The session actor measures this command: the transport handed it over at {@code received}
     * (0: not stamped), its parse began at {@code parse} and ended at {@code parsed} (not 0).
     */
    public void measure(long received, long parse, long parsed) {
        tReceived = received;
        tParse = parse;
        tParsed = parsed;
    }

    /** The checks passed, or decided an early answer (LUN actor). */
    void checked() {
        if (tParsed != 0) {
            tChecked = System.nanoTime();
        }
    }

    /** The task enters the device (LUN actor). */
    void started() {
        if (tParsed != 0) {
            tStarted = System.nanoTime();
        }
    }

    /** The transport's complete returned with {@code status}: records the stages if measured (LUN actor). */
    void recordLatency(LatencyRecorder latency, int status) {
        if (tParsed == 0) {
            return;
        }
        long end = System.nanoTime();
        CommandRow row = command.row();
        latency.record(Op.of(row == null ? null : row.direction()),
                Integer.toUnsignedLong(transport.expectedDataTransferLength()), row == null ? "?" : row.name(),
                lu.lun(), transport.tag(), status, tReceived, tParse, tParsed, tChecked, tStarted, tExecuted, end);
    }

    @Override
    public void complete(ScsiResponse response) {
        if (tParsed != 0) {
            tExecuted = System.nanoTime();
        }
        ScsiResponse r = dataOutTaken
                ? ExecContext.afterDataOut(response, command.cdb(), lu.dataOutBlockSize()) : response;
        DataOutFailure.Reason lost = dataOutFailure;
        if (lost != null) {
            r = transportFailure(lost, r);
        }
        lunActor.tell(new LunActor.ExecDone(this, r));
    }

    /**
     * The command's answer when its transport could not deliver the Data-Out: whatever the command
     * made of the failure, CHECK CONDITION with the transport's reason in this LU's sense format.
     */
    private ScsiResponse transportFailure(DataOutFailure.Reason reason, ScsiResponse made) {
        if (made.dataIn() != null) {
            made.dataIn().release();
        }
        SenseReason sense = switch (reason) {
            case DATA_DIGEST -> SenseReason.SCSI_PARITY_ERROR_DATA_DIGEST;
            case UNEXPECTED_UNSOLICITED_DATA -> SenseReason.UNEXPECTED_UNSOLICITED_DATA;
            case NOT_ENOUGH_UNSOLICITED_DATA -> SenseReason.NOT_ENOUGH_UNSOLICITED_DATA;
        };
        return Failure.of(sense).toResponse(lu.descriptorSense(), made.transferLength());
    }

    @Override
    public void receiveData(int length, TransportTask.DataReceiver receiver) {
        dataOut = receiver;
        transport.receiveData(length, this);
    }

    /** The Data-Out arrived: the transport's half of {@link #receiveData}. */
    @Override
    public void received(DataBuffer data) {
        dataOutBytes = data.length();
        dataOutTaken = true;
        dataOut.received(data);
    }

    /** The Data-Out will never arrive: the transport's half of {@link #receiveData}. */
    @Override
    public void failed(Throwable cause) {
        if (cause instanceof DataOutFailure f) {
            dataOutFailure = f.reason();
        }
        dataOut.failed(cause);
    }

    /** The Data-Out bytes the command received (0 before, or without, any). */
    int dataOutBytes() {
        return dataOutTaken ? dataOutBytes : 0;
    }

    @Override
    public boolean aborted() {
        return state == State.ABORTED;
    }

    @Override
    public LuState state() {
        return luState;
    }

    @Override
    public void withState(java.util.function.Consumer<LuState> action) {
        lunActor.tell(new LunActor.WithState(action));
    }
}
