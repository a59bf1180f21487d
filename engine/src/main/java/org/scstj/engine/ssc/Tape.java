package org.scstj.engine.ssc;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TapeMedium;

import java.util.function.BiConsumer;

/**
 * What the SSC executors share: running a medium command in its turn on the drive, and ending it.
 */
final class Tape {
    private Tape() {
    }

    /**
     * Runs {@code body} with the LU's tape state and the cartridge when the medium commands before
     * this one are done (at once if none runs), on the LUN actor's thread. The body ends the command
     * with {@link #finish}. A command aborted while it waited ends without touching the medium; a
     * cartridge gone meanwhile (unloaded by another nexus) is NOT READY, MEDIUM NOT PRESENT.
     */
    static void inTurn(ExecContext ctx, BiConsumer<TapeState, TapeMedium> body) {
        TapeState tape = ctx.state().tape();
        tape.run(() -> {
            TapeMedium medium = ctx.lu().device().tape();
            if (ctx.aborted()) {
                finish(ctx, ScsiResponse.good(null, 0));
            } else if (medium == null || !ctx.lu().medium().present()) {
                finish(ctx, Failure.of(ctx.lu().medium().notPresent()).toResponse(ctx.lu().descriptorSense()));
            } else {
                try {
                    body.accept(tape, medium);
                } catch (RuntimeException e) {
                    finish(ctx, Failure.of(SenseReason.INTERNAL_TARGET_FAILURE).toResponse(ctx.lu().descriptorSense()));
                }
            }
        });
    }

    /** Ends the command with {@code response} and lets the next medium command run; from any thread. */
    static void finish(ExecContext ctx, ScsiResponse response) {
        ctx.complete(response);
        ctx.withState(state -> state.tape().done());
    }

    /** CHECK CONDITION with a stream condition (FILEMARK, EOM, ILI) and its residual, with what was transferred. */
    static ScsiResponse condition(ExecContext ctx, SenseReason reason, int flags, long residual,
                                  org.scstj.engine.spi.DataBuffer data, int transferred) {
        byte[] sense = Failure.stream(reason, flags, residual).sense(ctx.lu().descriptorSense());
        return new ScsiResponse(ScsiResponse.CHECK_CONDITION, sense, data, transferred);
    }

    /** A refusal of a command whose CDB does not fit the drive's state. */
    static ScsiResponse refuse(ExecContext ctx, Failure failure) {
        return failure.toResponse(ctx.lu().descriptorSense());
    }

    /** The early-warning zone before the end of a cartridge: 1/64 of it, at least 1 MiB (SSC-3 4.2.5 PEWZ). */
    static long earlyWarningZone(TapeMedium medium) {
        return Math.max(medium.capacityBytes() / 64, 1L << 20);
    }

    /** Past early warning: the next writes are told EOM (SSC-3 4.2.5). */
    static boolean pastEarlyWarning(TapeMedium medium) {
        return medium.usedBytes() >= medium.capacityBytes() - earlyWarningZone(medium);
    }
}
