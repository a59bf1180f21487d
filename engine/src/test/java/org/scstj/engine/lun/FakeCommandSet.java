package org.scstj.engine.lun;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * A command set for actor tests: it decodes for real, but its exec stage answers GOOD at once,
 * except SYNCHRONIZE CACHE (35h), which it holds until the test completes it through
 * {@link #held}, to stand for a command still in the device.
 */
final class FakeCommandSet {
    final LinkedBlockingQueue<ExecContext> held = new LinkedBlockingQueue<>();
    /** The disk's rows, decoding for real, with the fake exec stage. */
    final CommandSet set = CommandSets.DISK.executedBy((cdb, ctx) -> {
        if (cdb instanceof Cdb.SynchronizeCache) {
            held.add(ctx);
        } else {
            ctx.complete(ScsiResponse.good(null, 0));
        }
    });

    /** The sense reason of fixed-format sense data (SPC-5 4.4.3), or null without sense. */
    static SenseReason reasonOf(ScsiResponse r) {
        byte[] s = r.sense();
        if (s == null) {
            return null;
        }
        int key = s[2] & 0x0F;
        int asc = s[12] & 0xFF;
        int ascq = s[13] & 0xFF;
        for (SenseReason reason : SenseReason.values()) {
            if (reason.key().code() == key && reason.asc() == asc && reason.ascq() == ascq) {
                return reason;
            }
        }
        throw new AssertionError("unknown sense " + key + "/" + asc + "/" + ascq);
    }
}
