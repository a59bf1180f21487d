package org.scstj.mgmt;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShutdownSignalTest {

    /** SIGINT is trapped: it wakes the daemon instead of ending the JVM (raised once: a second would halt). */
    @Test
    void sigint_asksTheDaemonToStop() throws Exception {
        ShutdownSignal signal = ShutdownSignal.install(1);
        try {
            CompletableFuture<String> cause = CompletableFuture.supplyAsync(() -> {
                try {
                    return signal.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            sun.misc.Signal.raise(new sun.misc.Signal("INT"));
            assertEquals("SIGINT", cause.get(10, TimeUnit.SECONDS));
        } finally {
            signal.finished();
        }
    }
}
