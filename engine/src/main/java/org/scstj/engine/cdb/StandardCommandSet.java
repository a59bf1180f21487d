package org.scstj.engine.cdb;

import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sbc.WholeMediumGate;
import org.scstj.engine.spi.ScsiResponse;

/** The command set scstj serves: {@link CdbDecoder} for the parse stage, {@link Commands} for exec. */
public final class StandardCommandSet implements CommandSet {
    @Override
    public Parsed parse(byte[] cdb) {
        return switch (CdbDecoder.decode(cdb)) {
            case Decoded.Ok ok -> new Parsed(ok.cdb(), null);
            case Decoded.Rejected rejected -> new Parsed(null, rejected.failure());
        };
    }

    /**
     * While the LU formats or sanitizes its medium (or after that failed), most commands are
     * answered from {@link WholeMediumGate} before they are dispatched, decodable or not.
     */
    @Override
    public void execute(Parsed command, ExecContext ctx) {
        ScsiResponse held = WholeMediumGate.check(command.cdb(), ctx);
        if (held != null) {
            ctx.complete(held);
            return;
        }
        if (command.decoded()) {
            Commands.execute(command.cdb(), ctx);
        } else {
            ctx.complete(command.failure().toResponse(ctx.lu().descriptorSense()));
        }
    }
}
