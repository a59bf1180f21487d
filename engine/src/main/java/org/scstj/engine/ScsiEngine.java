package org.scstj.engine;

import com.typesafe.config.Config;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.ScsiCore;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The SCSI core: an actor system holding one actor per target, session, LUN and task-management
 * function. The daemon starts it with the configuration model, then hands {@link #core()} to
 * each target driver.
 */
public final class ScsiEngine {
    private ScsiEngine() {
    }

    /**
     * Opens every device and starts the actors.
     *
     * @param spec     devices and targets (validated by the caller)
     * @param config   the whole configuration (dispatchers and engine settings under {@code scstj})
     * @param handlers the device handler types available
     * @throws EngineStartException naming the device that could not be opened
     */
    public static ScsiEngine start(EngineSpec spec, Config config, List<DeviceHandlerFactory> handlers)
            throws EngineStartException {
        throw new EngineStartException("engine not built yet");
    }

    /** The core's side of the target-driver SPI. */
    public ScsiCore core() {
        throw new IllegalStateException();
    }

    /** Aborts what is outstanding, flushes and closes every device, stops the actors. */
    public CompletionStage<Void> shutdown() {
        throw new IllegalStateException();
    }

    /** The engine could not start; the message names the device or setting at fault. */
    public static final class EngineStartException extends Exception {
        public EngineStartException(String message) {
            super(message);
        }

        public EngineStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
