package org.scstj.engine.lu;

import org.scstj.engine.state.StateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The changeable mode parameters of one logical unit (SPC-5 7.5, SBC-4 6.5): one object per LU,
 * owned by its LUN actor, so a MODE SELECT through one nexus is what every nexus's next command
 * sees. Only the actor changes it: MODE SELECT, whose parameter list arrives on a transport thread,
 * hands the checked values to the actor, which applies them through the LU's control port
 * ({@code exec.LuControlPort}, {@link #apply} there), and a logical unit reset restores the saved
 * values. {@link #values} and {@link #install} give and take the current and saved values whole.
 * The current values are volatile so that commands may read them on any thread (D_SENSE for the
 * sense format of a failure a device reports, WCE, SWP).
 *
 * <p>Saved values (SPC-5 7.5.2, PS and SP): when the LU has a {@link StateFile} the Caching and
 * Control pages are savable. MODE SELECT with SP 1 writes the new values to the file (crash-safely,
 * on the blocking-I/O executor, {@link #save}) and the actor makes them current once they are
 * durable ({@link #applySaved}); at start the saved values, when there are any, are the current
 * ones (SPC-5 7.5.2: after power on the current values are the saved values). A damaged file is
 * reported ({@link #loadProblem}) and the defaults are used. Without a state file (tests, a device
 * with no state directory) nothing is savable and SP 1 is refused.
 *
 * <p>A MODE SELECT that changes the current values raises MODE PARAMETERS CHANGED (SPC-5 7.5.1)
 * for the other nexuses ({@code spc.ModeSelect}, through the LUN actor).
 */
public final class ModeParameters {
    /**
     * The changeable fields: Caching WCE, Control D_SENSE, SWP and UA_INTLCK_CTRL (00b, 10b or 11b).
     */
    public record Values(boolean wce, boolean dSense, boolean swp, int uaInterlock) {
        public Values(boolean wce, boolean dSense, boolean swp) {
            this(wce, dSense, swp, 0);
        }

        String text() {
            return "wce=" + wce + "\ndsense=" + dSense + "\nswp=" + swp + "\nuaintlck=" + uaInterlock + "\n";
        }

        static Values parse(String text) throws IOException {
            java.util.Properties p = new java.util.Properties();
            p.load(new java.io.StringReader(text));
            String ua = p.getProperty("uaintlck", "0");
            if (!ua.equals("0") && !ua.equals("2") && !ua.equals("3")) {
                throw new IOException("saved mode pages: uaintlck is " + ua);
            }
            return new Values(flag(p, "wce"), flag(p, "dsense"), flag(p, "swp"), Integer.parseInt(ua));
        }

        private static boolean flag(java.util.Properties p, String key) throws IOException {
            String v = p.getProperty(key);
            if (!"true".equals(v) && !"false".equals(v)) {
                throw new IOException("saved mode pages: " + key + " is " + v);
            }
            return Boolean.parseBoolean(v);
        }
    }

    /** Changes only with the device's cache ({@link #deviceCacheChanged}), on the owner's thread. */
    private volatile boolean writeBackDefault;
    private final StateFile store;
    private final Executor io;
    private final String loadProblem;
    private volatile boolean writeCacheEnabled;
    private volatile boolean descriptorSense;
    private volatile boolean softwareWriteProtect;
    private volatile int uaInterlock;
    /** SPC-5 7.5.8 TST and QERR: 000b and 00b, except as a pass-through device's Control page sets them. */
    private volatile int taskSetType;
    private volatile int queueErrorManagement;
    /** Owned by the actor's thread, like every change. */
    private Values saved;
    /** The last state-file write handed to the blocking executor: each write starts after the one before. */
    private CompletableFuture<Values> lastWrite = CompletableFuture.completedFuture(null);

    /** Default values: WCE as the device's cache, fixed-format sense, no software write protect; nothing savable. */
    public ModeParameters(boolean writeBackCache) {
        this.writeBackDefault = writeBackCache;
        this.writeCacheEnabled = writeBackCache;
        this.store = null;
        this.io = null;
        this.loadProblem = null;
    }

    /**
     * Savable parameters kept in {@code store}, saved on {@code io}: the saved values, if the file
     * holds any, become the current ones.
     */
    public ModeParameters(boolean writeBackCache, StateFile store, Executor io) {
        this.writeBackDefault = writeBackCache;
        this.writeCacheEnabled = writeBackCache;
        this.store = store;
        this.io = io;
        String problem = null;
        try {
            Optional<String> text = store.read();
            if (text.isPresent()) {
                Values v = Values.parse(text.get());
                saved = v;
                applyNow(v);
            }
        } catch (IOException e) {
            problem = e.getMessage();
        }
        this.loadProblem = problem;
    }

    /** Why the saved values could not be used at start (then the defaults are current), or null. */
    public String loadProblem() {
        return loadProblem;
    }

    /** True when the Caching and Control pages have saved values (PS 1). */
    public boolean savable() {
        return store != null;
    }

    /** SBC-4 6.5.5 Caching page WCE; when 0 every write is durable before completion (as FUA). */
    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    /** The default WCE: the device has a write-back cache. WCE is changeable only then. */
    public boolean writeBackDefault() {
        return writeBackDefault;
    }

    /** SPC-5 7.5.8 Control page D_SENSE: descriptor-format sense data. */
    public boolean descriptorSense() {
        return descriptorSense;
    }

    /** SPC-5 7.5.8 Control page SWP: the medium is write-protected (SBC-4 4.11). */
    public boolean softwareWriteProtect() {
        return softwareWriteProtect;
    }

    /**
     * SPC-5 7.5.8 Control page UA_INTLCK_CTRL: 00b a unit attention is cleared when a CHECK
     * CONDITION reports it; 10b and 11b it stays until REQUEST SENSE returns it, and with 11b a
     * command ended with BUSY, TASK SET FULL or RESERVATION CONFLICT leaves a unit attention
     * PREVIOUS ... STATUS (2C/09, 2C/0A, 2C/0B) behind.
     */
    public int uaInterlock() {
        return uaInterlock;
    }

    /**
     * SPC-5 7.5.8 Control page TST: 001b, each I_T nexus has its own task set (task attributes
     * order, CLEAR TASK SET clears and QERR aborts within it); 000b, one task set for all.
     */
    public boolean perNexusTaskSets() {
        return taskSetType == 0b001;
    }

    /**
     * SPC-5 7.5.8 Control page QERR: 00b, a CHECK CONDITION leaves the other tasks alone; 01b, it
     * aborts every other task in the task set; 11b, those of its own I_T nexus.
     */
    public int queueErrorManagement() {
        return queueErrorManagement;
    }

    /**
     * The Control page fields the core acts on, as a pass-through device reports them: the device
     * owns them (a MODE SELECT changes them there), the core follows.
     */
    public record Control(boolean dSense, boolean swp, int uaInterlock, int tst, int qErr) {
    }

    /**
     * A pass-through LU: the device's Control page, read back from it (at start, after a MODE
     * SELECT, after a logical unit reset), becomes what the core does; WCE stays as it was.
     */
    public void followDevice(Control c) {
        this.descriptorSense = c.dSense();
        this.softwareWriteProtect = c.swp();
        this.uaInterlock = c.uaInterlock();
        this.taskSetType = c.tst();
        this.queueErrorManagement = c.qErr();
    }

    /** The current values. */
    public Values current() {
        return new Values(writeCacheEnabled, descriptorSense, softwareWriteProtect, uaInterlock);
    }

    /** The saved values (SPC-5 7.5.2): what was last saved, else the defaults. */
    public Values saved() {
        Values s = saved;
        return s != null ? s : new Values(writeBackDefault, false, false, 0);
    }

    /**
     * The changeable values as data: the current ones and the saved ones (SPC-5 7.5.2), null
     * when nothing was saved (then the defaults are the saved values).
     */
    public record Data(Values current, Values saved) {
    }

    /** The current and saved values, as {@link #install} takes them. */
    public Data values() {
        return new Data(current(), saved);
    }

    /**
     * Replaces the current and saved values with {@code d} (as {@link #values} gave them, here or
     * where the LU's control state is kept); WCE only where the device has a write-back cache.
     * Nothing is written to the state file.
     */
    public void install(Data d) {
        saved = d.saved();
        applyNow(d.current());
    }

    /** Sets the current values of a MODE SELECT parameter list that passed every check. */
    public void apply(boolean wce, boolean dSense, boolean swp) {
        applyNow(new Values(wce, dSense, swp, uaInterlock));
    }

    /** Sets all current values of a MODE SELECT parameter list that passed every check. */
    public void apply(Values v) {
        applyNow(v);
    }

    private void applyNow(Values v) {
        this.writeCacheEnabled = v.wce() && writeBackDefault;
        this.descriptorSense = v.dSense();
        this.softwareWriteProtect = v.swp();
        this.uaInterlock = v.uaInterlock();
    }

    /**
     * SAM-2 5.9.7 d), SPC-5 7.5.2: after a logical unit reset the current values are the saved
     * values, or the defaults where none were saved.
     */
    public void restoreSaved() {
        applyNow(saved());
    }

    /** The current and saved values as {@link #restoreSaved} leaves them. */
    public Data afterReset() {
        return new Data(saved(), saved);
    }

    /**
     * MODE SELECT with SP 1, first half: writes {@code v} durably on the I/O executor (successive
     * writes in order); the stage completes with the values as saved (WCE only where the device
     * has a write-back cache), exceptionally when the write failed. Nothing changes yet: the owner
     * then calls {@link #applySaved} on its thread. Only for a {@link #savable} LU.
     */
    public CompletionStage<Values> save(Values v) {
        Values effective = new Values(v.wce() && writeBackDefault, v.dSense(), v.swp(), v.uaInterlock());
        String text = effective.text();
        CompletableFuture<Values> write = lastWrite.handle((prev, e) -> null).thenApplyAsync(x -> {
            try {
                store.write(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return effective;
        }, io);
        lastWrite = write;
        return write;
    }

    /**
     * The device's write-back cache was switched on or off by management (a live attribute
     * change): WCE becomes changeable or not, and its current value follows the device, on or off
     * (SBC-4 6.5.5). The owner reports MODE PARAMETERS CHANGED (SPC-5 5.14) to the LU's nexuses.
     * Saved values stay as they were; a logical unit reset applies them only where the device now
     * has a cache ({@link #restoreSaved}).
     */
    public void deviceCacheChanged(boolean writeBack) {
        this.writeBackDefault = writeBack;
        this.writeCacheEnabled = writeBack;
    }

    /** MODE SELECT with SP 1, second half, on the owner's thread: {@code v} is durable, saved and current. */
    public void applySaved(Values v) {
        saved = v;
        applyNow(v);
    }
}
