package org.scstj.mgmt;

import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.TargetDriver;
import com.typesafe.config.Config;
import org.scstj.mgmt.admin.AdminPlane;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The daemon: starts the engine on a validated configuration, then the iSCSI target driver on
 * the engine's core, serves until asked to stop, then stops the driver (ending every session)
 * before the engine (flushing and closing every device).
 */
final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final long START_SECONDS = 60;
    private static final long STOP_DRIVER_SECONDS = 30;
    private static final long STOP_ENGINE_SECONDS = 60;

    private final ScstjConfig config;
    private final List<DeviceHandlerFactory> handlers;
    private final Config document;
    private final Path file;

    /**
     * @param document the configuration as written ({@link ConfigLoader#document}), what the admin plane edits
     * @param file     the file it came from, where changes are written back; null for an embedded one
     */
    Daemon(ScstjConfig config, List<DeviceHandlerFactory> handlers, Config document, Path file) {
        this.config = config;
        this.handlers = handlers;
        this.document = document;
        this.file = file;
    }

    /**
     * Serves until SIGTERM/SIGINT; {@code onReady} runs once the portals are bound.
     *
     * @return the exit status: 0 after a clean stop, 1 when starting or stopping failed
     */
    int run(Runnable onReady) throws InterruptedException {
        describe();
        ShutdownSignal signal = ShutdownSignal.install(STOP_DRIVER_SECONDS + STOP_ENGINE_SECONDS + 5);
        try {
            return serve(signal, onReady);
        } finally {
            signal.finished();
        }
    }

    private int serve(ShutdownSignal signal, Runnable onReady) throws InterruptedException {
        try {
            java.nio.file.Files.createDirectories(config.engine().stateDir());
        } catch (java.io.IOException e) {
            log.error("cannot create the state directory {}: {}", config.engine().stateDir(), e.toString());
            return 1;
        }
        ScsiEngine engine;
        try {
            engine = ScsiEngine.start(config.engine(), config.config(), handlers);
        } catch (ScsiEngine.EngineStartException e) {
            log.error("cannot start the SCSI engine: {}", e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            log.error("cannot start the SCSI engine", e);
            return 1;
        }
        TargetDriver driver;
        try {
            driver = new IscsiTargetDriver(IscsiSettings.from(config.iscsi()));
        } catch (RuntimeException e) {
            log.error("cannot start the iSCSI target driver: {}", reason(e));
            stopEngine(engine);
            return 1;
        }
        // the admin API before the portals: once an initiator can log in, an operator can see it
        AdminPlane admin;
        try {
            admin = AdminPlane.start(engine, driver, handlers, config, document, file);
        } catch (java.io.IOException | RuntimeException e) {
            log.error("cannot start the admin API: {}", e.getMessage());
            stopEngine(engine);
            return 1;
        }
        try {
            await(driver.start(engine.core()), START_SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("cannot start the iSCSI target driver on {}: {}", config.portals(), reason(e));
            admin.stop();
            stopEngine(engine);
            return 1;
        }
        log.info("ready: iSCSI on {}", config.portals().stream().map(Object::toString).collect(Collectors.joining(", ")));
        if (file != null) {
            trapHangup(admin);
        }
        onReady.run();

        String cause = signal.await();
        log.info("{}: stopping", cause);
        admin.stop();
        boolean clean = stopDriver(driver);
        clean &= stopEngine(engine);
        log.info(clean ? "stopped" : "stopped, with errors");
        return clean ? 0 : 1;
    }

    /** SIGHUP applies the daemon's file again, through the admin plane (one at a time, on the signal's thread). */
    private static void trapHangup(AdminPlane admin) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> admin.reload());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("SIGHUP not trapped: no configuration reload");
        }
    }

    private static boolean stopDriver(TargetDriver driver) throws InterruptedException {
        return stop("stopping the iSCSI target driver", driver::stop, STOP_DRIVER_SECONDS);
    }

    private static boolean stopEngine(ScsiEngine engine) throws InterruptedException {
        return stop("stopping the SCSI engine (flushing devices)", engine::shutdown, STOP_ENGINE_SECONDS);
    }

    private static boolean stop(String what, Supplier<CompletionStage<Void>> stop, long seconds) throws InterruptedException {
        try {
            await(stop.get(), seconds);
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("{}: {}", what, reason(e));
            return false;
        }
    }

    private static void await(CompletionStage<Void> stage, long seconds)
            throws ExecutionException, TimeoutException, InterruptedException {
        stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof TimeoutException) {
            return "timed out";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Logs what is about to be served (names and LUNs only; the configuration may hold secrets). */
    private void describe() {
        log.info("configuration {}: {} device(s), {} target(s), state in {}", config.source(),
                config.engine().devices().size(), config.engine().targets().size(), config.engine().stateDir());
        config.engine().devices().forEach(d -> log.info("device {} ({})", d.name(), d.handlerType()));
        for (TargetSpec t : config.engine().targets()) {
            log.info("target {} (relative port {}): {}", t.name(), t.relativeTargetPortId(), luns(t.defaultLuns()));
            for (GroupSpec g : t.groups()) {
                log.info("  group {} {}: {}", g.name(), g.initiators(), luns(g.luns()));
            }
        }
    }

    /** One line per target: its LUNs and groups, for the log. */
    static String summary(ScstjConfig config) {
        return config.engine().targets().stream()
                .map(t -> t.name() + ": " + luns(t.defaultLuns()) + t.groups().stream()
                        .map(g -> "; group " + g.name() + " " + luns(g.luns())).collect(Collectors.joining()))
                .collect(Collectors.joining(" | "));
    }

    static String luns(List<LunMapping> luns) {
        if (luns.isEmpty()) {
            return "no LUNs";
        }
        return luns.stream()
                .map(l -> "LUN " + l.lun() + " = " + l.device() + (l.readOnly() ? " (read-only)" : ""))
                .collect(Collectors.joining(", "));
    }
}
