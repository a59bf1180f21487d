package org.scstj.engine.spi;

import com.typesafe.config.Config;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * A device handler type ({@code vdisk_fileio}, {@code vdisk_nullio}, ...), found with
 * {@link java.util.ServiceLoader}. It opens one {@link BlockDevice} per configured device.
 */
public interface DeviceHandlerFactory {
    /** The handler's name as it appears under {@code scstj.handlers}. */
    String type();

    /**
     * Checks a device's configuration (the keys it knows, their values, and whether an existing
     * backing store fits them) without creating or changing anything; returns problems as
     * {@code key: message} lines, empty when the configuration is valid.
     */
    java.util.List<String> validate(String deviceName, Config deviceConfig);

    /**
     * Opens a device (creating a missing backing file when the configuration says how big it is).
     *
     * @param deviceConfig the device's block, with the handler's {@code reference.conf} defaults applied
     * @param context      what the engine lends the handler
     * @throws java.io.IOException when the backing store cannot be opened or created
     */
    BlockDevice open(String deviceName, Config deviceConfig, Context context) throws java.io.IOException;

    /**
     * The attribute keys a running device can change ({@link BlockDevice#setAttributes}); any other
     * key needs the device removed and added again. Default: none.
     */
    default java.util.Set<String> liveAttributes() {
        return java.util.Set.of();
    }

    /**
     * The configuration key naming a device's removable medium (a CD/DVD device's {@code image}),
     * or null (the default) for a handler without one. A change of that key to a running device is a
     * medium change ({@link BlockDevice#changeMedium}), not a re-add: the LU and its sessions stay.
     */
    default String mediumAttribute() {
        return null;
    }

    /**
     * Every key a device block of this handler accepts, for the management plane's forms and
     * help. Default: none described.
     */
    default java.util.List<Attribute> attributes() {
        return java.util.List.of();
    }

    /**
     * One configuration key of a device.
     *
     * @param name         the key, as under {@code scstj.handlers.<type>.<device>}
     * @param type         {@code size}, {@code bool}, {@code string}, {@code int} or {@code path}
     * @param unit         {@code bytes}, or empty
     * @param defaultValue the default as written in {@code reference.conf}, or null when the key has none
     * @param live         a running device can change it ({@link #liveAttributes})
     * @param description  one line
     */
    record Attribute(String name, String type, String unit, String defaultValue, boolean live, String description) {
    }

    /**
     * @param blockingExecutor where blocking I/O runs (the engine's {@code scstj.dispatchers.blocking-io})
     * @param stateDir         {@code scstj.state-dir}, for files a handler keeps
     * @param media            the engine's medium changes of other devices (a medium changer's drives)
     * @param sharedStorage    the daemon is a node of a cluster ({@code scstj.cluster}): other processes
     *                         serve the same backing stores, so {@link BlockDevice#lockShared} must
     *                         really lock (docs/design/cluster.md 4.7); false for a single node
     */
    record Context(Executor blockingExecutor, Path stateDir, Media media, boolean sharedStorage) {
        public Context(Executor blockingExecutor, Path stateDir) {
            this(blockingExecutor, stateDir, Media.NONE, false);
        }

        public Context(Executor blockingExecutor, Path stateDir, Media media) {
            this(blockingExecutor, stateDir, media, false);
        }
    }
}
