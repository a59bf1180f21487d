package org.scstj.handlers.user;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.BlockDevice.IoFailure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** How a device's I/O ended, for the tests: {@link #await} gives null when it completed, else its failure. */
final class IoOutcome implements BlockDevice.Completion {
    private final CompletableFuture<IoFailure> result = new CompletableFuture<>();

    @Override
    public void completed() {
        result.complete(null);
    }

    @Override
    public void failed(IoFailure failure, Throwable cause) {
        result.complete(failure);
    }

    IoFailure await() throws Exception {
        return result.get(20, TimeUnit.SECONDS);
    }
}
