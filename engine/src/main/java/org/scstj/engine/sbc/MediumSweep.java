package org.scstj.engine.sbc;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseData;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One whole-medium operation (FORMAT UNIT, SANITIZE) carried out on a device: one or more passes
 * over every block, then a flush, so that what was erased stays erased after a power loss.
 *
 * <p>A pass either erases, deallocating the medium on a thin device ({@link BlockDevice#unmap},
 * {@value #UNMAP_CHUNK_MIB} MiB at a time; the blocks then read as zeros, LBPRZ) and writing zeros
 * on a fully provisioned one, or writes one block, repeated, to every LBA. Writes go
 * {@value #WRITE_CHUNK_MIB} MiB at a time from one reused buffer: one device I/O in flight, memory
 * bounded whatever the capacity. Every step runs from the completion of the one before (a loop
 * over synchronous completions, never recursion), so no thread ever waits for the device; a rate
 * limit ({@link WholeMediumState#bytesPerSecond}) delays the next write on a timer instead of
 * sleeping. The steps run on the LU's {@link WholeMediumState#executor} (the engine's blocking-I/O
 * dispatcher), never on the thread that started the command, and give that thread back every
 * {@value #STEPS_PER_RUN} steps: a device that writes on the calling thread (a file on tmpfs) holds
 * no thread for the whole medium.
 *
 * <p>Progress goes to the LU's {@link WholeMediumState} after every step; the end turns it to
 * succeeded or failed. The command that waits for the end (IMMED 0) is completed then, exactly
 * once; if task management aborts it first, it is completed at the next step (its response is
 * discarded) and the operation goes on alone (SBC-4 4.11.1: a sanitize is not stopped by task
 * management functions, resets or I_T nexus loss).
 */
final class MediumSweep implements BlockDevice.Completion {
    private static final Logger log = LoggerFactory.getLogger(MediumSweep.class);
    /** One pass over the medium: {@code block} written to every LBA, or an erase when null. */
    record Pass(byte[] block) {
        static Pass erase() {
            return new Pass(null);
        }
    }

    static final int WRITE_CHUNK_MIB = 1;
    static final int UNMAP_CHUNK_MIB = 256;
    private static final int WRITE_CHUNK = WRITE_CHUNK_MIB << 20;
    private static final long UNMAP_CHUNK = (long) UNMAP_CHUNK_MIB << 20;
    static final int STEPS_PER_RUN = 16;

    private final BlockDevice device;
    private final WholeMediumState state;
    private final List<Pass> passes;
    private final boolean ause;
    private final SenseReason failure;
    private final long capacity;
    private final long rate;
    private final Executor executor;
    private final AtomicInteger wip = new AtomicInteger();

    // Touched by one step at a time; the hand-offs between threads go through wip.
    private ExecContext waiter;
    /** The command that began the operation: its end goes to the LUN actor through it, even after IMMED. */
    private final ExecContext owner;
    private int pass = -1;
    private boolean unmapping;
    private ByteBuffer buffer;
    private long at;
    private long inFlight;
    private long work;
    private long written;
    private long startNanos;
    private boolean flushing;
    private boolean flushed;
    private boolean done;
    private int stepsThisRun;
    private boolean yielded;
    private BlockDevice.IoFailure ioFailure;
    private Throwable cause;

    /**
     * @param owner   the command that began the operation (its LUN actor learns the end through it)
     * @param waiter  the command to complete at the end, or null (IMMED: it was answered already)
     * @param ause    a failure may be left with EXIT FAILURE MODE (SANITIZE AUSE)
     * @param failure what the waiting command is told if a device I/O fails (31/01, 31/03)
     */
    private MediumSweep(BlockDevice device, WholeMediumState state, List<Pass> passes, ExecContext owner,
                        ExecContext waiter, boolean ause, SenseReason failure) {
        this.device = device;
        this.owner = owner;
        this.state = state;
        this.passes = List.copyOf(passes);
        this.waiter = waiter;
        this.ause = ause;
        this.failure = failure;
        this.capacity = device.blockCount() * device.blockSize();
        this.rate = state.bytesPerSecond();
        this.executor = state.executor();
    }

    /**
     * The answer to a command that wanted to start a whole-medium operation while another holds the
     * LU: NOT READY with its progress (LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE if it just ended).
     */
    static ScsiResponse busy(WholeMediumState state, boolean descriptor) {
        SenseReason condition = state.condition();
        if (condition == null) {
            condition = SenseReason.NOT_READY_CAUSE_NOT_REPORTABLE;
        }
        byte[] sense = state.inProgress() != null
                ? SenseData.withProgress(condition, state.progressIndication(), descriptor)
                : SenseData.build(condition, descriptor);
        return ScsiResponse.checkCondition(sense, 0);
    }

    /** The work of these passes in bytes, for {@link WholeMediumState#begin}. */
    static long work(BlockDevice device, int passes) {
        return device.blockCount() * device.blockSize() * passes;
    }

    /**
     * Runs the passes on a medium whose operation {@code owner} has begun on the LUN actor's thread
     * ({@link WholeMediumState#begin}); returns at once. The end is the actor's to record, through
     * {@code owner}; the progress is published as the passes go ({@link WholeMediumState#advance}).
     *
     * @param immed the command was answered already (IMMED): nobody waits for the end
     */
    static void start(BlockDevice device, WholeMediumState state, List<Pass> passes, ExecContext owner,
                      boolean immed, boolean ause, SenseReason failure) {
        MediumSweep sweep = new MediumSweep(device, state, passes, owner, immed ? null : owner, ause, failure);
        sweep.startNanos = System.nanoTime();
        if (sweep.executor == null) {
            sweep.drain();
        } else {
            sweep.executor.execute(sweep::drain);
        }
    }

    @Override
    public void completed() {
        work += inFlight;
        inFlight = 0;
        state.advance(work);
        drain();
    }

    @Override
    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
        this.ioFailure = failure == null ? BlockDevice.IoFailure.INTERNAL : failure;
        this.cause = cause;
        drain();
    }

    /**
     * Runs steps while events arrive; a synchronous completion inside a step only counts one more.
     * A step that yields starts no event, so once the loop ends nothing else can run it: the
     * continuation goes to the executor.
     */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        stepsThisRun = 0;
        int missed = 1;
        do {
            try {
                step();
            } catch (RuntimeException e) {
                ioFailure = BlockDevice.IoFailure.INTERNAL;
                cause = e;
                step();
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
        if (yielded) {
            yielded = false;
            executor.execute(this::drain);
        }
    }

    /** One step: the next I/O, a timer, or the end. Each step starts exactly one event or ends the sweep. */
    private void step() {
        if (done) {
            return;
        }
        if (waiter != null && waiter.aborted()) {
            waiter.complete(Failure.of(SenseReason.ABORTED_COMMAND).toResponse(waiter.lu().descriptorSense()));
            waiter = null;
        }
        if (ioFailure != null) {
            finish(false);
            return;
        }
        if (flushed) {
            finish(true);
            return;
        }
        if (executor != null && ++stepsThisRun > STEPS_PER_RUN) {
            yielded = true; // give the thread back; the executor runs the next step
            return;
        }
        if (flushing) {
            flushed = true;
            device.flush(this);
            return;
        }
        if (pass < 0 || at >= capacity) {
            if (++pass == passes.size()) {
                flushing = true;
                drainLater(0);
                return;
            }
            nextPass(passes.get(pass));
        }
        if (unmapping) {
            long n = Math.min(UNMAP_CHUNK, capacity - at);
            inFlight = n;
            at += n;
            device.unmap(at - n, n, this);
            return;
        }
        if (rate > 0) {
            long due = startNanos + (long) (written * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                drainLater(wait);
                return;
            }
        }
        int n = (int) Math.min(buffer.capacity(), capacity - at);
        inFlight = n;
        written += n;
        at += n;
        device.write(at - n, buffer.duplicate().clear().limit(n), false, this);
    }

    /** A step that starts no I/O: come back through {@link #drain}, at once or after a delay. */
    private void drainLater(long nanos) {
        if (nanos <= 0) {
            wip.incrementAndGet(); // the loop in drain() runs one more step
            return;
        }
        Executor timer = executor == null ? CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS)
                : CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, executor);
        timer.execute(this::drain);
    }

    private void nextPass(Pass p) {
        at = 0;
        if (p.block() == null && device.capabilities().thinProvisioned()) {
            unmapping = true;
            buffer = null;
            return;
        }
        unmapping = false;
        int size = (int) Math.min(WRITE_CHUNK, capacity);
        buffer = ByteBuffer.allocate(size);
        if (p.block() != null) {
            for (int i = 0; i + p.block().length <= size; i += p.block().length) {
                buffer.put(i, p.block());
            }
        }
    }

    private void finish(boolean ok) {
        done = true;
        buffer = null;
        ExecContext w = waiter;
        waiter = null;
        if (!ok) {
            log.warn("{} of {} failed at byte {} of pass {}: {}", failure == SenseReason.SANITIZE_COMMAND_FAILED
                    ? "sanitize" : "format", device.name(), at, pass + 1, ioFailure, cause);
        }
        owner.withState(lu -> {
            if (ok) {
                lu.wholeMedium().succeeded();
            } else {
                lu.wholeMedium().failed(ause);
            }
            if (w != null) {
                w.complete(ok ? ScsiResponse.good(null, 0) : Failure.of(failure).toResponse(w.lu().descriptorSense()));
            }
        });
    }

}
