package org.scstj.mgmt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.transports.loopback.LoopbackSession;

import java.nio.file.Path;

/**
 * The base of a test that drives handlers through a running engine ({@link LoopbackEngine}): a
 * temporary directory, the engine and its one session while running, stopped after each test; a
 * test restarts it with {@link #shutdown} and {@link #run} again.
 */
abstract class EngineThroughLoopback {
    @TempDir
    Path dir;
    LoopbackEngine running;
    ScsiEngine engine;
    LoopbackSession session;

    /** Starts the engine on {@code hocon} and logs {@code initiator} in to {@code target}. */
    void run(String origin, String hocon, String target, String initiator) throws Exception {
        running = LoopbackEngine.start(origin, hocon, target, initiator);
        engine = running.engine;
        session = running.session;
    }

    @AfterEach
    void shutdown() throws Exception {
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
