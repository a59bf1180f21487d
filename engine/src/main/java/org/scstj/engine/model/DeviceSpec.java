package org.scstj.engine.model;

import com.typesafe.config.Config;

/**
 * One device: {@code scstj.handlers.<handlerType>.<name> { ... }}.
 *
 * @param name        device name, unique over all handlers
 * @param handlerType handler type, e.g. {@code vdisk_fileio}
 * @param config      the device block with the handler's defaults applied
 */
public record DeviceSpec(String name, String handlerType, Config config) {
}
