package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code scstj.handlers.<type>.<device> { ... }} (SCST's HANDLER → DEVICE) into
 * {@link DeviceSpec}s: the type must be an installed handler, the device name unique over all
 * handlers, the keys known, {@code size} a size, and the handler's own
 * {@link DeviceHandlerFactory#validate} must accept the block.
 */
final class DeviceReader {
    /**
     * The keys each built-in handler reads (its {@code validate} stays authoritative for values).
     * A handler type missing here has its keys checked by its own {@code validate} only.
     */
    static final Map<String, Set<String>> DEVICE_KEYS = Map.of(
            "vdisk_fileio", Set.of("filename", "size", "block-size", "thin-provisioned", "read-only", "write-back"),
            "vdisk_nullio", Set.of("size", "block-size", "read-only"));

    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final ConfigReader reader;
    private final Map<String, DeviceHandlerFactory> factories;

    DeviceReader(ConfigReader reader, Map<String, DeviceHandlerFactory> factories) {
        this.reader = reader;
        this.factories = factories;
    }

    /** The devices in the order the file lists them. */
    List<DeviceSpec> read() {
        ConfigObject handlers = reader.written(KnownKeys.HANDLERS);
        if (handlers == null) {
            if (reader.value(KnownKeys.HANDLERS) != null && !(reader.value(KnownKeys.HANDLERS) instanceof ConfigObject)) {
                reader.problem(KnownKeys.HANDLERS, "expected an object { <handler type> { <device> { ... } } }");
            }
            return List.of();
        }
        record Written(String type, String name, int line) {
        }
        List<Written> written = new ArrayList<>();
        for (String type : handlers.keySet()) {
            List<String> typePath = ConfigReader.child(KnownKeys.HANDLERS, type);
            if (!factories.containsKey(type)) {
                reader.problem(typePath, "unknown handler type (known: "
                        + (factories.isEmpty() ? "none installed" : String.join(", ", factories.keySet())) + ")");
            } else if (!(handlers.get(type) instanceof ConfigObject devices)) {
                reader.problem(typePath, "expected an object { <device name> { ... } }");
            } else {
                reportRepeats(typePath);
                devices.keySet().forEach(name -> written.add(new Written(type, name, reader.line(ConfigReader.child(typePath, name)))));
            }
        }
        written.sort(Comparator.comparingInt(Written::line).thenComparing(Written::type).thenComparing(Written::name));
        List<DeviceSpec> found = new ArrayList<>();
        Map<String, String> typeOfName = new HashMap<>();
        for (Written w : written) {
            String type = w.type();
            String name = w.name();
            List<String> path = ConfigReader.child(KnownKeys.HANDLERS, type, name);
            String other = typeOfName.putIfAbsent(name, type);
            if (other != null) {
                reader.problem(path, "device name already used under " + ConfigReader.key(ConfigReader.child(KnownKeys.HANDLERS, other))
                        + " (line " + reader.line(ConfigReader.child(KnownKeys.HANDLERS, other, name)) + "); device names must be unique over all handlers");
                continue;
            }
            if (!DEVICE_NAME.matcher(name).matches()) {
                reader.problem(path, "a device name is 1..64 of A-Z a-z 0-9 _ . - starting with a letter or digit");
            }
            if (!(reader.value(path) instanceof ConfigObject block)) {
                reader.problem(path, "expected a device block { ... }");
                continue;
            }
            Config config = block.toConfig();
            if (!deviceProblems(factories.get(type), name, path, config)) {
                found.add(new DeviceSpec(name, type, config));
            }
        }
        return found;
    }

    /** HOCON merges a device block given twice; refuse that rather than guess which was meant. */
    private void reportRepeats(List<String> typePath) {
        reader.rawChildren(typePath).forEach((name, lines) -> {
            if (lines.size() > 1) {
                reader.problemAtLine(ConfigReader.child(typePath, name), lines.get(1),
                        "device defined twice (lines " + lines.get(0) + " and " + lines.get(1) + "); HOCON would merge the two blocks");
            }
        });
    }

    /** Checks one device's keys; true when it has problems. */
    private boolean deviceProblems(DeviceHandlerFactory factory, String name, List<String> path, Config config) {
        int before = reader.problems().size();
        Set<String> flagged = new HashSet<>();
        Set<String> known = DEVICE_KEYS.get(factory.type());
        if (known != null) {
            for (String key : config.root().keySet()) {
                if (!known.contains(key)) {
                    reader.problem(ConfigReader.child(path, key), "unknown key for a " + factory.type()
                            + " device (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                    flagged.add(key);
                }
            }
        }
        if (config.hasPath("size")) {
            try {
                if (config.getBytes("size") <= 0) {
                    reader.problem(ConfigReader.child(path, "size"), "must be more than 0 bytes");
                    flagged.add("size");
                }
            } catch (ConfigException e) {
                ConfigValue v = config.getValue("size");
                reader.problem(ConfigReader.child(path, "size"), "not a size: " + v.render()
                        + " (give bytes, or a number with a unit such as 512M, 10G, 1T)");
                flagged.add("size");
            }
        }
        List<String> answers;
        try {
            answers = factory.validate(name, config);
        } catch (RuntimeException e) {
            answers = List.of(": the " + factory.type() + " handler failed to check this device: " + e);
        }
        for (String answer : answers) {
            int colon = answer.indexOf(": ");
            String key = colon > 0 ? answer.substring(0, colon).strip() : "";
            String message = colon >= 0 ? answer.substring(colon + 2) : answer;
            if (flagged.contains(key)) {
                continue;
            }
            reader.problem(key.isEmpty() || !config.hasPathOrNull(key) ? path : ConfigReader.child(path, key.split("\\.")),
                    key.isEmpty() || config.hasPathOrNull(key) ? message : key + ": " + message);
        }
        return reader.problems().size() > before;
    }
}
