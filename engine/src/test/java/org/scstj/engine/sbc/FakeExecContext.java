package org.scstj.engine.sbc;

import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.exec.LuState;
import org.scstj.engine.lu.EchoBuffer;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitAttentions;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.lun.Checks;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TransportTask;

/**
 * An exec context for tests of one command's exec stage, without the LUN actor's checks but the
 * removable medium's (the LU's command set decodes, the row's executor runs); {@link #run} decodes
 * and executes one CDB and
 * returns the response. Like the LUN actor's task, it keeps the {@link ExecContext} contract on
 * Data-Out: once the Data-Out arrived, the response reports the CDB's Data-Out length
 * ({@link ExecContext#afterDataOut}). Its state actions run at once, on the calling thread, and an
 * abort of other tasks finds none.
 */
public final class FakeExecContext implements ExecContext {
    public static final Nexus NEXUS = new Nexus("iqn.2026-11.org.test:init", "iqn.2026-11.org.test:init,i,0x1",
            "iqn.2026-11.org.scstj:storage", "iqn.2026-11.org.scstj:storage,t,0x1", 3, 1);

    private final FakeTask task;
    private final LuContext lu;
    private final CommandSet.Parsed parsed;
    /** Unit attentions a command established, for tests that look. */
    public final UnitAttentions unitAttentions = new UnitAttentions();
    private final EchoBuffer echoBuffer = new EchoBuffer();
    private ScsiResponse response;
    private int completions;
    private volatile boolean dataOutTaken;
    /** Set by a test to play task management aborting the command. */
    public volatile boolean aborted;

    public FakeExecContext(FakeTask task, LuContext lu) {
        this(task, lu, null);
    }

    /**
     * A context whose LU's control state changes go to {@code control} (null: the single-node port
     * over this context's state, with nothing kept across a restart; "the actor" is the caller).
     */
    public FakeExecContext(FakeTask task, LuContext lu, org.scstj.engine.exec.LuControlPort control) {
        this.task = task;
        this.lu = lu;
        this.parsed = lu.commands().parse(task.cdb());
        this.control = control != null ? control : new org.scstj.engine.lun.LocalLuControl(state, null, Runnable::run);
    }

    /**
     * Decodes and starts one CDB, its Data-Out at once, and returns without waiting for the
     * response ({@link #response}, {@link #completions}): for a control port that answers later.
     */
    public static FakeExecContext start(LuContext lu, byte[] cdb, int edtl, byte[] dataOut,
                                        org.scstj.engine.exec.LuControlPort control) {
        FakeExecContext ctx = new FakeExecContext(new FakeTask(cdb, edtl, dataOut), lu, control);
        if (!ctx.parsed.decoded()) {
            throw new AssertionError("rejected: " + ctx.parsed.failure());
        }
        lu.commands().execute(ctx.parsed, ctx);
        return ctx;
    }

    public static LuContext lu(RamBlockDevice device, boolean writeProtected, boolean descriptorSense) {
        return LuContexts.of(0, device, writeProtected, NEXUS, descriptorSense);
    }

    /** Decodes and executes; fails the test if the CDB is rejected or complete is not called exactly once. */
    public static Outcome run(LuContext lu, byte[] cdb, int edtl, byte[] dataOut) {
        return run(lu, cdb, edtl, dataOut, Integer.MAX_VALUE);
    }

    /** As {@link #run(LuContext, byte[], int, byte[])}, with a transport that takes file segments from this length on. */
    public static Outcome run(LuContext lu, byte[] cdb, int edtl, byte[] dataOut, int zeroCopyMinLength) {
        FakeTask task = new FakeTask(cdb, edtl, dataOut);
        task.zeroCopyMinLength = zeroCopyMinLength;
        FakeExecContext ctx = new FakeExecContext(task, lu);
        if (!ctx.parsed.decoded()) {
            throw new AssertionError("rejected: " + ctx.parsed.failure());
        }
        // the LUN actor's check of a removable medium, the only one an exec stage test runs
        ScsiResponse noMedium = Checks.mediumPresent(ctx.parsed, lu.medium(), lu.descriptorSense());
        if (noMedium != null) {
            ctx.complete(noMedium);
        } else {
            lu.commands().execute(ctx.parsed, ctx);
        }
        if (ctx.completions != 1) {
            throw new AssertionError("complete called " + ctx.completions + " times");
        }
        return new Outcome(ctx.response, task);
    }

    /** The response and the task it ran on. */
    public record Outcome(ScsiResponse response, FakeTask task) {
        public byte[] data() {
            if (response.dataIn() == null) {
                return new byte[0];
            }
            byte[] b = new byte[response.dataIn().length()];
            response.dataIn().nio().get(b);
            return b;
        }

        public int status() {
            return response.status();
        }

        /** "KEY/ASC/ASCQ" in hex from fixed or descriptor sense, or "GOOD". */
        public String sense() {
            byte[] s = response.sense();
            if (s == null) {
                return response.status() == ScsiResponse.GOOD ? "GOOD" : "status " + response.status();
            }
            boolean descriptor = (s[0] & 0x7F) == 0x72;
            int key = (descriptor ? s[1] : s[2]) & 0x0F;
            int asc = (descriptor ? s[2] : s[12]) & 0xFF;
            int ascq = (descriptor ? s[3] : s[13]) & 0xFF;
            return String.format("%02X/%02X/%02X", key, asc, ascq);
        }
    }

    /** The response so far (null until complete), for tests that finish the device I/O themselves. */
    public ScsiResponse response() {
        return response;
    }

    @Override public TransportTask task() { return task; }
    @Override public LuContext lu() { return lu; }

    @Override
    public void complete(ScsiResponse response) {
        completions++;
        this.response = dataOutTaken ? ExecContext.afterDataOut(response, parsed.cdb(), lu.device().blockSize())
                : response;
    }

    @Override
    public void receiveData(int length, TransportTask.DataReceiver receiver) {
        task.receiveData(length, new TransportTask.DataReceiver() {
            @Override
            public void received(DataBuffer data) {
                dataOutTaken = true;
                receiver.received(data);
            }

            @Override
            public void failed(Throwable cause) {
                receiver.failed(cause);
            }
        });
    }

    @Override
    public boolean aborted() {
        return aborted;
    }

    @Override
    public LuState state() {
        return state;
    }

    @Override
    public void withState(java.util.function.Consumer<LuState> action) {
        action.accept(state);
    }

    private final LuState state = new LuState() {
        @Override public UnitAttentions unitAttentions() { return unitAttentions; }
        @Override public Reservations reservations() { return lu.reservations(); }
        @Override public ModeParameters mode() { return lu.mode(); }
        @Override public MediumState medium() { return lu.medium(); }
        @Override public WholeMediumState wholeMedium() { return lu.wholeMedium(); }
        @Override public EchoBuffer echoBuffer() { return echoBuffer; }

        @Override public org.scstj.engine.exec.LuControlPort control() { return control; }

        @Override
        public void abortTasksOf(java.util.function.Predicate<Nexus> whose, Nexus exceptNexus, long exceptTag,
                                 Runnable quiesced) {
            quiesced.run();
        }
    };

    private final org.scstj.engine.exec.LuControlPort control;

    /** How many times complete was called. */
    public int completions() {
        return completions;
    }
}
