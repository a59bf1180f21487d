package org.scstj.handlers.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reading a device's block against its handler's defaults in {@code scstj.handler-defaults}. */
public final class DeviceKeys {
    private DeviceKeys() {
    }

    /** The device block with the handler's documented defaults under it. */
    public static Config withDefaults(String handler, Config device) {
        return device.withFallback(ConfigFactory.defaultReference().getConfig("scstj.handler-defaults." + handler));
    }

    /** Problems ("key: message") with keys outside {@code allowed}. */
    public static List<String> unknownKeys(String handler, Config device, Set<String> allowed) {
        List<String> problems = new ArrayList<>();
        for (String key : device.root().keySet()) {
            if (!allowed.contains(key)) {
                problems.add(key + ": unknown key for a " + handler + " device (known: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return problems;
    }

    /** Reads a block size (512 or 4096), adding a problem if invalid. */
    public static int blockSize(Config c, List<String> problems) {
        try {
            int bs = c.getInt("block-size");
            if (bs != 512 && bs != 4096) {
                problems.add("block-size: must be 512 or 4096, was " + bs);
            }
            return bs;
        } catch (ConfigException e) {
            problems.add("block-size: " + e.getMessage());
            return 512;
        }
    }

    /** Reads a size in bytes (HOCON size units), adding a problem if invalid; -1 when absent. */
    public static long size(Config c, int blockSize, List<String> problems) {
        if (!c.hasPath("size")) {
            return -1;
        }
        try {
            long size = c.getBytes("size");
            if (size <= 0) {
                problems.add("size: must be positive, was " + size);
            } else if (size % blockSize != 0) {
                problems.add("size: " + size + " is not a multiple of the block size " + blockSize);
            }
            return size;
        } catch (ConfigException e) {
            problems.add("size: not a size: " + c.getValue("size").render()
                    + " (give bytes, or a number with a unit such as 512M, 10G, 1T)");
            return -1;
        }
    }

    /** Reads a boolean, adding a problem if invalid. */
    public static boolean bool(Config c, String key, List<String> problems) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException e) {
            problems.add(key + ": " + e.getMessage());
            return false;
        }
    }
}
