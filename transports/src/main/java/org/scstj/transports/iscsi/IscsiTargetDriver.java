package org.scstj.transports.iscsi;

import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.TargetDriver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The iSCSI target driver (RFC 7143) on Netty. */
public final class IscsiTargetDriver implements TargetDriver {
    private final IscsiSettings settings;

    public IscsiTargetDriver(IscsiSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "iscsi";
    }

    @Override
    public CompletionStage<Void> start(ScsiCore core) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("iscsi driver not built yet: " + settings));
    }

    @Override
    public CompletionStage<Void> stop() {
        return CompletableFuture.completedFuture(null);
    }
}
