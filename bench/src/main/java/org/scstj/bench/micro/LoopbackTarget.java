package org.scstj.bench.micro;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBufAllocator;
import org.scstj.engine.ScsiEngine;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;
import org.scstj.transports.loopback.LoopbackSettings;
import org.scstj.transports.loopback.LoopbackTargetDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A running scstj engine with one target, started the way the daemon starts it (HOCON through
 * {@link ConfigLoader}, on top of every module's {@code reference.conf}, with the device handlers
 * found by {@link java.util.ServiceLoader}), and a {@link LoopbackTargetDriver} session logged in
 * to it. LUN 0 is a {@code vdisk_nullio} device, LUN 1 a {@code vdisk_fileio} device on
 * {@code /dev/shm} (tmpfs, so the file is in memory and the benchmark measures the engine and the
 * handler, not a disk); both with 512-byte blocks.
 *
 * <p>{@code -Dscstj.*} system properties override the configuration (dispatcher tuning from the
 * JMH command line: {@code -jvmArgsAppend -Dscstj.dispatchers.engine.throughput=1}).
 */
final class LoopbackTarget {
    static final String TARGET = "iqn.2026-11.org.scstj:bench";
    static final String INITIATOR = "iqn.2026-11.org.scstj:bench-initiator";
    static final int BLOCK = 512;
    /** The fileio LUN's size: room for 64 outstanding 1 MiB commands at distinct offsets. */
    static final long FILE_SIZE = 128L << 20;

    /** The LUN under test. */
    enum Lun {
        NULLIO(0), FILEIO(1);

        final long field;

        Lun(int number) {
            this.field = LoopbackSession.lun(number);
        }
    }

    private final Path stateDir;
    private final Path file;
    private final ScsiEngine engine;
    private final LoopbackTargetDriver driver;
    private final LoopbackSession session;

    private LoopbackTarget(Path stateDir, Path file, ScsiEngine engine, LoopbackTargetDriver driver,
                           LoopbackSession session) {
        this.stateDir = stateDir;
        this.file = file;
        this.engine = engine;
        this.driver = driver;
        this.session = session;
    }

    /** Starts the engine and the loopback driver with its default allocator. */
    static LoopbackTarget start() throws Exception {
        return start(LoopbackTargetDriver.POOLED_DIRECT);
    }

    /**
     * Starts the engine and the loopback driver, logs in and reports the power-on unit attentions.
     *
     * @param allocator where the driver's Data-In buffers come from
     */
    static LoopbackTarget start(ByteBufAllocator allocator) throws Exception {
        Path stateDir = Files.createTempDirectory("scstj-bench-state");
        Path shm = Path.of("/dev/shm");
        Path file = (Files.isDirectory(shm) ? shm : stateDir).resolve("scstj-bench-" + ProcessHandle.current().pid() + ".img");
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers {
                    vdisk_nullio { null0 { size = 1T, block-size = %d } }
                    vdisk_fileio { file0 { filename = "%s", size = %d, block-size = %d, thin-provisioned = false } }
                  }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]   # required by the model; the loopback driver binds nothing
                    targets { "%s" { luns { 0 = null0, 1 = file0 } } }
                  }
                }
                """.formatted(stateDir, BLOCK, file, FILE_SIZE, BLOCK, TARGET);
        ScstjConfig config = new ConfigLoader(ConfigLoader.installedHandlers())
                .load("bench", hocon, ConfigFactory.systemProperties().withOnlyPath("scstj"));
        ScsiEngine engine = ScsiEngine.start(config.engine(), config.config(), ConfigLoader.installedHandlers());
        LoopbackTargetDriver driver = new LoopbackTargetDriver(LoopbackSettings.DEFAULTS, allocator);
        LoopbackSession session;
        try {
            await(driver.start(engine.core()));
            session = await(driver.login(INITIATOR, TARGET));
            for (Lun lun : Lun.values()) {
                // SAM-5 5.14: the first command of a new nexus reports POWER ON 29/00; take it out of the way
                await(session.execute(lun.field, new byte[6], null, 0)).close();
            }
        } catch (Exception e) {
            await(driver.stop());
            await(engine.shutdown());
            throw e;
        }
        return new LoopbackTarget(stateDir, file, engine, driver, session);
    }

    LoopbackSession session() {
        return session;
    }

    LoopbackTargetDriver driver() {
        return driver;
    }

    /** Runs one command synchronously (setup and checks, not the measured path). */
    LoopbackResult run(Lun lun, byte[] cdb, java.nio.ByteBuffer dataOut, int dataIn) throws Exception {
        return await(session.execute(lun.field, cdb, dataOut, dataIn));
    }

    /** Stops the driver (closing the session) and the engine, and deletes the files. */
    void stop() throws Exception {
        try {
            await(driver.stop());
            if (driver.outstandingBuffers() != 0) {
                throw new IllegalStateException(driver.outstandingBuffers() + " Data-In buffers were not released");
            }
        } finally {
            await(engine.shutdown());
            Files.deleteIfExists(file);
            deleteTree(stateDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
