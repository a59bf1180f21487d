package org.scstj.mgmt;

import com.typesafe.config.ConfigFactory;
import org.scstj.engine.ScsiEngine;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.loopback.LoopbackSession;
import org.scstj.transports.loopback.LoopbackSettings;
import org.scstj.transports.loopback.LoopbackTargetDriver;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * For the tests that drive a device handler through the engine as the daemon runs it: an engine
 * started from a HOCON configuration with the installed handlers, the loopback target driver on
 * it, and one logged-in session. {@link #close} stops both (a restart is a close and a start).
 */
final class LoopbackEngine implements AutoCloseable {
    final ScsiEngine engine;
    final LoopbackTargetDriver driver;
    final LoopbackSession session;

    private LoopbackEngine(ScsiEngine engine, LoopbackTargetDriver driver, LoopbackSession session) {
        this.engine = engine;
        this.driver = driver;
        this.session = session;
    }

    /** Starts the engine on {@code hocon} (named {@code origin} in problems) and logs {@code initiator} in to {@code target}. */
    static LoopbackEngine start(String origin, String hocon, String target, String initiator) throws Exception {
        return start(origin, hocon, target, initiator, false);
    }

    /**
     * As {@link #start(String, String, String, String)}; with {@code sharedStorage} the engine starts
     * as a cluster node's does (the backing stores shared with other processes, the control state
     * still kept in each LUN actor): what a node's data path does, without a cluster.
     */
    static LoopbackEngine start(String origin, String hocon, String target, String initiator, boolean sharedStorage)
            throws Exception {
        ScstjConfig config = new ConfigLoader(ConfigLoader.installedHandlers()).load(origin, hocon, ConfigFactory.empty());
        ScsiEngine engine = sharedStorage
                ? ScsiEngine.start(config.engine(), config.config(), ConfigLoader.installedHandlers(),
                        system -> org.scstj.engine.exec.ControlPlane.LOCAL)
                : ScsiEngine.start(config.engine(), config.config(), ConfigLoader.installedHandlers());
        LoopbackTargetDriver driver = new LoopbackTargetDriver(LoopbackSettings.DEFAULTS, LoopbackTargetDriver.POOLED_DIRECT);
        try {
            await(driver.start(engine.core()));
            return new LoopbackEngine(engine, driver, await(driver.login(initiator, target)));
        } catch (Exception e) {
            await(engine.shutdown());
            throw e;
        }
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            await(driver.stop());
        } finally {
            await(engine.shutdown());
        }
    }
}
