package org.scstj.engine.cdb;

import org.scstj.engine.sam.CommandSet;
import org.scstj.engine.sam.ExecContext;

/** The command set scstj serves: {@link CdbDecoder} for the parse stage, {@link Commands} for exec. */
public final class StandardCommandSet implements CommandSet {
    @Override
    public Parsed parse(byte[] cdb) {
        return switch (CdbDecoder.decode(cdb)) {
            case Decoded.Ok ok -> new Parsed(ok.cdb(), null);
            case Decoded.Rejected rejected -> new Parsed(null, rejected.failure());
        };
    }

    @Override
    public void execute(Parsed command, ExecContext ctx) {
        if (command.decoded()) {
            Commands.execute(command.cdb(), ctx);
        } else {
            ctx.complete(command.failure().toResponse(ctx.lu().descriptorSense()));
        }
    }
}
