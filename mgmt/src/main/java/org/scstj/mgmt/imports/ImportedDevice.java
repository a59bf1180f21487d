package org.scstj.mgmt.imports;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device. When scstj has no handler for it ({@code supported} false) it is written commented
 * out, under the source's own handler name, so that nothing the source had is lost from view;
 * LUNs that map it are commented out with it.
 *
 * @param name      the device name (unique over all handlers)
 * @param handler   {@code vdisk_fileio}, {@code vdisk_blockio}, {@code vdisk_nullio} or
 *                  {@code vcdrom} when supported, else the source's handler ({@code block},
 *                  {@code dev_disk}, ...)
 * @param supported whether scstj can serve it
 * @param settings  the device's keys in scstj's words ({@code filename}, {@code image},
 *                  {@code size}, {@code block-size}, {@code read-only}, {@code write-back},
 *                  {@code write-through}, ...), only those the source stated: a {@link String}
 *                  (a path), a {@link Boolean}, an {@link Integer}, or a {@link Long} (a number of
 *                  bytes, written with HOCON's size units)
 */
public record ImportedDevice(String name, String handler, boolean supported, Map<String, Object> settings) {

    public ImportedDevice {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }
}
