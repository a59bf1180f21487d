package org.scstj.engine.lu;

import org.scstj.engine.sense.SenseReason;

import java.util.concurrent.Executor;

/**
 * The whole-medium operations of one logical unit: FORMAT UNIT (SBC-4 5.3) and SANITIZE (SBC-4
 * 4.11, 5.30). One object per LU, owned by its LUN actor like {@link ModeParameters}: an operation
 * started through one nexus is what every nexus sees.
 *
 * <p>At most one operation runs at a time ({@link #begin}). While it runs, the LU answers other
 * commands NOT READY, FORMAT IN PROGRESS (04/04) or SANITIZE IN PROGRESS (04/1B), with the
 * {@link #progressIndication} in the sense key specific bytes (SBC-4 5.3.1, 4.11.1); see
 * {@link #condition}. The operation goes on whatever happens to the command that started it: it
 * may have returned status at once (IMMED), been aborted by task management, or lost its nexus
 * (SBC-4 4.11.1: a sanitize survives resets and I_T nexus loss). Its end is observed here:
 * {@link #condition} turns null (success) or into the failure the LU then reports.
 *
 * <p>An operation that fails leaves the medium unusable until it is redone: MEDIUM FORMAT
 * CORRUPTED (31/00) after a format, SANITIZE COMMAND FAILED (31/03) after a sanitize, the
 * "sanitize failure mode" that a SANITIZE EXIT FAILURE MODE may leave only if the failed sanitize
 * had AUSE set (SBC-4 4.11.3, unrestricted completion mode).
 *
 * <p>Threads: begun, ended and left (EXIT FAILURE MODE) only on the LUN actor's thread; the
 * operation's steps, on device and blocking-I/O threads, hand their end to the actor
 * ({@code exec.ExecContext#withState}) and publish their progress in one volatile counter
 * ({@link #advance}). The status is volatile for copies that look at another LU from their own
 * thread. Not persistent: a daemon restart forgets an operation in progress (SBC-4 would resume a
 * sanitize after power on).
 *
 * <p>For the LUN actor: a command-table row with whole-medium serialization starts such an
 * operation; running it alone (after the tasks before it left the device) keeps writes already in
 * flight from landing after the medium was erased. Every other command is answered from this state
 * by the row's whole-medium rule, in the last of the actor's checks.
 */
public final class WholeMediumState {

    /** Which whole-medium operation. */
    public enum Kind {
        FORMAT(SenseReason.NOT_READY_FORMAT_IN_PROGRESS, SenseReason.MEDIUM_FORMAT_CORRUPTED),
        SANITIZE(SenseReason.NOT_READY_SANITIZE_IN_PROGRESS, SenseReason.SANITIZE_COMMAND_FAILED);

        private final SenseReason inProgress;
        private final SenseReason failed;

        Kind(SenseReason inProgress, SenseReason failed) {
            this.inProgress = inProgress;
            this.failed = failed;
        }

        /** NOT READY while the operation runs: 04/04 FORMAT IN PROGRESS or 04/1B SANITIZE IN PROGRESS. */
        public SenseReason inProgress() {
            return inProgress;
        }
    }

    /** A running or failed operation; {@code total} is its work in bytes. */
    private record Status(Kind kind, boolean failed, boolean ause, long total) {
    }

    private final long bytesPerSecond;
    private final Executor executor;
    /** Null: idle, the medium is ready. */
    private volatile Status status;
    private volatile long done;

    /**
     * @param bytesPerSecond at most this many bytes written per second by an operation (0: no
     *                       limit), so a sanitize or format leaves bandwidth to the LUs sharing its
     *                       storage ({@code scstj.engine.whole-medium-rate})
     * @param executor       where an operation's steps run (the engine's blocking-I/O dispatcher: a
     *                       device that writes on the calling thread blocks it), never the thread
     *                       that started it; null to run each step on the thread that completed the
     *                       one before, the caller's for the first
     */
    public WholeMediumState(long bytesPerSecond, Executor executor) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.executor = executor;
    }

    /** The write rate limit in bytes per second, 0 for none. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Where an operation's steps run, or null for the thread that completed the step before. */
    public Executor executor() {
        return executor;
    }

    /**
     * Starts an operation of {@code totalWork} bytes; false if one is already running. Starting
     * from a failed state is how the medium recovers (SBC-4 4.11.3, 5.3.1).
     */
    public boolean begin(Kind kind, long totalWork) {
        Status s = status;
        if (s != null && !s.failed()) {
            return false;
        }
        done = 0;
        status = new Status(kind, false, false, Math.max(totalWork, 0));
        return true;
    }

    /** The running operation has done this many bytes of its work. */
    public void advance(long workDone) {
        done = workDone;
    }

    /** The running operation completed without error: the medium is ready. */
    public void succeeded() {
        status = null;
    }

    /**
     * The running operation failed: the LU reports the failure from now on.
     *
     * @param ause the SANITIZE had AUSE set: EXIT FAILURE MODE may leave the failure (SBC-4 4.11.3)
     */
    public void failed(boolean ause) {
        Status s = status;
        if (s != null && !s.failed()) {
            status = new Status(s.kind(), true, ause, s.total());
        }
    }

    /** The operation in progress, or null. */
    public Kind inProgress() {
        Status s = status;
        return s == null || s.failed() ? null : s.kind();
    }

    /** The failed operation whose failure the LU reports, or null. */
    public Kind failedOperation() {
        Status s = status;
        return s != null && s.failed() ? s.kind() : null;
    }

    /** True when a failed sanitize had AUSE set (unrestricted completion mode, SBC-4 4.11.3). */
    public boolean failedWithAuse() {
        Status s = status;
        return s != null && s.failed() && s.ause();
    }

    /**
     * SBC-4 5.30.6 EXIT FAILURE MODE: leaves a sanitize failure that had AUSE set. True when the LU
     * is not (or no longer) in sanitize failure mode; false when the failure may not be left this
     * way (restricted completion mode).
     */
    public boolean exitSanitizeFailure() {
        Status s = status;
        if (s == null || !s.failed() || s.kind() != Kind.SANITIZE) {
            return true;
        }
        if (s.ause()) {
            status = null;
            return true;
        }
        return false;
    }

    /**
     * What a command that may not run now is told: NOT READY 04/04 or 04/1B while an operation runs,
     * MEDIUM ERROR 31/00 or 31/03 after one failed; null when the medium is ready.
     */
    public SenseReason condition() {
        Status s = status;
        if (s == null) {
            return null;
        }
        return s.failed() ? s.kind().failed : s.kind().inProgress;
    }

    /**
     * SPC-5 4.4.2.4.3 PROGRESS INDICATION of the running operation: the fraction done as a numerator
     * over 10000h (0 when nothing runs).
     */
    public int progressIndication() {
        Status s = status;
        if (s == null || s.failed() || s.total() == 0) {
            return 0;
        }
        long d = Math.min(done, s.total());
        return (int) Math.min(0xFFFF, (long) (d * 65536.0 / s.total()));
    }
}
